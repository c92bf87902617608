/**
 * The InfoMin tables (README) from the studies of experiments/infomin.sh: for
 * each study (OUT/<study>/results.json of `selfsup infomin`), one row per
 * setting — I_NCE ± its spread over view seeds, linear-probe and kNN accuracy,
 * minutes of pretraining — and the reverse-U verdict. Prints markdown; `--svg
 * FILE` also draws linear accuracy (relative to each study's best setting)
 * against I_NCE for every study of three or more settings, in one chart.
 *
 *     node dist/examples/infomin-table.js runs/infomin/fmnist-crop runs/infomin/emoji-patches … --svg docs/infomin-reverse-u.svg
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { report, train } from '../src/index.js';

const args = process.argv.slice(2);
const svgAt = args.indexOf('--svg');
const svg = svgAt >= 0 ? args[svgAt + 1] : undefined;
const studies = args.filter((_, i) => i !== svgAt && i !== svgAt + 1);
if (!studies.length) {
  console.error('usage: node dist/examples/infomin-table.js STUDY... [--svg FILE]');
  process.exit(1);
}

const pct = (v: number): string => (100 * v).toFixed(1);
/** A table cell's text (a channel split's `|` would end the cell). */
const cell = (s: string): string => s.replaceAll('|', '\\|');
/** Minutes of training steps of a setting's run (summed over resumed processes). */
function minutes(dir: string): number {
  const ends = new train.RunDir(dir, { resume: true }).events().filter((e) => e.event === 'end');
  return ends.reduce((s, e) => s + Number(e.trainSeconds ?? 0), 0) / 60;
}

const all = studies.map((dir) => ({ dir, r: JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as report.StudyResults }));
for (const { r } of all) {
  console.log(`\n**${r.label}** (${r.method} on ${r.data}, ${r.rows[0].steps} steps each, K = ${r.rows[0].iNce.k}):\n`);
  console.log(`| ${r.label} | I_NCE (nats) | linear top-1 % | kNN top-1 % | minutes |`);
  console.log('|---|---|---|---|---|');
  const best = Math.max(...r.rows.map((w) => w.linearTop1));
  for (const w of r.rows) {
    const lin = w.linearTop1 === best ? `**${pct(w.linearTop1)}**` : pct(w.linearTop1);
    console.log(
      `| ${cell(w.label)} | ${w.iNce.mean.toFixed(2)} ± ${w.iNce.std.toFixed(2)} | ${lin} | ${pct(w.knnTop1)} | ${minutes(w.dir).toFixed(1)} |`,
    );
  }
  const u = r.reverseU;
  if (u)
    console.log(
      `\nReverse U in I_NCE: ${u.isReverseU ? 'yes' : 'no'} — peak at ${r.rows[u.peak].label} (${u.interiorPeak ? 'inside' : 'at an end of'} the range); quadratic c = ${u.fit.c.toFixed(3)}, vertex ${u.fit.vertex === null ? '-' : u.fit.vertex.toFixed(2)} nats, R² ${u.fit.r2.toFixed(2)}.`,
    );
}
if (svg) {
  // Studies on different data sets differ in accuracy: each is drawn relative to its own best setting.
  // Presets and seed repeats (fewer than 3 settings) have no curve.
  const series = all
    .filter(({ r }) => r.rows.length >= 3)
    .map(({ r }) => {
      const best = Math.max(...r.rows.map((w) => w.linearTop1));
      return { name: `${r.label} (${r.data})`, points: r.rows.map((w): [number, number] => [w.iNce.mean, 100 * (w.linearTop1 - best)]) };
    });
  writeFileSync(
    svg,
    report.lineChart(series, {
      title: 'Linear-probe accuracy against the information the views share',
      xLabel: 'I_NCE (nats)',
      yLabel: 'linear top-1 − the study’s best (points)',
      markers: true,
    }),
  );
}
