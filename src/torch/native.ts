/**
 * Loads the native addon (libtorch behind N-API) once. When it cannot be loaded,
 * the error lists the possible fixes. `SELFSUP_NATIVE=/path/addon.node` selects
 * another build of the addon.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TorchError } from './errors.js';

/** The addon's export table: one function per op, tensors passed as integer handles. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Native = Record<string, (...args: any[]) => any>;

/** The folder holding selfsup's package.json. */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('selfsup: cannot locate the package root (no package.json above the module)');
    dir = up;
  }
  return dir;
})();

/** The message for an addon that failed to load: what happened and the possible fixes. */
export function explainLoadFailure(path: string, built: boolean, reason: string): string {
  const fixes = [
    built ? null : `the addon is not built: run \`npm run setup\` (or \`npm run build:native\`) in ${packageRoot}`,
    /libtorch|libc10|cannot open shared object/.test(reason)
      ? 'libtorch cannot be loaded: install it with `apt-get install libtorch-dev`, or set LIBTORCH to the libtorch folder the addon was built against and run `npm run build:native`'
      : null,
    /NODE_MODULE_VERSION|undefined symbol/.test(reason)
      ? 'the addon was built for another Node.js or libtorch: rebuild with `npm run build:native`'
      : null,
  ].filter((x): x is string => x !== null);
  if (fixes.length === 0) fixes.push('rebuild with `npm run build:native`; if that fails, run `npm run setup`');
  return `selfsup: cannot load the native addon ${path}: ${reason}\nPossible fixes:\n  - ${fixes.join('\n  - ')}`;
}

function load(): Native {
  const path = process.env.SELFSUP_NATIVE || join(packageRoot, 'build', 'Release', 'selfsup_native.node');
  const require = createRequire(import.meta.url);
  let n: Native;
  try {
    n = require(path) as Native;
  } catch (e) {
    throw new Error(explainLoadFailure(path, existsSync(path), (e as Error).message));
  }
  n.setErrorClass(TorchError);
  return n;
}

export const native: Native = load();

// libgomp may start libtorch with one thread even on a multi-core machine (it does on
// this project's 2-core CI machines); unless OMP_NUM_THREADS says otherwise, use every
// core the process may run on, as PyTorch intends.
if (process.env.OMP_NUM_THREADS === undefined && native.getNumThreads() < availableParallelism()) native.setNumThreads(availableParallelism());
