/**
 * The report of a speech benchmark (`selfsup speech-bench`, src/pipeline/speech-bench.ts):
 * each representation's test accuracy on each task, the OLS effects with their
 * 95 % intervals (NOSS's aggregation, Shor et al. 2020), the layer sweep of the
 * first run's network, and the table of scores with the classifier
 * configuration that validation chose.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { dotChart, intervalChart } from './categorical.js';
import { lineChart } from './charts.js';
import { page } from './html.js';
import { readRun, type Run } from './read.js';
import { percent } from './scale.js';
import type { Section } from './sections.js';
import { esc } from './svg.js';

/** The parts of OUT/results.json the report reads. */
export interface BenchReportInput {
  runs: string[];
  representations: { name: string; kind: string; layer?: string; dim: number }[];
  tasks: { name: string; summary: string; intraSpeaker: boolean; clips: number; classes: number; speakers: number }[];
  scores: {
    representation: string;
    task: string;
    accuracy: number;
    balancedAccuracy: number;
    validation: number;
    config: { classifier: string; l2: boolean; speakerNorm: boolean };
  }[];
  ols?: { reference: string; effects: { representation: string; effect: number; low: number; high: number }[]; r2: number; dof: number };
  /** The layer sweep: layer names in network order and the representation of each. */
  sweep?: { run: string; layers: string[]; names: string[] };
  warnings?: string[];
}

const accuracyOf = (r: BenchReportInput, rep: string, task: string): number =>
  r.scores.find((s) => s.representation === rep && s.task === task)?.accuracy ?? NaN;

/** Representations other than the sweep's extra layers (those have their own chart). */
function mainRepresentations(r: BenchReportInput): string[] {
  return r.representations.filter((x) => x.kind !== 'layer').map((x) => x.name);
}

function accuracySection(r: BenchReportInput): Section {
  const tasks = r.tasks.map((t) => t.name);
  const series = mainRepresentations(r).map((name) => ({ name, values: tasks.map((t) => accuracyOf(r, name, t)) }));
  return {
    id: 'task-accuracy',
    title: 'Test accuracy on each task',
    svg: dotChart(tasks, series, { title: 'Test accuracy by task', xLabel: 'test accuracy', yLabel: 'task', xFormat: percent }),
    note: 'The classifier configuration of each point was chosen on the validation split; intra-speaker tasks average over speakers.',
  };
}

function olsSection(r: BenchReportInput): Section {
  const title = 'OLS effect of each representation';
  if (!r.ols) return { id: 'ols', title, svg: null, note: 'Needs at least two representations and two tasks.' };
  const rows = r.ols.effects.map((e) => ({ name: e.representation, value: e.effect, low: e.low, high: e.high }));
  return {
    id: 'ols',
    title,
    svg: intervalChart(rows, {
      title: `Effect on accuracy against ${r.ols.reference}`,
      xLabel: 'accuracy difference',
      yLabel: '',
      xFormat: percent,
    }),
    note: `accuracy ~ representation + task by ordinary least squares (R² ${r.ols.r2.toFixed(2)}, ${r.ols.dof} residual degrees of freedom); whiskers are 95 % intervals. An interval entirely left of 0 means the representation is worse than ${r.ols.reference} across tasks.`,
  };
}

function sweepSection(r: BenchReportInput): Section {
  const title = 'Layer sweep';
  const sw = r.sweep;
  if (!sw) return { id: 'layer-sweep', title, svg: null, note: 'No layer sweep in this benchmark (--sweep false).' };
  const names = sw.names;
  const perTask = r.tasks.map((t) => ({ name: t.name, points: names.map((n, i) => [i, accuracyOf(r, n, t.name)] as [number, number]) }));
  const mean = names.map((n, i): [number, number] => {
    const v = r.tasks.map((t) => accuracyOf(r, n, t.name)).filter(Number.isFinite);
    return [i, v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN];
  });
  return {
    id: 'layer-sweep',
    title,
    svg: lineChart([{ name: 'mean over tasks', points: mean }, ...perTask], {
      title: `Accuracy of each layer of ${sw.run}`,
      xLabel: 'layer (input → output)',
      yLabel: 'test accuracy',
      yFormat: percent,
      markers: true,
      xFormat: (i) => sw.layers[i] ?? '',
    }),
    note: `Layers: ${sw.layers.map((l, i) => `${i} = ${l}`).join(', ')}.`,
  };
}

function tableSection(r: BenchReportInput): Section {
  const head = `<tr><th>Representation</th><th>Task</th><th>Test %</th><th>Balanced %</th><th>Validation %</th><th>Classifier</th><th>L2</th><th>Speaker norm</th></tr>`;
  const rows = r.scores.map(
    (s) =>
      `<tr><td>${esc(s.representation)}</td><td>${esc(s.task)}</td><td>${(100 * s.accuracy).toFixed(1)}</td><td>${(100 * s.balancedAccuracy).toFixed(1)}</td>` +
      `<td>${(100 * s.validation).toFixed(1)}</td><td>${esc(s.config.classifier)}</td><td>${s.config.l2 ? 'yes' : 'no'}</td><td>${s.config.speakerNorm ? 'yes' : 'no'}</td></tr>`,
  );
  const tasks = r.tasks.map(
    (t) =>
      `<tr><td>${esc(t.name)}</td><td>${t.classes}</td><td>${t.speakers}</td><td>${t.clips}</td><td>${t.intraSpeaker ? 'yes' : 'no'}</td><td>${esc(t.summary)}</td></tr>`,
  );
  return {
    id: 'scores',
    title: 'Scores',
    svg:
      `<table><thead><tr><th>Task</th><th>Classes</th><th>Speakers</th><th>Clips</th><th>Intra-speaker</th><th>What</th></tr></thead><tbody>${tasks.join('')}</tbody></table>` +
      `<table><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`,
    note: (r.warnings ?? []).join(' '),
  };
}

/** The report's sections. */
export function speechBenchSections(r: BenchReportInput): Section[] {
  return [accuracySection(r), olsSection(r), sweepSection(r), tableSection(r)];
}

/** Writes OUT/report.html of the benchmark in `out`; returns its path. */
export function writeSpeechBenchReport(out: string, r: BenchReportInput): string {
  const runs: Run[] = r.runs.filter((d) => existsSync(join(d, 'config.json'))).map((d) => readRun(d));
  const path = resolve(join(out, 'report.html'));
  writeFileAtomic(
    path,
    page(`Speech benchmark: ${r.tasks.length} tasks, ${r.representations.length} representations`, runs, [
      ['Benchmark', speechBenchSections(r)],
    ]),
    'report',
  );
  return path;
}
