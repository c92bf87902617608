/**
 * Collapse diagnostics of an embedding batch, two numbers to log while training
 * a non-contrastive method:
 *
 * - std: the per-dimension standard deviation over the batch of the
 *   L2-normalised embeddings z/‖z‖, averaged over the D dimensions (Chen & He,
 *   2021, SimSiam §4.1 and Fig. 2). 0 means complete collapse (every sample
 *   maps to one direction); embeddings spread like an isotropic zero-mean
 *   Gaussian give ≈ 1/√D, the healthy reference.
 * - effectiveRank: RankMe (Garrido et al., 2023, "RankMe: Assessing the
 *   Downstream Performance of Pretrained Self-Supervised Representations by
 *   Their Rank", eq. 1), exp(−Σₖ pₖ log pₖ) with pₖ = σₖ/‖σ‖₁ + ε, ε = 1e-7,
 *   over the singular values σ of the (uncentred) embedding matrix: between 1
 *   (rank one) and min(N, D) (all singular values equal).
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { checkMatrix } from './checks.js';

type Tensor = torch.Tensor;

export interface CollapseDiagnostics {
  /** Mean over dimensions of the batch std of the L2-normalised embeddings; 1/√D healthy, 0 collapsed. */
  std: number;
  /** RankMe effective rank, in [1, min(N, D)] (0 for an all-zero matrix). */
  effectiveRank: number;
}

/** RankMe's ε, added to each normalised singular value before the entropy. */
const RANKME_EPS = 1e-7;

/**
 * SimSiam's collapse indicator: the std over the batch (unbiased, 1/(N − 1)) of
 * each dimension of z/‖z‖, averaged over dimensions. features: [N, D], N ≥ 2 → a number.
 */
export function normalizedStd(features: Tensor): number {
  const [n] = checkMatrix('normalizedStd', 'features', features);
  if (n < 2)
    throw new RangeError(`normalizedStd: expected at least 2 rows in features for a standard deviation but received [${features.shape}]`);
  return torch.noGrad(() => torch.scope(() => F.normalize(features.double(), { dim: 1 }).std(0).mean().item()));
}

/**
 * RankMe, the exponential of the entropy of the normalised singular values.
 * features: [N, D] → a number in [1, min(N, D)]; 0 when every entry is 0.
 */
export function effectiveRank(features: Tensor): number {
  checkMatrix('effectiveRank', 'features', features);
  return torch.noGrad(() =>
    torch.scope(() => {
      const sigma = torch.linalg.svdvals(features.double()); // [min(N, D)]
      const total = sigma.sum().item();
      if (total === 0) return 0;
      const p = sigma.div(total).add(RANKME_EPS);
      return Math.exp(p.mul(p.log()).sum().neg().item());
    }),
  );
}

/** Both diagnostics of an embedding batch. features: [N, D], N ≥ 2. */
export function collapseDiagnostics(features: Tensor): CollapseDiagnostics {
  return { std: normalizedStd(features), effectiveRank: effectiveRank(features) };
}
