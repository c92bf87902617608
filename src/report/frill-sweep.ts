/**
 * The report of a FRILL sweep (`selfsup frill-sweep`, src/pipeline/frill-sweep.ts;
 * Peplinski et al. 2021, Fig. 2 and Table 2): latency against quality with
 * marker area by exported size and the frontier drawn through its students,
 * the frontier table, the regression of quality, latency and size on the
 * hyperparameters, and every student's row. Also the markdown tables the CLI
 * prints.
 */
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { scatterChart, type ScatterPoint } from './charts.js';
import { page } from './html.js';
import type { Section } from './sections.js';
import { esc } from './svg.js';

interface Model {
  latency: Record<'fp32' | 'int8', { medianMs: number; runs: number }>;
  bytes: { fp32: number; int8: number };
}

/** The parts of OUT/results.json the report reads (src/pipeline/frill-sweep.ts). */
export interface FrillReportInput {
  config: { frontier: 'fp32' | 'int8' };
  teacher?: Model & { layer: string; meanAccuracy: number };
  students: (Model & {
    name: string;
    size: string;
    widthMultiplier: number;
    globalPool: boolean;
    rank: number;
    qat: boolean;
    quality: number;
  })[];
  failed: { name: string; stage: string; code: number | null; tail: string[] }[];
  analysis?: {
    latency: 'fp32' | 'int8';
    frontier: string[];
    regressions: ({ target: string } & (
      | { fit: { target: string; terms: { term: string; estimate: number; low: number; high: number }[]; r2: number; dof: number } }
      | { note: string }
    ))[];
    claim: { minSpeedup: number; points: number; student: string | null; speedup: number | null; quality: number | null; holds: boolean };
  };
}

const latencyOf = (m: Model, kind: 'fp32' | 'int8'): number => m.latency[kind].medianMs;
const SIZES = ['tiny', 'small', 'large'];
const points = (v: number): string => `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)}`;
const ms = (v: number): string => v.toFixed(3);
const mb = (v: number): string => (v / 1e6).toFixed(2);

/** The frontier plot: x the analysis' latency (log), y Δ mean accuracy, area ∝ int8 size; the teacher at Δ 0. */
export function frontierSvg(r: FrillReportInput): string {
  const a = r.analysis!;
  const sizes = SIZES.filter((s) => r.students.some((x) => x.size === s));
  const maxBytes = Math.max(...r.students.map((s) => s.bytes.int8), r.teacher?.bytes.int8 ?? 0);
  const radius = (bytes: number): number => 3 + 11 * Math.sqrt(bytes / maxBytes);
  const pts: ScatterPoint[] = r.students.map((s) => ({
    x: latencyOf(s, a.latency),
    y: 100 * s.quality,
    group: sizes.indexOf(s.size),
    radius: radius(s.bytes.int8),
    label: `${s.name}: Δ ${points(s.quality)} points, ${ms(latencyOf(s, a.latency))} ms ${a.latency}, ${mb(s.bytes.int8)} MB int8${a.frontier.includes(s.name) ? ' (frontier)' : ''}`,
  }));
  if (r.teacher)
    pts.push({
      x: latencyOf(r.teacher, a.latency),
      y: 0,
      group: sizes.length,
      radius: radius(r.teacher.bytes.int8),
      label: `teacher (TRILL ${r.teacher.layer}): ${ms(latencyOf(r.teacher, a.latency))} ms ${a.latency}, ${mb(r.teacher.bytes.int8)} MB int8`,
    });
  const byName = new Map(r.students.map((s) => [s.name, s]));
  const frontier = a.frontier.map((n): [number, number] => [latencyOf(byName.get(n)!, a.latency), 100 * byName.get(n)!.quality]);
  return scatterChart(pts, {
    title: `FRILL students: quality against ${a.latency} latency (marker area ∝ int8 size)`,
    xLabel: `ms per 1 s window, onnxruntime-node ${a.latency}, 1 thread (log)`,
    yLabel: 'Δ mean accuracy vs the teacher (points)',
    groups: [...sizes.map((s) => `MobileNetV3 ${s}`), 'teacher'],
    logX: true,
    lines: [{ name: 'frontier', points: frontier }],
  });
}

/** The frontier as a markdown table, the teacher first; speed-ups on the analysis' latency. */
export function frontierTable(r: FrillReportInput, names = r.analysis?.frontier ?? []): string {
  const kind = r.analysis?.latency ?? r.config.frontier;
  const t = r.teacher;
  const head = `| model | size | α | pool | rank | QAT | Δ mean accuracy (points) | fp32 ms | int8 ms | ${kind} speed-up | MB fp32 / int8 |`;
  const rule = '|---|---|---:|---|---:|---|---:|---:|---:|---:|---:|';
  const teacher = t
    ? [
        `| teacher (TRILL ${t.layer}, ${(100 * t.meanAccuracy).toFixed(1)} %) | - | - | - | - | - | 0 | ${ms(t.latency.fp32.medianMs)} | ${ms(t.latency.int8.medianMs)} | 1× | ${mb(t.bytes.fp32)} / ${mb(t.bytes.int8)} |`,
      ]
    : [];
  const rows = names.map((n) => {
    const s = r.students.find((x) => x.name === n)!;
    const speedup = t ? `${(latencyOf(t, kind) / latencyOf(s, kind)).toFixed(1)}×` : '-';
    return `| ${s.name} | ${s.size} | ${s.widthMultiplier} | ${s.globalPool ? 'on' : 'off'} | ${s.rank || 'full'} | ${s.qat ? 'yes' : 'no'} | ${points(s.quality)} | ${ms(s.latency.fp32.medianMs)} | ${ms(s.latency.int8.medianMs)} | ${speedup} | ${mb(s.bytes.fp32)} / ${mb(s.bytes.int8)} |`;
  });
  return [head, rule, ...teacher, ...rows].join('\n');
}

/** The regressions as one markdown table: a row per term, a column per target, estimate [95 % interval]. */
export function regressionTable(r: FrillReportInput): string {
  const regs = r.analysis?.regressions ?? [];
  const fits = regs.flatMap((g) => ('fit' in g ? [g.fit] : []));
  if (!fits.length) return regs.map((g) => ('note' in g ? `- ${g.note}` : '')).join('\n');
  const terms = fits[0].terms.map((x) => x.term);
  const f = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(2));
  const rows = terms.map(
    (term) =>
      `| ${term} | ${fits
        .map((g) => {
          const c = g.terms.find((x) => x.term === term)!;
          return `${f(c.estimate)} [${f(c.low)}, ${f(c.high)}]`;
        })
        .join(' | ')} |`,
  );
  return [
    `| term | ${fits.map((g) => g.target).join(' | ')} |`,
    `|---|${fits.map(() => '---:').join('|')}|`,
    ...rows,
    `| R² (residual dof) | ${fits.map((g) => `${g.r2.toFixed(2)} (${g.dof})`).join(' | ')} |`,
  ].join('\n');
}

/** A markdown table as an HTML table (cells escaped). */
function htmlTable(md: string): string {
  const [head, , ...body] = md.split('\n');
  const cells = (line: string): string[] =>
    line
      .slice(1, -1)
      .split(' | ')
      .map((c) => esc(c.trim()));
  return `<table><thead><tr>${cells(head)
    .map((c) => `<th>${c}</th>`)
    .join('')}</tr></thead><tbody>${body
    .map(
      (l) =>
        `<tr>${cells(l)
          .map((c) => `<td>${c}</td>`)
          .join('')}</tr>`,
    )
    .join('')}</tbody></table>`;
}

/** The claim in words. */
export function claimText(r: FrillReportInput): string {
  const c = r.analysis?.claim;
  if (!c) return '';
  if (c.student === null)
    return `No student is within ${c.points} points of the teacher's mean accuracy, so none shows the claim (≥ ${c.minSpeedup}× faster within ${c.points} points).`;
  return `The fastest student within ${c.points} points of the teacher is ${c.student} (Δ ${points(c.quality!)} points), ${c.speedup?.toFixed(1) ?? '?'}× faster on ${r.analysis!.latency} latency: the claim (≥ ${c.minSpeedup}×) ${c.holds ? 'holds' : 'does not hold'}.`;
}

function sections(r: FrillReportInput): Section[] {
  const all = [...r.students].sort((a, b) => latencyOf(a, r.analysis!.latency) - latencyOf(b, r.analysis!.latency));
  const failed = r.failed.length
    ? ` Failed: ${r.failed.map((f) => `${f.name} (${f.stage}${f.code === null ? '' : `, exit code ${f.code}`}: ${f.tail.at(-1) ?? ''})`).join('; ')}.`
    : '';
  const regs = r.analysis!.regressions;
  return [
    {
      id: 'frontier',
      title: 'Quality against latency',
      svg: r.students.length ? frontierSvg(r) : null,
      note: r.students.length
        ? `Quality: the mean over the benchmark's tasks of the student's test accuracy minus the teacher's. Latency: median over ${r.students[0].latency.fp32.runs} calls, batch 1, one thread. The line joins the frontier: the students no other is at least as fast and as good as. ${claimText(r)}`
        : 'No student measured yet.',
    },
    { id: 'frontier-table', title: 'Frontier', svg: htmlTable(frontierTable(r)), note: claimText(r) },
    {
      id: 'regression',
      title: 'Regression on the hyperparameters',
      svg: regs.some((g) => 'fit' in g) ? htmlTable(regressionTable(r)) : null,
      note: regs.some((g) => 'fit' in g)
        ? 'Ordinary least squares of each measurement on the hyperparameters; each coefficient with its 95 % interval. size=S: against the smallest size; lowRank: a rank-r bottleneck against a full one.'
        : regressionTable(r),
    },
    {
      id: 'students',
      title: 'Every student',
      svg: htmlTable(
        frontierTable(
          r,
          all.map((s) => s.name),
        ),
      ),
      note: `Fastest first.${failed}`,
    },
  ];
}

/** Writes OUT/report.html and OUT/frontier.svg of the sweep in `out`; returns the report's path. */
export function writeFrillSweepReport(out: string, r: FrillReportInput): string {
  const path = resolve(join(out, 'report.html'));
  const title = `FRILL sweep: ${r.students.length} students of TRILL ${r.teacher?.layer ?? ''}`;
  writeFileAtomic(path, page(title, [], [['Sweep', sections(r)]]), 'report');
  if (r.students.length) writeFileAtomic(join(out, 'frontier.svg'), frontierSvg(r), 'report');
  return path;
}
