/**
 * `torch.linalg`: norms, decompositions, inverses and solvers. Every function accepts
 * batches: leading dims [...] of the input are batch dims.
 */
import { native } from './native.js';
import { Tensor, wrapAll } from './tensor.js';
import { bool, dims, fail, handle, int, num, oneOf, options } from './check.js';

const T = (h: number): Tensor => new Tensor(h);
type Dims = number | number[] | null | undefined;

/** Matrix norm orders given as strings. */
export type MatrixNormOrd = 'fro' | 'nuc';
const MATRIX_ORDS = ['fro', 'nuc'] as const;

// ---------------------------------------------------------------- norms
/**
 * `torch.linalg.norm`: vector norm of a 1-D input or over one `dim`, matrix norm of a 2-D input
 * or over two dims (`'fro'`, `'nuc'`, ±1, ±2, ±Infinity); with no ord and no dim, the 2-norm of
 * all elements. [..., n] or [..., m, n] → the reduced dims removed (kept with keepdim).
 */
export function norm(A: Tensor, ord: number | MatrixNormOrd | null = null, dim?: Dims, keepdim = false): Tensor {
  const h = handle(A);
  const d = dims(dim);
  bool(keepdim, 'keepdim');
  if (typeof ord === 'string') return T(native.linalgNormStr(h, oneOf(ord, 'ord', MATRIX_ORDS), d, keepdim));
  if (ord !== null && ord !== undefined) num(ord, 'ord');
  return T(native.linalgNorm(h, ord ?? null, d, keepdim));
}
/** Vector `ord`-norm (default 2; ±Infinity, 0 counts non-zeros) over `dim` (all elements when omitted). */
export function vectorNorm(x: Tensor, ord = 2, dim?: Dims, keepdim = false): Tensor {
  return T(native.vectorNorm(handle(x), num(ord, 'ord'), dims(dim), bool(keepdim, 'keepdim')));
}
/** Matrix norm ('fro', 'nuc', ±1, ±2, ±Infinity) over the two `dim`s: [..., m, n] → [...]. */
export function matrixNorm(A: Tensor, ord: number | MatrixNormOrd = 'fro', dim: [number, number] = [-2, -1], keepdim = false): Tensor {
  const h = handle(A);
  if (!Array.isArray(dim) || dim.length !== 2) fail(dim, 'dim', 'two integer dims');
  const d = [int(dim[0], 'dim[0]'), int(dim[1], 'dim[1]')];
  bool(keepdim, 'keepdim');
  if (typeof ord === 'string') return T(native.matrixNorm(h, oneOf(ord, 'ord', MATRIX_ORDS), d, keepdim));
  return T(native.matrixNormScalar(h, num(ord, 'ord'), d, keepdim));
}

// ---------------------------------------------------------------- decompositions
/** Singular value decomposition `A = U diag(S) Vh`. */
export interface SVD {
  /** [..., m, m] (fullMatrices) or [..., m, k], k = min(m, n). */
  U: Tensor;
  /** Singular values, descending: [..., k] (real). */
  S: Tensor;
  /** [..., n, n] (fullMatrices) or [..., k, n]. */
  Vh: Tensor;
}
/** SVD of [..., m, n]; `fullMatrices` (default true) gives square U and Vh. Signs of singular vectors are arbitrary. */
export function svd(A: Tensor, opts?: { fullMatrices?: boolean }): SVD {
  const { fullMatrices = true } = options(opts, 'svd', ['fullMatrices']);
  const [U, S, Vh] = wrapAll(native.svd(handle(A), bool(fullMatrices, 'fullMatrices')));
  return { U, S, Vh };
}
/** Singular values of [..., m, n] → [..., min(m, n)], descending (differentiable). */
export function svdvals(A: Tensor): Tensor {
  return T(native.svdvals(handle(A)));
}
/** QR decomposition `A = Q R`. */
export interface QR {
  /** [..., m, k] ('reduced', k = min(m, n)), [..., m, m] ('complete'), empty for 'r'. */
  Q: Tensor;
  /** Upper triangular: [..., k, n] ('reduced', 'r') or [..., m, n] ('complete'). */
  R: Tensor;
}
/** QR of [..., m, n]; mode 'reduced' (default), 'complete' or 'r' (R only, Q empty). */
export function qr(A: Tensor, opts?: { mode?: 'reduced' | 'complete' | 'r' }): QR {
  const { mode = 'reduced' } = options(opts, 'qr', ['mode']);
  const [Q, R] = wrapAll(native.qr(handle(A), oneOf(mode, 'mode', ['reduced', 'complete', 'r'])));
  return { Q, R };
}
/** Eigen-decomposition of a symmetric (Hermitian) matrix. */
export interface Eigh {
  /** Real, ascending: [..., n]. */
  eigenvalues: Tensor;
  /** Orthonormal columns: [..., n, n]; column signs are arbitrary. */
  eigenvectors: Tensor;
}
/** Eigenvalues/vectors of symmetric [..., n, n], reading the lower ('L', default) or upper ('U') triangle. */
export function eigh(A: Tensor, UPLO: 'L' | 'U' = 'L'): Eigh {
  const [eigenvalues, eigenvectors] = wrapAll(native.eigh(handle(A), oneOf(UPLO, 'UPLO', ['L', 'U'])));
  return { eigenvalues, eigenvectors };
}
/** Cholesky factor of positive-definite [..., n, n]: lower L with A = L Lᴴ (upper U with A = Uᴴ U). */
export function cholesky(A: Tensor, opts?: { upper?: boolean }): Tensor {
  const { upper = false } = options(opts, 'cholesky', ['upper']);
  return T(native.cholesky(handle(A), bool(upper, 'upper')));
}

// ---------------------------------------------------------------- inverses and solvers
/** Determinant of [..., n, n] → [...]. */
export function det(A: Tensor): Tensor {
  return T(native.det(handle(A)));
}
/** Inverse of invertible [..., n, n] → [..., n, n]. */
export function inv(A: Tensor): Tensor {
  return T(native.inv(handle(A)));
}
/** Solves A X = B (or X A = B with left false): A [..., n, n], B [..., n, k] or [..., n] → shaped like B. */
export function solve(A: Tensor, B: Tensor, opts?: { left?: boolean }): Tensor {
  const { left = true } = options(opts, 'solve', ['left']);
  return T(native.solve(handle(A, 'A'), handle(B, 'B'), bool(left, 'left')));
}
/** Moore–Penrose pseudo-inverse: [..., m, n] → [..., n, m]; singular values below max(atol, rtol·σ₁) are dropped. */
export function pinv(A: Tensor, opts?: { atol?: number | null; rtol?: number | null; hermitian?: boolean }): Tensor {
  const { atol = null, rtol = null, hermitian = false } = options(opts, 'pinv', ['atol', 'rtol', 'hermitian']);
  const tol = (v: unknown, name: string): number | null => (v === null ? null : num(v, name, 0));
  return T(native.pinv(handle(A), tol(atol, 'atol'), tol(rtol, 'rtol'), bool(hermitian, 'hermitian')));
}
