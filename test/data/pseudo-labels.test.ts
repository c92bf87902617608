import { test } from 'node:test';
import assert from 'node:assert/strict';
import { data } from '../../src/index.js';
import { assertThrows } from '../helpers.js';

const { filterAndBalance } = data;

/**
 * 11 images, 3 classes. Predicted class and confidence:
 * class 0: 5 (.95), 0 (.9), 3 (.8), 4 (.7), 1 (.6), 2 (.4); class 1: 6 (.85), 7 (.7), 10 (.45); class 2: 9 (.7), 8 (.4).
 */
const ROWS = [
  [0.9, 0.05, 0.05],
  [0.6, 0.3, 0.1],
  [0.4, 0.35, 0.25],
  [0.8, 0.1, 0.1],
  [0.7, 0.2, 0.1],
  [0.95, 0.03, 0.02],
  [0.1, 0.85, 0.05],
  [0.2, 0.7, 0.1],
  [0.3, 0.3, 0.4],
  [0.1, 0.2, 0.7],
  [0.3, 0.45, 0.25],
];
const probs = Float32Array.from(ROWS.flat());

/** Copies of each image in a selection. */
const copies = (indices: number[]): Map<number, number> => {
  const m = new Map<number, number>();
  for (const i of indices) m.set(i, (m.get(i) ?? 0) + 1);
  return m;
};

test('filterAndBalance drops images below the threshold, keeps the most confident of a full class and duplicates short ones (integer ratios)', () => {
  // threshold 0.5: 2, 8 and 10 go; class 0 keeps 4 of 5; class 1's 2 images ×2; class 2's 1 image ×4.
  const r = filterAndBalance(probs, 3, { threshold: 0.5, perClass: 4, seed: 1 });
  assert.deepEqual(r.indices, [5, 0, 3, 4, 6, 6, 7, 7, 9, 9, 9, 9]);
  assert.deepEqual(r.perClassKept, [4, 4, 4]);
  assert.equal(r.dropped, 3);
});

test('filterAndBalance without balancing (perClass ≤ 0) only filters, class by class in descending confidence', () => {
  for (const perClass of [0, -3]) {
    const r = filterAndBalance(probs, 3, { threshold: 0.5, perClass, seed: 1 });
    assert.deepEqual(r.indices, [5, 0, 3, 4, 1, 6, 7, 9]);
    assert.deepEqual(r.perClassKept, [5, 2, 1]);
    assert.equal(r.dropped, 3);
  }
  const all = filterAndBalance(probs, 3, { threshold: 0, perClass: 0, seed: 1 });
  assert.deepEqual(
    [...all.indices].sort((a, b) => a - b),
    [...ROWS.keys()],
    'threshold 0 keeps every image once',
  );
  assert.equal(all.dropped, 0);
  const none = filterAndBalance(probs, 3, { threshold: 1, perClass: 4, seed: 1 });
  assert.deepEqual(none, { indices: [], perClassKept: [0, 0, 0], dropped: 11 });
});

test('filterAndBalance rounds fractional copies stochastically: ⌊r⌋ or ⌊r⌋ + 1 copies, perClass images expected, seeded', () => {
  // threshold 0.35: class 0 has 6 (keeps 5, 0, 3, 4), class 1 has 6, 7, 10 (4/3 copies each), class 2 has 9, 8 (2 each).
  const o = { threshold: 0.35, perClass: 4 };
  const first = filterAndBalance(probs, 3, { ...o, seed: 0 });
  assert.deepEqual(first.indices.slice(0, 4), [5, 0, 3, 4]);
  assert.deepEqual(first.indices.slice(-4), [9, 9, 8, 8]);
  assert.equal(first.dropped, 0);
  const trials = 4000;
  let total = 0;
  const extra = new Map([6, 7, 10].map((i) => [i, 0]));
  const seen = new Set<string>();
  for (let seed = 0; seed < trials; seed++) {
    const r = filterAndBalance(probs, 3, { ...o, seed });
    const middle = r.indices.slice(4, r.indices.length - 4);
    const c = copies(middle);
    assert.deepEqual([...c.keys()], [6, 7, 10], 'class 1 in descending confidence, copies adjacent');
    for (const [i, n] of c) {
      assert.ok(n === 1 || n === 2, `image ${i}: ${n} copies of 4/3`);
      extra.set(i, extra.get(i)! + n - 1);
    }
    assert.equal(r.perClassKept[1], middle.length);
    total += middle.length;
    seen.add(middle.join());
    assert.deepEqual(filterAndBalance(probs, 3, { ...o, seed }), r, 'the same seed gives the same selection');
  }
  // Per image, an extra copy with probability 1/3 (sd √(2/9 / 4000) ≈ 0.0075): within 5 sd.
  for (const [i, n] of extra) assert.ok(Math.abs(n / trials - 1 / 3) < 0.04, `image ${i}: extra copy in ${n} of ${trials}`);
  // The class's count expects perClass = 4 (sd √(3·2/9 / 4000) ≈ 0.013).
  assert.ok(Math.abs(total / trials - 4) < 0.065, `mean class-1 count ${total / trials}`);
  assert.equal(seen.size, 8, 'every combination of extra copies occurs across seeds');
});

test('filterAndBalance breaks confidence ties by index and takes the first maximum as the class', () => {
  const tied = Float32Array.from([0.5, 0.5, 0.2, 0.8, 0.8, 0.2, 0.5, 0.5]);
  const r = filterAndBalance(tied, 2, { threshold: 0, perClass: 0, seed: 0 });
  assert.deepEqual(r.indices, [2, 0, 3, 1]);
  assert.deepEqual(r.perClassKept, [3, 1]);
});

test('filterAndBalance names bad probabilities, class counts and options', () => {
  const o = { threshold: 0.3, perClass: 4, seed: 0 };
  assertThrows(
    () => filterAndBalance(ROWS.flat() as never, 3, o),
    /^filterAndBalance: expected probs as a Float32Array \(N×C row-major\) but received \[0\.9 of type number, .* \(33 items\)\] of type array$/,
    TypeError,
  );
  assertThrows(
    () => filterAndBalance(probs, 4, o),
    /^filterAndBalance: expected probs of length N × numClasses \(a multiple of 4\) but received length 33$/,
    RangeError,
  );
  assertThrows(
    () => filterAndBalance(probs, 0, o),
    /^filterAndBalance: expected a positive integer for numClasses but received 0 of type number$/,
    RangeError,
  );
  assertThrows(
    () => filterAndBalance(probs, 3, { ...o, threshold: 1.5 }),
    /^filterAndBalance: expected a number in \[0, 1\] for threshold but received 1.5 of type number$/,
    RangeError,
  );
  assertThrows(
    () => filterAndBalance(probs, 3, { ...o, perClass: 2.5 }),
    /^filterAndBalance: expected an integer for perClass but received 2.5 of type number$/,
    RangeError,
  );
  assertThrows(
    () => filterAndBalance(probs, 3, { ...o, seed: -1 }),
    /^filterAndBalance: expected a non-negative integer for seed but received -1 of type number$/,
    RangeError,
  );
  assertThrows(
    () => filterAndBalance(probs, 3, undefined as never),
    /^filterAndBalance: expected a number in \[0, 1\] for threshold but received undefined of type undefined$/,
    TypeError,
  );
  const holed = probs.slice();
  holed[3 * 7 + 2] = Number.NaN;
  assertThrows(() => filterAndBalance(holed, 3, o), /^filterAndBalance: probs row 7 holds NaN at class 2$/, RangeError);
});
