import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../../src/torch/index.js';
import { form2fitPlanner, type Form2FitNets } from '../../../src/eval/form2fit/planner.js';
import { render, splitScenes, type Scene } from '../../../src/sim/index.js';
import { Form2FitModel, FORM2FIT_OPTIONS } from '../../../src/methods/form2fit.js';
import { assertThrows } from '../../helpers.js';

const S = 40;
const K = 12; // the fake descriptor looks K pixels to the right
const scene = { size: S } as Scene;

/** A map of `base` with `peaks` [x, y, value] set. */
function logits(peaks: [number, number, number][]): torch.Tensor {
  const m = new Float32Array(S * S).fill(-10);
  for (const [x, y, v] of peaks) m[y * S + x] = v;
  return torch.tensor(m, { shape: [1, S, S] });
}

/**
 * Fake nets: suction peaks at A (lower) and B, place peaks at P (lower) and Q; the
 * descriptor of a pixel is the grey value K pixels to its right, so that in kit
 * view r it reads the kit at P + K·(cos 18r°, −sin 18r°) (counter-clockwise in
 * the image).
 */
const A: [number, number] = [8, 9];
const B: [number, number] = [25, 30];
const P: [number, number] = [20, 19];
const Q: [number, number] = [14, 24];
const nets: Form2FitNets = {
  suctionLogits: () =>
    logits([
      [...A, 3],
      [...B, 5],
    ]),
  placeLogits: () =>
    logits([
      [...P, 2],
      [...Q, 4],
    ]),
  descriptors: (x) => {
    const [n] = x.shape;
    const grey = x.narrow(1, 0, 1); // [N, 1, S, S]
    return torch.cat([grey.narrow(3, K, S - K), torch.zeros([n, 1, S, K])], 3);
  },
};

/** The two halves: object grey 1 right of A and 5 right of B (both raised); kit grey a blob at `mark`. */
function views(mark: [number, number]): { kit: Float32Array; object: Float32Array } {
  const object = new Float32Array(2 * S * S);
  object[A[1] * S + A[0] + K] = 1;
  object[B[1] * S + B[0] + K] = 5;
  for (const [x, y] of [A, B]) object[S * S + y * S + x] = 0.02;
  const kit = new Float32Array(2 * S * S);
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) kit[y * S + x] = Math.exp(-((x - mark[0]) ** 2 + (y - mark[1]) ** 2) / 2);
  return { kit, object };
}

test('form2fitPlanner: the pair and rotation whose descriptors match act (known answer)', () => {
  const planner = form2fitPlanner(nets);
  assert.equal(planner.name, 'form2fit');
  for (const r of [0, 3, 7, 13, 18]) {
    const t = (18 * r * Math.PI) / 180;
    const action = planner.plan(scene, views([P[0] + K * Math.cos(t), P[1] - K * Math.sin(t)]));
    assert.deepEqual(action, { suction: A, place: P, rotation: 18 * r }, `rotation bin ${r}`);
  }
});

/** As `views`, with the object's marks as blobs like the kit's, so that whole patches match in the right view. */
function blobViews(mark: [number, number]): { kit: Float32Array; object: Float32Array } {
  const v = views(mark);
  const blob = (c: [number, number], x: number, y: number): number => Math.exp(-((x - c[0]) ** 2 + (y - c[1]) ** 2) / 2);
  for (let y = 0; y < S; y++)
    for (let x = 0; x < S; x++) v.object[y * S + x] = blob([A[0] + K, A[1]], x, y) + 5 * blob([B[0] + K, B[1]], x, y);
  return v;
}

test('form2fitPlanner: descriptor patches (k = 3, 5) give the same known answers', () => {
  for (const patch of [3, 5]) {
    const planner = form2fitPlanner(nets, { patch });
    assert.equal(planner.name, `form2fit-patch${patch}`);
    for (const r of [0, 7, 13]) {
      const t = (18 * r * Math.PI) / 180;
      const action = planner.plan(scene, blobViews([P[0] + K * Math.cos(t), P[1] - K * Math.sin(t)]));
      assert.deepEqual(action, { suction: A, place: P, rotation: 18 * r }, `patch ${patch}, rotation bin ${r}`);
    }
  }
  assertThrows(() => form2fitPlanner(nets, { patch: 4 }), /form2fitPlanner: expected an odd patch but received 4/, RangeError);
});

test('form2fitPlanner: nothing raised on the object half gives no action; other rotation counts', () => {
  const v = views([P[0] + K, P[1]]);
  v.object.fill(0, S * S);
  assert.equal(form2fitPlanner(nets).plan(scene, v), null);
  const t = (45 * Math.PI) / 180;
  const action = form2fitPlanner(nets, { rotations: 8 }).plan(scene, views([P[0] + K * Math.cos(t), P[1] - K * Math.sin(t)]));
  assert.deepEqual(action, { suction: A, place: P, rotation: 45 });
});

test('form2fitPlanner: bad nets, options and views are named', () => {
  assertThrows(() => form2fitPlanner({} as Form2FitNets), /form2fitPlanner: expected nets with a suctionLogits method/, TypeError);
  assertThrows(
    () => form2fitPlanner(nets, { rotations: 0 }),
    /form2fitPlanner: expected a positive integer <= 360 for rotations/,
    RangeError,
  );
  assertThrows(
    () => form2fitPlanner(nets, { thresholdRel: 1.5 }),
    /form2fitPlanner: expected a number in \[0, 1\] for thresholdRel/,
    RangeError,
  );
  const v = views(P);
  assertThrows(
    () => form2fitPlanner(nets).plan(scene, { kit: v.kit.subarray(1), object: v.object }),
    /form2fitPlanner: expected views.kit to be a Float32Array of 2×40×40 values but received 3199/,
    RangeError,
  );
  const narrow = { ...nets, descriptors: (x: torch.Tensor, s: 'object' | 'kit') => (s === 'kit' ? x : nets.descriptors(x, s)) };
  assertThrows(
    () => form2fitPlanner(narrow).plan(scene, v),
    /expected kit descriptors of shape \[20, 1, 40, 40\] but received \[20, 2, 40, 40\]/,
    RangeError,
  );
});

test('form2fitPlanner drives the Form2Fit model: in-range actions, no tensor left behind', () => {
  torch.manualSeed(0);
  const model = new Form2FitModel(FORM2FIT_OPTIONS.parse({ suctionWidth: 4, placeWidth: 4, matchWidth: 4, descriptorDim: 8 }));
  model.eval();
  const planner = form2fitPlanner(model, { maxPeaks: 32 });
  const [real] = splitScenes('train-poses', 1, 4);
  const v = render(real);
  const before = torch.memoryStats().tensors;
  const action = planner.plan(real, v)!;
  assert.equal(torch.memoryStats().tensors, before);
  const s = real.size;
  assert.ok(v.object[s * s + action.suction[1] * s + action.suction[0]] > 0.003, 'suction on an object');
  assert.ok(action.place.every((c) => Number.isInteger(c) && c >= 0 && c < s) && action.rotation % 18 === 0 && action.rotation < 360);
  assert.deepEqual(planner.plan(real, v), action);
});
