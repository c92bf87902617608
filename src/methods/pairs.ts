/** Positive pairs for two-view contrastive methods: which items feed view 1 and view 2 of each pair. */
import { BatchIndexSampler } from '../data/samplers.js';
import { PerCaseBatchSampler } from '../data/case-sampler.js';
import { checkShard, shardOf, type Shard } from '../data/distributed-sampler.js';

/** One batch of pairs: item first[i] gives view 1 and item second[i] view 2 of pair i. */
export interface PairBatch {
  first: number[];
  second: number[];
}

/** Yields the pair batches of an epoch, deterministically from (seed, epoch). */
export interface PairSampler {
  readonly numBatches: number;
  batches(epoch: number): Iterable<PairBatch>;
}

export interface PairSamplerOptions {
  numItems: number;
  batchSize: number;
  seed: number;
  /** Case id per item (MICLe); ignored by instance pairs. */
  caseIds?: ArrayLike<string | number>;
  /** Told when a sampler changes what was asked (MICLe on a set without cases). */
  warn?: (message: string) => void;
}

/** SimCLR's pairs: both views come from the same image; items shuffled per epoch, last partial batch dropped. */
export function instancePairs(o: PairSamplerOptions): PairSampler {
  const s = new BatchIndexSampler(o.numItems, { batchSize: o.batchSize, shuffle: true, seed: o.seed, dropLast: true });
  if (s.numBatches === 0) throw new RangeError(`instancePairs: ${o.numItems} items make no full batch of ${o.batchSize}; lower batchSize`);
  return {
    numBatches: s.numBatches,
    *batches(epoch) {
      for (const b of s.batches(epoch)) yield { first: b, second: b };
    },
  };
}

/**
 * MICLe's pairs (Azizi et al. 2021, §3.2): two different images of one case;
 * single-image cases fall back to two views of their one image; no case appears
 * twice in a batch. An epoch visits every case once. A set without case ids is
 * a set of single-image cases: SimCLR's pairs (with a warning).
 */
export function casePairs(o: PairSamplerOptions): PairSampler {
  if (!o.caseIds) {
    o.warn?.(
      'MICLe: the data set has no case ids (a `case` column in a manifest, or a set with cases such as emoji), so every image is its own case and MICLe trains exactly as SimCLR',
    );
    return instancePairs(o);
  }
  if (o.caseIds.length !== o.numItems)
    throw new RangeError(`casePairs: expected ${o.numItems} case ids (one per item) but received ${o.caseIds.length}`);
  const s = new PerCaseBatchSampler(o.caseIds, { batchSize: o.batchSize, seed: o.seed, dropLast: true });
  if (s.numBatches === 0) throw new RangeError(`casePairs: ${s.groups.length} cases make no full batch of ${o.batchSize}; lower batchSize`);
  return {
    numBatches: s.numBatches,
    *batches(epoch) {
      for (const b of s.pairs(epoch)) yield { first: b.map((p) => p[0]), second: b.map((p) => p[1]) };
    },
  };
}

/** This rank's slice of every pair batch of `sampler` (data/distributed-sampler.ts): W ranks together see its global batches of `batchSize`. */
export function shardPairs(sampler: PairSampler, batchSize: number, shard: Shard): PairSampler {
  checkShard(shard, batchSize, 'train.batchSize');
  return {
    numBatches: sampler.numBatches,
    *batches(epoch) {
      for (const b of sampler.batches(epoch)) {
        const first = shardOf(b.first, shard);
        yield { first, second: b.second === b.first ? first : shardOf(b.second, shard) }; // one array: views of one image each
      }
    },
  };
}
