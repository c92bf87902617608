import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SPLITS, splitScenes, type Scene } from '../../../src/sim/index.js';
import { assembleScene, evaluateSplit } from '../../../src/eval/form2fit/assemble.js';
import { oraclePlanner } from '../../../src/eval/form2fit/oracle.js';
import { randomPlanner } from '../../../src/eval/form2fit/random.js';
import type { Planner } from '../../../src/eval/form2fit/types.js';
import { assertThrows } from '../../helpers.js';

test('assembleScene: the oracle (ground-truth poses) seats every object of every split', () => {
  for (const split of SPLITS)
    for (const scene of splitScenes(split, 3, 11)) {
      const trial = assembleScene(scene, oraclePlanner(), { maxActions: 4 * scene.objects.length, seed: 2, noise: 0.001 });
      assert.ok(trial.completed, `${split} ${scene.kit.name}: ${JSON.stringify(trial.steps)}`);
      assert.equal(trial.seated, scene.objects.length);
      assert.equal(trial.frames.length, trial.steps.length + 1);
      for (const step of trial.steps.filter((s) => s.object !== null)) {
        assert.ok(step.success && step.iou > 0.99 && step.angleError < 1e-6, JSON.stringify(step));
        assert.equal(step.shape, scene.objects[step.object!].shape.name);
      }
      assert.ok(trial.frames.at(-1)!.objects.every((o) => o.half === 'kit'));
      assert.ok(
        scene.objects.every((o) => o.half === 'object'),
        'the input scene is left as it was',
      );
    }
});

test('evaluateSplit: counts and rates of the oracle and the random baseline; seeded runs repeat', () => {
  const scenes = splitScenes('train-poses', 5, 3);
  const objects = scenes.reduce((a, s) => a + s.objects.length, 0);
  const oracle = evaluateSplit(scenes, oraclePlanner(), { maxActions: 10, seed: 4, noise: 0 });
  assert.equal(oracle.planner, 'oracle');
  assert.deepEqual(
    [oracle.kits, oracle.kitsCompleted, oracle.objects, oracle.successes, oracle.placements],
    [5, 5, objects, objects, objects],
  );
  assert.equal(oracle.actions, oracle.placements + oracle.suctionFailures);
  assert.deepEqual([oracle.placementSuccess, oracle.objectSuccess, oracle.completion], [1, 1, 1]);
  const run = () => evaluateSplit(scenes, randomPlanner(9), { maxActions: 6, seed: 4, noise: 0.001 });
  const [a, b] = [run(), run()];
  assert.deepEqual(a, b);
  assert.ok(a.successes <= 1 && a.placements > 0 && a.kitsCompleted === 0, JSON.stringify({ ...a, trials: undefined }));
  assert.ok(a.trials.every((t) => t.steps.length <= 6));
  const other = evaluateSplit(scenes, randomPlanner(10), { maxActions: 6, seed: 4, noise: 0.001 });
  assert.notDeepEqual(
    other.trials.map((t) => t.steps.map((s) => s.action)),
    a.trials.map((t) => t.steps.map((s) => s.action)),
  );
});

test('assembleScene: a planner that gives up ends the trial; bad options are named', () => {
  const [scene] = splitScenes('unseen', 1, 0);
  const idle: Planner = { name: 'idle', plan: () => null };
  const trial = assembleScene(scene, idle, { maxActions: 5, seed: 0, noise: 0 });
  assert.deepEqual([trial.steps.length, trial.seated, trial.completed, trial.frames.length], [0, 0, false, 1]);
  const o = { maxActions: 5, seed: 0, noise: 0 };
  assertThrows(
    () => assembleScene(scene, idle, { ...o, maxActions: 0 }),
    /assembleScene: expected a positive integer for maxActions/,
    RangeError,
  );
  assertThrows(() => assembleScene(scene, idle, { ...o, noise: -1 }), /assembleScene: expected a number >= 0 for noise/, RangeError);
  assertThrows(() => assembleScene(scene, {} as Planner, o), /assembleScene: expected a planner with a plan method/, TypeError);
  assertThrows(() => evaluateSplit([] as Scene[], idle, o), /evaluateSplit: expected a non-empty array of scenes/, RangeError);
  const offGrid: Planner = { name: 'off', plan: () => ({ suction: [0.5, 3], place: [1, 1], rotation: 0 }) };
  assertThrows(() => assembleScene(scene, offGrid, o), /trySuction: expected p to be an integer pixel/, RangeError);
});
