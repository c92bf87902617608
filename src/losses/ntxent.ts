/**
 * NT-Xent, the normalised temperature-scaled cross-entropy of SimCLR (Chen et al.,
 * 2020, "A Simple Framework for Contrastive Learning of Visual Representations",
 * eq. 1). For 2N projections of N samples under two views, each anchor's positive
 * is the other view of its sample and its negatives are the other 2N − 2 views:
 *
 *   ℓ(i, j) = −log( exp(sim(zᵢ, zⱼ)/τ) / Σ_{k≠i} exp(sim(zᵢ, z_k)/τ) ),  sim = cosine
 *
 * and the loss is the mean of ℓ over all 2N anchors (both directions).
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';

type Tensor = torch.Tensor;

export interface NtXentOptions {
  /** τ > 0. Default 0.5 (SimCLR's CIFAR-10 setting; 0.1 for ImageNet with large batches). */
  temperature?: number;
}

function checkPair(z1: Tensor, z2: Tensor): number {
  const [a, b] = [z1.shape, z2.shape];
  if (a.length !== 2 || b.length !== 2 || a[0] !== b[0] || a[1] !== b[1])
    throw new RangeError(`ntXent: expected z1 and z2 of the same shape [N, D] but received [${a}] and [${b}]`);
  if (a[0] < 2) throw new RangeError(`ntXent: needs at least 2 samples for negatives but received N = ${a[0]}`);
  return a[0];
}

function checkTemperature(t: number): number {
  if (!(typeof t === 'number' && t > 0 && Number.isFinite(t)))
    throw new RangeError(`ntXent: expected a positive number for temperature but received ${t}`);
  return t;
}

/**
 * The logits and targets of NT-Xent as a 2N-way classification. z1, z2: [N, D]
 * → logits [2N, 2N] (cosine similarity / τ, self-similarity −∞) and int64
 * targets [2N] (row i's positive: i + N for i < N, i − N after).
 */
export function ntXentLogits(z1: Tensor, z2: Tensor, o: NtXentOptions = {}): { logits: Tensor; targets: Tensor } {
  const n = checkPair(z1, z2);
  const tau = checkTemperature(o.temperature ?? 0.5);
  return torch.scope(() => {
    const z = F.normalize(torch.cat([z1, z2]), { dim: 1 }); // [2N, D], unit rows
    const sim = z.matmul(z.t()).div(tau); // [2N, 2N]
    const self = torch.eye(2 * n, 2 * n, { dtype: 'bool', device: z.device });
    const logits = sim.maskedFill(self, -Infinity);
    const targets = torch.arange(2 * n, undefined, 1, { device: z.device }).add(n).remainder(2 * n); // [2N]
    return { logits, targets };
  });
}

/** NT-Xent loss (a scalar): mean over the 2N anchors of both views. z1, z2: [N, D]. */
export function ntXent(z1: Tensor, z2: Tensor, o: NtXentOptions = {}): Tensor {
  return torch.scope(() => {
    const { logits, targets } = ntXentLogits(z1, z2, o);
    return F.crossEntropy(logits, targets);
  });
}

/**
 * Top-1 accuracy of the contrastive task: the fraction of the 2N anchors whose
 * most similar other view is their positive (a training diagnostic). z1, z2: [N, D].
 */
export function ntXentAccuracy(z1: Tensor, z2: Tensor): number {
  return torch.noGrad(() => torch.scope(() => {
    const { logits, targets } = ntXentLogits(z1, z2, { temperature: 1 });
    return logits.argmax(1).eq(targets).float().mean().item();
  }));
}
