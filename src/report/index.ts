/**
 * HTML reports of run directories: `writeReport(runs, out)` writes one
 * self-contained page (inline CSS and SVG charts, no script, no external
 * resources) with each run's config, a results table, training-loss and kNN
 * curves, the label-efficiency chart and a UMAP map of each run's embeddings.
 */
import { resolve } from 'node:path';
import { int } from '../torch/check.js';
import { page } from './html.js';
import { readRun } from './read.js';
import { embeddingSection, knnSection, knnTimeSection, labelEfficiencySection, lossSection, type Section } from './sections.js';
import { writeFileAtomic } from '../io/atomic.js';

export {
  readRun,
  readMetrics,
  readEmbeddings,
  type Run,
  type Embeddings,
  type TrainEvent,
  type KnnEvent,
  type FinetuneEvent,
  type ProbeEvent,
} from './read.js';
export {
  lineChart,
  scatterChart,
  thin,
  type LineSeries,
  type LineChartOptions,
  type ScatterPoint,
  type ScatterOptions,
  type ChartOptions,
} from './charts.js';
export { embed2d, sampleIndices, seededRandom, type Embed2dOptions } from './embed.js';
export { linearScale, logScale, formatTick, percent, type Scale } from './scale.js';
export { esc, PALETTE } from './svg.js';
export type { Section } from './sections.js';

export interface ReportOptions {
  /** Page title (default: "selfsup report: " and the run names). */
  title?: string;
  /** Most embeddings per run in the UMAP map, a seeded sample (default 2000). */
  maxPoints?: number;
  /** Seed of that sample and of UMAP (default 0). */
  seed?: number;
}

/**
 * Reads the run directories `runs` and writes the report to `out` (atomically:
 * temp file + rename). Returns the absolute path and the ids of the charts drawn
 * (`loss`, `knn`, `label-efficiency`, `embedding-<i>` for the i-th run); a chart
 * without data is replaced by a note.
 */
export async function writeReport(runs: string[], out: string, o: ReportOptions = {}): Promise<{ path: string; charts: string[] }> {
  if (!Array.isArray(runs) || runs.length === 0) throw new RangeError('writeReport: expected at least one run directory');
  const maxPoints = o.maxPoints ?? 2000;
  const seed = o.seed ?? 0;
  int(maxPoints, 'maxPoints', 3);
  int(seed, 'seed', 0);
  const read = runs.map(readRun);
  const title = o.title ?? `selfsup report: ${read.map((r) => r.name).join(', ')}`;
  const groups: [string, Section[]][] = [
    ['Training', [lossSection(read), knnSection(read), knnTimeSection(read)]],
    ['Label efficiency', [labelEfficiencySection(read)]],
    ['Embeddings', read.map((r, i) => embeddingSection(r, i, { maxPoints, seed }))],
  ];
  const path = resolve(out);
  writeFileAtomic(path, page(title, read, groups), 'report');
  const charts = groups
    .flatMap(([, s]) => s)
    .filter((s) => s.svg !== null)
    .map((s) => s.id);
  return { path, charts };
}
export { writeStudyReport, studySections, type StudyResults } from './infomin.js';
