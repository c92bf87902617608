/**
 * Is a curve a reverse U? InfoMin (Tian et al. 2020, §3.2, Figure 2) finds
 * downstream accuracy first rising then falling as the information the views
 * share (I_NCE) grows. Given points (x, y), the test reports where the peak is
 * and a least-squares quadratic y ≈ a + b·x + c·x²: a reverse U has c < 0 with
 * its vertex −b/(2c) inside the range of x, and its highest point is neither
 * the lowest-x nor the highest-x point.
 */
import { fail } from '../torch/check.js';

export interface QuadraticFit {
  a: number;
  b: number;
  c: number;
  /** −b/(2c), the x of the fitted extremum (null when c = 0). */
  vertex: number | null;
  /** Coefficient of determination of the fit. */
  r2: number;
}

export interface ReverseU {
  /** Index of the highest y (first of ties). */
  peak: number;
  /** The peak is neither the lowest-x nor the highest-x point. */
  interiorPeak: boolean;
  fit: QuadraticFit;
  /** c < 0, the vertex inside [min x, max x], and an interior peak. */
  isReverseU: boolean;
}

/** Solves the 3×3 system m·v = r by Gaussian elimination with partial pivoting. */
function solve3(m: number[][], r: number[]): number[] {
  const a = m.map((row, i) => [...row, r[i]]);
  for (let col = 0; col < 3; col++) {
    let p = col;
    for (let i = col + 1; i < 3; i++) if (Math.abs(a[i][col]) > Math.abs(a[p][col])) p = i;
    [a[col], a[p]] = [a[p], a[col]];
    for (let i = col + 1; i < 3; i++) {
      const f = a[i][col] / a[col][col];
      for (let j = col; j < 4; j++) a[i][j] -= f * a[col][j];
    }
  }
  const v = [0, 0, 0];
  for (let i = 2; i >= 0; i--) {
    let rest = a[i][3];
    for (let j = i + 1; j < 3; j++) rest -= a[i][j] * v[j];
    v[i] = rest / a[i][i];
  }
  return v;
}

/** The least-squares quadratic through points [x, y] (at least 3 distinct x). */
export function quadraticFit(points: [number, number][]): QuadraticFit {
  if (!Array.isArray(points) || points.length < 3 || !points.every((p) => p.length === 2 && p.every(Number.isFinite)))
    fail(points, 'quadraticFit points', 'at least 3 finite [x, y] pairs');
  if (new Set(points.map((p) => p[0])).size < 3)
    throw new RangeError(`quadraticFit: expected at least 3 distinct x values but received [${points.map((p) => p[0])}]`);
  // Centre and scale x for conditioning, fit, then map the coefficients back.
  const xs = points.map((p) => p[0]);
  const mx = xs.reduce((s, v) => s + v, 0) / xs.length;
  const sx = Math.max(...xs.map((v) => Math.abs(v - mx))) || 1;
  const sums = [0, 0, 0, 0, 0];
  const r = [0, 0, 0];
  for (const [x, y] of points) {
    const t = (x - mx) / sx;
    for (let k = 0; k < 5; k++) sums[k] += t ** k;
    for (let k = 0; k < 3; k++) r[k] += y * t ** k;
  }
  const [a0, b0, c0] = solve3(
    [
      [sums[0], sums[1], sums[2]],
      [sums[1], sums[2], sums[3]],
      [sums[2], sums[3], sums[4]],
    ],
    r,
  );
  const c = c0 / (sx * sx);
  const b = b0 / sx - 2 * c * mx;
  const a = a0 - (b0 * mx) / sx + c * mx * mx;
  const ys = points.map((p) => p[1]);
  const my = ys.reduce((s, v) => s + v, 0) / ys.length;
  const ssTot = ys.reduce((s, v) => s + (v - my) ** 2, 0);
  const ssRes = points.reduce((s, [x, y]) => s + (y - (a + b * x + c * x * x)) ** 2, 0);
  return { a, b, c, vertex: c === 0 ? null : -b / (2 * c), r2: ssTot > 0 ? 1 - ssRes / ssTot : 1 };
}

/** The reverse-U test of points [x, y] (at least 3 distinct x). */
export function reverseU(points: [number, number][]): ReverseU {
  const fit = quadraticFit(points);
  const ys = points.map((p) => p[1]);
  const xs = points.map((p) => p[0]);
  const peak = ys.indexOf(Math.max(...ys));
  const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
  const interiorPeak = xs[peak] > lo && xs[peak] < hi;
  const vertexInside = fit.vertex !== null && fit.vertex > lo && fit.vertex < hi;
  return { peak, interiorPeak, fit, isReverseU: fit.c < 0 && vertexInside && interiorPeak };
}
