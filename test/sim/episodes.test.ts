import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.js';
import { rotate } from '../../src/views/image/affine.js';
import { mixSeed, mulberry32 } from '../../src/data/noise.js';
import { randomKitPose } from '../../src/sim/drop.js';
import { correspondences, disassemble, episodeScenes, timeReverse, type Episode } from '../../src/sim/episodes.js';
import { applyPose, localPoint, rotatePixel } from '../../src/sim/geometry.js';
import { CAVITY_DEPTH, combinationKits, TRAIN_KITS, UNSEEN_KITS, type KitDesign } from '../../src/sim/kits.js';
import { place } from '../../src/sim/place.js';
import { render } from '../../src/sim/render.js';
import { assembledScene, isSeated, layers } from '../../src/sim/scene.js';
import { sealHolds, SUCTION_DEFAULTS } from '../../src/sim/suction.js';
import { assertThrows } from '../helpers.js';

const S = 80;
const episode = (kit: KitDesign, seed: number): Episode => disassemble(kit, randomKitPose(kit, S, mulberry32(mixSeed(seed, 9))), seed);

test('disassemble: empties the kit, logs failed attempts, and is deterministic under its seed', () => {
  const a = episode(TRAIN_KITS[3], 4);
  assert.equal(a.steps.length, 3);
  assert.deepEqual(new Set(a.steps.map((s) => s.index)), new Set([0, 1, 2]));
  assert.deepEqual(episode(TRAIN_KITS[3], 4), a);
  assert.notDeepEqual(episode(TRAIN_KITS[3], 5).steps, a.steps);
  const many = TRAIN_KITS.flatMap((k, i) => [0, 1, 2, 3].map((s) => episode(k, 10 * i + s)));
  const failed = many.flatMap((e) => e.steps.flatMap((s) => s.failedAttempts));
  assert.ok(failed.length > 10, `failed attempts logged: ${failed.length}`);
  // every failed attempt was on an object, and every step's suction point grips
  for (const e of many) {
    const scenes = episodeScenes(e);
    e.steps.forEach((step, k) => {
      const l = layers(scenes[k], 'kit');
      for (const [x, y] of step.failedAttempts) assert.ok(l.top[y * S + x] >= 0);
      assert.equal(l.top[step.suction[1] * S + step.suction[0]], step.index);
      assert.ok(sealHolds(l, S, step.suction, SUCTION_DEFAULTS.radius, SUCTION_DEFAULTS.flatness));
    });
  }
  assertThrows(
    () => disassemble(TRAIN_KITS[0], { x: 40, y: 40, theta: 0 }, 1, { maxAttempts: 0 }),
    /positive integer maxAttempts but received 0/,
    RangeError,
  );
});

test('disassemble: a 3-object episode takes milliseconds', () => {
  episode(TRAIN_KITS[4], 0);
  const t0 = performance.now();
  for (let s = 0; s < 20; s++) episode(TRAIN_KITS[4], s);
  const ms = (performance.now() - t0) / 20;
  assert.ok(ms < 40, `${ms.toFixed(1)} ms per episode`);
});

test('timeReverse: replaying the reversed episode with place reassembles every kit exactly', () => {
  const kits = [...TRAIN_KITS, ...UNSEEN_KITS, ...combinationKits(S)];
  let placements = 0;
  kits.forEach((kit, i) =>
    [0, 1, 2].forEach((s) => {
      const e = episode(kit, 100 * i + s);
      const examples = timeReverse(e);
      assert.equal(examples.length, e.steps.length);
      let scene = examples[0].scene;
      assert.ok(scene.objects.every((o) => o.half === 'object') || e.steps.length < kit.slots.length);
      for (const x of examples) {
        assert.ok(Number.isInteger(x.rotationBin) && x.rotationBin >= 0 && x.rotationBin < 20);
        const r = place(scene, x.index, x.suction, x.place, x.rotation);
        assert.equal(r.success, true, `${kit.name} seed ${100 * i + s}: IoU ${r.iou}, angle error ${r.angleError}`);
        placements++;
        scene = r.scene;
      }
      const assembled = assembledScene(kit, e.kitPose, S);
      assert.deepEqual(
        scene.objects.map((o) => o.pose),
        assembled.objects.map((o) => o.pose),
      );
      assert.ok(scene.objects.every((_, k) => isSeated(scene, k)));
    }),
  );
  assert.ok(placements > 60);
});

test('timeReverse: suction labels are integer pixels the gripper holds; place labels carry the suction point to the kit', () => {
  const e = episode(TRAIN_KITS[2], 7);
  for (const [k, x] of timeReverse(e).entries()) {
    const step = e.steps[e.steps.length - 1 - k];
    const exact = applyPose(step.to, localPoint(step.from, step.suction));
    assert.ok(Math.hypot(exact[0] - x.suction[0], exact[1] - x.suction[1]) < 1e-9, 'the drop lands the suction point on a pixel centre');
    assert.ok(sealHolds(layers(x.scene, 'object'), S, x.suction, SUCTION_DEFAULTS.radius, SUCTION_DEFAULTS.flatness));
    assert.deepEqual(x.place, step.suction);
  }
});

test('correspondences: object and cavity pixels of one rigid transform, same height above their base', () => {
  for (const [kit, seed] of [
    [TRAIN_KITS[2], 3],
    [TRAIN_KITS[3], 8],
    [UNSEEN_KITS[4], 2],
  ] as const) {
    for (const x of timeReverse(episode(kit, seed))) {
      const c = correspondences(x);
      const obj = x.scene.objects[x.index];
      const views = render(x.scene);
      const seated = render(place(x.scene, x.index, x.suction, x.place, x.rotation).scene);
      const objectTop = layers(x.scene, 'object').top;
      const floor = kit.board.thickness - CAVITY_DEPTH;
      assert.ok(c.object.length >= 0.9 * objectTop.filter((t) => t === x.index).length, `${obj.shape.name}: most object pixels matched`);
      c.object.forEach(([u, v], m) => {
        const [p, q] = c.kit[m];
        assert.equal(objectTop[v * S + u], x.index);
        assert.ok(Math.abs(views.kit[S * S + q * S + p] - floor) < 1e-6, 'an empty cavity before assembly');
        const above = seated.kit[S * S + q * S + p] - floor;
        assert.ok(Math.abs(above - views.object[S * S + v * S + u]) < 1e-6, 'same height above the base');
      });
    }
  }
});

test('correspondences: in kit view r (rotate(kit, −18r)) the matched pixels keep the object’s orientation within 9°', () => {
  const x = timeReverse(episode(TRAIN_KITS[2], 12))[0];
  const c = correspondences(x);
  const height = torch.tensor(render(x.scene).kit.slice(S * S), { shape: [1, 1, S, S] }); // rotate takes 1 or 3 channels
  /** Residual rotation (degrees) from object pixels to kit pixels mapped into view r (2-D Procrustes). */
  const residual = (r: number): number => {
    const rotated = c.kit.map((k) => rotatePixel(k, -18 * r, S));
    const mean = (ps: [number, number][]) => ps.reduce(([a, b], [x, y]) => [a + x / ps.length, b + y / ps.length], [0, 0]);
    const [mo, mk] = [mean(c.object), mean(rotated)];
    let [dot, cross] = [0, 0];
    c.object.forEach(([ox, oy], m) => {
      const [a, b, u, v] = [ox - mo[0], oy - mo[1], rotated[m][0] - mk[0], rotated[m][1] - mk[1]];
      dot += a * u + b * v;
      cross += a * v - b * u;
    });
    return (-Math.atan2(cross, dot) * 180) / Math.PI; // CCW as seen in the image
  };
  assert.ok(Math.abs(residual(x.rotationBin)) <= 9.5, `residual ${residual(x.rotationBin)}`);
  assert.ok(Math.abs(Math.abs(residual((x.rotationBin + 5) % 20)) - 90) <= 9.5);
  // the real rotate puts each cavity pixel's floor where rotatePixel says
  const view = rotate(height, -18 * x.rotationBin).data() as Float32Array;
  const floor = TRAIN_KITS[2].board.thickness - CAVITY_DEPTH;
  const hits = c.kit.filter((k) => {
    const [p, q] = rotatePixel(k, -18 * x.rotationBin, S).map(Math.round);
    return Math.abs(view[q * S + p] - floor) < 1e-6;
  }).length;
  assert.ok(hits >= 0.9 * c.kit.length, `${hits} of ${c.kit.length} on the cavity floor in the rotated view`);
});

test('episodeScenes: an episode that removes an object twice is refused', () => {
  const e = episode(TRAIN_KITS[1], 1);
  const bad = { ...e, steps: [e.steps[0], e.steps[0]] };
  assertThrows(() => episodeScenes(bad), /episodeScenes: step removes object \d, which is not in the kit \(episode seed 1\)/, RangeError);
});
