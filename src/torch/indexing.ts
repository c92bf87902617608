/**
 * Indexing: PyTorch's `t[...]` as `index()`, index tensors and masks, and the
 * gather / scatter / index_* families. Re-exported by `shape.ts`.
 */
import { native } from './native.js';
import { Tensor } from './tensor.js';
import { bool, describe, fail, handle, int, oneOf, options, scalar, tensor as checkTensor } from './check.js';
import { dtypeCode } from './dtype.js';
import { tensor, type NestedArray } from './creation.js';

const T = (h: number): Tensor => new Tensor(h);

/**
 * One entry of `index()`: an integer, a slice, null (new axis), '...', a boolean,
 * an index tensor (int64, or bool/uint8 mask) or a nested array of integers or booleans.
 */
export type Index = number | boolean | Slice | null | '...' | Tensor | NestedArray[];
/** A Python-style slice `start:stop:step`; omitted ends mean the whole dim. */
export interface Slice {
  start?: number | null;
  stop?: number | null;
  step?: number;
}
/** Shorthand for a slice: `slice(1, 5)` is `1:5`, `slice(null, null, 2)` is `::2`, `slice(-2)` is `-2:`. */
export function slice(start: number | null = null, stop: number | null = null, step = 1): Slice {
  return { start, stop, step };
}

const isMask = (x: Tensor): boolean => x.dtype === 'bool' || x.dtype === 'uint8';
const INTEGER = new Set(['int8', 'int16', 'int32', 'int64']);

/** Arrays become index tensors (owned by `temps`); other entries are checked. */
function normalize(i: unknown, k: number, temps: Tensor[]): Exclude<Index, NestedArray[]> {
  if (i === null || i === '...' || typeof i === 'number' || typeof i === 'boolean' || i instanceof Tensor) return i;
  if (Array.isArray(i)) {
    const leaves = i.flat(Infinity) as unknown[];
    const bools = leaves.length > 0 && leaves.every((v) => typeof v === 'boolean');
    if (!bools && !leaves.every(Number.isInteger))
      throw new TypeError(`Expected an array of integers or of booleans for indices[${k}] but received ${describe(i)}`);
    const x = bools ? tensor(i) : tensor(i, { dtype: 'int64' });
    temps.push(x);
    return x;
  }
  if (typeof i === 'object' && i !== null) {
    const { start = null, stop = null, step = 1 } = options(i as Slice, `indices[${k}] (a slice)`, ['start', 'stop', 'step']);
    const end = (v: unknown, name: string): number | null => (v === null ? null : int(v, `indices[${k}].${name}`));
    if (!Number.isInteger(step) || (step as number) <= 0)
      throw new RangeError(`index: slice step must be a positive integer but received ${describe(step)}`);
    return { start: end(start, 'start'), stop: end(stop, 'stop'), step: int(step, `indices[${k}].step`, 1) };
  }
  throw new TypeError(`Expected an integer, slice, null, "...", boolean, array or Tensor for indices[${k}] but received ${describe(i)}`);
}

/**
 * PyTorch-style indexing, `t[1, ::2, None, ..., idx]` written as
 * `t.index(1, slice(null, null, 2), null, '...', idx)`. Integers and slices give
 * views; index tensors, arrays and booleans use advanced indexing and copy (result
 * dims placed as PyTorch places them). A k-dim mask consumes k dims.
 */
export function index(t: Tensor, ...indices: Index[]): Tensor {
  handle(t);
  const temps: Tensor[] = [];
  try {
    return apply(
      t,
      indices.map((i, k) => normalize(i, k, temps)),
      temps,
    );
  } finally {
    for (const x of temps) x.dispose();
  }
}

function apply(t: Tensor, items: Exclude<Index, NestedArray[]>[], temps: Tensor[]): Tensor {
  let consumed = 0;
  let ellipses = 0;
  for (const i of items) {
    if (i === '...') ellipses++;
    else if (i instanceof Tensor) consumed += isMask(i) ? i.dim() : 1;
    else if (i !== null && typeof i !== 'boolean') consumed++;
  }
  if (ellipses > 1) throw new RangeError('index: at most one "..." is allowed');
  const nd = t.dim();
  if (consumed > nd) throw new RangeError(`index: too many indices (${consumed}) for a tensor of ${nd} dims`);
  let cur = t;
  let dim = 0; // dim of `cur` the next entry applies to
  let realDim = 0; // dim of `t` it applies to (for messages)
  let covered = 0; // dims of `cur` covered by `advanced` (a k-dim mask covers k)
  const advanced: (number | null)[] = [];
  const step = (next: number): void => {
    if (cur !== t) cur.dispose();
    cur = T(next);
  };
  const record = (x: Tensor, dims: number): void => {
    for (; covered < dim; covered++) advanced.push(null);
    advanced.push(x._h);
    covered += dims;
    dim += dims;
  };
  for (let k = 0; k < items.length; k++) {
    let i = items[k];
    // 0-d tensors act as their value, as in PyTorch: integers select, booleans add an axis.
    if (i instanceof Tensor && i.dim() === 0 && (isMask(i) || INTEGER.has(i.dtype))) i = isMask(i) ? Boolean(i.item()) : i.item();
    if (i === '...') {
      dim += nd - consumed;
      realDim += nd - consumed;
    } else if (i === null) {
      step(native.unsqueeze(cur._h, dim++));
    } else if (typeof i === 'boolean') {
      // PyTorch: a new axis indexed by [0] (true) or [] (false).
      step(native.unsqueeze(cur._h, dim));
      const ix = T(native.zeros([i ? 1 : 0], dtypeCode.int64, t.device));
      temps.push(ix);
      record(ix, 1);
    } else if (typeof i === 'number') {
      int(i, `indices[${k}]`);
      const size = cur.shape[dim];
      if (i < -size || i >= size) throw new RangeError(`index: index ${i} is out of bounds for dim ${realDim} with size ${size}`);
      step(native.select(cur._h, dim, i));
      realDim++;
    } else if (i instanceof Tensor) {
      const dims = isMask(i) ? i.dim() : 1;
      record(i, dims);
      realDim += dims;
    } else {
      step(native.slice(cur._h, dim++, i.start ?? null, i.stop ?? null, i.step ?? 1));
      realDim++;
    }
  }
  if (advanced.length === 0) return cur === t ? T(native.alias(t._h)) : cur;
  try {
    return T(native.index(cur._h, advanced));
  } finally {
    if (cur !== t) cur.dispose();
  }
}

/** In-place `t[indices] = values` for index tensors (one per leading dim, null to skip); `accumulate` adds. */
export function indexPut_(t: Tensor, indices: (Tensor | null)[], values: Tensor | number | boolean, accumulate = false): Tensor {
  handle(t);
  if (!Array.isArray(indices)) fail(indices, 'indices', 'an array of Tensors or nulls');
  const hs = indices.map((i, k) => (i === null ? null : handle(i, `indices[${k}]`)));
  bool(accumulate, 'accumulate');
  const v =
    values instanceof Tensor ? checkTensor(values, 'values') : T(native.full([], scalar(values, 'values'), native.dtype(t._h), t.device));
  try {
    native.indexPut_(t._h, hs, v._h, accumulate);
  } finally {
    if (v !== values) v.dispose();
  }
  return t;
}
/** Entries of `dim` at the int64 `index` [k]: [m, n] along 0 -> [k, n] (a copy). */
export function indexSelect(t: Tensor, dim: number, index: Tensor): Tensor {
  return T(native.indexSelect(handle(t), int(dim, 'dim'), handle(index, 'index')));
}
/** out[i][j] = t[index[i][j]][j] for dim 0 (etc.); output has the int64 `index`'s shape. */
export function gather(t: Tensor, dim: number, index: Tensor): Tensor {
  return T(native.gather(handle(t), int(dim, 'dim'), handle(index, 'index')));
}
/** Out-of-place scatter: a copy of `t` with out[index[i][j]][j] = src[i][j] (dim 0); `src` a tensor or number. */
export function scatter(t: Tensor, dim: number, index: Tensor, src: Tensor | number | boolean): Tensor {
  const ht = handle(t);
  const ih = handle(index, 'index');
  int(dim, 'dim');
  return T(src instanceof Tensor ? native.scatter(ht, dim, ih, handle(src, 'src')) : native.scatterValue(ht, dim, ih, scalar(src, 'src')));
}
/** Like `scatter` but adds `src` into the copy (repeated indices accumulate). */
export function scatterAdd(t: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return T(native.scatterAdd(handle(t), int(dim, 'dim'), handle(index, 'index'), handle(src, 'src')));
}
const REDUCE = ['sum', 'prod', 'mean', 'amax', 'amin'] as const;
/** Like `scatterAdd` with another reduction; `includeSelf` false ignores t's values at scattered places. */
export function scatterReduce(
  t: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor,
  reduce: 'sum' | 'prod' | 'mean' | 'amax' | 'amin',
  includeSelf = true,
): Tensor {
  return T(
    native.scatterReduce(
      handle(t),
      int(dim, 'dim'),
      handle(index, 'index'),
      handle(src, 'src'),
      oneOf(reduce, 'reduce', REDUCE),
      bool(includeSelf, 'includeSelf'),
    ),
  );
}
/** A copy of `t` with src's slices added at the 1-D int64 `index` along `dim`. */
export function indexAdd(t: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return T(native.indexAdd(handle(t), int(dim, 'dim'), handle(index, 'index'), handle(src, 'src')));
}
/** A copy of `t` with `value` where the bool `mask` (broadcast to t's shape) is true. */
export function maskedFill(t: Tensor, mask: Tensor, value: number | boolean): Tensor {
  return T(native.maskedFill(handle(t), handle(mask, 'mask'), scalar(value, 'value')));
}
/** The 1-D tensor of t's entries where the bool `mask` (broadcast) is true. */
export function maskedSelect(t: Tensor, mask: Tensor): Tensor {
  return T(native.maskedSelect(handle(t), handle(mask, 'mask')));
}
/** Indices of the non-zero entries as int64 [count, ndim]. */
export function nonzero(t: Tensor): Tensor {
  return T(native.nonzero(handle(t)));
}
