/** Matrix products, einsum, distances, sorting and searching (top-level `torch.*`). */
import { native } from './native.js';
import { Tensor, wrapAll, wrapTemp } from './tensor.js';
import { allocation, bool, handle, int, num, optHandle, options, str, tensorList } from './check.js';
import type { ValuesIndices } from './reduce.js';

const T = (h: number): Tensor => new Tensor(h);

const pair = (hs: number[]): ValuesIndices => {
  const [values, indices] = wrapAll(hs);
  return { values, indices };
};

// ---------------------------------------------------------------- products
/** Matrix product with broadcasting: [..., n, m] @ [..., m, p] → [..., n, p]; 1-D operands are vectors. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  return T(native.matmul(handle(a), handle(b, 'other')));
}
/** Matrix product of 2-D tensors: [n, m] @ [m, p] → [n, p] (no broadcasting). */
export function mm(a: Tensor, b: Tensor): Tensor {
  return T(native.mm(handle(a), handle(b, 'mat2')));
}
/** Batched matrix product: [B, n, m] @ [B, m, p] → [B, n, p]. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  return T(native.bmm(handle(a), handle(b, 'mat2')));
}
/** Inner product of two 1-D tensors [n]·[n] → 0-d tensor. */
export function dot(a: Tensor, b: Tensor): Tensor {
  return T(native.dot(handle(a), handle(b, 'other')));
}
/** Outer product of 1-D tensors: [n] ⊗ [m] → [n, m]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  return T(native.outer(handle(a), handle(b, 'vec2')));
}
/** `beta * input + alpha * (mat1 @ mat2)`: input broadcastable to [n, p], mat1 [n, m], mat2 [m, p]. */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, opts?: { beta?: number; alpha?: number }): Tensor {
  const { beta = 1, alpha = 1 } = options(opts, 'addmm', ['beta', 'alpha']);
  return T(native.addmm(handle(input), handle(mat1, 'mat1'), handle(mat2, 'mat2'), num(beta, 'beta'), num(alpha, 'alpha')));
}
/** Einstein summation, e.g. `einsum('bij,bjk->bik', a, b)`; the output shape follows the equation. */
export function einsum(equation: string, ...tensors: Tensor[]): Tensor {
  str(equation, 'equation');
  return T(
    native.einsum(
      equation,
      tensorList(tensors, 'tensors').map((t) => t._h),
    ),
  );
}
/** Pairwise p-norm distances: x1 [..., P, M], x2 [..., R, M] → [..., P, R]. */
export function cdist(x1: Tensor, x2: Tensor, p = 2): Tensor {
  return T(native.cdist(handle(x1, 'x1'), handle(x2, 'x2'), num(p, 'p', 0)));
}

// ---------------------------------------------------------------- sorting
/** Sorts along `dim` (ascending unless `descending`); values and int64 indices have the input's shape. */
export function sort(t: Tensor, dim = -1, descending = false, stable = false): ValuesIndices {
  return pair(native.sort(handle(t), int(dim, 'dim'), bool(descending, 'descending'), bool(stable, 'stable')));
}
/** Indices (int64, the input's shape) that sort `t` along `dim`. */
export function argsort(t: Tensor, dim = -1, descending = false, stable = false): Tensor {
  return T(native.argsort(handle(t), int(dim, 'dim'), bool(descending, 'descending'), bool(stable, 'stable')));
}
/** The `k` largest (or smallest) entries along `dim`: values and indices of shape [..., k, ...]. */
export function topk(t: Tensor, k: number, dim = -1, largest = true, sorted = true): ValuesIndices {
  return pair(native.topk(handle(t), int(k, 'k', 0), int(dim, 'dim'), bool(largest, 'largest'), bool(sorted, 'sorted')));
}
/** The k-th smallest entry (1-based) along `dim`: values and indices with `dim` removed (kept with keepdim). */
export function kthvalue(t: Tensor, k: number, dim = -1, keepdim = false): ValuesIndices {
  return pair(native.kthvalue(handle(t), int(k, 'k', 1), int(dim, 'dim'), bool(keepdim, 'keepdim')));
}
/** Lower median of all elements (0-d), or along `dim` with indices (`dim` removed unless keepdim). */
export function median(t: Tensor): Tensor;
export function median(t: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function median(t: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  if (dim === undefined || dim === null) return T(native.median(handle(t)));
  return pair(native.medianDim(handle(t), int(dim, 'dim'), bool(keepdim, 'keepdim')));
}

export interface UniqueOptions {
  /** Sort the unique values ascending (default true; CPU always sorts). */
  sorted?: boolean;
  /** Also return, for each input element, the index of its value in the output. */
  returnInverse?: boolean;
  /** Also return how many times each unique value occurs. */
  returnCounts?: boolean;
  /** Unique slices along this dim instead of unique elements. */
  dim?: number;
}
/** `unique` with returnInverse or returnCounts: the unique values plus the requested extras. */
export interface UniqueResult {
  values: Tensor;
  /** int64 tensor of the input's shape (or [size(dim)] with dim); present with returnInverse. */
  inverseIndices?: Tensor;
  /** int64 tensor [numUnique]; present with returnCounts. */
  counts?: Tensor;
}
/** Unique elements ([numUnique], flattened) or unique slices along `dim`; extras as `{values, inverseIndices, counts}`. */
export function unique(t: Tensor, opts?: UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
export function unique(t: Tensor, opts: UniqueOptions): UniqueResult;
export function unique(t: Tensor, opts?: UniqueOptions): Tensor | UniqueResult {
  const {
    sorted = true,
    returnInverse = false,
    returnCounts = false,
    dim,
  } = options(opts, 'unique', ['sorted', 'returnInverse', 'returnCounts', 'dim']);
  const h = handle(t);
  const flags = [bool(sorted, 'sorted'), bool(returnInverse, 'returnInverse'), bool(returnCounts, 'returnCounts')];
  const hs: number[] = dim === undefined || dim === null ? native.unique(h, ...flags) : native.uniqueDim(h, int(dim, 'dim'), ...flags);
  const [values, inverse, counts] = wrapAll(hs);
  if (!returnInverse && !returnCounts) {
    inverse.dispose();
    counts.dispose();
    return values;
  }
  const out: UniqueResult = { values };
  if (returnInverse) out.inverseIndices = inverse;
  else inverse.dispose();
  if (returnCounts) out.counts = counts;
  else counts.dispose();
  return out;
}
/** Counts of each non-negative integer in a 1-D int tensor → [max(max + 1, minlength)] (weighted sums with weights). */
export function bincount(t: Tensor, opts?: { weights?: Tensor | null; minlength?: number }): Tensor {
  const { weights = null, minlength = 0 } = options(opts, 'bincount', ['weights', 'minlength']);
  const h = handle(t);
  const w = optHandle(weights, 'weights');
  int(minlength, 'minlength', 0);
  // The result has max(t) + 1 bins: check that they fit before libtorch allocates them.
  const integral = ['uint8', 'int8', 'int16', 'int32', 'int64'].includes(t.dtype);
  const bins = integral && t.numel() > 0 ? wrapTemp(native.maxAll(h), (m) => m.item()) + 1 : 0;
  allocation(Math.max(bins, minlength), 'bincount', 'float64');
  return T(native.bincount(h, w, minlength));
}

/** Methods installed on Tensor from this file (`a.matmul(b)`). */
export const tensorMethods = {
  matmul,
  mm,
  bmm,
  dot,
  outer,
  addmm,
  sort,
  argsort,
  topk,
  kthvalue,
  median,
  unique,
  bincount,
};

// Overloaded functions give their last signature to the derived method types; declare all of them.
declare module './tensor.js' {
  interface Tensor {
    median(): Tensor;
    median(dim: number, keepdim?: boolean): ValuesIndices;
    unique(opts?: UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
    unique(opts: UniqueOptions): UniqueResult;
  }
}
