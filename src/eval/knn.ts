/**
 * Weighted k-nearest-neighbour classification on frozen features (Wu et al. 2018,
 * "Unsupervised Feature Learning via Non-Parametric Instance Discrimination",
 * §3.4), the monitor used by InstDisc, MoCo and many SimCLR reimplementations:
 * features are L2-normalised, each query takes its k most cosine-similar
 * training features, neighbour i votes for its class with weight exp(sᵢ/τ), and
 * a class's score is the sum of its votes (here as a share of all the votes).
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { checkLabels, checkMatrix } from './checks.js';
import { int, positive, within } from '../torch/check.js';
import { accuracies } from './metrics.js';

type Tensor = torch.Tensor;

export interface KnnOptions {
  /** Number of classes C (labels lie in [0, C)). */
  numClasses: number;
  /** Neighbours per query, 1 ≤ k ≤ N. Default 200 (Wu et al. 2018). */
  k?: number;
  /** τ of the vote weights exp(sim/τ). Default 0.1, the usual setting of SimCLR / MoCo kNN monitors. */
  temperature?: number;
  /** Queries per batch; the similarities of one batch take batchSize × N floats. Default 1024. */
  batchSize?: number;
}

/**
 * Class scores of weighted kNN. trainFeatures: [N, D]; trainLabels: [N] int64
 * in [0, C); queries: [M, D] → scores [M, C] (float32, or float64 for float64
 * features) on the queries' device. Row m holds Wu et al.'s class scores
 * divided by their total, i.e. the share of the neighbours' vote weight:
 *
 *   scores[m][c] = Σ_{i ∈ kNN(m), yᵢ = c} exp(sᵢ/τ) / Σ_{i ∈ kNN(m)} exp(sᵢ/τ),  sᵢ = cos(query m, trainᵢ)
 *
 * Dividing by a positive per-row constant leaves each row's ranking (and so the
 * accuracies) unchanged, gives rows that sum to 1, and lets the weights be
 * computed as exp((sᵢ − s_max)/τ), which cannot overflow for small τ.
 */
export function knnPredict(trainFeatures: Tensor, trainLabels: Tensor, queries: Tensor, o: KnnOptions): Tensor {
  const fn = 'knnPredict';
  const { numClasses, k = 200, temperature = 0.1, batchSize = 1024 } = o ?? {};
  within(fn, () => int(numClasses, 'numClasses', 1));
  const [n, d] = checkMatrix(fn, 'trainFeatures', trainFeatures);
  checkLabels(fn, 'trainLabels', trainLabels, n, numClasses, 'trainFeatures [N, D] and trainLabels [N]', trainFeatures);
  const [m] = checkMatrix(fn, 'queries', queries, '[M, D]');
  if (queries.shape[1] !== d)
    throw new RangeError(`${fn}: expected queries [M, ${d}] (D of trainFeatures) but received [${queries.shape}]`);
  within(fn, () => int(k, 'k', 1));
  if (k > n) throw new RangeError(`${fn}: expected k <= N = ${n} (the number of training features) but received k = ${k}`);
  within(fn, () => [positive(temperature, 'temperature'), int(batchSize, 'batchSize', 1)]);
  const device = queries.device;
  const dtype = trainFeatures.dtype === 'float64' ? 'float64' : 'float32';
  return torch.noGrad(() =>
    torch.scope(() => {
      const bank = F.normalize(trainFeatures.to({ device, dtype }), { dim: 1 }).t().contiguous(); // [D, N], unit columns
      const labels = trainLabels.to({ device }).unsqueeze(0); // [1, N]
      const out = torch.empty([m, numClasses], { device, dtype }); // [M, C]
      for (let start = 0; start < m; start += batchSize) {
        const size = Math.min(batchSize, m - start);
        torch.scope(() => {
          const q = F.normalize(queries.narrow(0, start, size).to({ dtype }), { dim: 1 }); // [B, D]
          const { values, indices } = q.matmul(bank).topk(k, 1); // cosine similarities [B, N] → [B, k]
          const votes = values
            .sub(values.narrow(1, 0, 1))
            .div(temperature)
            .exp(); // exp((s − s_max)/τ) ∈ (0, 1], [B, k]
          const neighbourLabels = labels.expand([size, n]).gather(1, indices); // [B, k]
          const sums = torch.zeros([size, numClasses], { device, dtype }).scatterAdd(1, neighbourLabels, votes); // [B, C]
          out.narrow(0, start, size).copy_(sums.div(votes.sum(1, true)));
        });
      }
      return out;
    }),
  );
}

/**
 * Top-1 and top-5 accuracy of weighted kNN on a labelled test set (see `knnPredict`).
 * trainFeatures: [N, D]; trainLabels: [N]; testFeatures: [M, D]; testLabels: [M] int64.
 */
export function knnEvaluate(
  trainFeatures: Tensor,
  trainLabels: Tensor,
  testFeatures: Tensor,
  testLabels: Tensor,
  o: KnnOptions,
): { top1: number; top5: number } {
  return torch.scope(() => {
    const { top1, top5 } = accuracies(knnPredict(trainFeatures, trainLabels, testFeatures, o), testLabels);
    return { top1, top5 };
  });
}
