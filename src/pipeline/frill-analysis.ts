/**
 * What a FRILL sweep concludes from its students (Peplinski et al. 2021, §4):
 * the quality–latency frontier on the chosen latency (src/eval/frontier.ts),
 * the OLS regression of quality, latency and size on the hyperparameters, and
 * the claim the sweep tests — a student at least 10× faster than the teacher
 * within 2 points of its mean accuracy (the paper: 32× faster, about 2 % lower).
 */
import { paretoFrontier, regressOnHyperparameters, type Regression } from '../eval/frontier.js';
import type { FrillSweepResults, Measured, StudentRow } from './frill-sweep.js';

/** The claim: a student ≥ `speedup`× faster than the teacher, at most `points` below its mean accuracy. */
export const FRILL_CLAIM = { speedup: 10, points: 2 };

/** What each regression explains, its unit, and how it is read off a student. */
export const REGRESSION_TARGETS: { target: string; of: (r: StudentRow) => number }[] = [
  { target: 'quality: Δ mean accuracy (points)', of: (r) => 100 * r.quality },
  { target: 'latency fp32 (ms, median)', of: (r) => r.latency.fp32.medianMs },
  { target: 'latency int8 (ms, median)', of: (r) => r.latency.int8.medianMs },
  { target: 'size fp32 (MB)', of: (r) => r.bytes.fp32 / 1e6 },
  { target: 'size int8 (MB)', of: (r) => r.bytes.int8 / 1e6 },
];

export interface SweepAnalysis {
  /** The latency of the frontier, the claim and the speed-ups. */
  latency: 'fp32' | 'int8';
  /** The students on the frontier, fastest first. */
  frontier: string[];
  /** One per target; `note` says why a regression could not be fitted (too few or confounded students). */
  regressions: ({ target: string } & ({ fit: Regression } | { note: string }))[];
  /** The fastest student at most `points` below the teacher, its speed-up, and whether that reaches `minSpeedup` (FRILL_CLAIM). */
  claim: { minSpeedup: number; points: number; student: string | null; speedup: number | null; quality: number | null; holds: boolean };
}

/** A model's median latency of `kind`, in ms. */
const latencyOf = (r: Measured, kind: 'fp32' | 'int8'): number => r.latency[kind].medianMs;

/** The frontier, regressions and claim of the results so far. */
export function analyseSweep(r: Pick<FrillSweepResults, 'config' | 'teacher' | 'students'>): SweepAnalysis {
  const kind = r.config.frontier;
  const rows = r.students;
  const frontier = paretoFrontier(rows.map((s) => ({ latency: latencyOf(s, kind), quality: s.quality }))).map((i) => rows[i].name);
  const regressions = REGRESSION_TARGETS.map(({ target, of }) => {
    try {
      return { target, fit: regressOnHyperparameters(rows, rows.map(of), target) };
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      return { target, note: e.message };
    }
  });
  const within = rows.filter((s) => 100 * s.quality >= -FRILL_CLAIM.points).sort((a, b) => latencyOf(a, kind) - latencyOf(b, kind));
  const best = within[0];
  const speedup = best && r.teacher ? latencyOf(r.teacher, kind) / latencyOf(best, kind) : null;
  return {
    latency: kind,
    frontier,
    regressions,
    claim: {
      minSpeedup: FRILL_CLAIM.speedup,
      points: FRILL_CLAIM.points,
      student: best?.name ?? null,
      speedup,
      quality: best?.quality ?? null,
      holds: speedup !== null && speedup >= FRILL_CLAIM.speedup,
    },
  };
}
