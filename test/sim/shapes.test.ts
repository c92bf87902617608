import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getShape, SHAPES, shapeRadius, TRAIN_SHAPES, UNSEEN_SHAPES } from '../../src/sim/shapes.js';
import { placedOutline } from '../../src/sim/kits.js';
import { polygonIou, rasterize } from '../../src/sim/raster.js';
import { assertThrows } from '../helpers.js';

const area = (v: [number, number][]): number =>
  v.reduce((a, [x0, y0], i) => a + (x0 * v[(i + 1) % v.length][1] - v[(i + 1) % v.length][0] * y0) / 2, 0);

test('rasterize: pixel centres inside; polygonIou follows sub-pixel shifts', () => {
  const sq = (x: number, y: number, s: number): [number, number][] => [
    [x, y],
    [x + s, y],
    [x + s, y + s],
    [x, y + s],
  ];
  // centres 3..12 inside [2.5, 12.5): 10×10 pixels
  assert.equal(rasterize(sq(2.5, 2.5, 10), 20).length, 100);
  assert.equal(rasterize(sq(-5, -5, 10), 20).length, 25); // clipped to the half
  for (const d of [0, 0.3, 1, 1.5, 4]) {
    const iou = polygonIou(sq(0, 0, 20), sq(d, 0, 20));
    assert.ok(Math.abs(iou - (20 - d) / (20 + d)) < 1e-9, `shift ${d}: ${iou}`);
  }
  const diag = polygonIou(sq(0, 0, 20), sq(0.5, 0.5, 20));
  assert.ok(Math.abs(diag - 19.5 ** 2 / (800 - 19.5 ** 2)) < 0.01, `diagonal shift: ${diag}`);
  assert.equal(polygonIou(sq(0, 0, 5), sq(10, 10, 5)), 0);
});

test('shapes: centred outlines within 8–16 px of their centroid, 1–3 cm tall, albedo in (0, 1]', () => {
  assert.ok(Object.keys(SHAPES).length >= 18);
  for (const s of Object.values(SHAPES)) {
    const a = area(s.vertices);
    const cx = s.vertices.reduce((acc, [x0, y0], i) => {
      const [x1, y1] = s.vertices[(i + 1) % s.vertices.length];
      return acc + ((x0 + x1) * (x0 * y1 - x1 * y0)) / 6;
    }, 0);
    assert.ok(Math.abs(cx / a) < 1e-9, `${s.name}: centroid x ${cx / a}`);
    assert.ok(shapeRadius(s) >= 8 && shapeRadius(s) <= 16, `${s.name}: radius ${shapeRadius(s)}`);
    assert.ok(s.height >= 0.01 && s.height <= 0.03, `${s.name}: height ${s.height}`);
    assert.ok(s.grey > 0 && s.grey <= 1);
  }
  assert.ok(
    Object.values(SHAPES).some((s) => s.symmetry === 1) && Object.values(SHAPES).some((s) => s.symmetry === 0),
    'shapes with and without symmetry',
  );
});

test('shapes: the declared symmetry is the outline symmetry (IoU with itself turned)', () => {
  for (const s of Object.values(SHAPES)) {
    const at = (theta: number) => placedOutline(s, { x: 0, y: 0, theta });
    const turns = s.symmetry === 0 ? [37, 123] : [360 / s.symmetry];
    for (const t of turns) assert.ok(polygonIou(at(0), at(t)) > (s.symmetry === 0 ? 0.99 : 0.999), `${s.name} symmetric under ${t}°`);
    // no higher order than declared: an order s·p (p prime) would make it symmetric under 360/(s·p)
    if (s.symmetry > 0)
      for (const p of [2, 3, 5, 7])
        assert.ok(polygonIou(at(0), at(360 / (s.symmetry * p))) < 0.99, `${s.name} is not symmetric under ${360 / (s.symmetry * p)}°`);
  }
});

test('shapes: training and unseen shapes are disjoint; unknown names list the valid ones', () => {
  assert.ok(TRAIN_SHAPES.length >= 8 && UNSEEN_SHAPES.length >= 10);
  assert.equal(TRAIN_SHAPES.filter((n) => UNSEEN_SHAPES.includes(n)).length, 0);
  assertThrows(() => getShape('blob'), /getShape: unknown shape "blob" \(valid: square, rectangle, .*Z\)/, RangeError);
});
