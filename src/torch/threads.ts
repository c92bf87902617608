/**
 * Intra-op parallelism of libtorch (PyTorch's `torch.set_num_threads`). More threads
 * than cores only oversubscribe them: with OpenMP's spinning workers, 256 threads on
 * 2 cores make a 512×512 sum take minutes. `setNumThreads` therefore accepts at most
 * 4 threads per core this process may run on (`os.availableParallelism()`).
 */
import { availableParallelism } from 'node:os';
import { native } from './native.js';
import { int } from './check.js';

/** The most intra-op threads `setNumThreads` accepts: 4 per available core. */
export const maxNumThreads = (): number => 4 * availableParallelism();

export function setNumThreads(n: number): void {
  const max = maxNumThreads();
  int(n, 'n', 1);
  if (n > max)
    throw new RangeError(
      `setNumThreads: expected at most ${max} threads (4 per core; this process may run on ${availableParallelism()} cores) but received ${n}`,
    );
  native.setNumThreads(n);
}

export function getNumThreads(): number {
  return native.getNumThreads();
}
