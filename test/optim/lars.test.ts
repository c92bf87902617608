import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { assertArrayClose } from '../helpers.js';

type Tensor = torch.Tensor;
const STEPS = 5;

interface Case {
  name: string;
  init: number[];
  shape: number[];
  grads: number[][];
  opts: { weightDecay?: number; exclude?: boolean; trustCoefficient?: number; lr?: number };
}

/**
 * The formula of You et al. (2017) as SimCLR applies it, in plain float64:
 * g' = g + λw (not excluded);  r = η‖w‖/‖g'‖, or 1 if either norm is 0 or the group is excluded;
 * v ← m·v + lr·r·g';  w ← w − v.
 */
function reference(c: Case, defaults: { lr: number; momentum: number; weightDecay: number; trustCoefficient: number }): number[][] {
  const o = { ...defaults, ...c.opts };
  const w = [...c.init];
  const v = w.map(() => 0);
  const norm = (x: number[]): number => Math.sqrt(x.reduce((s, a) => s + a * a, 0));
  const out: number[][] = [];
  for (const g of c.grads) {
    const gd = o.exclude ? g : g.map((gi, i) => gi + o.weightDecay * w[i]);
    const wn = norm(w);
    const gn = norm(gd);
    const trust = !o.exclude && wn > 0 && gn > 0 ? (o.trustCoefficient * wn) / gn : 1;
    for (let i = 0; i < w.length; i++) {
      v[i] = o.momentum * v[i] + o.lr * trust * gd[i];
      w[i] -= v[i];
    }
    out.push([...w]);
  }
  return out;
}

test('LARS matches its formula, including excluded groups and zero-norm weights and gradients', () => {
  const gen = new torch.Generator(7);
  const rand = (shape: number[], scale = 1): number[] => torch.randn(shape, { dtype: 'float64', generator: gen }).mul(scale).toArray();
  const grads = (shape: number[], scale = 1): number[][] => Array.from({ length: STEPS }, () => rand(shape, scale));
  const cases: Case[] = [
    { name: 'weight', init: rand([3, 4]), shape: [3, 4], grads: grads([3, 4], 0.5), opts: { weightDecay: 0.05 } },
    { name: 'weight, own lr and η', init: rand([2, 3]), shape: [2, 3], grads: grads([2, 3]), opts: { lr: 0.3, trustCoefficient: 0.02 } },
    { name: 'bias (excluded)', init: rand([4]), shape: [4], grads: grads([4]), opts: { exclude: true } },
    { name: 'zero weight', init: [0, 0, 0], shape: [3], grads: grads([3]), opts: {} },
    { name: 'zero gradient', init: rand([3]), shape: [3], grads: Array.from({ length: STEPS }, () => [0, 0, 0]), opts: { weightDecay: 0 } },
  ];
  const defaults = { lr: 1.5, momentum: 0.9, weightDecay: 1e-6, trustCoefficient: 0.001 };
  const params = cases.map((c) => torch.tensor(c.init, { dtype: 'float64' }).reshape(c.shape).requiresGrad_());
  const opt = new torch.optim.LARS(
    cases.map((c, i) => ({ params: [params[i]], ...c.opts })),
    { lr: 1.5 },
  );
  const expected = cases.map((c) => reference(c, defaults));
  for (let k = 0; k < STEPS; k++) {
    params.forEach((p, i) => (p.grad = torch.tensor(cases[i].grads[k], { dtype: 'float64' }).reshape(cases[i].shape)));
    opt.step();
    cases.forEach((c, i) => assertArrayClose(params[i].detach().toArray(), expected[i][k], 1e-12, `${c.name} step ${k}`));
  }
  // The zero-weight case moved (trust 1 → plain momentum SGD), the zero-gradient case did not.
  assert.ok(Math.abs(params[3].detach().toArray()[0]) > 0.1);
  assert.deepEqual(params[4].detach().toArray(), cases[4].init);
  // Adaptation matters: the adapted weight moved far less than lr·‖g‖ would.
  const moved = params[0]
    .detach()
    .sub(torch.tensor(cases[0].init, { dtype: 'float64' }).reshape([3, 4]))
    .norm()
    .item();
  assert.ok(moved < 0.05, `trust ratio scales the step (moved ${moved})`);
});

test('LARS resumes identically from its state dict', () => {
  const gen = new torch.Generator(3);
  const init = torch.randn([4, 4], { dtype: 'float64', generator: gen });
  const grads = Array.from({ length: 4 }, () => torch.randn([4, 4], { dtype: 'float64', generator: gen }));
  const run = (p: Tensor, opt: InstanceType<typeof torch.optim.LARS>, from: number, to: number): void => {
    for (let k = from; k < to; k++) {
      p.grad = grads[k].clone();
      opt.step();
    }
  };
  const a = init.clone().requiresGrad_();
  const optA = new torch.optim.LARS([a], { lr: 0.5, weightDecay: 1e-3 });
  run(a, optA, 0, 2);
  const b = a.detach().clone().requiresGrad_();
  const optB = new torch.optim.LARS([b], { lr: 9 });
  optB.loadStateDict(optA.stateDict());
  assert.equal(optB.paramGroups[0].lr, 0.5);
  run(a, optA, 2, 4);
  run(b, optB, 2, 4);
  assert.deepEqual(b.detach().toArray(), a.detach().toArray());
});

test('larsParamGroups excludes biases and normalisation parameters', () => {
  const model = new torch.nn.Sequential(
    new torch.nn.Conv2d(1, 2, 3),
    new torch.nn.BatchNorm2d(2),
    new torch.nn.Flatten(),
    new torch.nn.Linear(8, 3),
  );
  const groups = torch.optim.larsParamGroups(model);
  const names = new Map([...model.namedParameters()].map(([n, p]) => [p, n]));
  assert.deepEqual(
    groups[0].params.map((p) => names.get(p)),
    ['0.weight', '3.weight'],
  );
  assert.equal(groups[0].exclude, undefined);
  assert.deepEqual(
    groups[1].params.map((p) => names.get(p)),
    ['0.bias', '1.weight', '1.bias', '3.bias'],
  );
  assert.equal(groups[1].exclude, true);
  const opt = new torch.optim.LARS(groups, { lr: 0.1 });
  assert.deepEqual(
    opt.paramGroups.map((g) => g.exclude),
    [false, true],
  );
});
