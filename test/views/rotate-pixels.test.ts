import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, views } from '../../src/index.js';
import { assertThrows } from '../helpers.js';

type Tensor = torch.Tensor;

/** One-hot images [K, 1, h, w], one per (x, y) point. */
function oneHot(points: [number, number][], h: number, w: number): Tensor {
  const img = torch.zeros([points.length, 1, h, w]);
  points.forEach(([x, y], k) => img.select(0, k).select(0, 0).select(0, y).select(0, x).fill_(1));
  return img;
}

const POINTS: [number, number][] = [
  [3, 4],
  [10, 10],
  [15, 7],
  [9, 16],
];

test('rotatePixels follows rotate: the mass centre of a bilinearly rotated one-hot image, at several angles', () => {
  const [h, w] = [20, 24];
  for (const angle of [-18, 36, -90, 144, -306])
    torch.scope(() => {
      const rotated = views.rotate(oneHot(POINTS, h, w), angle, { interpolation: 'bilinear' }); // [K, 1, h, w]
      const mass = rotated.sum([1, 2, 3]); // [K]
      const xs = torch.arange(w, { dtype: 'float32' }).view([1, 1, 1, w]);
      const ys = torch.arange(h, { dtype: 'float32' }).view([1, 1, h, 1]);
      const cx = rotated.mul(xs).sum([1, 2, 3]).div(mass).toArray() as number[];
      const cy = rotated.mul(ys).sum([1, 2, 3]).div(mass).toArray() as number[];
      const p = views
        .rotatePixels(torch.tensor([POINTS]), angle, h, w)
        .squeeze(0)
        .tolist() as number[][];
      POINTS.forEach((_, k) => {
        const err = Math.hypot(p[k][0] - cx[k], p[k][1] - cy[k]);
        assert.ok(err < 0.15, `${angle}° point ${k}: rotatePixels (${p[k]}) vs mass centre (${cx[k]}, ${cy[k]}): ${err} px`);
      });
    });
});

test('rotatePixels is exact at quarter turns (nearest rotation of one-hot images) and takes one angle per sample', () => {
  const s = 16;
  torch.scope(() => {
    const pts: [number, number][] = [
      [2, 5],
      [13, 1],
    ];
    const angles = [90, -90, 180];
    const p = views.rotatePixels(torch.tensor(angles.map(() => pts)), angles, s, s); // [3, 2, 2]
    angles.forEach((angle, i) => {
      const rotated = views.rotate(oneHot(pts, s, s), angle); // nearest
      pts.forEach((_, k) => {
        const flat = rotated.select(0, k).flatten().argmax().item();
        assert.deepEqual(
          [flat % s, Math.floor(flat / s)],
          (p.select(0, i).select(0, k).toArray() as number[]).map(Math.round),
          `${angle}° point ${k}`,
        );
      });
    });
    const quarter = p.select(0, 0).tolist() as number[][];
    assert.deepEqual(quarter[0], [5, 13], '(2, 5) turned 90° counter-clockwise about (7.5, 7.5) on screen (y down)');
  });
});

test('rotatePixels rejects bad arguments by name', () => {
  const p = torch.zeros([2, 3, 2]);
  assertThrows(
    () => views.rotatePixels(torch.zeros([3, 2]), 0, 8, 8),
    /^rotatePixels: expected points as \[N, K, 2\] but received \[3, 2\]$/,
    RangeError,
  );
  assertThrows(
    () => views.rotatePixels(p, [1, 2, 3], 8, 8),
    /^rotatePixels: expected angle to hold one value per sample \(2\) but received 3$/,
    RangeError,
  );
  assertThrows(() => views.rotatePixels(p, 0, 0, 8), /^Expected a positive integer for h but received 0/, RangeError);
});
