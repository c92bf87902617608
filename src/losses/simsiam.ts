/**
 * SimSiam's loss (Chen & He, 2021, "Exploring Simple Siamese Representation
 * Learning", §3 eqs. 1–4 and Algorithm 1). With the predictor's outputs p and
 * the projector's outputs z of two views,
 *
 *   D(p, z) = −cos(p, stopgrad(z)),   L = D(p₁, z₂)/2 + D(p₂, z₁)/2
 *
 * where D is averaged over the batch. The stop-gradient (§4.1: without it the
 * embeddings collapse) is applied inside the functions: z gets no gradient.
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { checkSameMatrices } from './checks.js';

type Tensor = torch.Tensor;

/**
 * D(p, z) of SimSiam eq. 1 with the stop-gradient of eq. 3: the batch mean of
 * −cos(pₙ, zₙ), in [−1, 1]. p, z: [N, D] → a scalar; z is treated as a constant.
 */
export function negativeCosine(p: Tensor, z: Tensor): Tensor {
  checkSameMatrices('negativeCosine', [
    ['p', p],
    ['z', z],
  ]);
  return torch.scope(() => {
    const pn = F.normalize(p, { dim: 1 }); // [N, D]
    const zn = F.normalize(z.detach(), { dim: 1 }); // [N, D]
    return pn.mul(zn).sum(1).mean().neg();
  });
}

/**
 * The symmetrised SimSiam loss of eq. 4: D(p₁, z₂)/2 + D(p₂, z₁)/2, in [−1, 1]
 * (−1 when each prediction points along the other view's projection).
 * p1, p2: predictor outputs [N, D]; z1, z2: projector outputs [N, D] (no gradient).
 */
export function simsiamLoss(p1: Tensor, p2: Tensor, z1: Tensor, z2: Tensor): Tensor {
  checkSameMatrices('simsiamLoss', [
    ['p1', p1],
    ['p2', p2],
    ['z1', z1],
    ['z2', z2],
  ]);
  return torch.scope(() => negativeCosine(p1, z2).add(negativeCosine(p2, z1)).div(2));
}
