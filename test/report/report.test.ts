/**
 * writeReport end to end: two synthetic runs (one with embeddings of two
 * Gaussian blobs), the report opened in headless Chromium, and every chart
 * checked as rendered: size, series, markers, legend, tick labels, and the
 * embedding map keeping the two classes apart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport } from '../../src/report/index.js';
import { withPage } from '../../bench/browser.js';
import { makeRun, writeBlobs } from './synthetic.js';

interface Box {
  w: number;
  h: number;
  x: number;
  y: number;
}
interface Rendered {
  id: string;
  box: Box;
  series: { name: string; line: Box | null; points: Box[] }[];
  legend: string[];
  xTicks: { text: string; box: Box }[];
  yTicks: { text: string; box: Box }[];
  axisLabels: string[];
}

const root = mkdtempSync(join(tmpdir(), 'selfsup-report-'));
const a = makeRun(root, 'run-a', { name: 'simclr <r18> & co', method: 'simclr', steps: 1500, finetune: true, seed: 1 });
const b = makeRun(root, 'run-b', { name: 'micle', method: 'micle', steps: 600, finetune: false, seed: 2 });
writeBlobs(a.dir, { perClass: 150, dim: 16, classes: ['cat <1>', 'dog & co'], seed: 3 });
const out = join(root, 'report.html');

/** Fraction of points whose nearest other point has the same group. */
function neighbourAgreement(groups: { x: number; y: number }[][]): number {
  const pts = groups.flatMap((g, k) => g.map((p) => ({ ...p, k })));
  let same = 0;
  for (const p of pts) {
    let best = Infinity;
    let k = -1;
    for (const q of pts) {
      const d = (p.x - q.x) ** 2 + (p.y - q.y) ** 2;
      if (q !== p && d < best) [best, k] = [d, q.k];
    }
    if (k === p.k) same++;
  }
  return same / pts.length;
}

test('the report renders every chart in Chromium', async (t) => {
  const t0 = performance.now();
  const { path, charts } = await writeReport([a.dir, b.dir], out, { maxPoints: 200, seed: 0 });
  t.diagnostic(`writeReport: ${(performance.now() - t0).toFixed(0)} ms`);
  assert.equal(path, out);
  assert.deepEqual(charts, ['loss', 'knn', 'knn-time', 'label-efficiency', 'embedding-0']);

  const html = readFileSync(out, 'utf8');
  assert.ok(!/<script|<link|<img|<iframe|@import|url\(/i.test(html), 'the page loads nothing and runs no script');
  assert.ok(html.includes('simclr &lt;r18&gt; &amp; co') && !html.includes('<r18>'), 'run names are escaped');
  assert.match(html, /micle has no embeddings\.safetensors/);
  assert.match(
    html,
    /<h2>Warnings<\/h2><ul class="warnings"><li><strong>[^<]+<\/strong> \(pretrain\): collapse warning: &lt;std&gt; ×√D = 0.010<\/li><\/ul>/,
  );
  assert.match(html, /<td>linear probe, 10% of labels<\/td><td>test<\/td><td class="num">6000<\/td>/);

  const shot = join(root, 'report.png');
  const { rendered, requests, configs, resultRows } = await withPage(out, async (page, requests) => {
    await page.screenshot({ path: shot, fullPage: true });
    const rendered = await page.evaluate(() => {
      const box = (e: Element) => {
        const r = e.getBoundingClientRect();
        return { w: r.width, h: r.height, x: r.x + r.width / 2, y: r.y + r.height / 2 };
      };
      return [...document.querySelectorAll('figure')].map((fig) => {
        const svg = fig.querySelector('svg.chart')!;
        return {
          id: fig.id,
          box: box(svg),
          series: [...svg.querySelectorAll('g.series')].map((g) => ({
            name: g.getAttribute('data-series')!,
            line: g.querySelector('path.line') ? box(g.querySelector('path.line')!) : null,
            points: [...g.querySelectorAll('.pt')].map(box),
          })),
          legend: [...svg.querySelectorAll('.legend text')].map((e) => e.textContent!),
          xTicks: [...svg.querySelectorAll('.tick-label.x')].map((e) => ({ text: e.textContent!, box: box(e) })),
          yTicks: [...svg.querySelectorAll('.tick-label.y')].map((e) => ({ text: e.textContent!, box: box(e) })),
          axisLabels: [...svg.querySelectorAll('.axis-label')].map((e) => e.textContent!),
        };
      });
    });
    const configs = await page.locator('details').count();
    const resultRows = await page.locator('table').nth(1).locator('tbody tr').count();
    return { rendered: rendered as Rendered[], requests, configs, resultRows };
  });
  t.diagnostic(`screenshot: ${shot}`);
  assert.ok(statSync(shot).size > 20_000, 'the screenshot shows a page');
  assert.deepEqual(requests, [`file://${out}`], 'the page requests nothing but itself');
  assert.equal(configs, 2);
  assert.equal(resultRows, 20, '3 probes and 7 fine-tuning results per run');

  const byId = new Map(rendered.map((r) => [r.id, r]));
  assert.deepEqual([...byId.keys()], charts);
  const expected: Record<string, { names: string[]; points?: number[]; axes: string[] }> = {
    loss: { names: [`${a.name} · pretrain`, `${a.name} · finetune`, b.name], axes: ['step', 'loss'] },
    knn: { names: [a.name, b.name], points: [30, 12], axes: ['step', 'kNN top-1 accuracy'] },
    'knn-time': { names: [a.name, b.name], points: [30, 12], axes: ['training time (minutes)', 'kNN top-1 accuracy'] },
    'label-efficiency': {
      names: ['simclr', `${a.name}: random`, 'micle', `${b.name}: random`],
      points: [3, 3, 3, 3],
      axes: ['fraction of labels (log scale)', 'top-1 accuracy (test)'],
    },
    'embedding-0': { names: ['cat <1>', 'dog & co'], axes: ['UMAP 1', 'UMAP 2'] },
  };
  for (const [id, want] of Object.entries(expected)) {
    const r = byId.get(id)!;
    assert.ok(r.box.w > 500 && r.box.h > 300, `${id}: the chart has a visible size (${r.box.w}×${r.box.h})`);
    assert.deepEqual(
      r.series.map((s) => s.name),
      want.names,
      `${id}: series`,
    );
    assert.deepEqual(r.legend, want.names, `${id}: legend`);
    assert.deepEqual(r.axisLabels, want.axes, `${id}: axis labels`);
    for (const s of r.series) {
      if (!id.startsWith('embedding')) assert.ok(s.line && s.line.w > 0 && s.line.h > 0, `${id}/${s.name}: the line is drawn`);
      for (const p of s.points) assert.ok(p.w > 0 && p.h > 0, `${id}/${s.name}: markers have a size`);
    }
    if (want.points)
      assert.deepEqual(
        r.series.map((s) => s.points.length),
        want.points,
        `${id}: markers per series`,
      );
    for (const [axis, ticks] of [
      ['x', r.xTicks],
      ['y', r.yTicks],
    ] as const) {
      assert.ok(ticks.length >= 3, `${id}: at least 3 ${axis} tick labels`);
      for (const tk of ticks) assert.ok(tk.text && tk.box.w > 0 && tk.box.h > 0, `${id}: ${axis} tick label "${tk.text}" is visible`);
    }
  }
  assert.deepEqual(
    byId.get('label-efficiency')!.xTicks.map((tk) => tk.text),
    ['1%', '2%', '5%', '10%', '20%', '50%', '100%'],
  );
  assert.deepEqual(
    byId.get('loss')!.yTicks.map((tk) => tk.text),
    ['0', '1', '2', '3', '4', '5', '6'],
  );

  const map = byId.get('embedding-0')!;
  assert.equal(
    map.series.reduce((n, s) => n + s.points.length, 0),
    200,
    'maxPoints embeddings are drawn',
  );
  const agreement = neighbourAgreement(map.series.map((s) => s.points));
  t.diagnostic(`embedding map nearest-neighbour label agreement: ${agreement.toFixed(3)}`);
  assert.ok(agreement > 0.9, `the map keeps the two blobs apart (agreement ${agreement})`);
});

test('the same seed gives the same report', async () => {
  const again = join(root, 'again.html');
  await writeReport([a.dir, b.dir], again, { maxPoints: 200, seed: 0 });
  assert.equal(readFileSync(again, 'utf8'), readFileSync(out, 'utf8'));
});
