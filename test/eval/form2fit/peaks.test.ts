import { test } from 'node:test';
import assert from 'node:assert/strict';
import { peakLocalMax } from '../../../src/eval/form2fit/peaks.js';
import { assertThrows } from '../../helpers.js';

/** A size×size map of Gaussian bumps [x, y, height, sigma] on a zero floor. */
function bumps(size: number, list: [number, number, number, number][]): Float32Array {
  const m = new Float32Array(size * size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      for (const [bx, by, h, s] of list) m[y * size + x] += h * Math.exp(-((x - bx) ** 2 + (y - by) ** 2) / (2 * s * s));
  return m;
}

test('peakLocalMax: separated bumps come out highest first, as (x, y)', () => {
  const m = bumps(20, [
    [4, 13, 0.5, 1.5],
    [15, 5, 1, 1.5],
    [10, 10, 0.8, 1],
  ]);
  assert.deepEqual(peakLocalMax(m, 20, { minDistance: 2 }), [
    [15, 5],
    [10, 10],
    [4, 13],
  ]);
  assert.deepEqual(peakLocalMax(m, 20, { minDistance: 2, maxPeaks: 2 }), [
    [15, 5],
    [10, 10],
  ]);
});

test('peakLocalMax: thresholdRel drops bumps below that share of the maximum', () => {
  const m = bumps(16, [
    [4, 4, 1, 1],
    [11, 11, 0.3, 1],
  ]);
  assert.deepEqual(peakLocalMax(m, 16, { minDistance: 1, thresholdRel: 0.25 }), [
    [4, 4],
    [11, 11],
  ]);
  assert.deepEqual(peakLocalMax(m, 16, { minDistance: 1, thresholdRel: 0.35 }), [[4, 4]]);
});

test('peakLocalMax: the border of width minDistance is excluded and close peaks suppressed', () => {
  const m = new Float32Array(12 * 12);
  m[5 * 12 + 1] = 1; // (1, 5): inside a border of 2, not of 1
  m[6 * 12 + 6] = 0.9; // (6, 6) and (8, 7): Chebyshev distance 2
  m[7 * 12 + 8] = 0.8;
  assert.deepEqual(peakLocalMax(m, 12, { minDistance: 1 }), [
    [1, 5],
    [6, 6],
    [8, 7],
  ]);
  // footprint 5×5: (8, 7) is a local maximum of its window only when the window misses (6, 6)
  assert.deepEqual(peakLocalMax(m, 12, { minDistance: 2 }), [[6, 6]]);
  assert.deepEqual(peakLocalMax(m, 12, { minDistance: 3 }), [[6, 6]]);
});

test('peakLocalMax: plateaus keep the first pixel in row-major order once minDistance exceeds their width', () => {
  const m = new Float32Array(10 * 10);
  m[4 * 10 + 4] = 1;
  m[4 * 10 + 5] = 1;
  m[5 * 10 + 5] = 1;
  // scikit-image keeps pixels at distance exactly minDistance
  assert.deepEqual(peakLocalMax(m, 10, { minDistance: 1 }), [
    [4, 4],
    [5, 4],
    [5, 5],
  ]);
  assert.deepEqual(peakLocalMax(m, 10, { minDistance: 2 }), [[4, 4]]);
});

test('peakLocalMax: minDistance 0 (Form2Fit) gives every pixel above the threshold, highest first', () => {
  const m = new Float32Array([0, 0.5, 0.05, 1, 0.2, 0.5, 0, 0, 0.09]);
  assert.deepEqual(peakLocalMax(m, 3, { minDistance: 0, thresholdRel: 0.1 }), [
    [0, 1],
    [1, 0],
    [2, 1],
    [1, 1],
  ]);
});

test('peakLocalMax: a flat map has no peaks', () => {
  assert.deepEqual(peakLocalMax(new Float32Array(64).fill(0.3), 8, { minDistance: 1 }), []);
  assert.deepEqual(peakLocalMax(new Float32Array(64).fill(0.3), 8, { minDistance: 0 }), []);
});

test('peakLocalMax: bad input errors name the argument', () => {
  const m = new Float32Array(16);
  assertThrows(() => peakLocalMax(m, 5), /peakLocalMax: expected a Float32Array of 5×5 = 25 values but received 16/, RangeError);
  assertThrows(() => peakLocalMax(m, 4, { minDistance: -1 }), /peakLocalMax: expected a non-negative integer for minDistance/, RangeError);
  assertThrows(() => peakLocalMax(m, 4, { thresholdRel: 2 }), /peakLocalMax: expected a number in \[0, 1\] for thresholdRel/, RangeError);
  assertThrows(() => peakLocalMax(m, 4, { maxPeaks: 0 }), /peakLocalMax: expected a positive integer for maxPeaks/, RangeError);
  assertThrows(() => peakLocalMax(new Float32Array([0, NaN, 0, 0]), 2), /peakLocalMax: expected a map without NaN/, RangeError);
  assertThrows(() => peakLocalMax(m, 4, { min: 1 } as never), /peakLocalMax/);
});
