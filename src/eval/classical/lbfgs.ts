/**
 * Limited-memory BFGS (Nocedal 1980, "Updating quasi-Newton matrices with
 * limited storage"; the two-loop recursion of Nocedal & Wright 2006, Algorithm
 * 7.4) with a backtracking Armijo line search, for smooth convex objectives of
 * a few thousand parameters. Deterministic: no randomness, plain float64 loops.
 */

/** The objective's value at `w`, writing its gradient into `grad`. */
export type Objective = (w: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  /** Stop when max |gradient| ≤ gtol. Default 1e-10. */
  gtol?: number;
  /** Stop when a step lowers the value by ≤ ftol · max(|f|, 1). Default 64 ε ≈ 1.4e-14 (scikit-learn's). */
  ftol?: number;
  /** Default 1000. */
  maxIter?: number;
  /** Stored correction pairs. Default 10. */
  memory?: number;
}

export interface LbfgsResult {
  w: Float64Array;
  value: number;
  iterations: number;
  /** Whether a tolerance (rather than maxIter or a failed line search) stopped it. */
  converged: boolean;
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

const maxAbs = (a: Float64Array): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** The search direction −H·g from the stored pairs (s, y), with H₀ = (sᵀy / yᵀy) I. */
function direction(g: Float64Array, ss: Float64Array[], ys: Float64Array[]): Float64Array {
  const q = Float64Array.from(g);
  const alpha = new Float64Array(ss.length);
  for (let k = ss.length - 1; k >= 0; k--) {
    alpha[k] = dot(ss[k], q) / dot(ys[k], ss[k]);
    for (let i = 0; i < q.length; i++) q[i] -= alpha[k] * ys[k][i];
  }
  const last = ss.length - 1;
  const gamma = last >= 0 ? dot(ss[last], ys[last]) / dot(ys[last], ys[last]) : 1 / Math.max(maxAbs(g), 1);
  for (let i = 0; i < q.length; i++) q[i] *= gamma;
  for (let k = 0; k < ss.length; k++) {
    const beta = dot(ys[k], q) / dot(ys[k], ss[k]);
    for (let i = 0; i < q.length; i++) q[i] += (alpha[k] - beta) * ss[k][i];
  }
  for (let i = 0; i < q.length; i++) q[i] = -q[i];
  return q;
}

/** Minimises `f` from `w0` (not modified). */
export function lbfgs(f: Objective, w0: Float64Array, o: LbfgsOptions = {}): LbfgsResult {
  const { gtol = 1e-10, ftol = 64 * Number.EPSILON, maxIter = 1000, memory = 10 } = o;
  let w = Float64Array.from(w0);
  let g = new Float64Array(w.length);
  let value = f(w, g);
  const ss: Float64Array[] = [];
  const ys: Float64Array[] = [];
  for (let it = 0; it < maxIter; it++) {
    if (maxAbs(g) <= gtol) return { w, value, iterations: it, converged: true };
    const d = direction(g, ss, ys);
    const slope = dot(g, d);
    const wNew = new Float64Array(w.length);
    const gNew = new Float64Array(w.length);
    let step = 1;
    let fNew = Infinity;
    for (let tries = 0; tries < 60; tries++, step *= 0.5) {
      for (let i = 0; i < w.length; i++) wNew[i] = w[i] + step * d[i];
      fNew = f(wNew, gNew);
      if (fNew <= value + 1e-4 * step * slope) break;
    }
    if (!(fNew <= value)) return { w, value, iterations: it, converged: false };
    const s = wNew.map((v, i) => v - w[i]);
    const y = gNew.map((v, i) => v - g[i]);
    if (dot(s, y) > 1e-12 * dot(y, y)) {
      ss.push(s);
      ys.push(y);
      if (ss.length > memory) {
        ss.shift();
        ys.shift();
      }
    }
    const decrease = value - fNew;
    [w, g, value] = [wNew, gNew, fNew];
    if (decrease <= ftol * Math.max(Math.abs(value), 1)) return { w, value, iterations: it + 1, converged: true };
  }
  return { w, value, iterations: maxIter, converged: false };
}
