// Builds the native addon with npm's bundled node-gyp (serialised by a lock so that
// parallel builds in one checkout do not clash).
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findLibtorch } from './libtorch.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!findLibtorch()) {
  console.error("libtorch not found: run `npm run setup` (installs Debian's libtorch-dev), or set LIBTORCH=/path/to/libtorch");
  process.exit(1);
}
const npmDir = dirname(dirname(execFileSync('which', ['npm']).toString().trim()));
const candidates = [
  join(npmDir, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
];
const gyp = candidates.find((c) => existsSync(c));
if (!gyp) {
  console.error(`node-gyp not found next to npm (looked in ${candidates.join(', ')})`);
  process.exit(1);
}
const args = existsSync(join(root, 'build', 'Makefile')) ? ['build'] : ['rebuild'];
// Build against the Node.js headers installed with Node (no download) when present.
if (!process.env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h')) args.push('--nodedir=/usr');
const jobs = process.env.JOBS ?? '2';
const r = spawnSync('flock', [join(root, '.native-build.lock'), process.execPath, gyp, ...args, '--jobs', jobs], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
