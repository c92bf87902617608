import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assembledScene, render, splitScenes, TRAIN_KITS, UNSEEN_KITS, type Scene } from '../../../src/sim/index.js';
import { assembleScene, evaluateSplit } from '../../../src/eval/form2fit/assemble.js';
import { randomPlanner } from '../../../src/eval/form2fit/random.js';
import { templatePlanner } from '../../../src/eval/form2fit/template.js';
import { assertThrows } from '../../helpers.js';

/** Kit `kit` at `kitPose` with its objects moved to hand-chosen poses on the object half. */
function handMade(kit: number, kitTheta: number, poses: [number, number, number][]): Scene {
  const scene = assembledScene(TRAIN_KITS[kit], { x: 40, y: 40, theta: kitTheta });
  scene.objects.forEach((o, i) => {
    o.half = 'object';
    o.pose = { x: poses[i][0], y: poses[i][1], theta: poses[i][2] };
  });
  return scene;
}

test('templatePlanner seats every object of hand-made scenes', () => {
  const scenes = [
    handMade(1, 25, [
      [20, 22, 70],
      [55, 55, 200],
    ]),
    handMade(2, -40, [
      [22, 58, 130],
      [56, 24, 15],
    ]),
    handMade(3, 10, [
      [20, 20, 45],
      [58, 22, 300],
      [40, 60, 100],
    ]),
  ];
  for (const scene of scenes) {
    const trial = assembleScene(scene, templatePlanner(), { maxActions: 2 * scene.objects.length, seed: 1, noise: 0 });
    assert.ok(trial.completed, `${scene.kit.name}: ${JSON.stringify(trial.steps)}`);
  }
});

test('templatePlanner: nothing to place gives no action', () => {
  const full = assembledScene(UNSEEN_KITS[1], { x: 40, y: 40, theta: 0 });
  assert.equal(templatePlanner().plan(full, render(full)), null);
  assertThrows(() => templatePlanner({ step: 0 }), /templatePlanner: expected a number in \[0.1, 180\] for step/, RangeError);
});

test('randomPlanner: suction on an object, place on the board, a rotation bin; repeatable under its seed', () => {
  const [scene] = splitScenes('combinations', 1, 5);
  const views = render(scene);
  const s = scene.size;
  const actions = (seed: number) => {
    const p = randomPlanner(seed);
    return Array.from({ length: 50 }, () => p.plan(scene, views)!);
  };
  const a = actions(7);
  assert.deepEqual(a, actions(7));
  assert.notDeepEqual(a, actions(8));
  for (const { suction, place, rotation } of a) {
    assert.ok(views.object[s * s + suction[1] * s + suction[0]] > 0.003, `suction ${suction} on the table`);
    assert.ok(Number.isInteger(place[0]) && Number.isInteger(place[1]) && rotation % 18 === 0 && rotation < 360);
  }
  assert.ok(new Set(a.map((x) => x.rotation)).size > 10);
  assertThrows(() => randomPlanner(-1), /randomPlanner: expected a non-negative integer for seed/, RangeError);
});

test('templatePlanner beats the random baseline on the training kits', () => {
  const scenes = splitScenes('train-poses', 5, 21);
  const o = { maxActions: 8, seed: 3, noise: 0.001 };
  const template = evaluateSplit(scenes, templatePlanner(), o);
  const random = evaluateSplit(scenes, randomPlanner(1), o);
  assert.ok(template.objectSuccess >= 0.6, JSON.stringify({ ...template, trials: undefined }));
  assert.ok(random.objectSuccess <= 0.1, JSON.stringify({ ...random, trials: undefined }));
});
