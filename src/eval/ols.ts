/**
 * The non-semantic speech benchmark's aggregate comparison (Shor et al. 2020, §5):
 * ordinary least squares of accuracy ~ 1 + one-hot(representation) + one-hot(task),
 * the first level of each factor (or `reference` for representations) dropped, so
 * each representation's coefficient is its mean accuracy gain over the reference
 * with the tasks held fixed. Intervals are 95 % two-sided t intervals on the
 * residual degrees of freedom (n − parameters), from σ̂²·(XᵀX)⁻¹ (`olsFit`, which
 * the FRILL sweep's regression on hyperparameters uses too).
 */
import * as torch from '../torch/index.js';
import quantile from '@stdlib/stats-base-dists-t-quantile';

export interface OlsEffect {
  representation: string;
  /** Coefficient: accuracy difference from the reference representation. */
  effect: number;
  /** 95 % interval. */
  low: number;
  high: number;
}

export interface OlsRow {
  representation: string;
  task: string;
  accuracy: number;
}

/** Levels in order of first appearance, `first` (when given) moved to the front. */
function levels(values: string[], first?: string): string[] {
  const out = [...new Set(values)];
  return first === undefined ? out : [first, ...out.filter((v) => v !== first)];
}

/**
 * Effects of each non-reference representation (in order of first appearance),
 * R² and the residual degrees of freedom. `reference` defaults to the first row's representation.
 */
export function olsEffects(rows: OlsRow[], o: { reference?: string } = {}): { effects: OlsEffect[]; r2: number; dof: number } {
  if (!Array.isArray(rows) || rows.length === 0) throw new RangeError('olsEffects: expected a non-empty array of rows');
  rows.forEach((r, i) => {
    if (typeof r?.representation !== 'string' || typeof r.task !== 'string' || !Number.isFinite(r.accuracy))
      throw new TypeError(
        `olsEffects: expected rows[${i}] to have string representation and task and a finite accuracy but received ${JSON.stringify(r)}`,
      );
  });
  const reps = levels(
    rows.map((r) => r.representation),
    o.reference,
  );
  if (o.reference !== undefined && !rows.some((r) => r.representation === o.reference))
    throw new RangeError(
      `olsEffects: expected reference among the representations (${reps.slice(1).join(', ')}) but received ${o.reference}`,
    );
  const tasks = levels(rows.map((r) => r.task));
  const p = reps.length + tasks.length - 1;
  const dof = rows.length - p;
  if (dof < 1)
    throw new RangeError(
      `olsEffects: expected more rows than the ${p} parameters (${reps.length} representations, ${tasks.length} tasks) but received ${rows.length}`,
    );
  const design = new Float64Array(rows.length * p); // [n, p]: 1, representations but the first, tasks but the first
  rows.forEach((r, i) => {
    design[i * p] = 1;
    const a = reps.indexOf(r.representation);
    const b = tasks.indexOf(r.task);
    if (a > 0) design[i * p + a] = 1;
    if (b > 0) design[i * p + reps.length - 1 + b] = 1;
  });
  const fit = olsFit(
    design,
    Float64Array.from(rows, (r) => r.accuracy),
    p,
    {
      where: 'olsEffects',
      confounded: 'some representation or task is confounded with the others (e.g. a representation scored on no task the others share)',
    },
  );
  const effects = reps.slice(1).map((representation, j) => {
    const c = fit.coefficients[j + 1];
    return { representation, effect: c.estimate, low: c.low, high: c.high };
  });
  return { effects, r2: fit.r2, dof: fit.dof };
}

export interface OlsCoefficient {
  estimate: number;
  /** 95 % interval. */
  low: number;
  high: number;
}

/**
 * y ~ X by ordinary least squares: X [n, p] (row-major, its own intercept
 * column if wanted), y [n] → each coefficient with its 95 % t interval, R²
 * (about the mean of y) and the residual degrees of freedom n − p. A design
 * that is not of full rank is an error naming `where` and what `confounded` says.
 */
export function olsFit(
  design: Float64Array,
  y: Float64Array,
  p: number,
  o: { where: string; confounded: string },
): { coefficients: OlsCoefficient[]; r2: number; dof: number } {
  const n = y.length;
  if (!Number.isInteger(p) || p < 1 || design.length !== n * p)
    throw new RangeError(`${o.where}: expected a design of ${n} rows × ${p} columns but received ${design.length} values`);
  const dof = n - p;
  if (dof < 1) throw new RangeError(`${o.where}: expected more rows than the ${p} parameters but received ${n}`);
  return torch.scope(() => {
    const x = torch.tensor(design, { dtype: 'float64', shape: [n, p] });
    const yt = torch.tensor(y, { dtype: 'float64', shape: [n, 1] });
    const gram = x.t().matmul(x); // [p, p]
    const eig = torch.linalg.eigh(gram).eigenvalues.data() as Float64Array;
    if (eig[0] <= eig[eig.length - 1] * 1e-10) throw new RangeError(`${o.where}: expected a design of full rank but ${o.confounded}`);
    const inv = torch.linalg.inv(gram);
    const beta = inv.matmul(x.t()).matmul(yt).data() as Float64Array; // [p]
    const resid = yt.sub(x.matmul(torch.tensor(beta, { dtype: 'float64', shape: [p, 1] })));
    const rss = resid.square().sum().item();
    const meanY = y.reduce((a, b) => a + b, 0) / n;
    const tss = y.reduce((a, v) => a + (v - meanY) ** 2, 0);
    const sigma2 = rss / dof;
    const diag = inv.diagonal().data() as Float64Array;
    const t = quantile(0.975, dof);
    const coefficients = Array.from(beta, (b, j) => {
      const half = t * Math.sqrt(sigma2 * diag[j]);
      return { estimate: b, low: b - half, high: b + half };
    });
    return { coefficients, r2: tss > 0 ? 1 - rss / tss : 1, dof };
  });
}
