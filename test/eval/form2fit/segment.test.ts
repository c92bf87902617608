import { test } from 'node:test';
import assert from 'node:assert/strict';
import { edgeDistance, innermost, regions } from '../../../src/eval/form2fit/segment.js';

/** A mask from rows of '#' (in) and '.' (out). */
function mask(rows: string[]): Uint8Array {
  return Uint8Array.from(rows.join(''), (c) => (c === '#' ? 1 : 0));
}

test('regions: 4-connected components with centroids and border flags', () => {
  const m = mask(['##....', '#..##.', '...##.', '.#....', '##...#', '.....#']);
  const r = regions(m, 6);
  assert.deepEqual(
    r.map((g) => g.pixels),
    [
      [0, 1, 6],
      [9, 10, 15, 16],
      [19, 24, 25],
      [29, 35],
    ],
  );
  assert.deepEqual(r[1].centroid, [3.5, 1.5]);
  assert.deepEqual(
    r.map((g) => g.border),
    [true, false, true, true],
  );
  // diagonal neighbours are not connected
  assert.equal(regions(mask(['#.', '.#']), 2).length, 2);
});

test('edgeDistance and innermost: the centre of a 5×5 block is 3 steps from outside', () => {
  const m = mask(['.......', '.#####.', '.#####.', '.#####.', '.#####.', '.#####.', '.......']);
  const d = edgeDistance(m, 7);
  assert.deepEqual(Array.from(d.subarray(21, 28)), [0, 1, 2, 3, 2, 1, 0]);
  assert.deepEqual(innermost(regions(m, 7)[0], d, 7), [3, 3]);
  // the image's outside counts as outside
  assert.deepEqual(Array.from(edgeDistance(mask(['###', '###', '###']), 3)), [1, 1, 1, 1, 2, 1, 1, 1, 1]);
});
