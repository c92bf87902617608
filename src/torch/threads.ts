/** Intra-op parallelism of libtorch (PyTorch's `torch.set_num_threads`). */
import { native } from './native.js';
import { checkInt } from './errors.js';

export function setNumThreads(n: number): void {
  checkInt(n, 'n', 1);
  native.setNumThreads(n);
}

export function getNumThreads(): number {
  return native.getNumThreads();
}
