import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '../../src/data/noise.js';
import { randomKitPose } from '../../src/sim/drop.js';
import { CAVITY_DEPTH, combinationKits, getKits, TRAIN_KITS, UNSEEN_KITS, type KitDesign } from '../../src/sim/kits.js';
import { render } from '../../src/sim/render.js';
import { assembledScene, boardOutline, cavityOutline, layers, TABLE_GREY } from '../../src/sim/scene.js';
import { bounds, rasterize } from '../../src/sim/raster.js';
import { TRAIN_SHAPES } from '../../src/sim/shapes.js';
import { assertThrows } from '../helpers.js';

const S = 80;

/** The smallest distance (px) between pixels of two pixel sets of a size-wide half. */
function gap(a: Int32Array, b: Int32Array): number {
  let d = Infinity;
  for (const p of a) for (const q of b) d = Math.min(d, Math.hypot((p % S) - (q % S), Math.floor(p / S) - Math.floor(q / S)));
  return d;
}

function checkKit(k: KitDesign): void {
  for (let t = 0; t < 5; t++) {
    const scene = assembledScene(k, randomKitPose(k, S, mulberry32(t)), S);
    const [x0, y0, x1, y1] = bounds(boardOutline(scene));
    assert.ok(x0 >= 0 && y0 >= 0 && x1 <= S - 1 && y1 <= S - 1, `${k.name}: board inside the half`);
    const board = new Set(rasterize(boardOutline(scene), S));
    const cavities = k.slots.map((_, i) => rasterize(cavityOutline(scene, i), S));
    for (const c of cavities)
      assert.ok(
        c.every((p) => board.has(p)),
        `${k.name}: cavities on the board`,
      );
    for (let i = 0; i < cavities.length; i++)
      for (let j = i + 1; j < cavities.length; j++) assert.ok(gap(cavities[i], cavities[j]) >= 3, `${k.name}: cavities ${i}, ${j} apart`);
  }
}

test('kits: 5 training kits of 1–3 cavities of training shapes, 6 unseen kits of other shapes; all fit the half', () => {
  assert.equal(TRAIN_KITS.length, 5);
  assert.equal(UNSEEN_KITS.length, 6);
  for (const k of TRAIN_KITS) {
    assert.ok(k.slots.length >= 1 && k.slots.length <= 3);
    assert.ok(k.slots.every((s) => TRAIN_SHAPES.includes(s.shape.name)));
  }
  const trainUsed = new Set(TRAIN_KITS.flatMap((k) => k.slots.map((s) => s.shape.name)));
  for (const k of UNSEEN_KITS)
    assert.ok(
      k.slots.every((s) => !trainUsed.has(s.shape.name)),
      `${k.name} holds no training shape`,
    );
  for (const k of [...TRAIN_KITS, ...UNSEEN_KITS]) checkKit(k);
});

test('kits: combinations stack cavity groups of two training kits (mixtures and copies)', () => {
  const combos = combinationKits(S);
  assert.ok(combos.length >= 5);
  assert.ok(
    combos.some((k) => k.name.split('+')[0] === k.name.split('+')[1]),
    'copies of one kit',
  );
  assert.ok(
    combos.some((k) => k.name.split('+')[0] !== k.name.split('+')[1]),
    'mixtures of kits',
  );
  for (const k of combos) {
    const [a, b] = getKits(k.name.split('+'));
    assert.deepEqual(
      k.slots.map((s) => s.shape.name),
      [...a.slots, ...b.slots].map((s) => s.shape.name),
    );
    checkKit(k);
  }
  assertThrows(
    () => getKits(['circle', 'nope']),
    /getKits: unknown kit "nope" \(valid: circle, square-rectangle, .*Z-parallelogram\)/,
    RangeError,
  );
});

test('render: grey and height of table, board, cavity floors and seated objects; objects lie on the table', () => {
  const k = TRAIN_KITS[3];
  const scene = assembledScene(k, { x: 40, y: 39, theta: 0 }, S);
  const { kit, object } = render(scene);
  const n = S * S;
  const h = (p: number) => kit[n + p];
  assert.equal(h(0), 0);
  assert.equal(kit[0], Math.fround(TABLE_GREY));
  const cavities = k.slots.map((_, i) => rasterize(cavityOutline(scene, i), S));
  const inCavity = new Set(cavities.flatMap((c) => [...c]));
  const boardOnly = [...rasterize(boardOutline(scene), S)].filter((p) => !inCavity.has(p));
  assert.ok(boardOnly.every((p) => h(p) === Math.fround(k.board.thickness) && kit[p] === Math.fround(k.board.grey)));
  k.slots.forEach((s, i) => {
    const top = Math.fround(k.board.thickness - CAVITY_DEPTH + s.shape.height);
    assert.ok(
      cavities[i].every((p) => Math.abs(h(p) - top) < 1e-7 && kit[p] === Math.fround(s.shape.grey)),
      s.shape.name,
    );
  });
  assert.ok(
    object.every((v, i) => v === (i < n ? Math.fround(TABLE_GREY) : 0)),
    'an empty table',
  );
  // emptied: cavity floors show
  const empty = { ...scene, objects: scene.objects.map((o) => ({ ...o, half: 'object' as const, pose: { x: 40, y: 40, theta: 0 } })) };
  const l = layers(empty, 'kit');
  assert.ok(cavities[0].every((p) => Math.abs(l.height[p] - (k.board.thickness - CAVITY_DEPTH)) < 1e-7 && l.top[p] === -1));
});

test('render: depth noise has the asked σ, only on heights, and is seeded', () => {
  const scene = assembledScene(TRAIN_KITS[0], { x: 40, y: 40, theta: 30 }, S);
  const clean = render(scene);
  const a = render(scene, { noise: 0.002, seed: 5 });
  const b = render(scene, { noise: 0.002, seed: 5 });
  const c = render(scene, { noise: 0.002, seed: 6 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.kit, c.kit);
  const n = S * S;
  assert.deepEqual(a.kit.subarray(0, n), clean.kit.subarray(0, n));
  for (const half of ['kit', 'object'] as const) {
    const d = Array.from(a[half].subarray(n), (v, i) => v - clean[half][n + i]);
    const sd = Math.sqrt(d.reduce((s, v) => s + v * v, 0) / n);
    assert.ok(Math.abs(sd - 0.002) < 0.0001, `${half}: σ ${sd}`);
  }
  assertThrows(() => render(scene, { noise: -1 }), /render: expected a depth noise σ ≥ 0 \(m\) but received -1/, RangeError);
});
