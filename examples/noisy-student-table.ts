/**
 * The Noisy Student / distillation tables (README) from `experiments/noisy-student.sh`'s
 * folder: per data set and label fraction, the teacher, each Noisy Student
 * iteration and the distilled student (clean and mean corruption accuracy,
 * parameters, one-thread latency); then the ablations. Prints markdown.
 *
 *     node dist/examples/noisy-student-table.js runs/noisy-student
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { forEachJsonLine } from '../src/train/run-dir.js';
import type { SelftrainRow } from '../src/pipeline/selftrain.js';

const root = process.argv[2];
if (!root || !existsSync(root)) {
  console.error('usage: node dist/examples/noisy-student-table.js OUT (the folder of experiments/noisy-student.sh)');
  process.exit(1);
}
const rowsOf = (dir: string, event: string): SelftrainRow[] => {
  const rows: SelftrainRow[] = [];
  const path = join(dir, 'metrics.jsonl');
  if (existsSync(path)) forEachJsonLine(path, (e) => void ((e as { event?: string }).event === event && rows.push(e as SelftrainRow)));
  return rows;
};
const pct = (v: number | null): string => (v === null ? '–' : (100 * v).toFixed(1));
const size = (r: SelftrainRow): string => `${r.model.arch} ×${r.model.width} (${(r.params / 1000).toFixed(0)} k)`;
const line = (label: string, r: SelftrainRow, ref?: SelftrainRow): string =>
  `| ${label} | ${size(r)} | ${r.latencyMs.toFixed(2)} | ${pct(r.top1)}${ref ? ` (${r.top1 >= ref.top1 ? '+' : ''}${(100 * (r.top1 - ref.top1)).toFixed(1)})` : ''} | ${pct(r.mca)} |`;

const cells = readdirSync(root)
  .filter((d) => d !== 'ablations' && existsSync(join(root, d, 'ns')))
  .sort();
for (const cell of cells) {
  const ns = rowsOf(join(root, cell, 'ns'), 'selftrain');
  const distilled = rowsOf(join(root, cell, 'distill'), 'distill').find((r) => r.stage === 'distill');
  console.log(`\n**${cell}** (labels: the fraction of the training split; the rest unlabelled)\n`);
  console.log('| stage | model (parameters) | ms/image, 1 thread | test top-1 % (vs its teacher) | mCA % |');
  console.log('|---|---|---:|---:|---:|');
  ns.forEach((r, i) => console.log(line(r.stage === 'teacher' ? 'supervised teacher' : `Noisy Student ${r.iteration}`, r, ns[i - 1])));
  if (distilled) console.log(line('distilled (SSD stage 2)', distilled, ns.at(-1)));
}
const ablations = join(root, 'ablations');
if (existsSync(ablations)) {
  console.log('\n**Ablations** (one iteration from the same teacher; compare with that cell\'s "Noisy Student 1")\n');
  console.log('| ablation | model (parameters) | ms/image, 1 thread | test top-1 % (vs teacher) | mCA % |');
  console.log('|---|---|---:|---:|---:|');
  for (const name of readdirSync(ablations).sort()) {
    const rows = rowsOf(join(ablations, name), 'selftrain');
    if (rows.length === 2) console.log(line(name, rows[1], rows[0]));
  }
}
