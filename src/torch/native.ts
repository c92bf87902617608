/**
 * Loads the native addon (libtorch behind N-API) once. When it cannot be loaded,
 * the error lists the possible fixes. `SELFSUP_NATIVE=/path/addon.node` selects
 * another build of the addon. Process settings made at load, each unless the
 * user's environment makes it: libtorch's intra-op threads sleep when idle
 * (OMP_WAIT_POLICY=passive), use every core, and freed blocks of 1 MiB or more are
 * cached for reuse (the caching CPU allocator).
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

/**
 * Environment variables selfsup set for itself because the user had not (child
 * processes that should run with their own defaults, such as the PyTorch side of
 * the benchmarks, leave these out).
 */
const defaulted: Record<string, string> = {};
export const defaultedEnv: Readonly<Record<string, string>> = defaulted;

// OpenMP's default wait policy lets libtorch's idle threads spin up to ~3 ms after
// each parallel region. When another process (or our own decode workers) holds a
// core, a spinning thread takes turns with the one that has the work: a small MLP
// step took 16 ms instead of 0.4 ms. Passive threads sleep at once; libgomp reads
// the setting when libtorch loads, so it is made here, before the addon is loaded.
// OMP_WAIT_POLICY=active (dedicated machines) or GOMP_SPINCOUNT override it.
if (process.env.OMP_WAIT_POLICY === undefined && process.env.GOMP_SPINCOUNT === undefined)
  process.env.OMP_WAIT_POLICY = defaulted.OMP_WAIT_POLICY = 'passive';

export const native: Native = load();

// libgomp may start libtorch with one thread even on a multi-core machine (it does on
// this project's 2-core CI machines); unless OMP_NUM_THREADS says otherwise, use every
// core the process may run on, as PyTorch intends.
if (process.env.OMP_NUM_THREADS === undefined && native.getNumThreads() < availableParallelism())
  native.setNumThreads(availableParallelism());

// Freed blocks of 1 MiB or more are kept for reuse instead of going back to the OS
// (native/cpu_allocator.cc: glibc's own policy page-faulted a conv net's activations
// in again every step). SELFSUP_CPU_CACHE=0 keeps libtorch's own allocator.
if (process.env.SELFSUP_CPU_CACHE !== '0') native.useCachingCpuAllocator();
