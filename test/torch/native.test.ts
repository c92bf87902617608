import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { explainLoadFailure } from '../../src/torch/native.js';
import { root } from '../helpers.js';

test('an addon that cannot be loaded gives an error listing the fixes', () => {
  const r = spawnSync(process.execPath, ['-e', `import(${JSON.stringify(join(root, 'dist', 'src', 'index.js'))})`], {
    env: { ...process.env, SELFSUP_NATIVE: '/nonexistent/selfsup_native.node' },
    encoding: 'utf8',
  });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /selfsup: cannot load the native addon \/nonexistent\/selfsup_native\.node/);
  assert.match(r.stderr, /Possible fixes:\n {2}- the addon is not built: run `npm run setup`/);
});

test('load failures name the fix for each cause', () => {
  const lib = explainLoadFailure('/x.node', true, 'libtorch_cpu.so: cannot open shared object file');
  assert.match(lib, /apt-get install libtorch-dev/);
  assert.match(lib, /LIBTORCH/);
  assert.doesNotMatch(lib, /not built/);
  const abi = explainLoadFailure('/x.node', true, 'was compiled against a different Node.js version using NODE_MODULE_VERSION 108');
  assert.match(abi, /built for another Node\.js or libtorch: rebuild with `npm run build:native`/);
  const other = explainLoadFailure('/x.node', true, 'something else');
  assert.match(other, /rebuild with `npm run build:native`; if that fails, run `npm run setup`/);
});
