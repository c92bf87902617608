/**
 * Linear discriminant analysis with Ledoit–Wolf shrinkage, as scikit-learn's
 * `LinearDiscriminantAnalysis(solver='lsqr', shrinkage='auto')`: each class's
 * covariance is the Ledoit–Wolf estimate (Ledoit & Wolf 2004, "A well-conditioned
 * estimator for large-dimensional covariance matrices") of its standardised
 * features, scaled back; Σ is their prior-weighted sum; coef_k = Σ⁻¹ μ_k and
 * intercept_k = −½ μ_k·coef_k + log π_k.
 *
 * Per class, (1 − s)·emp + s·μ·I in standardised units is, in the original units,
 * (1 − s)/n · X_cᵀX_c + s·μ·diag(scale²), so Σ = Λ + YᵀY with Λ diagonal and Y the
 * stacked, weighted, centred rows [N, D]. When D > N, Σ⁻¹ is applied by the Woodbury
 * identity with an N × N solve; otherwise Σ is formed and solved directly. A
 * singular Σ (no shrinkage anywhere) falls to the minimum-norm least-squares
 * solution, as scikit-learn's lstsq.
 */
import * as torch from '../../torch/index.js';
import type { Classifier } from './classifier.js';

type Tensor = torch.Tensor;

/** Ledoit–Wolf shrinkage of rows x [n, p] (centred here): scikit-learn's `ledoit_wolf_shrinkage`, in O(n²p) through the Gram matrix. */
export function ledoitWolfShrinkage(x: Tensor): number {
  const [n, p] = x.shape;
  if (p === 1) return 0;
  return torch.scope(() => {
    const xc = x.sub(x.mean(0, true)); // [n, p]
    const sq = xc.square().sum(1); // [n] ‖xᵢ‖²
    const trace = sq.sum().item() / n; // tr(emp)
    const mu = trace / p;
    const delta0 = xc.matmul(xc.t()).square().sum().item() / (n * n); // ‖emp‖²_F
    const beta0 = sq.square().sum().item(); // Σᵢ ‖xᵢ‖⁴
    const delta = (delta0 - 2 * mu * trace + p * mu * mu) / p;
    const beta = Math.min((beta0 / n - delta0) / (p * n), delta);
    return beta === 0 ? 0 : beta / delta;
  });
}

export interface LdaModel extends Classifier {
  /** [K, D]. */
  coef: Tensor;
  /** [K]. */
  intercept: Tensor;
  /** Per-class Ledoit–Wolf shrinkage of the standardised features. */
  shrinkage: number[];
}

/** Fits on float64 rows x [N, D] with class indices y in [0, K); every class needs a sample. */
export function fitLda(x: Tensor, y: Int32Array, numClasses: number): LdaModel {
  const [n, d] = x.shape;
  const shrinkage: number[] = [];
  const fitted = torch.scope(() => {
    const lambda = torch.zeros([d], { dtype: 'float64' }); // diag Λ
    const rows: Tensor[] = [];
    const means: Tensor[] = [];
    const logPriors: number[] = [];
    for (let c = 0; c < numClasses; c++) {
      const idx = Float64Array.from([...y.keys()].filter((i) => y[i] === c));
      const xk = x.indexSelect(0, torch.tensor(idx, { dtype: 'int64' })); // [n_k, D]
      const m = idx.length;
      const prior = m / n;
      const mean = xk.mean(0, true); // [1, D]
      const centred = xk.sub(mean);
      const std = centred.square().mean(0).sqrt(); // [D], population std
      const scale = torch.where(std.gt(0), std, 1);
      const s = ledoitWolfShrinkage(centred.div(scale));
      const mu = std.gt(0).sum().item() / d;
      shrinkage.push(s);
      lambda.add_(scale.square().mul(prior * s * mu));
      rows.push(centred.mul(Math.sqrt((prior * (1 - s)) / m)));
      means.push(mean);
      logPriors.push(Math.log(prior));
    }
    const yRows = torch.cat(rows, 0); // [N, D]
    const mu = torch.cat(means, 0); // [K, D]
    const lamMin = lambda.min().item();
    let coef: Tensor; // [K, D]
    if (lamMin > 0 && d > n) {
      const inner = torch.eye(n, { dtype: 'float64' }).add(yRows.div(lambda).matmul(yRows.t())); // I + Y Λ⁻¹ Yᵀ [N, N]
      const b = mu.div(lambda); // Λ⁻¹ μ [K, D]
      coef = b.sub(torch.linalg.solve(inner, yRows.matmul(b.t())).t().matmul(yRows).div(lambda));
    } else {
      const sigma = yRows.t().matmul(yRows).add(torch.diag(lambda)); // [D, D]
      coef = (lamMin > 0 ? torch.linalg.solve(sigma, mu.t()) : torch.linalg.pinv(sigma, { hermitian: true }).matmul(mu.t())).t();
    }
    const intercept = coef
      .mul(mu)
      .sum(1)
      .mul(-0.5)
      .add(torch.tensor(Float64Array.from(logPriors), { dtype: 'float64' }));
    return { coef: coef.contiguous(), intercept };
  });
  const predict = (t: Tensor): Int32Array =>
    torch.scope(() => Int32Array.from(t.matmul(fitted.coef.t()).add(fitted.intercept).argmax(1).data() as BigInt64Array, Number));
  return { ...fitted, shrinkage, predict };
}
