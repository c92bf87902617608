/**
 * What FRILL's sweep keeps and learns from its students (Peplinski et al. 2021,
 * "FRILL: A Non-Semantic Speech Embedding for Mobile Devices", §4): the
 * quality–latency frontier — every model for which no other is at least as fast
 * and at least as good, and strictly one of the two — and a linear regression
 * of each measurement (quality, latency, size) on the hyperparameters, one
 * coefficient per hyperparameter with its 95 % interval (src/eval/ols.ts).
 */
import { olsFit, type OlsCoefficient } from './ols.js';

export interface FrontierPoint {
  /** Lower is better. */
  latency: number;
  /** Higher is better. */
  quality: number;
}

/** Whether a dominates b: no slower, no worse, and strictly faster or better. */
const dominates = (a: FrontierPoint, b: FrontierPoint): boolean =>
  a.latency <= b.latency && a.quality >= b.quality && (a.latency < b.latency || a.quality > b.quality);

/** Indices of the points no other point dominates, by increasing latency (equal points are all kept). */
export function paretoFrontier(points: readonly FrontierPoint[]): number[] {
  points.forEach((p, i) => {
    if (!Number.isFinite(p?.latency) || !Number.isFinite(p?.quality))
      throw new TypeError(`paretoFrontier: expected points[${i}] to have a finite latency and quality but received ${JSON.stringify(p)}`);
  });
  return points
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => !points.some((q) => dominates(q, p)))
    .sort((a, b) => a.p.latency - b.p.latency || b.p.quality - a.p.quality)
    .map(({ i }) => i);
}

/** A student's hyperparameters: FRILL's options (src/methods/frill.ts). */
export interface Hyperparameters {
  size: string;
  widthMultiplier: number;
  globalPool: boolean;
  rank: number;
  qat: boolean;
}

/** MobileNetV3 sizes from smallest; the first present is the regression's reference level. */
const SIZE_ORDER = ['tiny', 'small', 'large'];

/**
 * The design matrix of `rows`: an intercept, then each term that varies among
 * them — `size=S` for every size but the smallest present (one-hot), `alpha`
 * (α), `globalPool` (1 when on), `lowRank` (1 when r > 0), `log2(rank)` (of the
 * low-rank rows; 0 for full ones) and `qat` (1 when on).
 */
export function hyperparameterDesign(rows: readonly Hyperparameters[]): { terms: string[]; design: Float64Array } {
  const sizes = [...new Set(rows.map((r) => r.size))].sort((a, b) => SIZE_ORDER.indexOf(a) - SIZE_ORDER.indexOf(b));
  const varies = (f: (r: Hyperparameters) => number): boolean => new Set(rows.map(f)).size > 1;
  const columns: [string, (r: Hyperparameters) => number][] = [
    ['intercept', () => 1],
    ...sizes.slice(1).map((s): [string, (r: Hyperparameters) => number] => [`size=${s}`, (r) => Number(r.size === s)]),
  ];
  const candidates: [string, (r: Hyperparameters) => number][] = [
    ['alpha', (r) => r.widthMultiplier],
    ['globalPool', (r) => Number(r.globalPool)],
    ['lowRank', (r) => Number(r.rank > 0)],
    ['log2(rank)', (r) => (r.rank > 0 ? Math.log2(r.rank) : 0)],
    ['qat', (r) => Number(r.qat)],
  ];
  const lowRank = rows.filter((r) => r.rank > 0);
  for (const [term, f] of candidates)
    if (term === 'log2(rank)' ? new Set(lowRank.map((r) => r.rank)).size > 1 : varies(f)) columns.push([term, f]);
  const p = columns.length;
  const design = new Float64Array(rows.length * p); // [n, p]
  rows.forEach((r, i) => columns.forEach(([, f], j) => (design[i * p + j] = f(r))));
  return { terms: columns.map(([t]) => t), design };
}

export interface Regression {
  /** What was regressed, e.g. "quality" (its unit in the caller's words). */
  target: string;
  terms: (OlsCoefficient & { term: string })[];
  r2: number;
  dof: number;
}

/** `y` (one value per row) ~ the hyperparameters of `rows` (`hyperparameterDesign`) by OLS. */
export function regressOnHyperparameters(rows: readonly Hyperparameters[], y: readonly number[], target: string): Regression {
  if (y.length !== rows.length)
    throw new RangeError(`regressOnHyperparameters: expected ${rows.length} values of ${target} but received ${y.length}`);
  y.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new TypeError(`regressOnHyperparameters: expected ${target}[${i}] finite but received ${v}`);
  });
  const { terms, design } = hyperparameterDesign(rows);
  const fit = olsFit(design, Float64Array.from(y), terms.length, {
    where: `regressOnHyperparameters (${target})`,
    confounded: `the terms ${terms.join(', ')} are confounded among the ${rows.length} models (a grid too small or too narrow)`,
  });
  return { target, terms: fit.coefficients.map((c, j) => ({ term: terms[j], ...c })), r2: fit.r2, dof: fit.dof };
}
