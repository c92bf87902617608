/** Reductions (PyTorch semantics: `dim` may be a number or list; omitted means all). */
import { native } from './native.js';
import { Tensor, wrapAll } from './tensor.js';
import type { DType } from './dtype.js';
import { bool, dims, fail, handle, int, num, optDtypeCode as dt, optInt } from './check.js';

const T = (h: number): Tensor => new Tensor(h);
type Dims = number | number[] | null | undefined;
const kd = (keepdim: unknown): boolean => bool(keepdim, 'keepdim');

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
  return T(native.sum(handle(t), dims(dim), kd(keepdim), dt(dtype)));
}
export function mean(t: Tensor, dim?: Dims, keepdim = false, dtype?: DType): Tensor {
  return T(native.mean(handle(t), dims(dim), kd(keepdim), dt(dtype)));
}
export function prod(t: Tensor, dim?: number, keepdim = false, dtype?: DType): Tensor {
  return T(native.prod(handle(t), optInt(dim, 'dim'), kd(keepdim), dt(dtype)));
}
/** Variance with Bessel's `correction` (1 = unbiased, PyTorch's default). */
export function variance(t: Tensor, dim?: Dims, correction = 1, keepdim = false): Tensor {
  return T(native.var(handle(t), dims(dim), int(correction, 'correction'), kd(keepdim)));
}
export function std(t: Tensor, dim?: Dims, correction = 1, keepdim = false): Tensor {
  return T(native.std(handle(t), dims(dim), int(correction, 'correction'), kd(keepdim)));
}
export function varMean(t: Tensor, dim?: Dims, correction = 1, keepdim = false): [Tensor, Tensor] {
  const [v, m] = wrapAll(native.varMean(handle(t), dims(dim), int(correction, 'correction'), kd(keepdim)));
  return [v, m];
}
export function amax(t: Tensor, dim: number | number[] = [], keepdim = false): Tensor {
  return T(native.amax(handle(t), dims(dim) ?? [], kd(keepdim)));
}
export function amin(t: Tensor, dim: number | number[] = [], keepdim = false): Tensor {
  return T(native.amin(handle(t), dims(dim) ?? [], kd(keepdim)));
}
/** Maximum of all elements (`max(t)`) or along a dim with indices (`max(t, dim)`). */
export function max(t: Tensor): Tensor;
export function max(t: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(t: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return dim === undefined ? T(native.maxAll(handle(t))) : pair(native.maxDim(handle(t), int(dim, 'dim'), kd(keepdim)));
}
export function min(t: Tensor): Tensor;
export function min(t: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(t: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return dim === undefined ? T(native.minAll(handle(t))) : pair(native.minDim(handle(t), int(dim, 'dim'), kd(keepdim)));
}
export function argmax(t: Tensor, dim?: number, keepdim = false): Tensor {
  return T(native.argmax(handle(t), optInt(dim, 'dim'), kd(keepdim)));
}
export function argmin(t: Tensor, dim?: number, keepdim = false): Tensor {
  return T(native.argmin(handle(t), optInt(dim, 'dim'), kd(keepdim)));
}
export function logsumexp(t: Tensor, dim: number | number[], keepdim = false): Tensor {
  return T(native.logsumexp(handle(t), dims(dim) ?? fail(dim, 'dim', 'a dim or an array of dims'), kd(keepdim)));
}
export function cumsum(t: Tensor, dim: number, dtype?: DType): Tensor {
  return T(native.cumsum(handle(t), int(dim, 'dim'), dt(dtype)));
}
export function cumprod(t: Tensor, dim: number, dtype?: DType): Tensor {
  return T(native.cumprod(handle(t), int(dim, 'dim'), dt(dtype)));
}
export function all(t: Tensor, dim?: number, keepdim = false): Tensor {
  return T(native.all(handle(t), optInt(dim, 'dim'), kd(keepdim)));
}
export function any(t: Tensor, dim?: number, keepdim = false): Tensor {
  return T(native.any(handle(t), optInt(dim, 'dim'), kd(keepdim)));
}
export function countNonzero(t: Tensor, dim?: Dims): Tensor {
  return T(native.countNonzero(handle(t), dims(dim)));
}
/** p-norm over `dim` (all elements when omitted); PyTorch's `Tensor.norm`. */
export function norm(t: Tensor, p = 2, dim?: Dims, keepdim = false): Tensor {
  return T(native.norm(handle(t), num(p, 'p'), dims(dim), kd(keepdim)));
}
