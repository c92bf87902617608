import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, methods, models, losses } from '../../src/index.js';
import { assertClose, assertThrows } from '../helpers.js';
import { checkGoldenStep, Flat, HEADS, INFO } from './siamese-step.js';

const mocoHeads = { head: { ...HEADS.head, lastBatchNorm: true }, predictor: HEADS.predictor };

test('MoCo v3 step matches PyTorch: InfoNCE ×2τ of queries against momentum keys, gradients, SGD step, momentum update with m = 0.95', () => {
  checkGoldenStep(new methods.MoCoV3(() => new Flat(6), { ...mocoHeads, momentum: 0.9, temperature: 0.2 }), 'mocov3');
});

test('MoCo v3 keys come from the momentum encoder (no gradient), queries from the base encoder and predictor', () => {
  torch.manualSeed(0);
  const m = new methods.MoCoV3(
    () => models.createEncoder({ arch: 'resnet18', width: 0.0625, smallStem: false, inChannels: 1 }),
    { momentum: 0.5, temperature: 0.5 },
    16,
  );
  const x = torch.rand([8, 1, 16, 16]);
  const opt = new torch.optim.SGD(m.trainableParameters(), { lr: 0.5 });
  const r = m.trainingStep(m.views({ images: x, partners: x }, new torch.Generator(0)), INFO);
  r.loss.backward();
  assert.ok([...m.targetEncoder.parameters(), ...m.targetHead.parameters()].every((p) => !p.requiresGrad && p.grad === null));
  opt.step();
  m.afterStep(INFO);
  torch.noGrad(() => m.targetHead.parameters().forEach((p) => p.add_(torch.randn(p.shape).mul(0.3)))); // a momentum encoder that has drifted further

  const [a, b] = m.views({ images: x, partners: x }, new torch.Generator(1));
  const q = [m.online(a).p, m.online(b).p];
  const expected = losses.mocoV3Loss(q[0], q[1], m.target(a), m.target(b), { temperature: 0.5 });
  assertClose(m.loss(a, b).loss, expected, { atol: 1e-6, msg: 'loss = mocoV3Loss(queries, momentum keys)' });
  const baseKeys = losses.mocoV3Loss(q[0], q[1], m.online(a).z, m.online(b).z, { temperature: 0.5 }).item();
  assert.ok(Math.abs(baseKeys - expected.item()) > 1e-4, 'keys from the base encoder would give another loss');
});

test('MoCo v3 momentum: 0.99 at the start, 1 − 0.01·(cos(πk/K) + 1)/2 after, 1 at the end; logged each step', () => {
  const m = new methods.MoCoV3(() => new Flat(6), mocoHeads);
  const info = (step: number): methods.StepInfo => ({ step, totalSteps: 40, stepsPerEpoch: 8, epoch: step / 8 });
  for (const k of [0, 10, 20, 30, 40])
    assert.ok(Math.abs(m.momentum(info(k)) - (1 - (0.01 * (Math.cos((Math.PI * k) / 40) + 1)) / 2)) < 1e-15, `step ${k}`);
  assert.equal(m.momentum(info(0)), 0.99);
  assert.equal(m.momentum(info(40)), 1);
  const x = torch.randn([6, 6, 1, 1]);
  assert.equal(m.trainingStep([x, x.add(0.1)], info(20)).logs!.momentum, m.momentum(info(20)));
});

test('MoCo v3 heads are the reference ResNet setting: projector ends in batch norm without affine, predictor does not', () => {
  const m = new methods.MoCoV3(() => new Flat(16));
  const keys = Object.keys(m.stateDict());
  assert.ok(keys.includes('head.1.bn.running_mean') && !keys.includes('head.1.bn.weight') && !keys.includes('head.1.linear.bias'));
  assert.ok(!keys.some((k) => k.startsWith('predictor.1.bn')) && keys.includes('predictor.1.linear.bias'));
  assert.deepEqual([m.head.outDim, m.predictor.outDim, m.temperature], [128, 128, 0.2]);
  assert.ok(keys.includes('targetHead.1.bn.running_mean'));
  assertThrows(() => new methods.MoCoV3(() => new Flat(6), { temperature: 0 }), /MoCo v3 options.temperature/);
});
