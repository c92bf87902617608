/**
 * Batch samplers: which items go into each batch of an epoch. Every random
 * choice draws from a `torch.Generator` seeded with `epochSeed(seed, epoch)`, so
 * the same seed gives the same order, and each epoch a different permutation.
 */
import * as torch from '../torch/index.js';
import { int } from '../torch/check.js';

/** Yields the batches of one epoch as lists of item indices. */
export interface BatchSampler {
  batches(epoch: number): Iterable<number[]>;
  /** Batches per epoch. */
  readonly numBatches: number;
}

/** A seed for (seed, epoch), mixed (splitmix32-style) so that neighbouring seeds and epochs are unrelated. */
export function epochSeed(seed: number, epoch: number): number {
  int(seed, 'seed', 0);
  int(epoch, 'epoch', 0);
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul((epoch + 1) >>> 0, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** A random permutation of 0…n-1 from `generator` (torch.randperm). */
export function permutation(n: number, generator: torch.Generator): number[] {
  if (n === 0) return [];
  const p = torch.randperm(n, { generator });
  const out = p.toArray();
  p.dispose();
  return out;
}

export interface BatchIndexOptions {
  /** Items per batch (default 1). */
  batchSize?: number;
  /** Visit items in a new random order each epoch (default false: 0, 1, 2, …). */
  shuffle?: boolean;
  /** Seed of the shuffling (default 0). */
  seed?: number;
  /** Drop the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
}

/** PyTorch's `BatchSampler` over a `SequentialSampler` or a seeded `RandomSampler`. */
export class BatchIndexSampler implements BatchSampler {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;

  constructor(
    readonly length: number,
    o: BatchIndexOptions = {},
  ) {
    const { batchSize = 1, shuffle = false, seed = 0, dropLast = false } = o;
    int(length, 'length', 0);
    int(batchSize, 'batchSize', 1);
    int(seed, 'seed', 0);
    this.batchSize = batchSize;
    this.shuffle = !!shuffle;
    this.seed = seed;
    this.dropLast = !!dropLast;
  }

  get numBatches(): number {
    return this.dropLast ? Math.floor(this.length / this.batchSize) : Math.ceil(this.length / this.batchSize);
  }

  /** The batches of `epoch`; sequential order is produced lazily (any length), a shuffled one holds n indices. */
  *batches(epoch: number): Generator<number[]> {
    const order = this.shuffle ? permutation(this.length, new torch.Generator(epochSeed(this.seed, epoch))) : null;
    for (let b = 0; b < this.numBatches; b++) {
      const start = b * this.batchSize;
      const end = Math.min(start + this.batchSize, this.length);
      yield order ? order.slice(start, end) : Array.from({ length: end - start }, (_, k) => start + k);
    }
  }
}
