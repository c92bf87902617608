/** Shape ops, joining/splitting and indexing (PyTorch semantics, views where PyTorch views). */
import { native } from './native.js';
import { Tensor, wrapAll, type TensorLike } from './tensor.js';
import { check, checkInt } from './errors.js';

const T = (h: number): Tensor => new Tensor(h);
const list = (d: number | number[]): number[] => (typeof d === 'number' ? [d] : d);
const handles = (ts: Tensor[], name: string): number[] => {
  check(Array.isArray(ts) && ts.length > 0 && ts.every((t) => t instanceof Tensor), 'a non-empty array of Tensors', name, ts);
  return ts.map((t) => t._h);
};

export function reshape(t: Tensor, shape: number[]): Tensor { return T(native.reshape(t._h, shape)); }
/** A view with a new shape (no copy); fails for non-contiguous layouts, like PyTorch. */
export function view(t: Tensor, shape: number[]): Tensor { return T(native.view(t._h, shape)); }
export function permute(t: Tensor, dims: number[]): Tensor { return T(native.permute(t._h, dims)); }
export function transpose(t: Tensor, dim0: number, dim1: number): Tensor { return T(native.transpose(t._h, dim0, dim1)); }
/** Transpose of a 2-D tensor (PyTorch's `.t()` / `.T`). */
export function t(x: Tensor): Tensor { return transpose(x, 0, x.dim() < 2 ? 0 : 1); }
export function squeeze(t: Tensor, dim?: number): Tensor { return T(native.squeeze(t._h, dim ?? null)); }
export function unsqueeze(t: Tensor, dim: number): Tensor { return T(native.unsqueeze(t._h, dim)); }
export function flatten(t: Tensor, startDim = 0, endDim = -1): Tensor { return T(native.flatten(t._h, startDim, endDim)); }
export function unflatten(t: Tensor, dim: number, sizes: number[]): Tensor { return T(native.unflatten(t._h, dim, sizes)); }
/** Broadcast view to `shape` (-1 keeps a dim). */
export function expand(t: Tensor, shape: number[]): Tensor { return T(native.expand(t._h, shape)); }
export function expandAs(t: Tensor, other: Tensor): Tensor { return expand(t, other.shape); }
export function broadcastTo(t: Tensor, shape: number[]): Tensor { return T(native.broadcastTo(t._h, shape)); }
export function repeat(t: Tensor, repeats: number[]): Tensor { return T(native.repeat(t._h, repeats)); }
export function repeatInterleave(t: Tensor, repeats: number, dim?: number): Tensor {
  return T(native.repeatInterleave(t._h, repeats, dim ?? null));
}
export function cat(tensors: Tensor[], dim = 0): Tensor { return T(native.cat(handles(tensors, 'tensors'), dim)); }
export function stack(tensors: Tensor[], dim = 0): Tensor { return T(native.stack(handles(tensors, 'tensors'), dim)); }
/** Splits into pieces of `size` (a number) or of the given sizes (an array). */
export function split(t: Tensor, size: number | number[], dim = 0): Tensor[] {
  return wrapAll(typeof size === 'number' ? native.split(t._h, size, dim) : native.splitSizes(t._h, size, dim));
}
export function chunk(t: Tensor, chunks: number, dim = 0): Tensor[] {
  checkInt(chunks, 'chunks', 1);
  return wrapAll(native.chunk(t._h, chunks, dim));
}
export function unbind(t: Tensor, dim = 0): Tensor[] { return wrapAll(native.unbind(t._h, dim)); }
export function narrow(t: Tensor, dim: number, start: number, length: number): Tensor {
  return T(native.narrow(t._h, dim, start, length));
}
export function select(t: Tensor, dim: number, index: number): Tensor { return T(native.select(t._h, dim, index)); }
export function indexSelect(t: Tensor, dim: number, index: Tensor): Tensor {
  return T(native.indexSelect(t._h, dim, index._h));
}
export function gather(t: Tensor, dim: number, index: Tensor): Tensor { return T(native.gather(t._h, dim, index._h)); }
/** Out-of-place scatter of `src` (tensor or number) at `index` along `dim`. */
export function scatter(t: Tensor, dim: number, index: Tensor, src: TensorLike): Tensor {
  return T(src instanceof Tensor ? native.scatter(t._h, dim, index._h, src._h) : native.scatterValue(t._h, dim, index._h, src));
}
export function scatterAdd(t: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return T(native.scatterAdd(t._h, dim, index._h, src._h));
}
export function scatterReduce(t: Tensor, dim: number, index: Tensor, src: Tensor,
  reduce: 'sum' | 'prod' | 'mean' | 'amax' | 'amin', includeSelf = true): Tensor {
  return T(native.scatterReduce(t._h, dim, index._h, src._h, reduce, includeSelf));
}
export function indexAdd(t: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return T(native.indexAdd(t._h, dim, index._h, src._h));
}
export function maskedFill(t: Tensor, mask: Tensor, value: number | boolean): Tensor {
  return T(native.maskedFill(t._h, mask._h, value));
}
export function maskedSelect(t: Tensor, mask: Tensor): Tensor { return T(native.maskedSelect(t._h, mask._h)); }
export function nonzero(t: Tensor): Tensor { return T(native.nonzero(t._h)); }
export function flip(t: Tensor, dims: number | number[]): Tensor { return T(native.flip(t._h, list(dims))); }
export function roll(t: Tensor, shifts: number | number[], dims: number | number[] = []): Tensor {
  return T(native.roll(t._h, list(shifts), list(dims)));
}
export function tril(t: Tensor, diagonal = 0): Tensor { return T(native.tril(t._h, diagonal)); }
export function triu(t: Tensor, diagonal = 0): Tensor { return T(native.triu(t._h, diagonal)); }
export function diag(t: Tensor, diagonal = 0): Tensor { return T(native.diag(t._h, diagonal)); }
export function diagonal(t: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  return T(native.diagonal(t._h, offset, dim1, dim2));
}
export function movedim(t: Tensor, source: number | number[], destination: number | number[]): Tensor {
  return T(native.movedim(t._h, list(source), list(destination)));
}
export function meshgrid(tensors: Tensor[], indexing: 'ij' | 'xy' = 'ij'): Tensor[] {
  return wrapAll(native.meshgrid(handles(tensors, 'tensors'), indexing));
}

/** One entry of `index()`: an integer, a slice, null (new axis), "..." or an index tensor. */
export type Index = number | Slice | null | '...' | Tensor;
/** A Python-style slice `start:stop:step`; omitted ends mean the whole dim. */
export interface Slice {
  start?: number;
  stop?: number;
  step?: number;
}
/** Shorthand for a slice: `slice(1, 5)`, `slice(null, null, 2)`. */
export function slice(start: number | null = null, stop: number | null = null, step = 1): Slice {
  return { start: start ?? undefined, stop: stop ?? undefined, step };
}

/**
 * PyTorch-style indexing, `t[1, ::2, None, ..., idx]` written as
 * `t.index(1, slice(null, null, 2), null, '...', idx)`. Integers and slices give
 * views; index tensors (int64 or bool) use advanced indexing and copy.
 */
export function index(t: Tensor, ...indices: Index[]): Tensor {
  const ellipses = indices.filter((i) => i === '...').length;
  if (ellipses > 1) throw new RangeError('index: at most one "..." is allowed');
  const consumed = indices.filter((i) => i !== null && i !== '...').length;
  const nd = t.dim();
  if (consumed > nd) throw new RangeError(`index: too many indices (${consumed}) for a tensor of ${nd} dims`);
  let cur = t;
  let dim = 0;
  const advanced: (Tensor | null)[] = [];
  const step = (next: Tensor): void => {
    if (cur !== t) cur.dispose();
    cur = next;
  };
  for (const i of indices) {
    if (i === '...') {
      const skip = nd - consumed;
      for (let k = 0; k < skip; k++) advanced.push(null);
      dim += skip;
    } else if (i === null) {
      step(unsqueeze(cur, dim));
      advanced.push(null);
      dim++;
    } else if (typeof i === 'number') {
      checkInt(i, `index ${dim}`);
      const size = cur.shape[dim];
      if (i < -size || i >= size) throw new RangeError(`index: index ${i} is out of bounds for dim ${dim} with size ${size}`);
      step(select(cur, dim, i));
    } else if (i instanceof Tensor) {
      advanced.push(i);
      dim++;
    } else {
      const s = i.step ?? 1;
      if (!Number.isInteger(s) || s <= 0) throw new RangeError(`index: slice step must be a positive integer but received ${s}`);
      step(T(native.slice(cur._h, dim, i.start ?? null, i.stop ?? null, s)));
      advanced.push(null);
      dim++;
    }
  }
  if (!advanced.some((a) => a !== null)) return cur === t ? T(native.alias(t._h)) : cur;
  const out = T(native.index(cur._h, advanced.map((a) => (a === null ? null : a._h))));
  if (cur !== t) cur.dispose();
  return out;
}

/** In-place `t[indices] = values` for index tensors (one per leading dim, null to skip). */
export function indexPut_(t: Tensor, indices: (Tensor | null)[], values: Tensor, accumulate = false): Tensor {
  native.indexPut_(t._h, indices.map((i) => (i === null ? null : i._h)), values._h, accumulate);
  return t;
}
