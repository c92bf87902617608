/**
 * Data-parallel sharding of batches (PyTorch's `DistributedSampler` semantics, cut
 * per batch): every rank draws the same epoch-seeded global batches, and rank r of W
 * takes the contiguous slice [r·B/W, (r+1)·B/W) of each. So W ranks of B/W items see
 * exactly the global batch of B that one process sees, step by step, and a checkpoint
 * taken on one world size resumes on any other that divides B.
 */
import { int } from '../torch/check.js';
import type { BatchSampler } from './samplers.js';

/** Which shard of the global batch this process trains on. */
export interface Shard {
  rank: number;
  worldSize: number;
}

/** Checks that `worldSize` divides `batchSize` and rank is in range; `what` names the caller in the error. */
export function checkShard(shard: Shard, batchSize: number, what: string): void {
  int(shard.worldSize, 'worldSize', 1);
  int(shard.rank, 'rank', 0, shard.worldSize - 1);
  if (batchSize % shard.worldSize !== 0)
    throw new RangeError(
      `${what}: expected a batch size divisible by the world size ${shard.worldSize} (each rank takes an equal slice) but received ${batchSize}`,
    );
}

/** Rank r's slice of a global batch of B: items [r·B/W, (r+1)·B/W). */
export function shardOf<T>(batch: readonly T[], shard: Shard): T[] {
  const n = batch.length / shard.worldSize;
  if (!Number.isInteger(n))
    throw new RangeError(`shardOf: expected a batch divisible by the world size ${shard.worldSize} but received ${batch.length} items`);
  return batch.slice(shard.rank * n, (shard.rank + 1) * n);
}

/** A batch sampler giving this rank's slice of every global batch of `inner` (whose full batches hold `batchSize` items). */
export class DistributedBatchSampler implements BatchSampler {
  constructor(
    readonly inner: BatchSampler,
    readonly batchSize: number,
    readonly shard: Shard,
  ) {
    checkShard(shard, batchSize, 'DistributedBatchSampler');
  }

  get numBatches(): number {
    return this.inner.numBatches;
  }

  *batches(epoch: number): Generator<number[]> {
    for (const b of this.inner.batches(epoch)) yield shardOf(b, this.shard);
  }
}
