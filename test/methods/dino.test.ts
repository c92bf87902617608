import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, methods, models, losses } from '../../src/index.js';
import { AdamW } from '../../src/optim/index.js';
import { assertClose, assertThrows, golden, goldenState } from '../helpers.js';
import { Pool } from './pool.js';

const g = golden('ssl_methods');
const at = (step: number, totalSteps: number) => ({ step, totalSteps, stepsPerEpoch: totalSteps, epoch: step / totalSteps });

/** A small DINO on a ResNet-18 (width 1/16, 32-d features) for 16-pixel grey images: 2 global crops of 16 and `local` crops of 7. */
function tiny(o: Record<string, unknown> = {}, local = 2): methods.DINO {
  const encoder = () => models.createEncoder({ arch: 'resnet18', width: 0.0625, smallStem: true, inChannels: 1 });
  return new methods.DINO(encoder, { head: { hiddenDim: 16, outDim: 8 }, outDim: 32, views: { local: { count: local } }, ...o }, 16);
}

const crops = (model: methods.DINO, n = 6, seed = 0): torch.Tensor[] => {
  const images = torch.rand([n, 1, 16, 16]);
  return model.views({ images, partners: images }, new torch.Generator(seed));
};

test('DINO step matches PyTorch: multi-crop student, teacher targets, centre, loss, gradients, EMA teacher', () => {
  const model = new methods.DINO(() => new Pool(6), {
    head: { layers: 3, hiddenDim: 8, outDim: 5, batchNorm: false },
    outDim: 7,
    momentum: 0.996,
    warmupTeacherTemp: 0.04,
    teacherTemp: 0.07,
    teacherTempWarmup: 0.5,
  }).to({ dtype: 'float64' });
  model.student.loadStateDict(goldenState('ssl_methods', 'dino.student'));
  model.teacher.loadStateDict(goldenState('ssl_methods', 'dino.teacher'));
  model.center.copy_(g('dino.center'));
  const views = [0, 1, 2, 3, 4].map((i) => g(`dino.crop${i}`).clone().requiresGrad_());
  const info = at(2, 10);
  const { loss, logs } = model.trainingStep(views, info);
  loss.backward();
  assertClose(loss, g('dino.loss'), { atol: 1e-10 });
  assert.ok(Math.abs(logs!.teacherTemp - 0.055) < 1e-12);
  assertClose(views[2].grad!, g('dino.grad_local0'), { atol: 1e-10 });
  assertClose(model.head.parameters()[0].grad!, g('dino.grad_w0'), { atol: 1e-10 });
  assertClose(model.lastLayer.weightV.grad!, g('dino.grad_v'), { atol: 1e-10 });
  assertClose(model.center, g('dino.new_center'), { atol: 1e-12 });
  model.afterStep(info);
  assertClose(model.teacher.stateDict()['head.0.linear.weight'], g('dino.ema_w0'), { atol: 1e-12 });
});

test('DINO: the teacher sees only the global crops, the student every crop in one encoder pass per resolution', () => {
  torch.manualSeed(0);
  const model = tiny({}, 3);
  const views = crops(model).map((v) => v.requiresGrad_());
  assert.deepEqual(
    views.map((v) => v.shape),
    [
      [6, 1, 16, 16],
      [6, 1, 16, 16],
      [6, 1, 7, 7],
      [6, 1, 7, 7],
      [6, 1, 7, 7],
    ],
  );
  const spy = (m: { forward(x: torch.Tensor): torch.Tensor }): number[][] => {
    const seen: number[][] = [];
    const forward = m.forward.bind(m);
    m.forward = (x) => {
      seen.push(x.shape);
      return forward(x);
    };
    return seen;
  };
  const [teacherSaw, studentSaw] = [spy(model.teacher.encoder), spy(model.encoder)];
  model.trainingStep(views, at(0, 10)).loss.backward();
  assert.deepEqual(teacherSaw, [[12, 1, 16, 16]]);
  assert.deepEqual(studentSaw, [
    [12, 1, 16, 16],
    [18, 1, 7, 7],
  ]);
  for (const v of views) assert.ok(v.grad && v.grad.abs().sum().item() > 0, 'every crop reaches the loss through the student');
});

test('DINO: loss is dinoLoss of every student crop against the teacher on the global crops; the centre follows dinoCenterUpdate', () => {
  torch.manualSeed(1);
  const model = tiny({ centerMomentum: 0.8, studentTemp: 0.2 });
  model.center.copy_(torch.randn([1, 32]).mul(0.1));
  const views = crops(model);
  const center = model.center.clone();
  const info = at(3, 10);
  const { loss } = model.trainingStep(views, info);
  const teacherOut = torch.noGrad(() => model.teacher.forward(views.slice(0, 2))); // train mode: batch statistics, the same outputs again
  const expected = losses.dinoLoss(model.student.forward(views), teacherOut, center, {
    studentTemp: 0.2,
    teacherTemp: model.teacherTemperature(info),
  });
  assertClose(loss, expected, { rtol: 1e-5 });
  assertClose(model.center, losses.dinoCenterUpdate(center, teacherOut, 0.8), { atol: 1e-6 });
});

test('DINO: the teacher gets no gradient and after a step is the EMA of the student (all floating state, BN statistics too)', () => {
  torch.manualSeed(2);
  const model = tiny();
  const trainable = new Set(model.trainableParameters());
  assert.ok(model.teacher.parameters().every((p) => !p.requiresGrad && !trainable.has(p)));
  assert.ok(!trainable.has(model.lastLayer.weightG) && trainable.has(model.lastLayer.weightV));
  assert.deepEqual(Object.keys(model.teacher.stateDict()), Object.keys(model.student.stateDict()));
  const opt = new AdamW(model.trainableParameters(), { lr: 1e-2 });
  const info = at(4, 10);
  model.trainingStep(crops(model), info).loss.backward();
  assert.ok(model.teacher.parameters().every((p) => p.grad === null));
  opt.step();
  const before = Object.fromEntries(Object.entries(model.teacher.stateDict()).map(([k, t]) => [k, t.clone()]));
  model.afterStep(info);
  const m = methods.cosineMomentum(0.99, info);
  const student = model.student.stateDict();
  for (const [k, t] of Object.entries(model.teacher.stateDict())) {
    if (k.endsWith('num_batches_tracked')) assert.ok(torch.equal(t, student[k]), k);
    else assertClose(t, before[k].mul(m).add(student[k].mul(1 - m)), { atol: 1e-6, msg: k });
  }
  assert.ok(!torch.equal(before['head.0.linear.weight'], student['head.0.linear.weight']));
});

test("DINO head: the last layer's rows keep norm 1 through training (g frozen at 1); frozen for the first part of the run", () => {
  torch.manualSeed(3);
  const model = tiny({ freezeLastLayer: 0.5 });
  const opt = new AdamW(model.trainableParameters(), { lr: 1e-2, weightDecay: 0.04 });
  const v0 = model.lastLayer.weightV.clone();
  for (let step = 0; step < 4; step++) {
    opt.zeroGrad();
    model.trainingStep(crops(model, 6, step), at(step, 4)).loss.backward();
    assert.equal(model.lastLayer.weightV.grad === null, step < 2, `step ${step}: last layer frozen for the first half`);
    opt.step();
    model.afterStep(at(step, 4));
    if (step === 1) assert.ok(torch.equal(model.lastLayer.weightV, v0), 'no update while frozen');
  }
  assert.ok(!torch.equal(model.lastLayer.weightV, v0));
  assertClose(model.lastLayer.weight().norm(2, 1), torch.ones([32]), { atol: 1e-6 });
  assertClose(model.lastLayer.weightG, torch.ones([32, 1]), { atol: 0 });
  const free = tiny({ normLastLayer: false });
  assert.ok(free.trainableParameters().includes(free.lastLayer.weightG));
});

test('DINO schedules and defaults: τₜ warm-up over a fraction of the run, cosine teacher momentum, multi-crop views', () => {
  const model = tiny({ warmupTeacherTemp: 0.04, teacherTemp: 0.07, teacherTempWarmup: 0.3, momentum: 0.996 });
  const temps = [0, 15, 29, 30, 99].map((s) => model.teacherTemperature(at(s, 100)));
  const expected = [0.04, 0.04 + (0.03 * 15) / 29, 0.07, 0.07, 0.07];
  temps.forEach((t, i) => assert.ok(Math.abs(t - expected[i]) < 1e-12, `τₜ ${temps} vs ${expected}`));
  const { logs } = model.trainingStep(crops(model), at(50, 100));
  assert.ok(Math.abs(logs!.momentum - (1 - 0.004 * 0.5)) < 1e-12);
  const d = methods.DINO_OPTIONS.parse({});
  assert.deepEqual(
    [d.outDim, d.head.hiddenDim, d.head.outDim, d.head.batchNorm, d.views.local.count, d.views.scale],
    [4096, 512, 128, true, 6, [0.4, 1]],
  );
  assert.deepEqual([d.momentum, d.warmupTeacherTemp, d.teacherTemp, d.studentTemp, d.centerMomentum], [0.99, 0.02, 0.02, 0.1, 0.9]);
  assert.deepEqual(methods.dino.optim, { name: 'adamw', lr: 0.005, weightDecay: 0.04, warmupEpochs: 1 });
  const fresh = new methods.DINO(() => new Pool(4), { outDim: 16 }, 8);
  assert.ok(
    fresh.head.outDim === 128 &&
      Object.keys(fresh.stateDict()).includes('teacher.lastLayer.weight_v') &&
      Object.keys(fresh.stateDict()).includes('center'),
  );
  assertThrows(() => fresh.trainingStep([torch.rand([2, 4, 8, 8])], at(0, 1)), /DINO: expected two views of the same shape/);
  assertThrows(() => new methods.DINO(() => new Pool(4), { teacherTempWarmup: 2 }), /DINO options.teacherTempWarmup/);
});
