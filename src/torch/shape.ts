/**
 * Shape ops: views, joining and splitting, rearranging (PyTorch semantics; views
 * where PyTorch returns views). Indexing lives in `indexing.ts`, re-exported here.
 */
import { native } from './native.js';
import { Tensor, wrapAll } from './tensor.js';
import { TorchError } from './errors.js';
import { allocation, handle, int, ints, oneOf, shape as checkShape, tensor, tensorList } from './check.js';

export * from './indexing.js';

const T = (h: number): Tensor => new Tensor(h);

/** A dim or list of dims as an array of integers. */
const dimList = (d: unknown, name: string): number[] => (typeof d === 'number' ? [int(d, name)] : ints(d, name));
const handles = (ts: unknown, name: string): number[] => tensorList(ts, name).map((x) => x._h);
const numel = (s: number[]): number => s.reduce((a, b) => a * b, 1);

/** Same data with a new shape (one entry may be -1); a view when possible, else a copy. */
export function reshape(t: Tensor, shape: number[]): Tensor {
  return T(native.reshape(handle(t), checkShape(shape, 'shape', -1)));
}
/** A view with a new shape (no copy); fails for non-contiguous layouts, like PyTorch. */
export function view(t: Tensor, shape: number[]): Tensor {
  return T(native.view(handle(t), checkShape(shape, 'shape', -1)));
}
/** Reorders dims: output dim i is input dim `dims[i]` (a view). */
export function permute(t: Tensor, dims: number[]): Tensor {
  return T(native.permute(handle(t), ints(dims, 'dims')));
}
/** Swaps two dims (a view). */
export function transpose(t: Tensor, dim0: number, dim1: number): Tensor {
  return T(native.transpose(handle(t), int(dim0, 'dim0'), int(dim1, 'dim1')));
}
/** Transpose of a tensor of at most 2 dims (PyTorch's `.t()`): [m, n] -> [n, m]; 0-d and 1-d unchanged. */
export function t(x: Tensor): Tensor {
  return T(native.t(handle(x)));
}
/** Removes size-1 dims (all of them, or only `dim` when it has size 1). */
export function squeeze(t: Tensor, dim?: number): Tensor {
  return T(native.squeeze(handle(t), dim === undefined || dim === null ? null : int(dim, 'dim')));
}
/** Inserts a size-1 dim at `dim` (in [-ndim-1, ndim]). */
export function unsqueeze(t: Tensor, dim: number): Tensor {
  return T(native.unsqueeze(handle(t), int(dim, 'dim')));
}
/** Merges dims startDim..endDim into one: [2, 3, 4] -> [24] by default. */
export function flatten(t: Tensor, startDim = 0, endDim = -1): Tensor {
  return T(native.flatten(handle(t), int(startDim, 'startDim'), int(endDim, 'endDim')));
}
/** Splits dim `dim` into `sizes` (one may be -1): [2, 12] with (1, [3, 4]) -> [2, 3, 4]. */
export function unflatten(t: Tensor, dim: number, sizes: number[]): Tensor {
  return T(native.unflatten(handle(t), int(dim, 'dim'), checkShape(sizes, 'sizes', -1)));
}
/** Broadcast view to `shape` (-1 keeps a dim; new leading dims allowed); no copy. */
export function expand(t: Tensor, shape: number[]): Tensor {
  return T(native.expand(handle(t), broadcastShape('expand', t, shape)));
}
/** `expand(t, other.shape)`. */
export function expandAs(t: Tensor, other: Tensor): Tensor {
  return expand(t, tensor(other, 'other').shape);
}
/** Broadcast view to `shape` (as `expand`). */
export function broadcastTo(t: Tensor, shape: number[]): Tensor {
  return T(native.broadcastTo(handle(t), broadcastShape('broadcastTo', t, shape)));
}
/**
 * A target shape of expand/broadcastTo: -1 keeps an existing dim, and is refused for
 * a new leading dim (libtorch 1.13 returns a tensor of size -1 there; PyTorch 2 refuses).
 */
function broadcastShape(op: string, t: Tensor, shape: unknown): number[] {
  const s = checkShape(shape, 'shape', -1);
  const lead = s.length - t.dim();
  const i = s.findIndex((d, k) => k < lead && d < 0);
  if (i >= 0)
    throw new TorchError(`${op}: The expanded size of the tensor (${s[i]}) isn't allowed in a leading, non-existing dimension ${i}`);
  return s;
}
/** Tiles the data: [2, 3] repeated [2, 1] -> [4, 3] (a copy; `repeats` may add leading dims). */
export function repeat(t: Tensor, repeats: number[]): Tensor {
  const r = checkShape(repeats, 'repeats');
  allocation(numel(r) * tensor(t).numel(), 'repeat', t.dtype);
  return T(native.repeat(t._h, r));
}
/**
 * Repeats each element `repeats` times (a number, or an int64 tensor of per-element counts)
 * along `dim`; without `dim` the input is flattened first: [1, 2] x2 -> [1, 1, 2, 2].
 */
export function repeatInterleave(t: Tensor, repeats: number | Tensor, dim?: number): Tensor {
  const d = dim === undefined || dim === null ? null : int(dim, 'dim');
  handle(t);
  if (repeats instanceof Tensor) return T(native.repeatInterleaveTensor(t._h, handle(repeats, 'repeats'), d));
  allocation(int(repeats, 'repeats', 0) * t.numel(), 'repeatInterleave', t.dtype);
  return T(native.repeatInterleave(t._h, repeats, d));
}
/** Concatenates along an existing dim: [2, 3] and [4, 3] -> [6, 3]. */
export function cat(tensors: Tensor[], dim = 0): Tensor {
  return T(native.cat(handles(tensors, 'tensors'), int(dim, 'dim')));
}
/** Stacks equal-shape tensors along a new dim: n x [2, 3] -> [n, 2, 3] for dim 0. */
export function stack(tensors: Tensor[], dim = 0): Tensor {
  return T(native.stack(handles(tensors, 'tensors'), int(dim, 'dim')));
}
/** Splits into pieces of `size` (a number; the last may be smaller) or of the given sizes (an array); views. */
export function split(t: Tensor, size: number | number[], dim = 0): Tensor[] {
  handle(t);
  int(dim, 'dim');
  if (typeof size === 'number') return wrapAll(native.split(t._h, int(size, 'splitSize', 0), dim));
  return wrapAll(native.splitSizes(t._h, ints(size, 'splitSizes', 0), dim));
}
/** Splits into `chunks` nearly equal views (fewer when the dim is too short). */
export function chunk(t: Tensor, chunks: number, dim = 0): Tensor[] {
  return wrapAll(native.chunk(handle(t), int(chunks, 'chunks', 1), int(dim, 'dim')));
}
/** Removes `dim`, returning its slices: [3, 4] along 0 -> 3 x [4]. */
export function unbind(t: Tensor, dim = 0): Tensor[] {
  return wrapAll(native.unbind(handle(t), int(dim, 'dim')));
}
/** A view of `length` entries of `dim` from `start` (negative counts from the end). */
export function narrow(t: Tensor, dim: number, start: number, length: number): Tensor {
  return T(native.narrow(handle(t), int(dim, 'dim'), int(start, 'start'), int(length, 'length', 0)));
}
/** The view at `index` of `dim`, with that dim removed: [3, 4] select(0, 1) -> [4]. */
export function select(t: Tensor, dim: number, index: number): Tensor {
  return T(native.select(handle(t), int(dim, 'dim'), int(index, 'index')));
}
/** Reverses the order along `dims` (a copy). */
export function flip(t: Tensor, dims: number | number[]): Tensor {
  return T(native.flip(handle(t), dimList(dims, 'dims')));
}
/** Rotates entries by `shifts` along `dims`; with no dims the flattened tensor is rolled (shape kept). */
export function roll(t: Tensor, shifts: number | number[], dims: number | number[] = []): Tensor {
  return T(native.roll(handle(t), dimList(shifts, 'shifts'), dimList(dims, 'dims')));
}
/** Lower triangle of the last two dims (entries above `diagonal` zeroed); [..., m, n]. */
export function tril(t: Tensor, diagonal = 0): Tensor {
  return T(native.tril(handle(t), int(diagonal, 'diagonal')));
}
/** Upper triangle of the last two dims (entries below `diagonal` zeroed); [..., m, n]. */
export function triu(t: Tensor, diagonal = 0): Tensor {
  return T(native.triu(handle(t), int(diagonal, 'diagonal')));
}
/** 1-D [n] -> 2-D diagonal matrix; 2-D [m, n] -> its `diagonal`-th diagonal as 1-D. */
export function diag(t: Tensor, diagonal = 0): Tensor {
  const d = int(diagonal, 'diagonal');
  const s = tensor(t).shape;
  if (s.length === 1) allocation((s[0] + Math.abs(d)) ** 2, 'diag', t.dtype);
  return T(native.diag(t._h, d));
}
/** View of the diagonal over dims dim1, dim2 (removed; the diagonal becomes the last dim). */
export function diagonal(t: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  return T(native.diagonal(handle(t), int(offset, 'offset'), int(dim1, 'dim1'), int(dim2, 'dim2')));
}
/** Moves dims `source` to positions `destination`, keeping the order of the others (a view). */
export function movedim(t: Tensor, source: number | number[], destination: number | number[]): Tensor {
  return T(native.movedim(handle(t), dimList(source, 'source'), dimList(destination, 'destination')));
}
/**
 * Coordinate grids from 1-D tensors of sizes n1..nk: k tensors of shape [n1, ..., nk]
 * ('ij', default) or with the first two sizes swapped ('xy').
 */
export function meshgrid(tensors: Tensor[], indexing: 'ij' | 'xy' = 'ij'): Tensor[] {
  return wrapAll(native.meshgrid(handles(tensors, 'tensors'), oneOf(indexing, 'indexing', ['ij', 'xy'])));
}
