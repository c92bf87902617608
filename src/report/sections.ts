/**
 * The report's chart sections, built from the runs' events: training loss,
 * kNN accuracy over training (by step and by training time), label efficiency (fine-tuning top-1 against the
 * label fraction; as in SimCLR, Chen et al. 2020, §6) and one embedding map per
 * run. A section without data carries a short note instead of a chart.
 */
import { lineChart, scatterChart, type LineSeries, type ScatterPoint } from './charts.js';
import { embed2d, sampleIndices } from './embed.js';
import { readEmbeddings, type Run } from './read.js';
import { percent } from './scale.js';

export interface Section {
  /** Chart id: `loss`, `knn`, `label-efficiency`, `embedding-<run index>`. */
  id: string;
  title: string;
  /** The chart, or null when there is nothing to plot (see `note`). */
  svg: string | null;
  /** A line under the chart, or why it is left out. */
  note: string;
}

/**
 * Line series of `pick(run)` events, one per run, split by stage when a run
 * logged several stages (named "RUN · STAGE").
 */
function perRunStage<E extends { stage: string; step: number }>(runs: Run[], pick: (r: Run) => E[], y: (e: E) => number): LineSeries[] {
  return runs.flatMap((run) => {
    const byStage = new Map<string, [number, number][]>();
    for (const e of pick(run)) {
      if (!byStage.has(e.stage)) byStage.set(e.stage, []);
      byStage.get(e.stage)!.push([e.step, y(e)]);
    }
    return [...byStage].map(([stage, points]) => ({ name: byStage.size > 1 && stage ? `${run.name} · ${stage}` : run.name, points }));
  });
}

export function lossSection(runs: Run[]): Section {
  const series = perRunStage(
    runs,
    (r) => r.train,
    (e) => e.loss,
  );
  const title = 'Training loss';
  if (series.length === 0)
    return { id: 'loss', title, svg: null, note: 'No training steps were logged (no "train" events in metrics.jsonl).' };
  const svg = lineChart(series, { title, xLabel: 'step', yLabel: 'loss' });
  return { id: 'loss', title, svg, note: 'Curves with more than 1,000 logged steps are averaged over equal runs of steps.' };
}

export function knnSection(runs: Run[]): Section {
  const series = perRunStage(
    runs,
    (r) => r.knn,
    (e) => e.top1,
  );
  const title = 'kNN accuracy over training';
  if (series.length === 0)
    return { id: 'knn', title, svg: null, note: 'No kNN evaluations were logged during training (no "knn" events in metrics.jsonl).' };
  const ks = [...new Set(runs.flatMap((r) => r.knn.map((e) => e.k)).filter((k) => k !== undefined))];
  const svg = lineChart(series, { title, xLabel: 'step', yLabel: 'kNN top-1 accuracy', yFormat: percent });
  return { id: 'knn', title, svg, note: ks.length ? `k = ${ks.join(', ')} neighbours.` : '' };
}

/**
 * kNN accuracy against training time (minutes of training steps, summed over
 * resumed processes): methods of different cost compared at equal wall-clock.
 */
export function knnTimeSection(runs: Run[]): Section {
  const title = 'kNN accuracy against training time';
  const series = runs.flatMap((run) => {
    const points = run.knn.flatMap((e): [number, number][] => (e.seconds === undefined ? [] : [[e.seconds / 60, e.top1]]));
    return points.length ? [{ name: run.name, points }] : [];
  });
  if (series.length === 0)
    return { id: 'knn-time', title, svg: null, note: 'No kNN evaluation logged its training time (runs before selfsup logged `seconds`).' };
  const svg = lineChart(series, {
    title,
    xLabel: 'training time (minutes)',
    yLabel: 'kNN top-1 accuracy',
    yFormat: percent,
    markers: true,
  });
  return {
    id: 'knn-time',
    title,
    svg,
    note: 'Time spent in training steps on this machine (evaluations excluded), summed over resumed processes.',
  };
}

export function labelEfficiencySection(runs: Run[]): Section {
  const title = 'Label efficiency';
  const all = runs.flatMap((run) => run.finetune.flatMap((e) => (e.top1 === undefined ? [] : [{ run, e, top1: e.top1 }]))); // multi-label runs have AUC only
  if (all.length === 0)
    return {
      id: 'label-efficiency',
      title,
      svg: null,
      note: 'No fine-tuning accuracies were logged (no "finetune" events with top-1 in metrics.jsonl).',
    };
  // Plot the test split when there is one, else the split logged most often.
  const counts = new Map<string, number>();
  for (const { e } of all) counts.set(e.split, (counts.get(e.split) ?? 0) + 1);
  const split = counts.has('test') ? 'test' : [...counts].sort((a, b) => b[1] - a[1])[0][0];
  const runsOfInit = new Map<string, Set<Run>>();
  for (const { run, e } of all) {
    if (!runsOfInit.has(e.init)) runsOfInit.set(e.init, new Set());
    runsOfInit.get(e.init)!.add(run);
  }
  // One series per (run, init); repeated fractions (e.g. several seeds) are averaged.
  const groups = new Map<string, Map<number, number[]>>();
  for (const { run, e, top1 } of all) {
    if (e.split !== split) continue;
    const name = runsOfInit.get(e.init)!.size > 1 ? `${run.name}: ${e.init}` : e.init;
    if (!groups.has(name)) groups.set(name, new Map());
    const byFraction = groups.get(name)!;
    if (!byFraction.has(e.fraction)) byFraction.set(e.fraction, []);
    byFraction.get(e.fraction)!.push(top1);
  }
  const series = [...groups].map(([name, byFraction]) => ({
    name,
    points: [...byFraction].map(([f, tops]): [number, number] => [f, tops.reduce((s, v) => s + v, 0) / tops.length]),
  }));
  const svg = lineChart(series, {
    title,
    xLabel: 'fraction of labels (log scale)',
    yLabel: `top-1 accuracy (${split})`,
    logX: true,
    markers: true,
    xFormat: percent,
    yFormat: percent,
  });
  return {
    id: 'label-efficiency',
    title,
    svg,
    note: `Fine-tuning top-1 on the ${split} split against the fraction of labelled training examples, one line per initialisation.`,
  };
}

/** The UMAP map of one run's embeddings (at most `maxPoints`, a seeded sample), coloured by label. */
export function embeddingSection(run: Run, index: number, o: { maxPoints: number; seed: number }): Section {
  const id = `embedding-${index}`;
  const title = `Embedding map: ${run.name}`;
  if (!run.embeddings) return { id, title, svg: null, note: `${run.name} has no embeddings.safetensors.` };
  const emb = readEmbeddings(run.embeddings);
  if (emb.n < 3) return { id, title, svg: null, note: `${run.embeddings} holds ${emb.n} embeddings; a map needs at least 3.` };
  const chosen = sampleIndices(emb.n, o.maxPoints, o.seed);
  const rows = new Float32Array(chosen.length * emb.dim);
  chosen.forEach((i, k) => rows.set(emb.x.subarray(i * emb.dim, (i + 1) * emb.dim), k * emb.dim));
  const xy = embed2d(rows, emb.dim, { seed: o.seed });
  const present = emb.labels ? [...new Set(chosen.map((i) => emb.labels![i]))].sort((a, b) => a - b) : [];
  const groupOf = new Map(present.map((y, g) => [y, g]));
  const groups = emb.labels ? present.map((y) => emb.classes?.[y] ?? `class ${y}`) : ['unlabelled'];
  const points: ScatterPoint[] = chosen.map((i, k) => {
    const group = emb.labels ? groupOf.get(emb.labels[i])! : 0;
    return { x: xy[2 * k], y: xy[2 * k + 1], group, label: `${emb.ids?.[i] ?? `#${i}`} · ${groups[group]}` };
  });
  const svg = scatterChart(points, { title, xLabel: 'UMAP 1', yLabel: 'UMAP 2', groups });
  const sampled = chosen.length < emb.n ? `a seeded sample of ${chosen.length} of ${emb.n}` : `all ${emb.n}`;
  return { id, title, svg, note: `UMAP (cosine) of ${sampled} embeddings (dimension ${emb.dim}).` };
}
