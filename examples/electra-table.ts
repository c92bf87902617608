/**
 * The ELECTRA tables (README) from the runs of experiments/electra.sh: for each
 * text pretraining run, its pretraining (method, FLOPs, steps, minutes) and the
 * fine-tuning rows of `selfsup text-eval` in RUN/text-eval.jsonl — the final
 * encoder, the snapshots (the compute curve) and the from-scratch baseline.
 * Prints markdown; `--svg FILE` also draws the compute curve.
 *
 *     node dist/examples/electra-table.js runs/electra/tiny-electra runs/electra/tiny-mlm … --svg curve.svg
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline, report, train } from '../src/index.js';

type Row = pipeline.TextEvalRow;
const args = process.argv.slice(2);
const svgAt = args.indexOf('--svg');
const svg = svgAt >= 0 ? args[svgAt + 1] : undefined;
const runs = args.filter((_, i) => i !== svgAt && i !== svgAt + 1);
if (!runs.length) {
  console.error('usage: node dist/examples/electra-table.js RUN... [--svg FILE]');
  process.exit(1);
}

interface RunInfo {
  name: string;
  method: string;
  options: Record<string, unknown>;
  steps: number;
  flops: number;
  minutes: number;
  rows: Row[];
  /** At the end: the token-collapse check of the last snapshot; ELECTRA's discriminator accuracy over its last 100 steps and that of always answering the majority (original, or replaced for ELECTRA-15 %). */
  collapse?: { tokenStd: number; discAcc?: number; prior?: number };
}

function read(dir: string): RunInfo {
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
    method: { name: string } & Record<string, unknown>;
    flopsPerStep: number;
    totalSteps: number;
  };
  const events = new train.RunDir(dir, { resume: true }).events();
  const end = events.find((e) => e.event === 'end' && e.stage === 'pretrain');
  const snapshot = events.filter((e) => e.event === 'snapshot').at(-1);
  const disc = events.filter((e) => e.event === 'train' && typeof e.discAcc === 'number').slice(-5); // logged every 20 steps
  const mean = (k: string): number | undefined => (disc.length ? disc.reduce((a, e) => a + (e[k] as number), 0) / disc.length : undefined);
  const [discAcc, replaced] = [mean('discAcc'), mean('replaced')];
  const file = join(dir, 'text-eval.jsonl');
  const rows = existsSync(file)
    ? (readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)) as Row[])
    : [];
  const { name: method, ...options } = config.method;
  return {
    name: basename(dir),
    method,
    options,
    steps: config.totalSteps,
    flops: config.flopsPerStep * config.totalSteps,
    minutes: typeof end?.trainSeconds === 'number' ? end.trainSeconds / 60 : NaN,
    rows,
    collapse:
      typeof snapshot?.tokenStd === 'number'
        ? { tokenStd: snapshot.tokenStd, discAcc, prior: replaced === undefined ? undefined : Math.max(replaced, 1 - replaced) }
        : undefined,
  };
}

const info = runs.map(read);
const tasks = [...new Set(info.flatMap((r) => r.rows.map((x) => x.task)))];
const score = (x: Row): number => (x.imbalanced ? x.macroF1 : x.accuracy);
const fmt = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '–' : (100 * v).toFixed(1));
const tflops = (f: number): string => (f / 1e12).toFixed(1);

/** One table row: the scores of `weights` on every task and their average. */
function line(label: string, r: RunInfo, weights: string, extra: string[]): string {
  const rows = r.rows.filter((x) => x.weights === weights);
  const avg = pipeline.textEvalAverages(rows).find((a) => a.weights === weights);
  const per = tasks.map((t) => fmt(rows.find((x) => x.task === t) && score(rows.find((x) => x.task === t)!)));
  return `| ${[label, ...extra, ...per, avg && avg.tasks === tasks.length ? `**${fmt(avg.score)}**` : '–'].join(' | ')} |`;
}

const head = (first: string[]): void => {
  console.log(`| ${[...first, ...tasks, 'average'].join(' | ')} |`);
  console.log(`|${[...first, ...tasks, ''].map(() => '---').join('|')}|`);
};

console.log('Pretraining at equal compute, then fine-tuning (accuracy %, macro-F1 % for imbalanced tasks):\n');
head(['run', 'pretraining', 'TFLOPs', 'steps', 'minutes', 'token std·√H; disc. accuracy % (majority)']);
for (const r of info) {
  const last = r.rows.some((x) => x.weights === 'encoder') ? 'encoder' : `snapshots/step-${r.steps}`; // the last snapshot is the final encoder
  const c = r.collapse;
  const health = c ? `${c.tokenStd.toFixed(2)}, ${c.discAcc === undefined ? '–' : `${fmt(c.discAcc)} (${fmt(c.prior)})`}` : '–';
  console.log(line(r.name, r, last, [optionsText(r), tflops(r.flops), String(r.steps), r.minutes.toFixed(1), health]));
  if (r.rows.some((x) => x.weights === 'scratch'))
    console.log(line(`${r.name.replace(/-[^-]+$/, '')} from scratch`, r, 'scratch', ['none', '0', '0', '0', '–']));
}

console.log('\nThe compute curve (average score of the snapshots along each run):\n');
console.log('| run | TFLOPs | average |');
console.log('|---|---|---|');
const series: report.LineSeries[] = [];
const size = (r: RunInfo): string => r.name.replace(/-[^-]+$/, '');
/** The from-scratch score of each size (its runs' common prefix): every curve of that size starts there. */
const scratch = new Map<string, number>();
for (const r of info) {
  const a = pipeline.textEvalAverages(r.rows.filter((x) => x.weights === 'scratch'))[0];
  if (a && a.tasks === tasks.length) scratch.set(size(r), a.score);
}
for (const [name, score] of scratch) console.log(`| ${name} from scratch | 0 | ${fmt(score)} |`);
for (const r of info) {
  const points = pipeline
    .textEvalAverages(r.rows.filter((x) => x.weights.startsWith('snapshots/')))
    .filter((a) => a.tasks === tasks.length && a.flops !== null)
    .sort((a, b) => a.flops! - b.flops!);
  if (points.length < 2) continue; // a curve needs the snapshots along the run, not only the final encoder
  for (const p of points) console.log(`| ${r.name} | ${tflops(p.flops!)} | ${fmt(p.score)} |`);
  const start = scratch.has(size(r)) ? [[0, 100 * scratch.get(size(r))!] as [number, number]] : [];
  series.push({ name: r.name, points: [...start, ...points.map((p) => [p.flops! / 1e12, 100 * p.score] as [number, number])] });
}
if (svg && series.length) {
  writeFileSync(
    svg,
    report.lineChart(series, {
      title: 'Fine-tuned average score against pretraining compute',
      xLabel: 'pretraining TFLOPs',
      yLabel: 'average score %',
      markers: true,
    }),
  );
  console.log(`\n(compute curve: ${svg})`);
}

function optionsText(r: RunInfo): string {
  const o = r.options;
  if (r.method !== 'electra') return r.method;
  const parts = [`electra (generator ${o.generatorSize}`];
  if (o.allTokens === false) parts.push('loss on masked tokens only');
  if (o.shareEmbeddings === false) parts.push('no shared embeddings');
  return parts.join(', ') + ')';
}
