import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quadraticFit, reverseU } from '../../src/eval/reverse-u.js';
import { assertThrows } from '../helpers.js';

test('quadraticFit recovers an exact quadratic (offset x, unequal spacing) and its vertex', () => {
  const f = (x: number): number => 0.7 + 2.4 * x - 3 * x * x;
  const xs = [3.1, 3.3, 3.35, 3.6, 4.2];
  const fit = quadraticFit(xs.map((x) => [x, f(x)]));
  assert.ok(Math.abs(fit.a - 0.7) < 1e-8 && Math.abs(fit.b - 2.4) < 1e-8 && Math.abs(fit.c + 3) < 1e-9, JSON.stringify(fit));
  assert.ok(Math.abs(fit.vertex! - 0.4) < 1e-9);
  assert.ok(Math.abs(fit.r2 - 1) < 1e-12);
});

test('reverseU: a noisy hump is one, monotone and U-shaped curves are not', () => {
  const hump = reverseU([
    [0.1, 0.6],
    [0.5, 0.72],
    [0.9, 0.75],
    [1.4, 0.7],
    [2.0, 0.61],
  ]);
  assert.equal(hump.peak, 2);
  assert.ok(hump.interiorPeak && hump.isReverseU && hump.fit.c < 0);
  const rising = reverseU([
    [0, 0.5],
    [1, 0.6],
    [2, 0.65],
    [3, 0.67],
  ]);
  assert.ok(!rising.interiorPeak && !rising.isReverseU, 'a saturating rise peaks at the end');
  const valley = reverseU([
    [0, 0.7],
    [1, 0.5],
    [2, 0.71],
  ]);
  assert.ok(valley.fit.c > 0 && !valley.isReverseU);
});

test('quadraticFit rejects too few or repeated x values by name', () => {
  assertThrows(
    () =>
      quadraticFit([
        [0, 1],
        [1, 2],
      ]),
    /quadraticFit points/,
  );
  assertThrows(
    () =>
      quadraticFit([
        [0, 1],
        [1, 2],
        [1, 3],
      ]),
    /^quadraticFit: expected at least 3 distinct x values but received \[0,1,1\]$/,
  );
  assertThrows(
    () =>
      quadraticFit([
        [0, 1],
        [1, NaN],
        [2, 3],
      ]),
    /quadraticFit points/,
  );
});
