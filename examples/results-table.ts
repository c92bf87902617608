/**
 * Prints the final results of runs as a Markdown table (one row per probe or
 * fine-tuning result), the form of the README's results tables.
 *
 *     node dist/examples/results-table.js runs/fmnist/simclr runs/fmnist/ft-simclr runs/fmnist/ft-scratch
 */
import { basename } from 'node:path';
import { train } from '../src/index.js';

const pct = (v: unknown): string => (typeof v === 'number' ? (100 * v).toFixed(1) : '–');

const rows: string[][] = [];
for (const dir of process.argv.slice(2)) {
  const run = new train.RunDir(dir, { resume: true });
  const name = (run.readConfig().name as string | undefined) ?? basename(dir);
  for (const e of run.events()) {
    if (e.event === 'probe')
      rows.push([
        name,
        `${e.kind}${e.layer ? ` (head layer ${e.layer})` : ''}`,
        String(e.split),
        e.fraction === undefined ? '100 %' : `${100 * (e.fraction as number)} %`,
        pct(e.top1),
        pct(e.top5),
      ]);
    if (e.event === 'finetune')
      rows.push([
        name,
        `fine-tune from ${e.init}`,
        String(e.split),
        `${100 * (e.fraction as number)} % (${e.labels})`,
        pct(e.top1),
        pct(e.top5),
      ]);
  }
}
if (rows.length === 0) {
  console.error('results-table: no probe or finetune results in these runs (run `selfsup eval` or `selfsup finetune` first)');
  process.exit(1);
}
console.log('| run | evaluation | split | labels | top-1 % | top-5 % |\n|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
