/**
 * `torch.linalg`: norms, decompositions, inverses and solvers. Every function accepts
 * batches: leading dims [...] of the input are batch dims.
 */
import { native } from './native.js';
import { Tensor, wrapAll } from './tensor.js';
import { check, describe } from './errors.js';

const T = (h: number): Tensor => new Tensor(h);
type Dims = number | number[] | null | undefined;
const dimList = (d: Dims): number[] | null => (d === null || d === undefined ? null : typeof d === 'number' ? [d] : d);

function tensorArg(x: unknown, name: string): asserts x is Tensor {
  check(x instanceof Tensor, 'a Tensor', name, x);
}
function oneOf<V extends string>(value: unknown, valid: readonly V[], name: string): asserts value is V {
  if (!valid.includes(value as V))
    throw new TypeError(`Expected one of ${valid.map((v) => `'${v}'`).join(', ')} for ${name} but received ${describe(value)}`);
}
function checkDims(d: Dims, name = 'dim'): void {
  const ok = d === null || d === undefined || Number.isInteger(d) || (Array.isArray(d) && d.every(Number.isInteger));
  check(ok, 'an integer or an array of integers', name, d);
}

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
  checkDims(dim);
  if (typeof ord === 'string') {
    oneOf(ord, MATRIX_ORDS, 'ord');
    return T(native.linalgNormStr(A._h, ord, dimList(dim), keepdim));
  }
  check(ord === null || typeof ord === 'number', "a number, 'fro', 'nuc' or null", 'ord', ord);
  return T(native.linalgNorm(A._h, ord, dimList(dim), keepdim));
}
/** Vector `ord`-norm (default 2; ±Infinity, 0 counts non-zeros) over `dim` (all elements when omitted). */
export function vectorNorm(x: Tensor, ord = 2, dim?: Dims, keepdim = false): Tensor {
  check(typeof ord === 'number', 'a number', 'ord', ord);
  checkDims(dim);
  return T(native.vectorNorm(x._h, ord, dimList(dim), keepdim));
}
/** Matrix norm ('fro', 'nuc', ±1, ±2, ±Infinity) over the two `dim`s: [..., m, n] → [...]. */
export function matrixNorm(A: Tensor, ord: number | MatrixNormOrd = 'fro', dim: [number, number] = [-2, -1], keepdim = false): Tensor {
  check(Array.isArray(dim) && dim.length === 2 && dim.every(Number.isInteger), 'two integer dims', 'dim', dim);
  if (typeof ord === 'string') {
    oneOf(ord, MATRIX_ORDS, 'ord');
    return T(native.matrixNorm(A._h, ord, dim, keepdim));
  }
  check(typeof ord === 'number', "a number, 'fro' or 'nuc'", 'ord', ord);
  return T(native.matrixNormScalar(A._h, ord, dim, keepdim));
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
export function svd(A: Tensor, opts: { fullMatrices?: boolean } = {}): SVD {
  const [U, S, Vh] = wrapAll(native.svd(A._h, opts.fullMatrices ?? true));
  return { U, S, Vh };
}
/** Singular values of [..., m, n] → [..., min(m, n)], descending (differentiable). */
export function svdvals(A: Tensor): Tensor {
  return T(native.svdvals(A._h));
}
/** QR decomposition `A = Q R`. */
export interface QR {
  /** [..., m, k] ('reduced', k = min(m, n)), [..., m, m] ('complete'), empty for 'r'. */
  Q: Tensor;
  /** Upper triangular: [..., k, n] ('reduced', 'r') or [..., m, n] ('complete'). */
  R: Tensor;
}
/** QR of [..., m, n]; mode 'reduced' (default), 'complete' or 'r' (R only, Q empty). */
export function qr(A: Tensor, opts: { mode?: 'reduced' | 'complete' | 'r' } = {}): QR {
  const mode = opts.mode ?? 'reduced';
  oneOf(mode, ['reduced', 'complete', 'r'] as const, 'mode');
  const [Q, R] = wrapAll(native.qr(A._h, mode));
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
  oneOf(UPLO, ['L', 'U'] as const, 'UPLO');
  const [eigenvalues, eigenvectors] = wrapAll(native.eigh(A._h, UPLO));
  return { eigenvalues, eigenvectors };
}
/** Cholesky factor of positive-definite [..., n, n]: lower L with A = L Lᴴ (upper U with A = Uᴴ U). */
export function cholesky(A: Tensor, opts: { upper?: boolean } = {}): Tensor {
  return T(native.cholesky(A._h, opts.upper ?? false));
}

// ---------------------------------------------------------------- inverses and solvers
/** Determinant of [..., n, n] → [...]. */
export function det(A: Tensor): Tensor {
  return T(native.det(A._h));
}
/** Inverse of invertible [..., n, n] → [..., n, n]. */
export function inv(A: Tensor): Tensor {
  return T(native.inv(A._h));
}
/** Solves A X = B (or X A = B with left false): A [..., n, n], B [..., n, k] or [..., n] → shaped like B. */
export function solve(A: Tensor, B: Tensor, opts: { left?: boolean } = {}): Tensor {
  tensorArg(B, 'B');
  return T(native.solve(A._h, B._h, opts.left ?? true));
}
/** Moore–Penrose pseudo-inverse: [..., m, n] → [..., n, m]; singular values below max(atol, rtol·σ₁) are dropped. */
export function pinv(A: Tensor, opts: { atol?: number; rtol?: number; hermitian?: boolean } = {}): Tensor {
  const { atol = null, rtol = null, hermitian = false } = opts;
  check(atol === null || typeof atol === 'number', 'a number', 'atol', atol);
  check(rtol === null || typeof rtol === 'number', 'a number', 'rtol', rtol);
  return T(native.pinv(A._h, atol, rtol, hermitian));
}
