/** Matrix products, einsum, distances, sorting and searching (top-level `torch.*`). */
import { native } from './native.js';
import { Tensor, wrapAll } from './tensor.js';
import { check, checkInt } from './errors.js';
import type { ValuesIndices } from './reduce.js';

const T = (h: number): Tensor => new Tensor(h);

function tensorArg(x: unknown, name: string): asserts x is Tensor {
  check(x instanceof Tensor, 'a Tensor', name, x);
}
const pair = (hs: number[]): ValuesIndices => {
  const [values, indices] = wrapAll(hs);
  return { values, indices };
};

// ---------------------------------------------------------------- products
/** Matrix product with broadcasting: [..., n, m] @ [..., m, p] → [..., n, p]; 1-D operands are vectors. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  tensorArg(b, 'other');
  return T(native.matmul(a._h, b._h));
}
/** Matrix product of 2-D tensors: [n, m] @ [m, p] → [n, p] (no broadcasting). */
export function mm(a: Tensor, b: Tensor): Tensor {
  tensorArg(b, 'mat2');
  return T(native.mm(a._h, b._h));
}
/** Batched matrix product: [B, n, m] @ [B, m, p] → [B, n, p]. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  tensorArg(b, 'mat2');
  return T(native.bmm(a._h, b._h));
}
/** Inner product of two 1-D tensors [n]·[n] → 0-d tensor. */
export function dot(a: Tensor, b: Tensor): Tensor {
  tensorArg(b, 'other');
  return T(native.dot(a._h, b._h));
}
/** Outer product of 1-D tensors: [n] ⊗ [m] → [n, m]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  tensorArg(b, 'vec2');
  return T(native.outer(a._h, b._h));
}
/** `beta * input + alpha * (mat1 @ mat2)`: input broadcastable to [n, p], mat1 [n, m], mat2 [m, p]. */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, opts: { beta?: number; alpha?: number } = {}): Tensor {
  tensorArg(mat1, 'mat1');
  tensorArg(mat2, 'mat2');
  return T(native.addmm(input._h, mat1._h, mat2._h, opts.beta ?? 1, opts.alpha ?? 1));
}
/** Einstein summation, e.g. `einsum('bij,bjk->bik', a, b)`; the output shape follows the equation. */
export function einsum(equation: string, ...tensors: Tensor[]): Tensor {
  check(typeof equation === 'string', 'an equation string', 'equation', equation);
  tensors.forEach((t, i) => tensorArg(t, `tensors[${i}]`));
  return T(native.einsum(equation, tensors.map((t) => t._h)));
}
/** Pairwise p-norm distances: x1 [..., P, M], x2 [..., R, M] → [..., P, R]. */
export function cdist(x1: Tensor, x2: Tensor, p = 2): Tensor {
  tensorArg(x2, 'x2');
  check(typeof p === 'number' && p >= 0, 'a non-negative number', 'p', p);
  return T(native.cdist(x1._h, x2._h, p));
}

// ---------------------------------------------------------------- sorting
/** Sorts along `dim` (ascending unless `descending`); values and int64 indices have the input's shape. */
export function sort(t: Tensor, dim = -1, descending = false, stable = false): ValuesIndices {
  checkInt(dim, 'dim');
  return pair(native.sort(t._h, dim, descending, stable));
}
/** Indices (int64, the input's shape) that sort `t` along `dim`. */
export function argsort(t: Tensor, dim = -1, descending = false, stable = false): Tensor {
  checkInt(dim, 'dim');
  return T(native.argsort(t._h, dim, descending, stable));
}
/** The `k` largest (or smallest) entries along `dim`: values and indices of shape [..., k, ...]. */
export function topk(t: Tensor, k: number, dim = -1, largest = true, sorted = true): ValuesIndices {
  checkInt(k, 'k', 0);
  checkInt(dim, 'dim');
  return pair(native.topk(t._h, k, dim, largest, sorted));
}
/** The k-th smallest entry (1-based) along `dim`: values and indices with `dim` removed (kept with keepdim). */
export function kthvalue(t: Tensor, k: number, dim = -1, keepdim = false): ValuesIndices {
  checkInt(k, 'k', 1);
  checkInt(dim, 'dim');
  return pair(native.kthvalue(t._h, k, dim, keepdim));
}
/** Lower median of all elements (0-d), or along `dim` with indices (`dim` removed unless keepdim). */
export function median(t: Tensor): Tensor;
export function median(t: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function median(t: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  if (dim === undefined || dim === null) return T(native.median(t._h));
  checkInt(dim, 'dim');
  return pair(native.medianDim(t._h, dim, keepdim));
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
export function unique(t: Tensor, opts: UniqueOptions = {}): Tensor | UniqueResult {
  const { sorted = true, returnInverse = false, returnCounts = false, dim } = opts;
  if (dim !== undefined && dim !== null) checkInt(dim, 'dim');
  const hs: number[] = dim === undefined || dim === null
    ? native.unique(t._h, sorted, returnInverse, returnCounts)
    : native.uniqueDim(t._h, dim, sorted, returnInverse, returnCounts);
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
export function bincount(t: Tensor, opts: { weights?: Tensor | null; minlength?: number } = {}): Tensor {
  const { weights = null, minlength = 0 } = opts;
  if (weights !== null) tensorArg(weights, 'weights');
  checkInt(minlength, 'minlength', 0);
  return T(native.bincount(t._h, weights === null ? null : weights._h, minlength));
}

/** Methods installed on Tensor from this file (`a.matmul(b)`). */
export const tensorMethods = {
  matmul, mm, bmm, dot, outer, addmm, sort, argsort, topk, kthvalue, median, unique, bincount,
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
