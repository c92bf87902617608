import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rotateVector } from '../../src/sim/geometry.js';
import { combineKits, getKits, TRAIN_KITS } from '../../src/sim/kits.js';
import { place, SUCCESS_ANGLE, SUCCESS_IOU } from '../../src/sim/place.js';
import { render } from '../../src/sim/render.js';
import { assembledScene, cavityPose, isSeated, type Scene } from '../../src/sim/scene.js';
import { assertThrows } from '../helpers.js';

/** square-rectangle kit at 20°, with `index` moved to the object half at (30, 50), 65°. */
function lifted(index: number, kit = TRAIN_KITS[1]): Scene {
  const scene = assembledScene(kit, { x: 40, y: 40, theta: 20 });
  scene.objects[index] = { ...scene.objects[index], half: 'object', pose: { x: 30, y: 50, theta: 65 } };
  return scene;
}

/** Places object i sucked at its centre so that the centre lands `offset` px from its cavity's, turned `dTheta` past the cavity's angle. */
function tryAt(scene: Scene, i: number, offset: [number, number], dTheta: number, capture = 0) {
  const c = cavityPose(scene, scene.objects[i].slot);
  const o = scene.objects[i].pose;
  return place(scene, i, [o.x, o.y], [c.x + offset[0], c.y + offset[1]], c.theta - o.theta + dTheta, { capture });
}

test('place: the exact placement seats the object (IoU 1, angle error 0)', () => {
  const r = tryAt(lifted(0), 0, [0, 0], 0);
  assert.equal(r.success, true);
  assert.ok(r.iou > 0.999 && r.angleError < 1e-9, `iou ${r.iou}, angle ${r.angleError}`);
  assert.equal(r.slot, 0);
  assert.ok(isSeated(r.scene, 0));
});

test('place: IoU follows the position error (square, analytic), success at IoU ≥ 0.9', () => {
  const scene = lifted(0);
  const a = 18;
  for (const d of [0.5, 1, 1.5, 2.5]) {
    const [u, v] = rotateVector([d, 0], -20).map(Math.abs); // the offset in the square's own frame
    const inter = (a - u) * (a - v);
    const expected = inter / (2 * a * a - inter);
    const r = tryAt(scene, 0, [d, 0], 0);
    assert.ok(Math.abs(r.iou - expected) < 0.003, `offset ${d}: IoU ${r.iou} vs ${expected}`);
    assert.equal(r.success, expected >= SUCCESS_IOU);
    assert.equal(isSeated(r.scene, 0), r.success);
  }
  assert.equal(tryAt(scene, 0, [0.5, 0], 0).success, true);
  assert.equal(tryAt(scene, 0, [1.5, 0], 0).success, false);
});

test('place: angle error up to 9° passes, modulo the shape symmetry', () => {
  const cases: [number, number, number, boolean][] = [
    // [object index of kit, kit index, angle past the cavity, success]
    [0, 1, 8, true],
    [0, 1, -8.9, true],
    [0, 1, 10, false],
    [0, 1, 95, true], // square: symmetry 4
    [0, 1, 45, false],
    [1, 1, 180, true], // rectangle: symmetry 2
    [1, 1, 90, false],
    [1, 1, 172, true],
    [0, 0, 133, true], // circle: any angle
    [1, 2, 180, false], // L: no symmetry
  ];
  for (const [i, k, dTheta, success] of cases) {
    const r = tryAt(lifted(i, TRAIN_KITS[k]), i, [0, 0], dTheta);
    assert.equal(r.success, success, `${TRAIN_KITS[k].slots[i].shape.name} turned ${dTheta}°: angle error ${r.angleError}`);
    assert.equal(r.angleError <= SUCCESS_ANGLE, success);
  }
});

test('place: turning about an off-centre suction point moves the object as a rigid body', () => {
  const scene = lifted(1);
  const c = cavityPose(scene, 1);
  const o = scene.objects[1].pose;
  const suction: [number, number] = [o.x + 3, o.y - 2];
  const dTheta = c.theta - o.theta;
  const [dx, dy] = rotateVector([3, -2], dTheta); // where the suction point sits relative to the centre once turned
  const r = place(scene, 1, suction, [c.x + dx, c.y + dy], dTheta);
  assert.equal(r.success, true);
  assert.ok(r.iou > 0.999);
});

test('place: a miss rests on the board or the table; a wrong cavity scores nothing', () => {
  const scene = lifted(0);
  const miss = tryAt(scene, 0, [6, 0], 0);
  assert.equal(miss.success, false);
  const o = miss.scene.objects[0];
  assert.equal(o.half, 'kit');
  const { kit } = render(miss.scene);
  const p = Math.round(o.pose.y) * 80 + Math.round(o.pose.x);
  assert.ok(Math.abs(kit[80 * 80 + p] - (scene.kit.board.thickness + o.shape.height)) < 1e-6, 'on the board top');
  const off = place(scene, 0, [30, 50], [5, 5], 0);
  assert.equal(off.iou, 0);
  assert.equal(off.slot, null);
  const { kit: k2 } = render(off.scene);
  assert.ok(Math.abs(k2[80 * 80 + 5 * 80 + 5] - o.shape.height) < 1e-6, 'on the table');
  // the square dropped onto the (filled) rectangle's place: no empty rectangle cavity, and the square cavity is elsewhere
  const c1 = cavityPose(scene, 1);
  const wrong = place(scene, 0, [30, 50], [c1.x, c1.y], 0);
  assert.equal(wrong.success, false);
  assert.equal(scene.objects[0].half, 'object', 'the input scene is not changed');
});

test('place: copies of a kit — an object fills whichever empty cavity of its shape it is placed in', () => {
  const kit = combineKits(getKits(['circle', 'circle']));
  const scene = assembledScene(kit, { x: 40, y: 40, theta: 0 });
  scene.objects[0] = { ...scene.objects[0], half: 'object', pose: { x: 20, y: 20, theta: 0 } };
  scene.objects[1] = { ...scene.objects[1], half: 'object', pose: { x: 60, y: 60, theta: 0 } };
  const c1 = cavityPose(scene, 1);
  const first = place(scene, 0, [20, 20], [c1.x, c1.y], 0);
  assert.equal(first.success, true);
  assert.equal(first.slot, 1);
  assert.deepEqual(
    first.scene.objects.map((o) => o.slot),
    [1, 0],
  );
  const c0 = cavityPose(scene, 0);
  const second = place(first.scene, 1, [60, 60], [c0.x + 0.4, c0.y], 0);
  assert.equal(second.success, true);
  assert.ok(isSeated(second.scene, 0) && isSeated(second.scene, 1));
});

test('place: a capture radius seats objects released within it (and 9°), not beyond', () => {
  const scene = lifted(0);
  assert.equal(tryAt(scene, 0, [2.5, 0], 0).success, false); // strict: IoU ≈ 0.76
  for (const [offset, dTheta, capture, seated] of [
    [[2.5, 0], 0, 3, true],
    [[2, 2], 8, 3, true],
    [[3, 2], 0, 3, false], // 3.6 px away
    [[1, 0], 12, 3, false], // angle error 12° > 9°
    [[0.4, 0], 0, 0, true], // within the IoU tolerance without capture
  ] as const) {
    const r = tryAt(scene, 0, [offset[0], offset[1]], dTheta, capture);
    assert.equal(r.success, seated, `offset ${offset}, turn ${dTheta}, capture ${capture}: iou ${r.iou}`);
    assert.equal(isSeated(r.scene, 0), seated);
    if (seated && capture > 0) assert.equal(r.iou, 1);
  }
  assertThrows(() => tryAt(scene, 0, [0, 0], 0, -1), /place: expected a capture radius ≥ 0 \(px\) but received -1/);
});

test('place: bad arguments are named', () => {
  const scene = lifted(0);
  assertThrows(() => place(scene, 2, [30, 50], [40, 40], 0), /place: expected an object index in \[0, 2\) but received 2/, RangeError);
  assertThrows(
    () => place(scene, 1, [30, 50], [40, 40], 0),
    /place: expected object 1 to lie on the object half but it is on the kit half/,
    RangeError,
  );
  assertThrows(
    () => place(scene, 0, [30, NaN], [40, 40], 0),
    /place: expected suction to be a finite point \[x, y\] but received \[30,null\]/,
    RangeError,
  );
  assertThrows(() => place(scene, 0, [30, 50], [40, 40], Infinity), /place: expected a finite rotation but received Infinity/, RangeError);
});
