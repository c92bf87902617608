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
import { checkPositive, checkSameMatrices } from './checks.js';

type Tensor = torch.Tensor;

export interface NtXentOptions {
  /** τ > 0. Default 0.5 (SimCLR's CIFAR-10 setting; 0.1 for ImageNet with large batches). */
  temperature?: number;
  /**
   * The anchors: rows [offset, offset + count) of each view (default: all N). A
   * data-parallel rank passes every rank's projections (gathered) and its own rows as
   * anchors, so its negatives come from the global batch (SimCLR §2.2) and the mean of
   * the ranks' losses is the loss over all anchors.
   */
  anchors?: { offset: number; count: number };
}

/**
 * The logits and targets of NT-Xent as a 2N-way classification. z1, z2: [N, D]
 * → logits [2N, 2N] (cosine similarity / τ, self-similarity −∞) and int64
 * targets [2N] (row i's positive: i + N for i < N, i − N after). With
 * `anchors` {offset o, count n}: logits [2n, 2N], rows the anchors o…o+n−1 of
 * view 1 then of view 2.
 */
export function ntXentLogits(z1: Tensor, z2: Tensor, o: NtXentOptions = {}): { logits: Tensor; targets: Tensor } {
  const [n] = checkSameMatrices(
    'ntXent',
    [
      ['z1', z1],
      ['z2', z2],
    ],
    { minRows: 2, why: 'for negatives' },
  );
  const tau = checkPositive('ntXent', 'temperature', o.temperature ?? 0.5);
  const { offset, count } = o.anchors ?? { offset: 0, count: n };
  if (!(Number.isInteger(offset) && Number.isInteger(count) && offset >= 0 && count >= 1 && offset + count <= n))
    throw new RangeError(`ntXent: expected anchors within the ${n} rows of each view but received offset ${offset} and count ${count}`);
  return torch.scope(() => {
    const z = F.normalize(torch.cat([z1, z2]), { dim: 1 }); // [2N, D], unit rows
    const anchors = count === n ? z : torch.cat([z.narrow(0, offset, count), z.narrow(0, n + offset, count)]); // [2n, D]
    const sim = anchors.matmul(z.t()).div(tau); // [2n, 2N]
    const rows = torch.arange(2 * count, undefined, 1, { device: z.device }); // [2n]
    const self = rows
      .add(
        rows
          .ge(count)
          .long()
          .mul(n - count),
      )
      .add(offset); // [2n]: each anchor's own column
    const logits = sim.scatter(1, self.unsqueeze(1), -Infinity);
    const targets = self.add(n).remainder(2 * n); // [2n]: the other view of the same sample
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
 * Top-1 accuracy of the contrastive task: the fraction of the 2N anchors (or of
 * `anchors`' rows) whose most similar other view is their positive (a training
 * diagnostic). z1, z2: [N, D].
 */
export function ntXentAccuracy(z1: Tensor, z2: Tensor, anchors?: NtXentOptions['anchors']): number {
  return torch.noGrad(() =>
    torch.scope(() => {
      const { logits, targets } = ntXentLogits(z1, z2, { temperature: 1, anchors });
      return logits.argmax(1).eq(targets).float().mean().item();
    }),
  );
}
