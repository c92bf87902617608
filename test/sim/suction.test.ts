import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '../../src/data/noise.js';
import { TRAIN_KITS } from '../../src/sim/kits.js';
import { assembledScene, cavityPose, type Scene } from '../../src/sim/scene.js';
import { trySuction } from '../../src/sim/suction.js';
import { getShape } from '../../src/sim/shapes.js';
import { assertThrows } from '../helpers.js';

const never = () => 1; // a draw that never triggers the random failure
const sure = { failure: 0 };

/** A scene with one 18 px square centred at (40, 40) on the object half (edges at 31 and 49: pixels 31…48 on it). */
function oneSquare(): Scene {
  const scene = assembledScene(TRAIN_KITS[1], { x: 40, y: 40, theta: 0 });
  scene.objects[0] = { ...scene.objects[0], half: 'object', pose: { x: 40, y: 40, theta: 0 } };
  return scene;
}

test('trySuction: grips at the centre and up to r px from the edge; fails nearer the edge, off objects and on the board', () => {
  const scene = oneSquare();
  assert.equal(trySuction(scene, 'object', [40, 40], never, sure), 0);
  // radius 2 needs 2 more pixels on the square in every direction
  assert.equal(trySuction(scene, 'object', [33, 40], never, sure), 0);
  assert.equal(trySuction(scene, 'object', [32, 40], never, sure), null);
  assert.equal(trySuction(scene, 'object', [46, 46], never, sure), 0);
  assert.equal(trySuction(scene, 'object', [47, 40], never, sure), null);
  assert.equal(trySuction(scene, 'object', [32, 40], never, { ...sure, radius: 1 }), 0);
  assert.equal(trySuction(scene, 'object', [5, 5], never, sure), null);
  // kit half: the rectangle still sits in its cavity, the square's cavity is empty
  const rect = scene.objects[1].pose;
  assert.equal(trySuction(scene, 'kit', [Math.round(rect.x), Math.round(rect.y)], never, sure), 1);
  const sq = cavityPose(scene, 0);
  assert.equal(trySuction(scene, 'kit', [Math.round(sq.x), Math.round(sq.y)], never, sure), null);
});

test('trySuction: where objects overlap the taller top is seen, and a seal across two tops fails', () => {
  const stacked = oneSquare();
  // a 24×12 px rectangle (1.5 cm, lower than the 2 cm square) over the square's right edge: x 40…64, y 34…46
  stacked.objects[1] = { shape: getShape('rectangle'), slot: 1, half: 'object', pose: { x: 52, y: 40, theta: 0 } };
  assert.equal(trySuction(stacked, 'object', [44, 40], never, sure), 0);
  assert.equal(trySuction(stacked, 'object', [50, 40], never, sure), null);
  assert.equal(trySuction(stacked, 'object', [51, 40], never, sure), 1);
  assert.equal(trySuction(stacked, 'object', [58, 40], never, sure), 1);
});

test('trySuction: a good seal still fails with the given probability, drawing once per good seal', () => {
  const scene = oneSquare();
  const random = mulberry32(11);
  let fails = 0;
  for (let i = 0; i < 4000; i++) if (trySuction(scene, 'object', [40, 40], random, { failure: 0.05 }) === null) fails++;
  assert.ok(Math.abs(fails / 4000 - 0.05) < 0.012, `failure rate ${fails / 4000}`);
  let draws = 0;
  trySuction(scene, 'object', [5, 5], () => (draws++, 0.5));
  assert.equal(draws, 0);
  assert.equal(
    trySuction(scene, 'object', [40, 40], () => 0.01),
    null,
  ); // default failure 0.05
});

test('trySuction: bad pixels and halves are named', () => {
  const scene = oneSquare();
  assertThrows(
    () => trySuction(scene, 'object', [80, 3], never),
    /trySuction: expected p to be an integer pixel \[x, y\] in \[0, 80\) but received \[80,3\]/,
    RangeError,
  );
  assertThrows(() => trySuction(scene, 'object', [1.5, 3], never), /integer pixel/, RangeError);
  assertThrows(
    () => trySuction(scene, 'table' as 'kit', [1, 3], never),
    /expected half "kit" or "object" but received "table"/,
    RangeError,
  );
});
