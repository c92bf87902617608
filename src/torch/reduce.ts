/** Reductions (PyTorch semantics: `dim` may be a number or list; omitted means all). */
import { native } from './native.js';
import { Tensor, wrapAll } from './tensor.js';
import { type DType, dtypeCode } from './dtype.js';

const T = (h: number): Tensor => new Tensor(h);
type Dims = number | number[] | null | undefined;
const dims = (d: Dims): number[] | null => (d === null || d === undefined ? null : typeof d === 'number' ? [d] : d);
const dt = (d?: DType): number | null => (d === undefined ? null : dtypeCode[d]);

/** Values and their indices along a dim. */
export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

const pair = (hs: number[]): ValuesIndices => {
  const [values, indices] = wrapAll(hs);
  return { values, indices };
};

export function sum(t: Tensor, dim?: Dims, keepdim = false, dtype?: DType): Tensor {
  return T(native.sum(t._h, dims(dim), keepdim, dt(dtype)));
}
export function mean(t: Tensor, dim?: Dims, keepdim = false, dtype?: DType): Tensor {
  return T(native.mean(t._h, dims(dim), keepdim, dt(dtype)));
}
export function prod(t: Tensor, dim?: number, keepdim = false, dtype?: DType): Tensor {
  return T(native.prod(t._h, dim ?? null, keepdim, dt(dtype)));
}
/** Variance with Bessel's `correction` (1 = unbiased, PyTorch's default). */
export function variance(t: Tensor, dim?: Dims, correction = 1, keepdim = false): Tensor {
  return T(native.var(t._h, dims(dim), correction, keepdim));
}
export function std(t: Tensor, dim?: Dims, correction = 1, keepdim = false): Tensor {
  return T(native.std(t._h, dims(dim), correction, keepdim));
}
export function varMean(t: Tensor, dim?: Dims, correction = 1, keepdim = false): [Tensor, Tensor] {
  const [v, m] = wrapAll(native.varMean(t._h, dims(dim), correction, keepdim));
  return [v, m];
}
export function amax(t: Tensor, dim: number | number[] = [], keepdim = false): Tensor {
  return T(native.amax(t._h, dims(dim), keepdim));
}
export function amin(t: Tensor, dim: number | number[] = [], keepdim = false): Tensor {
  return T(native.amin(t._h, dims(dim), keepdim));
}
/** Maximum of all elements (`max(t)`) or along a dim with indices (`max(t, dim)`). */
export function max(t: Tensor): Tensor;
export function max(t: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(t: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return dim === undefined ? T(native.maxAll(t._h)) : pair(native.maxDim(t._h, dim, keepdim));
}
export function min(t: Tensor): Tensor;
export function min(t: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(t: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return dim === undefined ? T(native.minAll(t._h)) : pair(native.minDim(t._h, dim, keepdim));
}
export function argmax(t: Tensor, dim?: number, keepdim = false): Tensor {
  return T(native.argmax(t._h, dim ?? null, keepdim));
}
export function argmin(t: Tensor, dim?: number, keepdim = false): Tensor {
  return T(native.argmin(t._h, dim ?? null, keepdim));
}
export function logsumexp(t: Tensor, dim: number | number[], keepdim = false): Tensor {
  return T(native.logsumexp(t._h, dims(dim), keepdim));
}
export function cumsum(t: Tensor, dim: number, dtype?: DType): Tensor {
  return T(native.cumsum(t._h, dim, dt(dtype)));
}
export function cumprod(t: Tensor, dim: number, dtype?: DType): Tensor {
  return T(native.cumprod(t._h, dim, dt(dtype)));
}
export function all(t: Tensor, dim?: number, keepdim = false): Tensor {
  return T(native.all(t._h, dim ?? null, keepdim));
}
export function any(t: Tensor, dim?: number, keepdim = false): Tensor {
  return T(native.any(t._h, dim ?? null, keepdim));
}
export function countNonzero(t: Tensor, dim?: Dims): Tensor {
  return T(native.countNonzero(t._h, dims(dim)));
}
/** p-norm over `dim` (all elements when omitted); PyTorch's `Tensor.norm`. */
export function norm(t: Tensor, p = 2, dim?: Dims, keepdim = false): Tensor {
  return T(native.norm(t._h, p, dims(dim), keepdim));
}
