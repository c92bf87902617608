/**
 * `DataLoader` (PyTorch's `torch.utils.data.DataLoader`) as an async iterable:
 *
 *     const loader = new DataLoader(dataset, { batchSize: 64, shuffle: true, seed: 1, prefetch: 2 });
 *     for await (const batch of loader) step(batch);   // e.g. { image: [64, 3, H, W], label: [64] }
 *
 * Batches are prepared ahead: while the consumer works on one batch, up to
 * `prefetch` later batches are being read (their items fetched concurrently, so
 * image decoding in the worker pool overlaps compute), and never more — memory
 * stays bounded however large the dataset, which is read item by item. Each new
 * iteration is a new epoch (or set it with `setEpoch`): with `shuffle`, epoch e
 * visits a permutation drawn from `epochSeed(seed, e)`. Items a dataset skipped
 * (`null`) are left out of their batch; an error while reading a batch is thrown
 * from the iteration that reaches it.
 */
import { int } from '../torch/check.js';
import { defaultCollate, disposeTensors, tensorsIn, type Collate } from './collate.js';
import type { Dataset } from './dataset.js';
import { BatchIndexSampler, type BatchIndexOptions, type BatchSampler } from './samplers.js';

export interface DataLoaderOptions<T, B> extends BatchIndexOptions {
  /** Batches read ahead of the one being consumed (default 2; 0 reads each batch when asked for). */
  prefetch?: number;
  /** Chooses each batch's items instead of batchSize / shuffle / seed / dropLast (e.g. PerCaseBatchSampler). */
  batchSampler?: BatchSampler;
  /** Makes a batch from its samples (default `defaultCollate`: stacks tensors). Sample tensors not in the batch are disposed after. */
  collate?: Collate<T, B>;
}

export class DataLoader<T, B = unknown> implements AsyncIterable<B> {
  readonly sampler: BatchSampler;
  readonly prefetch: number;
  /** The epoch the next iteration runs (incremented as each iteration starts). */
  epoch = 0;
  private readonly collate: Collate<T, B>;

  constructor(
    readonly dataset: Dataset<T>,
    o: DataLoaderOptions<T, B> = {},
  ) {
    const { prefetch = 2, batchSampler, collate = defaultCollate as Collate<T, B> } = o;
    int(prefetch, 'prefetch', 0);
    if (batchSampler && (o.batchSize !== undefined || o.shuffle !== undefined || o.dropLast !== undefined))
      throw new TypeError('DataLoader: batchSampler chooses the batches; do not also pass batchSize, shuffle or dropLast');
    this.sampler = batchSampler ?? new BatchIndexSampler(dataset.length, o);
    this.prefetch = prefetch;
    this.collate = collate;
  }

  /** Batches per epoch. */
  get length(): number {
    return this.sampler.numBatches;
  }

  /** Sets the epoch of the next iteration (e.g. when resuming a run). */
  setEpoch(epoch: number): void {
    int(epoch, 'epoch', 0);
    this.epoch = epoch;
  }

  [Symbol.asyncIterator](): AsyncIterator<B> {
    return this.run(this.epoch++);
  }

  /** Reads one batch: the dataset's `getBatch`, or its items (concurrently) collated; null when every item was skipped. */
  private async read(indices: number[]): Promise<B | null> {
    if (this.dataset.getBatch) return (await this.dataset.getBatch(indices)) as B;
    const settled = await Promise.allSettled(indices.map(async (i) => this.dataset.get(i)));
    const failed = settled.find((r) => r.status === 'rejected');
    const items = settled.flatMap((r) => (r.status === 'fulfilled' && r.value !== null ? [r.value as T] : []));
    if (failed) {
      disposeTensors(items); // the batch's other samples
      throw failed.reason;
    }
    if (items.length === 0) return null;
    let batch: B | undefined;
    try {
      return (batch = this.collate(items));
    } finally {
      disposeTensors(items, tensorsIn(batch));
    }
  }

  private async *run(epoch: number): AsyncGenerator<B> {
    const batches = this.sampler.batches(epoch)[Symbol.iterator]();
    const inFlight: Promise<B | null>[] = [];
    const start = (limit: number): void => {
      while (inFlight.length < limit) {
        const next = batches.next();
        if (next.done) return;
        const p = this.read(next.value);
        p.catch(() => {}); // surfaces when awaited, in order
        inFlight.push(p);
      }
    };
    try {
      for (start(Math.max(1, this.prefetch)); inFlight.length;) {
        const batch = await inFlight[0];
        inFlight.shift();
        start(this.prefetch);
        if (batch !== null) yield batch;
        if (!inFlight.length) start(1);
      }
    } finally {
      for (const p of inFlight.splice(0))
        p.then(
          (b) => disposeTensors(b),
          () => {},
        );
    }
  }
}
