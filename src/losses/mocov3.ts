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
  /**
   * Row of the keys holding query 0's positive (default 0). A data-parallel rank r
   * passes every rank's keys (gathered, as the reference code's concat_all_gather)
   * and r·n, its queries' place among them.
   */
  offset?: number;
}

/**
 * ctr(q, k) of Algorithm 1: InfoNCE of each query against all the keys, times
 * 2τ. q: queries [n, D]; k: keys [N, D] (no gradient, N ≥ n), key row
 * offset + i the positive of query i → a scalar.
 */
export function mocoV3Contrastive(q: Tensor, k: Tensor, temperature: number, offset = 0): Tensor {
  const fn = 'mocoV3Contrastive';
  const n = checkQueriesKeys(fn, q, k, offset);
  const tau = checkPositive(fn, 'temperature', temperature);
  return torch.scope(() => {
    const qn = F.normalize(q, { dim: 1 }); // [n, D]
    const kn = F.normalize(k.detach(), { dim: 1 }); // [N, D]
    const logits = qn.matmul(kn.t()).div(tau); // [n, N]
    const labels = torch.arange(offset, offset + n, 1, { device: q.device }); // [n]: each query's own key
    return F.crossEntropy(logits, labels).mul(2 * tau);
  });
}

/** Checks queries [n, D] against keys [N, D] with the positives at rows offset…offset+n−1; returns n. */
function checkQueriesKeys(fn: string, q: Tensor, k: Tensor, offset: number): number {
  const [[n, d], [m, dk]] = [q, k].map((t, i) => {
    if (!(t instanceof torch.Tensor) || t.dim() !== 2) throw new TypeError(`${fn}: expected ${i ? 'k' : 'q'} to be a 2-D Tensor`);
    return t.shape;
  });
  if (d !== dk) throw new RangeError(`${fn}: expected q and k of the same width but received [${q.shape}] and [${k.shape}]`);
  if (!(Number.isInteger(offset) && offset >= 0 && offset + n <= m))
    throw new RangeError(
      `${fn}: expected the ${n} queries' keys at rows offset…offset+${n - 1} of the ${m} keys but received offset ${offset}`,
    );
  return n;
}

/**
 * The symmetrised MoCo v3 loss ctr(q1, k2) + ctr(q2, k1). q1, q2: queries of
 * views 1 and 2 [n, D]; k1, k2: momentum-encoder keys of views 1 and 2 [N, D]
 * (no gradient; N = n unless `offset` places the queries among more keys).
 */
export function mocoV3Loss(q1: Tensor, q2: Tensor, k1: Tensor, k2: Tensor, o: MocoV3Options = {}): Tensor {
  const pairs: [string, Tensor][][] = [
    [
      ['q1', q1],
      ['q2', q2],
    ],
    [
      ['k1', k1],
      ['k2', k2],
    ],
  ];
  // one shape for all four, unless an offset places the queries among more keys
  for (const named of o.offset === undefined ? [pairs.flat()] : pairs) checkSameMatrices('mocoV3Loss', named);
  const tau = checkPositive('mocoV3Loss', 'temperature', o.temperature ?? 1);
  const offset = o.offset ?? 0;
  return torch.scope(() => mocoV3Contrastive(q1, k2, tau, offset).add(mocoV3Contrastive(q2, k1, tau, offset)));
}
