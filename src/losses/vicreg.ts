/**
 * VICReg's loss (Bardes, Ponce & LeCun, 2022, "VICReg: Variance-Invariance-
 * Covariance Regularization for Self-Supervised Learning", §3, eqs. 1–6
 * and Algorithm 1). For the embeddings Z, Z′ of two views:
 *
 *   v(Z) = (1/d) Σⱼ max(0, γ − √(Var(zʲ) + ε))        variance, eqs. 1–2
 *   c(Z) = (1/d) Σ_{i≠j} C(Z)ᵢⱼ²                       covariance, eqs. 3–4
 *   s(Z, Z′) = mean of (zₙ − z′ₙ)² over all n·d entries   invariance, eq. 5
 *   ℓ = λ·s(Z, Z′) + μ·[v(Z) + v(Z′)] + ν·[c(Z) + c(Z′)]   eq. 6
 *
 * Var and C(Z) are the unbiased (1/(n − 1)) batch estimators, as in the paper.
 * s follows Algorithm 1 (F.mse_loss, a mean over n·d, which λ = 25 was tuned
 * for), not eq. 5's sum over the d dimensions. The variance terms of the two
 * branches are summed as in eq. 6 and Algorithm 1; the reference code
 * (main_vicreg.py) halves them, which is μ/2 in this convention.
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { offDiagonalTerm } from './barlow-twins.js';
import { checkNonNegative, checkPositive, checkSameMatrices } from './checks.js';

type Tensor = torch.Tensor;

export interface VicregOptions {
  /** λ, the weight of the invariance term. Default 25, the paper's setting. */
  sim?: number;
  /** μ, the weight of the variance terms. Default 25, the paper's setting. */
  var?: number;
  /** ν, the weight of the covariance terms. Default 1, the paper's setting. */
  cov?: number;
  /** γ, the target standard deviation of each dimension. Default 1. */
  gamma?: number;
  /** ε inside the square root of the variance term. Default 1e-4. */
  eps?: number;
}

export interface VicregTerms {
  /** The weighted total ℓ of eq. 6 (a scalar). */
  loss: Tensor;
  /** s(Z, Z′), unweighted. */
  invariance: Tensor;
  /** v(Z) + v(Z′), unweighted. */
  variance: Tensor;
  /** c(Z) + c(Z′), unweighted. */
  covariance: Tensor;
}

const batch = { minRows: 2, why: 'for unbiased batch statistics' };
/** The variance term's defaults γ and ε (§3 / Algorithm 1). */
const GAMMA = 1;
const EPS = 1e-4;

/** The invariance term s(Z, Z′) of Algorithm 1: the mean squared difference. z1, z2: [N, D] → a scalar. */
export function invariance(z1: Tensor, z2: Tensor): Tensor {
  checkSameMatrices('invariance', [
    ['z1', z1],
    ['z2', z2],
  ]);
  return F.mseLoss(z1, z2);
}

/**
 * The variance term v(Z) of eqs. 1–2: the mean over dimensions of the hinge
 * max(0, γ − √(Var(zʲ) + ε)), Var unbiased over the batch; 0 when every
 * dimension's standard deviation reaches γ. z: [N, D] with N ≥ 2 → a scalar.
 */
export function variance(z: Tensor, o: Pick<VicregOptions, 'gamma' | 'eps'> = {}): Tensor {
  checkSameMatrices('variance', [['z', z]], batch);
  const gamma = checkNonNegative('variance', 'gamma', o.gamma ?? GAMMA);
  const eps = checkPositive('variance', 'eps', o.eps ?? EPS);
  return torch.scope(() => {
    const std = z.var(0).add(eps).sqrt(); // [D]
    return F.relu(std.neg().add(gamma)).mean();
  });
}

/**
 * The covariance term c(Z) of eqs. 3–4: the sum of the squared off-diagonal
 * entries of the unbiased covariance matrix, divided by D. z: [N, D] with N ≥ 2 → a scalar.
 */
export function covariance(z: Tensor): Tensor {
  const [n, d] = checkSameMatrices('covariance', [['z', z]], batch);
  return torch.scope(() => {
    const centred = z.sub(z.mean(0, true)); // [N, D]
    const cov = centred
      .t()
      .matmul(centred)
      .div(n - 1); // [D, D]
    return offDiagonalTerm(cov).div(d);
  });
}

/**
 * The VICReg loss of eq. 6 and its unweighted terms. z1, z2: the expander
 * outputs of the two views [N, D], N ≥ 2.
 */
export function vicregLoss(z1: Tensor, z2: Tensor, o: VicregOptions = {}): VicregTerms {
  checkSameMatrices(
    'vicregLoss',
    [
      ['z1', z1],
      ['z2', z2],
    ],
    batch,
  );
  const { sim = 25, var: vw = 25, cov = 1, gamma = GAMMA, eps = EPS } = o;
  for (const [name, w] of [
    ['sim', sim],
    ['var', vw],
    ['cov', cov],
    ['gamma', gamma],
  ] as const)
    checkNonNegative('vicregLoss', name, w);
  checkPositive('vicregLoss', 'eps', eps);
  return torch.scope(() => {
    const s = invariance(z1, z2);
    const v = variance(z1, { gamma, eps }).add(variance(z2, { gamma, eps }));
    const c = covariance(z1).add(covariance(z2));
    const loss = s.mul(sim).add(v.mul(vw)).add(c.mul(cov));
    return { loss, invariance: s, variance: v, covariance: c };
  });
}
