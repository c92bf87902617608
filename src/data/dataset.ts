/**
 * Map-style datasets (PyTorch's `torch.utils.data.Dataset`): `length` items read by
 * index. `get` may be asynchronous (images are decoded on demand, so a data set
 * larger than memory streams) and may resolve to `null` for an item that an
 * `onError: 'skip'` policy dropped; the `DataLoader` leaves such items out.
 */
import { fail } from '../torch/check.js';

export interface Dataset<T> {
  /** Number of items. */
  readonly length: number;
  /** Item `i`, 0 ≤ i < length. Tensors it returns belong to the caller (the loader disposes them after collating). */
  get(i: number): T | null | Promise<T | null>;
  /**
   * Optional fast path for a whole batch (e.g. one `indexSelect` on an in-memory
   * tensor): returns the collated batch for `indices`.
   */
  getBatch?(indices: number[]): unknown;
}

/** Throws a RangeError naming `where` unless `i` is an integer index into a set of `length` items. */
export function checkIndex(i: unknown, length: number, where: string): asserts i is number {
  if (!(typeof i === 'number' && Number.isInteger(i) && i >= 0 && i < length))
    throw new RangeError(`${where}: expected an index in [0, ${length}) but received ${String(i)}`);
}

/** The items of `dataset` at `indices` (PyTorch's `Subset`), e.g. a label-fraction subset. */
export class Subset<T> implements Dataset<T> {
  readonly indices: readonly number[];
  constructor(
    readonly dataset: Dataset<T>,
    indices: readonly number[],
  ) {
    if (!Array.isArray(indices)) fail(indices, 'indices', 'an array of indices');
    indices.forEach((i, k) => checkIndex(i, dataset.length, `Subset: indices[${k}]`));
    this.indices = indices;
  }
  get length(): number {
    return this.indices.length;
  }
  get(i: number): T | null | Promise<T | null> {
    checkIndex(i, this.indices.length, 'Subset.get');
    return this.dataset.get(this.indices[i]);
  }
}

/**
 * Records held in memory (a text corpus, decoded notes) as a `Dataset`: `get(i)` by
 * index, `items` in order, and iteration (`for … of`, spreading, destructuring).
 * `get` returns the stored record; a subclass whose records hold tensors overrides
 * it to hand out tensors the caller may dispose.
 */
export class ArrayDataset<T> implements Dataset<T>, Iterable<T> {
  /** `name` prefixes index errors (e.g. "Brown corpus.get: expected an index in [0, 500) …"). */
  constructor(
    readonly items: readonly T[],
    private readonly name = 'ArrayDataset',
  ) {
    if (!Array.isArray(items)) fail(items, 'items', 'an array of items');
  }
  get length(): number {
    return this.items.length;
  }
  get(i: number): T {
    checkIndex(i, this.items.length, `${this.name}.get`);
    return this.items[i];
  }
  [Symbol.iterator](): Iterator<T> {
    return this.items[Symbol.iterator]();
  }
}
