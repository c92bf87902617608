/**
 * The SPICE table (README) from `selfsup pitch-eval … --out DIR` (DIR/results.json):
 * raw pitch accuracy per tracker on each set, clean and at each SNR, then raw
 * chroma accuracy and voicing recall on the clean audio. Prints markdown.
 *
 *     node dist/examples/spice-table.js runs/spice-study/eval/results.json
 */
import { readFileSync } from 'node:fs';
import type { PitchEvalRow } from '../src/pipeline/pitch-eval.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: node dist/examples/spice-table.js RESULTS.json');
  process.exit(1);
}
const { rows } = JSON.parse(readFileSync(file, 'utf8')) as { rows: PitchEvalRow[] };
const pct = (v: number | null): string => (v === null ? '–' : (100 * v).toFixed(1));
const trackers = [...new Set(rows.map((r) => r.tracker))];
const sets = [...new Set(rows.map((r) => r.set))];
const snrs = [...new Set(rows.map((r) => String(r.snr)))];
const find = (tracker: string, set: string, snr: string): PitchEvalRow | undefined =>
  rows.find((r) => r.tracker === tracker && r.set === set && String(r.snr) === snr);

for (const set of sets) {
  const voiced = find(trackers[0], set, 'clean')?.voicedFrames ?? 0;
  console.log(`\n**${set}** (${voiced} voiced frames): RPA % clean and at each SNR of pink noise; RCA %, VRR % (VFA %) clean\n`);
  console.log(`| tracker | ${snrs.map((s) => (s === 'clean' ? 'clean' : `${s} dB`)).join(' | ')} | RCA | VRR (VFA) |`);
  console.log(`|---|${snrs.map(() => '---:').join('|')}|---:|---:|`);
  for (const t of trackers) {
    const clean = find(t, set, 'clean');
    const cells = snrs.map((s) => pct(find(t, set, s)?.rpa ?? null));
    console.log(`| ${t} | ${cells.join(' | ')} | ${pct(clean?.rca ?? null)} | ${pct(clean?.vrr ?? null)} (${pct(clean?.vfa ?? null)}) |`);
  }
}
