/**
 * Multinomial logistic regression with an L2 penalty, as scikit-learn's
 * `LogisticRegression(C, solver='lbfgs', multi_class='multinomial')` used by the
 * non-semantic speech benchmark (Shor et al. 2020, "Towards Learning a Universal
 * Non-Semantic Representation of Speech", §4): minimises
 * C·Σᵢ sᵢ·(−log softmax(W xᵢ + b)_{yᵢ}) + ½‖W‖², the intercept b unpenalised, with
 * sample weights sᵢ = 1 or, balanced, N / (K·N_{yᵢ}). Solved by L-BFGS to a tight
 * tolerance (the objective is divided by Σ sᵢ, which leaves the optimum unchanged).
 *
 * When D > N the fit runs in the row space of X: the optimum's W lies there
 * (W = −C·Xᵀ(P − Y)S), so with V [D, r] an orthonormal basis of that space
 * (from the eigendecomposition of the Gram matrix X Xᵀ) W = V β and the problem
 * in β on X V [N, r] is the same problem, penalty included, at r ≤ N unknowns per class.
 */
import * as torch from '../../torch/index.js';
import * as F from '../../torch/functional/index.js';
import { lbfgs } from './lbfgs.js';
import { classWeights, type Classifier } from './classifier.js';

type Tensor = torch.Tensor;

export interface LogisticOptions {
  /** Inverse penalty strength. Default 1e5 (the benchmark's). */
  C?: number;
  /** Weight samples by N / (K·N_class). Default false. */
  balanced?: boolean;
  /** L-BFGS iterations. Default 1000. */
  maxIter?: number;
}

export interface LogisticModel extends Classifier {
  /** [K, D]. */
  coef: Tensor;
  /** [K]. */
  intercept: Tensor;
  iterations: number;
  converged: boolean;
  /** Class probabilities [M, K] for float64 rows [M, D]. */
  predictProba(x: Tensor): Tensor;
}

/**
 * An orthonormal basis [D, r] of X's row space, from X Xᵀ = Q Λ Qᵀ: V = Xᵀ Q Λ^(−½) over eigenvalues above round-off.
 * X = 0 (e.g. a collapsed embedding, speaker-normalised) has none: one zero column then, so W = 0 and the intercept alone is fitted.
 */
function rowSpaceBasis(x: Tensor): Tensor {
  return torch.scope(() => {
    const { eigenvalues, eigenvectors } = torch.linalg.eigh(x.matmul(x.t())); // [N], [N, N]
    const lam = eigenvalues.data() as Float64Array;
    const floor = lam[lam.length - 1] * lam.length * 1e-13;
    const first = lam.findIndex((v) => v > floor);
    if (first < 0) return torch.zeros([x.shape[1], 1], { dtype: 'float64' });
    const q = eigenvectors.narrow(1, first, lam.length - first); // [N, r]
    return x
      .t()
      .matmul(q)
      .div(eigenvalues.narrow(0, first, lam.length - first).sqrt()); // [D, r]
  });
}

/** Fits on float64 rows x [N, D] with class indices y in [0, K). */
export function fitLogistic(x: Tensor, y: Int32Array, numClasses: number, o: LogisticOptions = {}): LogisticModel {
  const { C = 1e5, balanced = false, maxIter = 1000 } = o;
  const [n, d] = x.shape;
  const k = numClasses;
  const basis = d > n ? rowSpaceBasis(x) : null; // [D, r]
  const fitted = torch.scope(() => {
    const z = basis ? x.matmul(basis) : x; // [N, r]
    const r = z.shape[1];
    const cw = balanced ? classWeights(y, k) : new Float64Array(k).fill(1);
    const sw = Float64Array.from(y, (c) => cw[c]);
    const total = sw.reduce((a, b) => a + b, 0);
    const weights = torch.tensor(
      sw.map((v) => v / total),
      { dtype: 'float64', shape: [n, 1] },
    ); // [N, 1]
    const target = F.oneHot(torch.tensor(Int32Array.from(y), { dtype: 'int64' }), k).double(); // [N, K]
    const penalty = 1 / (C * total);
    const objective = (w: Float64Array, grad: Float64Array): number =>
      torch.scope(() => {
        const wt = torch.tensor(w, { dtype: 'float64', shape: [r + 1, k] }); // rows 0..r−1: β, row r: b
        const beta = wt.narrow(0, 0, r);
        const logits = z.matmul(beta).add(wt.narrow(0, r, 1)); // [N, K]
        const logp = F.logSoftmax(logits, 1);
        const nll = logp.mul(target).mul(weights).sum().item();
        const resid = logp.exp().sub(target).mul(weights); // [N, K]
        const g = torch.cat([z.t().matmul(resid).add(beta.mul(penalty)), resid.sum(0, true)], 0); // [r + 1, K]
        grad.set(g.data() as Float64Array);
        return -nll + 0.5 * penalty * (beta.square().sum().item() as number);
      });
    const res = lbfgs(objective, new Float64Array((r + 1) * k), { maxIter });
    const wt = torch.tensor(res.w, { dtype: 'float64', shape: [r + 1, k] });
    const beta = wt.narrow(0, 0, r);
    const coef = (basis ? basis.matmul(beta) : beta).t().contiguous(); // [K, D]
    return { coef, intercept: wt.select(0, r).contiguous(), iterations: res.iterations, converged: res.converged };
  });
  basis?.dispose();
  const predictProba = (t: Tensor): Tensor => torch.scope(() => F.softmax(t.matmul(fitted.coef.t()).add(fitted.intercept), 1));
  const predict = (t: Tensor): Int32Array =>
    torch.scope(() => Int32Array.from(t.matmul(fitted.coef.t()).add(fitted.intercept).argmax(1).data() as BigInt64Array, Number));
  return { ...fitted, predictProba, predict };
}
