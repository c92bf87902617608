/**
 * Per-case batches for MICLe (Multi-Instance Contrastive Learning; Azizi et al.
 * 2021, "Big Self-Supervised Models Advance Medical Image Classification", §3.2):
 * positive pairs are two DIFFERENT images of one case (patient, emoji, …), taken
 * as two views; a case with a single image pairs it with itself (and the
 * augmentations make its two views). A batch never holds two cases alike, so
 * every other element of the batch is a true negative.
 */
import * as torch from '../torch/index.js';
import { int } from '../torch/check.js';
import { epochSeed, permutation, type BatchSampler } from './samplers.js';

export interface PerCaseOptions {
  /** Cases (pairs) per batch. */
  batchSize: number;
  /** Seed of the case order and of the instance choice (default 0). */
  seed?: number;
  /** Drop the last batch when it has fewer than batchSize cases (default false). */
  dropLast?: boolean;
}

/**
 * Batches of pairs over items grouped by `caseIds` ([N] case id per item). For
 * the DataLoader, `batches(epoch)` yields each batch flattened as 2B indices:
 * the B first views, then the B second views, so that a collated batch of
 * images [2B, C, H, W] splits into the two views with `chunk(2)`.
 */
export class PerCaseBatchSampler implements BatchSampler {
  /** The items of each case, cases in order of first appearance. */
  readonly groups: readonly (readonly number[])[];
  readonly batchSize: number;
  readonly seed: number;
  readonly dropLast: boolean;

  constructor(caseIds: ArrayLike<string | number>, o: PerCaseOptions) {
    const { batchSize, seed = 0, dropLast = false } = o;
    int(batchSize, 'batchSize', 1);
    int(seed, 'seed', 0);
    const byCase = new Map<string | number, number[]>();
    for (let i = 0; i < caseIds.length; i++) {
      let g = byCase.get(caseIds[i]);
      if (!g) byCase.set(caseIds[i], (g = []));
      g.push(i);
    }
    if (byCase.size === 0) throw new RangeError('PerCaseBatchSampler: expected at least one item');
    this.groups = [...byCase.values()];
    this.batchSize = batchSize;
    this.seed = seed;
    this.dropLast = dropLast;
  }

  get numBatches(): number {
    const n = this.groups.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The batches of `epoch` as [first, second] item pairs, one pair per case. */
  pairs(epoch: number): [number, number][][] {
    const generator = new torch.Generator(epochSeed(this.seed, epoch));
    const order = permutation(this.groups.length, generator);
    const u = torch.rand([order.length, 2], { generator, dtype: 'float64' });
    const r = u.data() as Float64Array; // [cases, 2] uniform [0, 1)
    u.dispose();
    const out: [number, number][][] = [];
    for (let b = 0; b < this.numBatches; b++) {
      const batch: [number, number][] = [];
      for (let k = b * this.batchSize; k < Math.min((b + 1) * this.batchSize, order.length); k++) {
        const g = this.groups[order[k]];
        const m = g.length;
        const first = Math.floor(r[2 * k] * m);
        let second = m === 1 ? 0 : Math.floor(r[2 * k + 1] * (m - 1)); // among the m-1 others
        if (m > 1 && second >= first) second++;
        batch.push([g[first], g[second]]);
      }
      out.push(batch);
    }
    return out;
  }

  /** The batches of `epoch`, each flattened as [first views…, second views…] (2B indices). */
  *batches(epoch: number): Generator<number[]> {
    for (const batch of this.pairs(epoch)) yield [...batch.map((p) => p[0]), ...batch.map((p) => p[1])];
  }
}
