/**
 * The batch statistics of SyncBatchNorm: per channel, the mean and (biased) variance
 * of the global batch, from every rank's own mean, variance and count gathered with
 * gradient and merged by Chan, Golub & LeVeque's pairwise formula (1979, "Updating
 * formulae and a pairwise algorithm for computing sample variances"):
 *
 *   μ = Σᵣ nᵣ μᵣ / n,   σ² = Σᵣ nᵣ (σᵣ² + (μᵣ − μ)²) / n,   n = Σᵣ nᵣ
 *
 * One all-gather of [W, 3, C] per layer; unlike summing Σx and Σx² it loses no
 * precision when the mean is large against the spread. The gather's backward sums
 * every rank's gradient of the statistics back to the rank they came from.
 */
import * as torch from '../torch/index.js';

type Tensor = torch.Tensor;

/** x [N, C, *] on every rank → the global batch's mean and variance [C] (with gradient) and its size n. */
export function globalBatchStats(x: Tensor): { mean: Tensor; variance: Tensor; count: number } {
  const c = x.shape[1];
  const dims = [0, ...x.shape.slice(2).map((_, i) => i + 2)];
  const local = x.numel() / c;
  const [v, m] = torch.varMean(x, dims, 0); // [C] each
  const counts0 = torch.full([c], local, { dtype: x.dtype, device: x.device });
  const all = torch.distributed.allGatherWithGrad(torch.stack([m, v, counts0]).unsqueeze(0)); // [W, 3, C]
  const [means, vars, counts] = all.unbind(1); // [W, C] each
  const n = counts.detach().sum(0); // [C]
  const mean = counts.mul(means).sum(0).div(n); // [C]
  const variance = counts
    .mul(vars.add(means.sub(mean).square()))
    .sum(0)
    .div(n); // [C]
  return { mean, variance, count: n.narrow(0, 0, 1).item() };
}
