/**
 * BYOL's loss (Grill et al., 2020, "Bootstrap Your Own Latent", §3.1 eq. 2 and
 * the symmetrised loss L^BYOL = L + L̃ after it). The online
 * network's prediction q of one view regresses the target network's projection
 * z′ of the other view, both L2-normalised:
 *
 *   L = ‖q̄ − z̄′‖² = 2 − 2·⟨q, z′⟩ / (‖q‖·‖z′‖),   L^BYOL = L + L̃
 *
 * with L̃ the same term with the views swapped. Each term is averaged over the
 * batch and the two terms are summed (the paper's L + L̃, so the loss lies in
 * [0, 8]). Only the online parameters θ are optimised (eq. 3; the stop-gradient
 * of Figure 2), so the target is a constant: the functions detach it.
 */
import * as torch from '../torch/index.js';
import { checkSameMatrices } from './checks.js';
import { negativeCosine } from './simsiam.js';

type Tensor = torch.Tensor;

/**
 * BYOL eq. 2 for one direction: the batch mean of 2 − 2·cos(pₙ, sg(tₙ)), in
 * [0, 4]. p: online predictions [N, D]; t: target projections [N, D] (no gradient).
 */
export function normalizedMse(p: Tensor, t: Tensor): Tensor {
  checkSameMatrices('normalizedMse', [
    ['p', p],
    ['t', t],
  ]);
  return torch.scope(() => negativeCosine(p, t).mul(2).add(2));
}

/**
 * The symmetrised BYOL loss L + L̃ = normalizedMse(p1, t2) + normalizedMse(p2, t1).
 * p1, p2: online predictions of views 1 and 2 [N, D]; t1, t2: target projections
 * of views 1 and 2 [N, D] (no gradient).
 */
export function byolLoss(p1: Tensor, p2: Tensor, t1: Tensor, t2: Tensor): Tensor {
  checkSameMatrices('byolLoss', [
    ['p1', p1],
    ['p2', p2],
    ['t1', t1],
    ['t2', t2],
  ]);
  return torch.scope(() => normalizedMse(p1, t2).add(normalizedMse(p2, t1)));
}
