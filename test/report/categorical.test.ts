/** The dot chart and the interval chart over named categories. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dotChart, intervalChart } from '../../src/report/categorical.js';
import { percent } from '../../src/report/scale.js';
import { assertThrows } from '../helpers.js';

/** The cx of every circle in a series group. */
function circles(svg: string, series: string): { cx: number; cy: number }[] {
  const g = svg.match(new RegExp(`<g class="series" data-series="${series}"[^>]*>(.*?)</g>`))?.[1] ?? '';
  return [...g.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => ({ cx: +m[1], cy: +m[2] }));
}

test('dot chart: a row per category, a marker per finite value, larger values further right', () => {
  const svg = dotChart(
    ['language', 'speaker &amp; co', 'keywords-intra'],
    [
      { name: 'trill', values: [0.9, 0.5, NaN] },
      { name: 'mfcc', values: [0.4, 0.6, 0.7] },
    ],
    { title: 'acc', xLabel: 'test accuracy', yLabel: 'task', xFormat: percent },
  );
  const trill = circles(svg, 'trill');
  assert.equal(trill.length, 2, 'NaN leaves no marker');
  assert.ok(trill[0].cx > trill[1].cx, '0.9 right of 0.5');
  assert.ok(trill[0].cy < trill[1].cy, 'rows run downwards in category order');
  assert.ok(svg.includes('keywords-intra'), 'category names are tick labels');
  assert.ok(svg.includes('speaker &amp;amp; co'), 'names are escaped');
  assertThrows(
    () => dotChart(['a', 'b'], [{ name: 'x', values: [1] }], { title: '', xLabel: '', yLabel: '' }),
    /series "x" has 1 values for 2 categories/,
  );
});

test('interval chart: whiskers span the interval and the reference line sits at 0', () => {
  const svg = intervalChart(
    [
      { name: 'mfcc', value: -0.1, low: -0.15, high: -0.05 },
      { name: 'random', value: -0.3, low: -0.4, high: -0.2 },
    ],
    { title: 'ols', xLabel: 'effect', yLabel: '' },
  );
  const line = (name: string): number[] =>
    svg
      .match(new RegExp(`data-series="${name}"><line x1="([\\d.]+)" y1="[\\d.]+" x2="([\\d.]+)"`))!
      .slice(1)
      .map(Number);
  const [a0, a1] = line('mfcc');
  const [b0, b1] = line('random');
  assert.ok(b0 < b1 && b1 < a0 && a0 < a1, `random's interval lies left of mfcc's: ${[b0, b1, a0, a1]}`);
  const ref = +svg.match(/class="reference" x1="([\d.]+)"/)![1];
  assert.ok(ref > a1, 'all effects are below the reference 0');
});
