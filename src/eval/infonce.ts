/**
 * The InfoNCE lower bound on the mutual information between two views (van
 * den Oord et al. 2018, CPC §2.3; Tian et al. 2020, CMC §3.2, which InfoMin
 * uses to measure how much two views share): for K pairs (x_i, y_i) and a
 * critic f, L_NCE = −(1/K) Σ_i log softmax_j f(x_i, y_j)[i] and
 *
 *   I(x; y) ≥ I_NCE = log K − L_NCE.
 *
 * The bound is at most log K whatever the critic, and reaches I(x; y) only
 * with the optimal critic (log p(y|x)/p(y) up to a function of x) and a K
 * large enough that log K ≫ I. Comparing view settings needs the same K and a
 * critic of the same family (InfoMin: the same architecture for every view).
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { fail } from '../torch/check.js';

type Tensor = torch.Tensor;

/** I_NCE of one group of K pairs. */
export interface InfoNceBound {
  /** log K − L_NCE, in nats. */
  bound: number;
  /** L_NCE (mean cross-entropy of each row's positive), in nats. */
  loss: number;
  /** Pairs in the group (1 positive + K − 1 negatives per row). */
  k: number;
}

/**
 * The InfoNCE bound of a critic's scores [K, K]: row i scores view x_i against
 * y_0 … y_{K−1}, its positive on the diagonal. Returns log K − L_NCE.
 */
export function infoNceBound(scores: Tensor): InfoNceBound {
  if (!(scores instanceof torch.Tensor)) fail(scores, 'infoNceBound scores', 'a Tensor [K, K]');
  const [k, k2] = scores.shape;
  if (scores.shape.length !== 2 || k !== k2 || k < 2)
    throw new RangeError(`infoNceBound: expected scores of shape [K, K] with K >= 2 but received [${scores.shape}]`);
  const loss = torch.noGrad(() =>
    torch.scope(() => F.crossEntropy(scores.double(), torch.arange(k, undefined, 1, { device: scores.device })).item()),
  );
  if (!Number.isFinite(loss))
    throw new RangeError(`infoNceBound: the scores give a non-finite loss (${loss}); check the critic for NaN/Inf`);
  return { bound: Math.log(k) - loss, loss, k };
}

/** I_NCE over many groups, and its spread across seeds. */
export interface InfoNceEstimate {
  /** Pairs per group (the K of log K). */
  k: number;
  logK: number;
  /** Mean of the per-seed estimates, in nats. */
  mean: number;
  /** Standard deviation of the per-seed estimates (0 with one seed). */
  std: number;
  /** One estimate per seed: the mean bound over that seed's groups. */
  perSeed: number[];
  /** Groups of K pairs per seed. */
  groups: number;
}

/**
 * I_NCE averaged over groups of K pairs, once per seed. `scores(start, seed)`
 * gives the critic's scores [K, K] of the K pairs starting at item `start`
 * drawn with `seed` (a view method draws fresh views per seed). Items are
 * taken in order, `groups` groups of K per seed.
 */
export function estimateInfoNce(
  scores: (start: number, seed: number) => Tensor,
  o: { k: number; groups: number; seeds: readonly number[] },
): InfoNceEstimate {
  const { k, groups, seeds } = o;
  if (!Number.isInteger(k) || k < 2) fail(k, 'estimateInfoNce k', 'an integer >= 2');
  if (!Number.isInteger(groups) || groups < 1) fail(groups, 'estimateInfoNce groups', 'a positive integer');
  if (!Array.isArray(seeds) || seeds.length === 0) fail(seeds, 'estimateInfoNce seeds', 'a non-empty array of seeds');
  const perSeed = seeds.map((seed) => {
    let sum = 0;
    for (let g = 0; g < groups; g++) {
      const s = scores(g * k, seed);
      if (s.shape[0] !== k) throw new RangeError(`estimateInfoNce: expected scores [${k}, ${k}] but received [${s.shape}]`);
      sum += infoNceBound(s).bound;
      s.dispose();
    }
    return sum / groups;
  });
  const mean = perSeed.reduce((a, b) => a + b, 0) / perSeed.length;
  const std = perSeed.length > 1 ? Math.sqrt(perSeed.reduce((a, b) => a + (b - mean) ** 2, 0) / (perSeed.length - 1)) : 0;
  return { k, logK: Math.log(k), mean, std, perSeed, groups };
}
