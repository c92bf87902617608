/**
 * Accuracy under common corruptions (Hendrycks & Dietterich 2019; MNIST-C, Mu &
 * Gilmer 2019): a classifier's top-1 on each corrupted copy of a test set, per
 * corruption and severity, and their mean over all corruptions and severities —
 * the mean corruption accuracy (mCA; 1 − mCA is the unnormalised mean corruption
 * error). The sets are built in code by `corrupt` (views/image/corruptions.ts).
 */
import * as torch from '../torch/index.js';
import { fail, int } from '../torch/check.js';
import { corrupt, CORRUPTIONS, SEVERITIES } from '../views/image/corruptions.js';

type Tensor = torch.Tensor;

/** Top-1 accuracy in [0, 1] of a classifier on uint8 images [N, C, H, W]; `labels` are the set's labels [N], in order. */
export type CorruptionScorer = (images: Tensor, labels: Tensor) => number | Promise<number>;

export interface CorruptionProgress {
  name: string;
  severity: number;
  accuracy: number;
  /** Sets scored so far, of `total`. */
  done: number;
  total: number;
}

export interface CorruptionAccuracyOptions {
  /** Corruptions to apply. Default: all of `CORRUPTIONS`. */
  names?: string[];
  /** Severities (1…5). Default: all five. */
  severities?: number[];
  /** Seed of every corrupted set. Default 0. */
  seed?: number;
  /** Called after each set is scored. */
  onProgress?: (p: CorruptionProgress) => void;
}

export interface CorruptionAccuracy {
  /** Top-1 per corruption, one entry per severity in the order given. */
  perCorruption: Record<string, number[]>;
  /** Mean over all corruptions and severities (mCA). */
  mean: number;
}

/**
 * Scores `score` on every (corruption, severity) copy of `images`, built one at a
 * time and freed after scoring. images: uint8 [N, C, H, W]; labels: [N].
 */
export async function corruptionAccuracy(
  score: CorruptionScorer,
  images: Tensor,
  labels: Tensor,
  o: CorruptionAccuracyOptions = {},
): Promise<CorruptionAccuracy> {
  if (typeof score !== 'function') fail(score, 'score', 'a function (images, labels) => top-1 accuracy');
  if (!(images instanceof torch.Tensor)) fail(images, 'images', 'a uint8 Tensor [N, C, H, W]');
  if (!(labels instanceof torch.Tensor) || labels.dim() !== 1 || labels.shape[0] !== images.shape[0])
    throw new RangeError(
      `corruptionAccuracy: expected labels [${images.shape[0]}] (one per image) but received ${labels instanceof torch.Tensor ? `[${labels.shape}]` : typeof labels}`,
    );
  const { names = [...CORRUPTIONS], severities = [...SEVERITIES], seed = 0, onProgress } = o;
  if (!Array.isArray(names) || names.length === 0 || names.some((n) => !CORRUPTIONS.includes(n)))
    fail(names, 'names', `a non-empty list of ${CORRUPTIONS.join(', ')}`, RangeError);
  if (!Array.isArray(severities) || severities.length === 0 || severities.some((s) => !(SEVERITIES as readonly number[]).includes(s)))
    fail(severities, 'severities', 'a non-empty list of 1, 2, 3, 4, 5', RangeError);
  int(seed, 'seed', 0);
  const perCorruption: Record<string, number[]> = {};
  const total = names.length * severities.length;
  let [done, sum] = [0, 0];
  for (const name of names) {
    perCorruption[name] = [];
    for (const severity of severities) {
      const set = await corrupt(images, name, severity as 1 | 2 | 3 | 4 | 5, seed);
      let accuracy: number;
      try {
        accuracy = await score(set, labels);
      } finally {
        set.dispose();
      }
      if (typeof accuracy !== 'number' || !(accuracy >= 0 && accuracy <= 1))
        throw new RangeError(
          `corruptionAccuracy: expected score to return a top-1 accuracy in [0, 1] but received ${accuracy} on ${name} severity ${severity}`,
        );
      perCorruption[name].push(accuracy);
      sum += accuracy;
      onProgress?.({ name, severity, accuracy, done: ++done, total });
    }
  }
  return { perCorruption, mean: sum / total };
}
