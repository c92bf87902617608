import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, methods, losses } from '../../src/index.js';
import { assertClose, assertThrows, golden, goldenState } from '../helpers.js';
import { Pool } from './pool.js';

const g = golden('ssl_methods');
const near = (a: number, b: number, rel: number): boolean => Math.abs(a - b) <= rel * Math.abs(b);

test('VICReg step matches PyTorch: each view through the expander on its own, the three terms, loss, input and weight gradients', () => {
  const model = new methods.VICReg(new Pool(6), {
    head: { layers: 2, hiddenDim: 8, outDim: 4 },
    invariance: 20,
    variance: 15,
    covariance: 2,
  }).to({ dtype: 'float64' });
  model.head.loadStateDict(goldenState('ssl_methods', 'vic'));
  const a = g('vic.a').clone().requiresGrad_();
  const { loss, logs } = model.trainingStep([a, g('vic.b')]);
  loss.backward();
  assertClose(loss, g('vic.loss'), { atol: 1e-10 });
  for (const term of ['invariance', 'variance', 'covariance']) assert.ok(Math.abs(logs![term] - g(`vic.${term}`).item()) < 1e-10, term);
  assertClose(a.grad!, g('vic.grad_a'), { atol: 1e-10 });
  assertClose(model.head.parameters()[0].grad!, g('vic.grad_w0'), { atol: 1e-10 });
});

test('VICReg logs vicregLoss terms on the expander outputs; the loss is 25·s + 25·v + 1·c by default', () => {
  torch.manualSeed(2);
  const model = new methods.VICReg(new Pool(5), { head: { layers: 2, hiddenDim: 16, outDim: 12 } });
  const a = torch.randn([32, 5, 3, 3]);
  const b = torch.randn([32, 5, 3, 3]);
  const { loss, logs } = model.trainingStep([a, b]);
  const t = losses.vicregLoss(model.project(a), model.project(b)); // train mode: batch statistics, the same outputs again
  for (const term of ['invariance', 'variance', 'covariance'] as const) assert.ok(near(logs![term], t[term].item(), 1e-5), term);
  assertClose(loss, t.loss, { rtol: 1e-5 });
  assert.ok(near(loss.item(), 25 * logs!.invariance + 25 * logs!.variance + logs!.covariance, 1e-5));
  assert.ok(logs!.variance > 0 && logs!.covariance > 0);
});

test('VICReg defaults and errors: 3 × 1024 expander, LARS 1.0 with weight decay 1e-6, BYOL views', () => {
  const m = new methods.VICReg(new Pool(64));
  assert.equal(m.head.outDim, 1024);
  assert.deepEqual(m.weights, { sim: 25, var: 25, cov: 1, gamma: 1 });
  assert.deepEqual(methods.vicreg.optim, { name: 'lars', lr: 1, weightDecay: 1e-6, momentum: 0.9, warmupEpochs: 1 });
  const views = methods.VICREG_OPTIONS.parse({}).views;
  assert.deepEqual(
    [views.blur, views.solarize],
    [
      [1, 0.1],
      [0, 0.2],
    ],
  );
  assertThrows(
    () => m.trainingStep([torch.randn([4, 64, 2, 2]), torch.randn([4, 64, 1, 1])]),
    /VICReg: expected two views of the same shape/,
  );
  assertThrows(() => new methods.VICReg(new Pool(4), { variance: -1 }), /VICReg options.variance/);
});
