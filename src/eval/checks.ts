/**
 * Shape and label checks shared by the evaluation layer (plain values go through
 * src/torch/check.ts inside `within(fn, …)`). Every error names the function, the
 * argument, what was expected and what was received.
 */
import * as torch from '../torch/index.js';
import { tensor, within } from '../torch/check.js';

type Tensor = torch.Tensor;

/** Checks a 2-D floating matrix [N, D] with N ≥ 1 and returns [N, D]. */
export function checkMatrix(fn: string, name: string, value: unknown, dims = '[N, D]'): [number, number] {
  const t = within(fn, () => tensor(value, name));
  if (t.ndim !== 2) throw new RangeError(`${fn}: expected ${name} of shape ${dims} but received [${t.shape}]`);
  if (t.shape[0] === 0) throw new RangeError(`${fn}: expected at least one row in ${name} but received [${t.shape}]`);
  return [t.shape[0], t.shape[1]];
}

/**
 * Checks int64 class labels [n] with values in [0, numClasses). A shape error
 * states `pairing` (e.g. "scores [N, C] and labels [N]") and the shapes of
 * `other` (the tensor the labels belong to) and `labels`.
 */
export function checkLabels(fn: string, name: string, value: unknown, n: number, numClasses: number, pairing: string, other: Tensor): void {
  const labels = within(fn, () => tensor(value, name));
  if (labels.ndim !== 1 || labels.shape[0] !== n)
    throw new RangeError(`${fn}: expected ${pairing} but received [${other.shape}] and [${labels.shape}]`);
  if (labels.dtype !== 'int64') throw new TypeError(`${fn}: expected int64 class indices for ${name} but received dtype ${labels.dtype}`);
  const [lo, hi] = torch.scope(() => [labels.min().item(), labels.max().item()]);
  if (lo < 0 || hi >= numClasses)
    throw new RangeError(`${fn}: expected ${name} in [0, ${numClasses}) but received values in [${lo}, ${hi}]`);
}

/** The values of a 1-D tensor or an array as float64 numbers (on the CPU). */
export function toFloat64(fn: string, name: string, v: ArrayLike<number> | Tensor): Float64Array {
  if (!(v instanceof torch.Tensor)) return Float64Array.from(v);
  if (v.ndim !== 1) throw new RangeError(`${fn}: expected ${name} of shape [N] but received [${v.shape}]`);
  return torch.scope(() => v.to({ device: 'cpu', dtype: 'float64' }).data() as Float64Array);
}
