/** Scales, SVG charts (text escaping, gaps, thinning) and the seeded 2-D embedding. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  embed2d,
  esc,
  formatTick,
  lineChart,
  linearScale,
  logScale,
  sampleIndices,
  scatterChart,
  seededRandom,
  thin,
} from '../../src/report/index.js';
import { assertThrows } from '../helpers.js';

test('linear scales have nice ticks covering the data', () => {
  assert.deepEqual(linearScale([0.37, 5.6], [0, 100]).ticks, [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(linearScale([0.62, 0.81], [0, 100]).ticks, [0.6, 0.65, 0.7, 0.75, 0.8, 0.85]);
  assert.deepEqual(linearScale([0, 14_000], [0, 100], 7).ticks, [0, 2000, 4000, 6000, 8000, 10000, 12000, 14000]);
  const s = linearScale([2, 2], [0, 100]);
  assert.ok(s.domain[0] < 2 && s.domain[1] > 2, 'a single value gets a non-empty domain');
  const y = linearScale([0, 10], [300, 40]);
  assert.deepEqual([y.map(0), y.map(10)], [300, 40], 'y axes run upwards');
});

test('log scales tick at 1-2-5 over few decades, at powers of ten over many', () => {
  assert.deepEqual(logScale([0.01, 1], [0, 100]).ticks, [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]);
  assert.deepEqual(logScale([3, 2e6], [0, 100]).ticks, [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000]);
  const s = logScale([0.01, 1], [0, 200]);
  assert.equal(s.map(0.1), 100);
  assertThrows(() => logScale([0, 1], [0, 1]), /logScale: expected a positive extent but received \[0, 1\]/, RangeError);
});

test('tick labels use the decimals of the step', () => {
  assert.deepEqual(
    [formatTick(0.65, 0.05), formatTick(3, 1), formatTick(12000, 2000), formatTick(0.00002, 0.00001)],
    ['0.65', '3', '12k', '2e-5'],
  );
});

test('text is escaped everywhere: titles, axis labels, series and legend names', () => {
  const evil = '<script>alert("x")</script> & \'y\'';
  assert.equal(esc(evil), '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
  const line = lineChart(
    [
      {
        name: evil,
        points: [
          [1, 2],
          [2, 3],
        ],
      },
    ],
    { title: evil, xLabel: evil, yLabel: evil },
  );
  const scatter = scatterChart(
    [
      { x: 0, y: 0, group: 0, label: evil },
      { x: 1, y: 1, group: 0 },
    ],
    { title: evil, xLabel: 'a', yLabel: 'b', groups: [evil] },
  );
  for (const svg of [line, scatter]) {
    assert.ok(!svg.includes('<script'), 'no raw markup from the text');
    assert.ok(svg.includes(esc(evil)));
  }
  assert.equal(line.split(esc(evil)).length - 1, 6, 'svg <title>, chart title, both axis labels, data-series, legend');
});

test('a non-finite value leaves a gap in the line; a log axis drops x ≤ 0', () => {
  const svg = lineChart(
    [
      {
        name: 's',
        points: [
          [1, 1],
          [2, 2],
          [3, NaN],
          [4, 1],
          [5, 2],
        ],
      },
    ],
    { title: 't', xLabel: 'x', yLabel: 'y' },
  );
  const d = /class="line" d="([^"]+)"/.exec(svg)![1];
  assert.equal(d.match(/M/g)!.length, 2, 'two segments');
  const log = lineChart(
    [
      {
        name: 's',
        points: [
          [0, 1],
          [0.1, 2],
          [1, 3],
        ],
      },
    ],
    { title: 't', xLabel: 'x', yLabel: 'y', logX: true, markers: true },
  );
  assert.equal(log.match(/class="pt"/g)!.length, 2);
});

test('long series are averaged down to maxPoints', () => {
  const pts = Array.from({ length: 2500 }, (_, i): [number, number] => [i, i % 2]);
  const t = thin(pts, 1000);
  assert.ok(t.length <= 1000 && t.length >= 800, `${t.length} points`);
  assert.deepEqual(t[0], [1, 1 / 3]);
  assert.equal(thin(pts.slice(0, 10), 1000).length, 10);
});

test('scatter points must name one of the groups', () => {
  assertThrows(
    () => scatterChart([{ x: 0, y: 0, group: 2 }], { title: 't', xLabel: 'x', yLabel: 'y', groups: ['a', 'b'] }),
    /point group 2 is not an index into the 2 groups/,
    RangeError,
  );
});

test('sampling and UMAP are seeded: the same seed gives the same result', () => {
  const s = sampleIndices(1000, 10, 7);
  assert.equal(new Set(s).size, 10);
  assert.deepEqual(
    s,
    [...s].sort((a, b) => a - b),
  );
  assert.deepEqual(sampleIndices(1000, 10, 7), s);
  assert.notDeepEqual(sampleIndices(1000, 10, 8), s);
  assert.deepEqual(sampleIndices(5, 10, 7), [0, 1, 2, 3, 4]);
  const random = seededRandom(1);
  const x = Float32Array.from({ length: 40 * 8 }, () => random());
  const a = embed2d(x, 8, { seed: 3, nEpochs: 50 });
  assert.equal(a.length, 80);
  assert.deepEqual(embed2d(x, 8, { seed: 3, nEpochs: 50 }), a);
  assertThrows(() => embed2d(x.subarray(0, 16), 8), /UMAP needs at least 3 points but received 2/, RangeError);
  assertThrows(() => embed2d(x.subarray(0, 15), 8), /15 values do not form rows of dim 8/, RangeError);
});
