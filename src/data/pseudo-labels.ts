/**
 * Filtering and balancing of pseudo-labelled data, as Noisy Student (Xie et al.
 * 2020, §2 "data filtering and balancing"; the reference code's `filter_unlabel.py`):
 * each unlabelled image goes to the bucket of its predicted class (the argmax of
 * the teacher's distribution); images whose confidence (that maximum) is below a
 * threshold are dropped; a bucket holding more than `perClass` images keeps its
 * `perClass` most confident ones, and a bucket holding fewer duplicates each image
 * perClass/count times, rounded stochastically (⌊r⌋ copies, plus one with
 * probability r − ⌊r⌋), so that every class expects `perClass` images.
 */
import { describe, finite, int, within } from '../torch/check.js';
import { mulberry32 } from './noise.js';

export interface FilterAndBalanceOptions {
  /** Images whose top probability is below this are dropped (the reference SVHN script's 0.3). In [0, 1]. */
  threshold: number;
  /** Images per class after balancing (the reference's `num_image`); ≤ 0 filters only. An integer. */
  perClass: number;
  /** Seeds the stochastic rounding of the copies (Mulberry32). A non-negative integer. */
  seed: number;
}

export interface PseudoLabelSelection {
  /**
   * Indices into the unlabelled set, with repeats: class by class (by predicted
   * class), each class in descending confidence (ties by index), copies adjacent.
   */
  indices: number[];
  /** Entries of `indices` per predicted class (duplicates counted). */
  perClassKept: number[];
  /** Images dropped for a confidence below the threshold (not those cut from over-full classes). */
  dropped: number;
}

const FN = 'filterAndBalance';

/**
 * probs: the teacher's class probabilities, N×C row-major (N = probs.length / C);
 * numClasses: C → the selection (see the module comment). Deterministic in `seed`.
 */
export function filterAndBalance(probs: Float32Array, numClasses: number, o: FilterAndBalanceOptions): PseudoLabelSelection {
  if (!(probs instanceof Float32Array))
    throw new TypeError(`${FN}: expected probs as a Float32Array (N×C row-major) but received ${describe(probs)}`);
  const c = within(FN, () => int(numClasses, 'numClasses', 1));
  if (probs.length % c !== 0)
    throw new RangeError(`${FN}: expected probs of length N × numClasses (a multiple of ${c}) but received length ${probs.length}`);
  const { threshold, perClass, seed } = o ?? ({} as FilterAndBalanceOptions);
  within(FN, () => {
    finite(threshold, 'threshold', 0, 1);
    int(perClass, 'perClass');
    int(seed, 'seed', 0);
  });
  const buckets: { i: number; p: number }[][] = Array.from({ length: c }, () => []);
  let dropped = 0;
  for (let i = 0; i * c < probs.length; i++) {
    let best = 0;
    for (let k = 0; k < c; k++) {
      const p = probs[i * c + k];
      if (Number.isNaN(p)) throw new RangeError(`${FN}: probs row ${i} holds NaN at class ${k}`);
      if (p > probs[i * c + best]) best = k;
    }
    const p = probs[i * c + best];
    if (p < threshold) dropped++;
    else buckets[best].push({ i, p });
  }
  const uniform = mulberry32(seed);
  const indices: number[] = [];
  const perClassKept = buckets.map((bucket) => {
    bucket.sort((a, b) => b.p - a.p || a.i - b.i);
    const start = indices.length;
    if (perClass <= 0 || bucket.length >= perClass) {
      for (const { i } of bucket.slice(0, perClass > 0 ? perClass : bucket.length)) indices.push(i);
    } else {
      const ratio = perClass / bucket.length;
      const base = Math.floor(ratio);
      for (const { i } of bucket) {
        const copies = base + (uniform() < ratio - base ? 1 : 0);
        for (let r = 0; r < copies; r++) indices.push(i);
      }
    }
    return indices.length - start;
  });
  return { indices, perClassKept, dropped };
}
