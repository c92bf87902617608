import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.js';
import { rotate } from '../../src/views/image/affine.js';
import { angleError, applyPose, composePose, localPoint, rotatePixel, rotateVector, rotationBin } from '../../src/sim/geometry.js';
import { assertThrows } from '../helpers.js';

const S = 31;

/** The intensity-weighted centre of an [S, S] image. */
function centroid(img: Float32Array): [number, number] {
  let [m, x, y] = [0, 0, 0];
  img.forEach((v, i) => ((m += v), (x += v * (i % S)), (y += v * Math.floor(i / S))));
  return [x / m, y / m];
}

/** A one-hot S×S image at p, rotated by `rotate` from src/views/image/affine.ts. */
const rotatedOneHot = (p: [number, number], degrees: number, interpolation: 'nearest' | 'bilinear'): Float32Array =>
  torch.scope(() => {
    const img = new Float32Array(S * S);
    img[p[1] * S + p[0]] = 1;
    return rotate(torch.tensor(img, { shape: [1, 1, S, S] }), degrees, { interpolation }).data() as Float32Array;
  });

test('rotatePixel: a one-hot pixel lands where rotate (nearest) puts it at multiples of 90°', () => {
  for (const p of [
    [3, 5],
    [20, 7],
    [15, 15],
    [28, 26],
  ] as [number, number][])
    for (const deg of [90, 180, 270, -90]) {
      const out = rotatedOneHot(p, deg, 'nearest');
      const [x, y] = rotatePixel(p, deg, S);
      assert.equal(
        out.reduce((a, b) => a + b),
        1,
      );
      assert.equal(out[Math.round(y) * S + Math.round(x)], 1, `p=${p} deg=${deg} → ${x},${y}`);
    }
  // 90° CCW as seen in the image: a pixel right of the centre moves above it
  assert.deepEqual(rotatePixel([25, 15], 90, S).map(Math.round), [15, 5]);
});

test('rotatePixel: matches rotate (bilinear) at any angle, to the mass centre of the spread pixel', () => {
  for (const p of [
    [10, 12],
    [19, 8],
    [14, 21],
  ] as [number, number][])
    for (const deg of [18, -36, 54, 137, 351]) {
      const [cx, cy] = centroid(rotatedOneHot(p, deg, 'bilinear'));
      const [x, y] = rotatePixel(p, deg, S);
      assert.ok(Math.hypot(cx - x, cy - y) < 0.25, `p=${p} deg=${deg}: rotate puts it at ${cx},${cy}, rotatePixel at ${x},${y}`);
    }
});

test('poses: applyPose and localPoint are inverses; composition adds angles', () => {
  const pose = { x: 12.5, y: -3, theta: 127 };
  const q = applyPose(pose, [4, -7]);
  const back = localPoint(pose, q);
  assert.ok(Math.abs(back[0] - 4) < 1e-12 && Math.abs(back[1] + 7) < 1e-12);
  const c = composePose(pose, { x: 2, y: 1, theta: 300 });
  assert.ok(Math.abs(c.theta - 67) < 1e-12);
  assert.deepEqual(
    [c.x, c.y].map((v) => +v.toFixed(9)),
    applyPose(pose, [2, 1]).map((v) => +v.toFixed(9)),
  );
  assert.deepEqual(
    rotateVector([1, 0], 90).map((v) => +v.toFixed(12)),
    [0, -1],
  );
});

test('rotationBin: nearest of 20 bins of 18°, > 351° wraps to 0, negative angles wrap', () => {
  const cases: [number, number][] = [
    [0, 0],
    [8.99, 0],
    [9.01, 1],
    [18, 1],
    [26.9, 1],
    [27.1, 2],
    [342, 19],
    [350.9, 19],
    [351.1, 0],
    [359.9, 0],
    [360, 0],
    [-9.01, 19],
    [-8.9, 0],
    [-18, 19],
    [-342, 1],
    [725, 0],
    [741, 1],
  ];
  for (const [deg, bin] of cases) assert.equal(rotationBin(deg), bin, `rotationBin(${deg})`);
  assert.equal(rotationBin(90, 4), 1);
  assertThrows(() => rotationBin(NaN), /rotationBin: expected a finite angle but received NaN/, RangeError);
  assertThrows(() => rotationBin(10, 0), /positive integer bins but received 0/, RangeError);
});

test('angleError: distance to the nearest equivalent angle under the shape symmetry', () => {
  assert.equal(angleError(10, 350, 1), 20);
  assert.equal(angleError(0, 180, 1), 180);
  assert.equal(angleError(0, 180, 2), 0);
  assert.ok(Math.abs(angleError(5, 95, 4) - 0) < 1e-12);
  assert.ok(Math.abs(angleError(0, 100, 4) - 10) < 1e-12);
  assert.ok(Math.abs(angleError(0, 115, 3) - 5) < 1e-12);
  assert.ok(Math.abs(angleError(-50, 10, 6) - 0) < 1e-12);
  assert.equal(angleError(12, 250, 0), 0);
  assertThrows(() => angleError(0, 1, 1.5), /angleError: expected symmetry to be a non-negative integer but received 1.5/, RangeError);
});
