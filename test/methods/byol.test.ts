import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, methods, models, losses } from '../../src/index.js';
import { assertClose, assertThrows } from '../helpers.js';
import { checkGoldenStep, Flat, HEADS, INFO } from './siamese-step.js';

const tinyEncoder = (): models.Encoder => models.createEncoder({ arch: 'resnet18', width: 0.0625, smallStem: false, inChannels: 1 });

test('BYOL step matches PyTorch: loss, gradients (none through the target), weights after SGD, target after the EMA with τ = 0.95', () => {
  checkGoldenStep(new methods.BYOL(() => new Flat(6), { ...HEADS, momentum: 0.9 }), 'byol');
});

test('BYOL target: a frozen copy of the online encoder and projector in the state dict, then their EMA with the logged τ; no gradient reaches it', () => {
  torch.manualSeed(0);
  const m = new methods.BYOL(tinyEncoder, { momentum: 0.9 }, 16);
  const sd = m.stateDict();
  for (const [online, target] of [
    ['encoder', 'targetEncoder'],
    ['head', 'targetHead'],
  ])
    for (const k of Object.keys(sd).filter((k) => k.startsWith(`${online}.`)))
      assert.ok(torch.equal(sd[k], sd[`${target}.${k.slice(online.length + 1)}`]), `${target} starts as ${k}`);
  const targetParams = [...m.targetEncoder.parameters(), ...m.targetHead.parameters()];
  assert.ok(targetParams.every((p) => !p.requiresGrad));
  assert.equal(
    m.trainableParameters().length,
    m.encoder.parameters().length + m.head.parameters().length + m.predictor.parameters().length,
  );

  const x = torch.rand([8, 1, 16, 16]);
  const opt = new torch.optim.SGD(m.trainableParameters(), { lr: 0.5 });
  const named = (mod: { namedParameters(): Iterable<[string, torch.Tensor]> }): Map<string, torch.Tensor> => new Map(mod.namedParameters());
  const before = new Map(
    [...named(m.targetEncoder), ...[...named(m.targetHead)].map(([k, v]) => [`head.${k}`, v] as const)].map(([k, v]) => [k, v.clone()]),
  );
  const r = m.trainingStep(m.views({ images: x, partners: x }, new torch.Generator(0)), INFO);
  r.loss.backward();
  assert.ok(
    targetParams.every((p) => p.grad === null),
    'no gradient reaches the target',
  );
  assert.ok(
    m.encoder.parameters().some((p) => p.grad !== null && p.grad.abs().sum().item() > 0),
    'the online encoder gets gradients',
  );
  opt.step();
  m.afterStep(INFO);
  const tau = r.logs!.momentum;
  assert.ok(Math.abs(tau - 0.95) < 1e-12, `τ = ${tau}`);
  const online = new Map([...named(m.encoder), ...[...named(m.head)].map(([k, v]) => [`head.${k}`, v] as const)]);
  const target = new Map([...named(m.targetEncoder), ...[...named(m.targetHead)].map(([k, v]) => [`head.${k}`, v] as const)]);
  let moved = 0;
  for (const [k, xi] of before) {
    assertClose(target.get(k)!, xi.mul(tau).add(online.get(k)!.mul(1 - tau)), { atol: 1e-7, msg: `target ${k}` });
    if (!torch.equal(target.get(k)!, xi)) moved++;
  }
  assert.ok(moved > before.size / 2, `the target moved (${moved} of ${before.size} tensors)`);

  const [a, b] = m.views({ images: x, partners: x }, new torch.Generator(1));
  const expected = losses.byolLoss(m.online(a).p, m.online(b).p, m.target(a), m.target(b));
  assertClose(m.loss(a, b).loss, expected, { atol: 1e-6, msg: 'loss = byolLoss(predictions, target projections)' });
  const withOnlineTargets = losses.byolLoss(m.online(a).p, m.online(b).p, m.online(a).z, m.online(b).z).item();
  assert.ok(Math.abs(withOnlineTargets - expected.item()) > 1e-4, 'the targets come from the target network, not the online one');
});

test("BYOL τ follows the cosine from the base momentum to 1 (the paper's 0.996); small-data defaults; asymmetric views", () => {
  const m = new methods.BYOL(() => new Flat(6), { ...HEADS, momentum: 0.996 });
  const at = (step: number): number => m.momentum({ step, totalSteps: 100, stepsPerEpoch: 10, epoch: step / 10 });
  assert.equal(at(0), 0.996);
  assert.ok(Math.abs(at(50) - 0.998) < 1e-12);
  assert.equal(at(100), 1);
  assert.ok(at(25) < at(50) && at(50) < at(75));
  const o = methods.BYOL_OPTIONS.parse({});
  assert.deepEqual(
    [o.momentum, o.head.hiddenDim, o.head.outDim, o.views.blur, o.views.solarize, o.views.strength],
    [0.99, 512, 128, [1, 0.1], [0, 0.2], 0.5],
  );
  assert.deepEqual(methods.byol.optim, { name: 'lars', lr: 2, weightDecay: 1.5e-6, momentum: 0.9, warmupEpochs: 1 });
  assert.equal(methods.getMethod('byol'), methods.byol);
});

test('BYOL rejects a predictor whose output does not match the projection, and bad views', () => {
  assertThrows(
    () => new methods.BYOL(() => new Flat(6), { head: { outDim: 4 }, predictor: { outDim: 3 } }),
    /BYOL options.predictor.outDim: expected the projector's output width 4 but received 3/,
    RangeError,
  );
  assertThrows(() => new methods.BYOL(() => new Flat(6), { momentum: 1.5 }), /BYOL options.momentum/);
  const m = new methods.BYOL(() => new Flat(6), HEADS);
  assertThrows(() => m.trainingStep([torch.randn([4, 6, 1, 1])], INFO), /BYOL: expected two views of the same shape/, RangeError);
});
