/**
 * Barlow Twins' loss (Zbontar et al., 2021, "Barlow Twins: Self-Supervised
 * Learning via Redundancy Reduction", §2 eqs. 1–2 and Algorithm 1). Each
 * embedding dimension is standardised over the batch, C = z̃₁ᵀz̃₂/N is the
 * cross-correlation matrix of the two views, and
 *
 *   L = Σᵢ (1 − Cᵢᵢ)² + λ·Σᵢ Σ_{j≠i} Cᵢⱼ²
 *
 * (the invariance term pulls the diagonal to 1, the redundancy-reduction term
 * pushes the off-diagonal to 0). The standardisation is the reference code's
 * BatchNorm1d(affine=False) in training mode, (z − mean)/√(var + ε) with the
 * biased (1/N) batch variance and ε = 1e-5, rather than Algorithm 1's z.std(0)
 * (unbiased, no ε); then |Cᵢⱼ| < 1 and C is eq. 2's correlation up to ε.
 */
import * as torch from '../torch/index.js';
import { checkNonNegative, checkPositive, checkSameMatrices, checkTensor } from './checks.js';

type Tensor = torch.Tensor;

/** BatchNorm1d's ε, the reference code's standardisation. */
const BN_EPS = 1e-5;
const batch = { minRows: 2, why: 'for batch statistics' };

export interface BarlowTwinsOptions {
  /** λ, the weight of the redundancy-reduction term. Default 5e-3, the paper's λ = 5·10⁻³. */
  lambda?: number;
  /** ε of the batch standardisation. Default 1e-5 (BatchNorm1d's, as the reference code). */
  eps?: number;
}

/** (z − mean)/√(var + ε) per column with the biased batch variance. z: [N, D] → [N, D]. */
function standardize(z: Tensor, eps: number): Tensor {
  return torch.scope(() => {
    const [variance, mean] = torch.varMean(z, 0, 0, true); // [1, D] each
    return z.sub(mean).div(variance.add(eps).sqrt());
  });
}

/**
 * The cross-correlation matrix C = z̃₁ᵀz̃₂/N of Algorithm 1 between the
 * batch-standardised embeddings of two views. z1, z2: [N, D] with N ≥ 2 → [D, D].
 */
export function crossCorrelation(z1: Tensor, z2: Tensor, o: Pick<BarlowTwinsOptions, 'eps'> = {}): Tensor {
  const [n] = checkSameMatrices(
    'crossCorrelation',
    [
      ['z1', z1],
      ['z2', z2],
    ],
    batch,
  );
  const eps = checkPositive('crossCorrelation', 'eps', o.eps ?? BN_EPS);
  return torch.scope(() => standardize(z1, eps).t().matmul(standardize(z2, eps)).div(n)); // [D, D]
}

function checkSquare(fn: string, c: unknown): number {
  checkTensor(fn, 'c', c);
  if (c.ndim !== 2 || c.shape[0] !== c.shape[1])
    throw new RangeError(`${fn}: expected a square matrix c of shape [D, D] but received [${c.shape}]`);
  return c.shape[0];
}

/** Eq. 1's invariance term Σᵢ (1 − Cᵢᵢ)². c: [D, D] → a scalar. */
export function onDiagonalTerm(c: Tensor): Tensor {
  checkSquare('onDiagonalTerm', c);
  return torch.scope(() => c.diagonal().sub(1).pow(2).sum());
}

/**
 * Σᵢ Σ_{j≠i} Cᵢⱼ², eq. 1's redundancy-reduction term before its weight λ (and
 * the numerator of VICReg's covariance term). c: [D, D] → a scalar. The
 * diagonal is masked out, not subtracted, so float32 keeps small off-diagonal sums.
 */
export function offDiagonalTerm(c: Tensor): Tensor {
  const d = checkSquare('offDiagonalTerm', c);
  return torch.scope(() => {
    const diagonal = torch.eye(d, d, { dtype: 'bool', device: c.device }); // [D, D]
    return c.maskedFill(diagonal, 0).pow(2).sum();
  });
}

/** The Barlow Twins loss of eq. 1 and its two unweighted terms. */
export interface BarlowTwinsTerms {
  /** Σᵢ (1 − Cᵢᵢ)² + λ·Σᵢ Σ_{j≠i} Cᵢⱼ² (a scalar). */
  loss: Tensor;
  /** Σᵢ (1 − Cᵢᵢ)², unweighted. */
  invariance: Tensor;
  /** Σᵢ Σ_{j≠i} Cᵢⱼ², before λ. */
  redundancy: Tensor;
}

function terms(fn: string, z1: Tensor, z2: Tensor, o: BarlowTwinsOptions): BarlowTwinsTerms {
  checkSameMatrices(
    fn,
    [
      ['z1', z1],
      ['z2', z2],
    ],
    batch,
  );
  const lambda = checkNonNegative(fn, 'lambda', o.lambda ?? 5e-3);
  const eps = checkPositive(fn, 'eps', o.eps ?? BN_EPS);
  return torch.scope(() => {
    const c = crossCorrelation(z1, z2, { eps }); // [D, D]
    const invariance = onDiagonalTerm(c);
    const redundancy = offDiagonalTerm(c);
    return { loss: invariance.add(redundancy.mul(lambda)), invariance, redundancy };
  });
}

/** The Barlow Twins loss of eq. 1. z1, z2: projector outputs of the two views [N, D], N ≥ 2 → a scalar. */
export function barlowTwinsLoss(z1: Tensor, z2: Tensor, o: BarlowTwinsOptions = {}): Tensor {
  return torch.scope(() => terms('barlowTwinsLoss', z1, z2, o).loss);
}

/** The loss of eq. 1 with its terms, from one cross-correlation matrix (what a training step logs). */
export function barlowTwinsTerms(z1: Tensor, z2: Tensor, o: BarlowTwinsOptions = {}): BarlowTwinsTerms {
  return terms('barlowTwinsTerms', z1, z2, o);
}
