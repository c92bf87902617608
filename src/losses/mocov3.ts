/**
 * MoCo v3's loss (Chen, Xie & He, 2021, "An Empirical Study of Training
 * Self-Supervised Vision Transformers", §3 eq. 1 and Algorithm 1). A query q
 * (base encoder + predictor) of one view is classified against the keys k
 * (momentum encoder) of the other view in the batch, its own key being the
 * positive; queries and keys are L2-normalised (as the reference code's ctr_loss):
 *
 *   ctr(q, k) = CrossEntropy(q·kᵀ/τ, labels = arange(N)) · 2τ,   L = ctr(q₁, k₂) + ctr(q₂, k₁)
 *
 * The 2τ factor (Algorithm 1) cancels the 1/τ of the logits in the gradient. The
 * keys come from the momentum encoder under no_grad: the functions detach them.
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { checkPositive, checkSameMatrices } from './checks.js';

type Tensor = torch.Tensor;

export interface MocoV3Options {
  /** τ > 0. Default 1.0, the reference code's default (used for ResNet-50); its ViT runs use 0.2. */
  temperature?: number;
}

/**
 * ctr(q, k) of Algorithm 1: InfoNCE of each query against all the keys, times
 * 2τ. q: queries [N, D]; k: keys [N, D] (no gradient), row n the positive of
 * query n → a scalar.
 */
export function mocoV3Contrastive(q: Tensor, k: Tensor, temperature: number): Tensor {
  const [n] = checkSameMatrices('mocoV3Contrastive', [
    ['q', q],
    ['k', k],
  ]);
  const tau = checkPositive('mocoV3Contrastive', 'temperature', temperature);
  return torch.scope(() => {
    const qn = F.normalize(q, { dim: 1 }); // [N, D]
    const kn = F.normalize(k.detach(), { dim: 1 }); // [N, D]
    const logits = qn.matmul(kn.t()).div(tau); // [N, N]
    const labels = torch.arange(n, undefined, 1, { device: q.device }); // [N]: positives on the diagonal
    return F.crossEntropy(logits, labels).mul(2 * tau);
  });
}

/**
 * The symmetrised MoCo v3 loss ctr(q1, k2) + ctr(q2, k1). q1, q2: queries of
 * views 1 and 2 [N, D]; k1, k2: momentum-encoder keys of views 1 and 2 [N, D]
 * (no gradient).
 */
export function mocoV3Loss(q1: Tensor, q2: Tensor, k1: Tensor, k2: Tensor, o: MocoV3Options = {}): Tensor {
  checkSameMatrices('mocoV3Loss', [
    ['q1', q1],
    ['q2', q2],
    ['k1', k1],
    ['k2', k2],
  ]);
  const tau = checkPositive('mocoV3Loss', 'temperature', o.temperature ?? 1);
  return torch.scope(() => mocoV3Contrastive(q1, k2, tau).add(mocoV3Contrastive(q2, k1, tau)));
}
