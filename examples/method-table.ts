/**
 * Prints the method table (README) from the runs of experiments/methods.sh:
 * for each name, OUT/<name> is a pretraining run (or a baseline) evaluated by
 * `selfsup eval`, and OUT/<name>-ft its fine-tuning on label fractions.
 *
 *     node dist/examples/method-table.js runs/methods simclr byol … raw-pixels random-init supervised
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { train } from '../src/index.js';

const [out, ...names] = process.argv.slice(2);
if (!out || names.length === 0) {
  console.error('usage: node dist/examples/method-table.js OUT NAME...');
  process.exit(1);
}
const pct = (v: unknown): string => (typeof v === 'number' ? (100 * v).toFixed(1) : '–');
const events = (dir: string): train.MetricEvent[] =>
  existsSync(join(dir, 'config.json')) ? new train.RunDir(dir, { resume: true }).events() : [];

console.log('| method | training (steps, min) | kNN | linear probe | fine-tune 1 % | fine-tune 10 % | std·√D, effective rank |');
console.log('|---|---|---|---|---|---|---|');
for (const name of names) {
  const ev = events(join(out, name));
  const ft = events(join(out, `${name}-ft`));
  const probe = (kind: string): unknown =>
    ev.find((e) => e.event === 'probe' && e.kind === kind && e.split === 'test' && (e.fraction ?? 1) === 1)?.top1;
  const tuned = (fraction: number): unknown =>
    ft.find((e) => e.event === 'finetune' && e.split === 'test' && e.fraction === fraction)?.top1;
  const end = [...ev, ...ft].filter(
    (e) => e.event === 'end' && typeof e.trainSeconds === 'number' && (e.stage === 'pretrain' || e.stage === 'finetune-1'),
  );
  const time = end.length ? `${end.at(-1)!.step} steps, ${((end.at(-1)!.trainSeconds as number) / 60).toFixed(1)}` : '–';
  const knn = ev.filter((e) => e.event === 'knn').at(-1);
  const health =
    knn && typeof knn.normalizedStd === 'number'
      ? `${(knn.normalizedStd as number).toFixed(2)}, ${(knn.effectiveRank as number).toFixed(1)}`
      : '–';
  console.log(
    `| ${name} | ${time} | ${pct(probe('knn'))} | ${pct(probe('linear'))} | ${pct(tuned(0.01))} | ${pct(tuned(0.1))} | ${health} |`,
  );
}
