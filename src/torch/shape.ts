/**
 * Shape ops: views, joining and splitting, rearranging (PyTorch semantics; views
 * where PyTorch returns views). Indexing lives in `indexing.ts`, re-exported here.
 */
import { native } from './native.js';
import { Tensor, wrapAll } from './tensor.js';
import { check, checkInt, describe } from './errors.js';

export * from './indexing.js';

const T = (h: number): Tensor => new Tensor(h);

/** Checks an array of integers (negative allowed: dims, -1 in shapes). */
function ints(v: unknown, name: string): number[] {
  if (!Array.isArray(v) || !v.every(Number.isInteger))
    throw new TypeError(`Expected an array of integers for ${name} but received ${describe(v)}`);
  return v;
}
/** A dim or list of dims as an array of integers. */
const dimList = (d: number | number[], name: string): number[] => (typeof d === 'number' ? (checkInt(d, name), [d]) : ints(d, name));
const handles = (ts: Tensor[], name: string): number[] => {
  check(Array.isArray(ts) && ts.length > 0 && ts.every((x) => x instanceof Tensor), 'a non-empty array of Tensors', name, ts);
  return ts.map((x) => x._h);
};

/** Same data with a new shape (one entry may be -1); a view when possible, else a copy. */
export function reshape(t: Tensor, shape: number[]): Tensor { return T(native.reshape(t._h, ints(shape, 'shape'))); }
/** A view with a new shape (no copy); fails for non-contiguous layouts, like PyTorch. */
export function view(t: Tensor, shape: number[]): Tensor { return T(native.view(t._h, ints(shape, 'shape'))); }
/** Reorders dims: output dim i is input dim `dims[i]` (a view). */
export function permute(t: Tensor, dims: number[]): Tensor { return T(native.permute(t._h, ints(dims, 'dims'))); }
/** Swaps two dims (a view). */
export function transpose(t: Tensor, dim0: number, dim1: number): Tensor {
  checkInt(dim0, 'dim0');
  checkInt(dim1, 'dim1');
  return T(native.transpose(t._h, dim0, dim1));
}
/** Transpose of a tensor of at most 2 dims (PyTorch's `.t()`): [m, n] -> [n, m]; 0-d and 1-d unchanged. */
export function t(x: Tensor): Tensor { return T(native.t(x._h)); }
/** Removes size-1 dims (all of them, or only `dim` when it has size 1). */
export function squeeze(t: Tensor, dim?: number): Tensor {
  if (dim !== undefined) checkInt(dim, 'dim');
  return T(native.squeeze(t._h, dim ?? null));
}
/** Inserts a size-1 dim at `dim` (in [-ndim-1, ndim]). */
export function unsqueeze(t: Tensor, dim: number): Tensor {
  checkInt(dim, 'dim');
  return T(native.unsqueeze(t._h, dim));
}
/** Merges dims startDim..endDim into one: [2, 3, 4] -> [24] by default. */
export function flatten(t: Tensor, startDim = 0, endDim = -1): Tensor {
  checkInt(startDim, 'startDim');
  checkInt(endDim, 'endDim');
  return T(native.flatten(t._h, startDim, endDim));
}
/** Splits dim `dim` into `sizes` (one may be -1): [2, 12] with (1, [3, 4]) -> [2, 3, 4]. */
export function unflatten(t: Tensor, dim: number, sizes: number[]): Tensor {
  checkInt(dim, 'dim');
  return T(native.unflatten(t._h, dim, ints(sizes, 'sizes')));
}
/** Broadcast view to `shape` (-1 keeps a dim; new leading dims allowed); no copy. */
export function expand(t: Tensor, shape: number[]): Tensor { return T(native.expand(t._h, ints(shape, 'shape'))); }
/** `expand(t, other.shape)`. */
export function expandAs(t: Tensor, other: Tensor): Tensor { return expand(t, other.shape); }
/** Broadcast view to `shape` (as `expand`). */
export function broadcastTo(t: Tensor, shape: number[]): Tensor { return T(native.broadcastTo(t._h, ints(shape, 'shape'))); }
/** Tiles the data: [2, 3] repeated [2, 1] -> [4, 3] (a copy; `repeats` may add leading dims). */
export function repeat(t: Tensor, repeats: number[]): Tensor { return T(native.repeat(t._h, ints(repeats, 'repeats'))); }
/**
 * Repeats each element `repeats` times (a number, or an int64 tensor of per-element counts)
 * along `dim`; without `dim` the input is flattened first: [1, 2] x2 -> [1, 1, 2, 2].
 */
export function repeatInterleave(t: Tensor, repeats: number | Tensor, dim?: number): Tensor {
  if (dim !== undefined) checkInt(dim, 'dim');
  if (repeats instanceof Tensor) return T(native.repeatInterleaveTensor(t._h, repeats._h, dim ?? null));
  checkInt(repeats, 'repeats', 0);
  return T(native.repeatInterleave(t._h, repeats, dim ?? null));
}
/** Concatenates along an existing dim: [2, 3] and [4, 3] -> [6, 3]. */
export function cat(tensors: Tensor[], dim = 0): Tensor {
  const hs = handles(tensors, 'tensors');
  checkInt(dim, 'dim');
  return T(native.cat(hs, dim));
}
/** Stacks equal-shape tensors along a new dim: n x [2, 3] -> [n, 2, 3] for dim 0. */
export function stack(tensors: Tensor[], dim = 0): Tensor {
  const hs = handles(tensors, 'tensors');
  checkInt(dim, 'dim');
  return T(native.stack(hs, dim));
}
/** Splits into pieces of `size` (a number; the last may be smaller) or of the given sizes (an array); views. */
export function split(t: Tensor, size: number | number[], dim = 0): Tensor[] {
  checkInt(dim, 'dim');
  if (typeof size === 'number') {
    checkInt(size, 'splitSize', 0);
    return wrapAll(native.split(t._h, size, dim));
  }
  return wrapAll(native.splitSizes(t._h, ints(size, 'splitSizes'), dim));
}
/** Splits into `chunks` nearly equal views (fewer when the dim is too short). */
export function chunk(t: Tensor, chunks: number, dim = 0): Tensor[] {
  checkInt(chunks, 'chunks', 1);
  checkInt(dim, 'dim');
  return wrapAll(native.chunk(t._h, chunks, dim));
}
/** Removes `dim`, returning its slices: [3, 4] along 0 -> 3 x [4]. */
export function unbind(t: Tensor, dim = 0): Tensor[] {
  checkInt(dim, 'dim');
  return wrapAll(native.unbind(t._h, dim));
}
/** A view of `length` entries of `dim` from `start` (negative counts from the end). */
export function narrow(t: Tensor, dim: number, start: number, length: number): Tensor {
  checkInt(dim, 'dim');
  checkInt(start, 'start');
  checkInt(length, 'length', 0);
  return T(native.narrow(t._h, dim, start, length));
}
/** The view at `index` of `dim`, with that dim removed: [3, 4] select(0, 1) -> [4]. */
export function select(t: Tensor, dim: number, index: number): Tensor {
  checkInt(dim, 'dim');
  checkInt(index, 'index');
  return T(native.select(t._h, dim, index));
}
/** Reverses the order along `dims` (a copy). */
export function flip(t: Tensor, dims: number | number[]): Tensor { return T(native.flip(t._h, dimList(dims, 'dims'))); }
/** Rotates entries by `shifts` along `dims`; with no dims the flattened tensor is rolled (shape kept). */
export function roll(t: Tensor, shifts: number | number[], dims: number | number[] = []): Tensor {
  return T(native.roll(t._h, dimList(shifts, 'shifts'), dimList(dims, 'dims')));
}
/** Lower triangle of the last two dims (entries above `diagonal` zeroed); [..., m, n]. */
export function tril(t: Tensor, diagonal = 0): Tensor {
  checkInt(diagonal, 'diagonal');
  return T(native.tril(t._h, diagonal));
}
/** Upper triangle of the last two dims (entries below `diagonal` zeroed); [..., m, n]. */
export function triu(t: Tensor, diagonal = 0): Tensor {
  checkInt(diagonal, 'diagonal');
  return T(native.triu(t._h, diagonal));
}
/** 1-D [n] -> 2-D diagonal matrix; 2-D [m, n] -> its `diagonal`-th diagonal as 1-D. */
export function diag(t: Tensor, diagonal = 0): Tensor {
  checkInt(diagonal, 'diagonal');
  return T(native.diag(t._h, diagonal));
}
/** View of the diagonal over dims dim1, dim2 (removed; the diagonal becomes the last dim). */
export function diagonal(t: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  checkInt(offset, 'offset');
  checkInt(dim1, 'dim1');
  checkInt(dim2, 'dim2');
  return T(native.diagonal(t._h, offset, dim1, dim2));
}
/** Moves dims `source` to positions `destination`, keeping the order of the others (a view). */
export function movedim(t: Tensor, source: number | number[], destination: number | number[]): Tensor {
  return T(native.movedim(t._h, dimList(source, 'source'), dimList(destination, 'destination')));
}
/**
 * Coordinate grids from 1-D tensors of sizes n1..nk: k tensors of shape [n1, ..., nk]
 * ('ij', default) or with the first two sizes swapped ('xy').
 */
export function meshgrid(tensors: Tensor[], indexing: 'ij' | 'xy' = 'ij'): Tensor[] {
  const hs = handles(tensors, 'tensors');
  if (indexing !== 'ij' && indexing !== 'xy') throw new TypeError(`Expected "ij" or "xy" for indexing but received ${describe(indexing)}`);
  return wrapAll(native.meshgrid(hs, indexing));
}
