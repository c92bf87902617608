/**
 * The report of an InfoMin view study (`selfsup infomin`, src/pipeline/infomin.ts):
 * linear-probe and kNN accuracy against I_NCE (InfoMin's reverse U, Tian et
 * al. 2020, Figure 2), accuracy and I_NCE against the knob, the table of
 * settings, and the usual training charts of every setting's run.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { lineChart } from './charts.js';
import { page } from './html.js';
import { readRun } from './read.js';
import { percent } from './scale.js';
import { knnSection, lossSection, type Section } from './sections.js';
import { esc } from './svg.js';

/** The parts of OUT/results.json the report reads. */
export interface StudyResults {
  name: string;
  knob: string;
  label: string;
  method: string;
  data: string;
  rows: {
    label: string;
    x: number;
    dir: string;
    steps: number;
    iNce: { mean: number; std: number; k: number; perSeed: number[] };
    knnTop1: number;
    linearTop1: number;
  }[];
  reverseU: { peak: number; interiorPeak: boolean; isReverseU: boolean; fit: { c: number; vertex: number | null; r2: number } } | null;
}

const nats = (v: number): string => v.toFixed(2);

/** Whether the points trace a reverse U, in words. */
function verdict(r: StudyResults): string {
  const u = r.reverseU;
  if (!u) return 'Fewer than 3 settings: no reverse-U test.';
  const peak = r.rows[u.peak];
  const fit = `quadratic fit c = ${u.fit.c.toFixed(4)}, vertex ${u.fit.vertex === null ? '-' : nats(u.fit.vertex)} nats, R² ${u.fit.r2.toFixed(2)}`;
  return `${u.isReverseU ? 'Reverse U' : 'Not a reverse U'}: linear accuracy peaks at ${r.label} = ${peak.label} (I_NCE ${nats(peak.iNce.mean)} nats, ${u.interiorPeak ? 'inside' : 'at an end of'} the I_NCE range); ${fit}.`;
}

function table(r: StudyResults): string {
  const rows = r.rows.map(
    (w) =>
      `<tr><td>${esc(w.label)}</td><td>${w.steps}</td><td>${nats(w.iNce.mean)} ± ${nats(w.iNce.std)}</td>` +
      `<td>${(100 * w.linearTop1).toFixed(1)}</td><td>${(100 * w.knnTop1).toFixed(1)}</td></tr>`,
  );
  return `<table><thead><tr><th>${esc(r.label)}</th><th>Steps</th><th>I_NCE (nats, K = ${r.rows[0]?.iNce.k ?? '-'})</th><th>Linear top-1 %</th><th>kNN top-1 %</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The study's own sections: accuracy vs I_NCE, accuracy and I_NCE vs the knob, the table. */
export function studySections(r: StudyResults): Section[] {
  const acc = (pick: (w: StudyResults['rows'][number]) => number): [number, number][] => r.rows.map((w) => [w.iNce.mean, pick(w)]);
  const vsKnob = (pick: (w: StudyResults['rows'][number]) => number): [number, number][] => r.rows.map((w) => [w.x, pick(w)]);
  const categorical = r.rows.some((w, i) => w.x === i && String(w.x) !== w.label);
  const knobNote = categorical ? ` Knob axis: ${r.rows.map((w, i) => `${i} = ${w.label}`).join(', ')}.` : '';
  return [
    {
      id: 'accuracy-vs-infonce',
      title: 'Accuracy against I_NCE',
      svg: lineChart(
        [
          { name: 'linear probe', points: acc((w) => w.linearTop1) },
          { name: 'kNN', points: acc((w) => w.knnTop1) },
        ],
        {
          title: `Accuracy against the information the views share (${r.method}, ${r.data})`,
          xLabel: 'I_NCE (nats)',
          yLabel: 'top-1 accuracy',
          yFormat: percent,
          markers: true,
        },
      ),
      note: verdict(r),
    },
    {
      id: 'accuracy-vs-knob',
      title: `Accuracy against ${r.label}`,
      svg: lineChart(
        [
          { name: 'linear probe', points: vsKnob((w) => w.linearTop1) },
          { name: 'kNN', points: vsKnob((w) => w.knnTop1) },
        ],
        { title: `Accuracy against ${r.label}`, xLabel: r.label, yLabel: 'top-1 accuracy', yFormat: percent, markers: true },
      ),
      note: knobNote.trim(),
    },
    {
      id: 'infonce-vs-knob',
      title: `I_NCE against ${r.label}`,
      svg: lineChart([{ name: 'I_NCE', points: vsKnob((w) => w.iNce.mean) }], {
        title: `I_NCE against ${r.label}`,
        xLabel: r.label,
        yLabel: 'I_NCE (nats)',
        markers: true,
      }),
      note: `Mean over ${r.rows[0]?.iNce.perSeed.length ?? 0} view seeds; the table gives the spread.${knobNote}`,
    },
    { id: 'infomin-table', title: 'Settings', svg: table(r), note: '' },
  ];
}

/** Writes OUT/report.html for the study in `out` (from its results.json and the settings' runs); returns its path. */
export function writeStudyReport(out: string, title?: string): string {
  const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as StudyResults;
  const runs = r.rows.map((w) => readRun(w.dir));
  const path = resolve(join(out, 'report.html'));
  const heading = title ?? `InfoMin study: ${r.label} (${r.method} on ${r.data})`;
  writeFileAtomic(
    path,
    page(heading, runs, [
      ['Views and shared information', studySections(r)],
      ['Training', [lossSection(runs), knnSection(runs)]],
    ]),
    'report',
  );
  return path;
}
