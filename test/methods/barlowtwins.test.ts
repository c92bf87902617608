import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, methods, losses } from '../../src/index.js';
import { assertClose, assertThrows, golden, goldenState } from '../helpers.js';
import { Pool } from './pool.js';

const g = golden('ssl_methods');

test('Barlow Twins step matches PyTorch: each view through the projector on its own, loss, input and weight gradients, BN running stats', () => {
  const model = new methods.BarlowTwins(new Pool(6), { head: { layers: 3, hiddenDim: 8, outDim: 4 }, lambda: 0.02, scaleLoss: 0.5 }).to({
    dtype: 'float64',
  });
  model.head.loadStateDict(goldenState('ssl_methods', 'bt'));
  const a = g('bt.a').clone().requiresGrad_();
  const { loss, logs } = model.trainingStep([a, g('bt.b')]);
  loss.backward();
  assertClose(loss, g('bt.loss'), { atol: 1e-10 });
  assert.ok(Math.abs(logs!.invariance - g('bt.invariance').item()) < 1e-10);
  assert.ok(Math.abs(logs!.redundancy - g('bt.redundancy').item()) < 1e-10);
  assertClose(a.grad!, g('bt.grad_a'), { atol: 1e-10 });
  assertClose(model.head.parameters()[0].grad!, g('bt.grad_w0'), { atol: 1e-10 });
  assertClose(model.head.stateDict()['0.bn.running_mean'], g('bt.running_mean0'), { atol: 1e-12 }); // updated once per view
});

test('Barlow Twins logs the unweighted terms of the loss on the projector outputs; the loss is scaleLoss·(invariance + λ·redundancy)', () => {
  torch.manualSeed(1);
  const model = new methods.BarlowTwins(new Pool(5), { head: { layers: 2, hiddenDim: 16, outDim: 12 }, lambda: 0.01, scaleLoss: 0.1 });
  const a = torch.randn([32, 5, 3, 3]);
  const b = torch.randn([32, 5, 3, 3]);
  const { loss, logs } = model.trainingStep([a, b]);
  const [z1, z2] = [model.project(a), model.project(b)]; // train mode: batch statistics, the same outputs again
  const c = losses.crossCorrelation(z1, z2);
  assert.ok(Math.abs(logs!.invariance - losses.onDiagonalTerm(c).item()) < 1e-4 * logs!.invariance);
  assert.ok(Math.abs(logs!.redundancy - losses.offDiagonalTerm(c).item()) < 1e-4 * logs!.redundancy);
  assertClose(loss, losses.barlowTwinsLoss(z1, z2, { lambda: 0.01 }).mul(0.1), { rtol: 1e-5 });
  assert.ok(Math.abs(loss.item() - 0.1 * (logs!.invariance + 0.01 * logs!.redundancy)) < 1e-4 * loss.item());
  const [j1, j2] = model.project(torch.cat([a, b])).chunk(2); // one batch of both views: other BN statistics
  assert.ok(
    Math.abs(losses.barlowTwinsLoss(j1, j2, { lambda: 0.01 }).item() * 0.1 - loss.item()) > 1e-3,
    'the views go through batch norm separately',
  );
});

test('Barlow Twins defaults and errors: 3 × 1024 projector, λ 5e-3, LARS 1.0 with the loss scaled by 0.0048/0.2, BYOL views', () => {
  const m = new methods.BarlowTwins(new Pool(64));
  assert.equal(m.head.outDim, 1024);
  assert.equal(m.representationLayers, 3);
  assert.deepEqual([m.lambda, m.scaleLoss], [5e-3, 0.024]);
  assert.deepEqual(methods.barlowtwins.optim, { name: 'lars', lr: 1, weightDecay: 1.5e-6 * 0.024, momentum: 0.9, warmupEpochs: 1 });
  const views = methods.BARLOW_TWINS_OPTIONS.parse({}).views;
  assert.deepEqual([views.blur, views.solarize, views.local.count], [[1, 0.1], [0, 0.2], 0]);
  assertThrows(() => m.trainingStep([torch.randn([4, 64, 1, 1])]), /BarlowTwins: expected two views of the same shape/);
  assertThrows(() => new methods.BarlowTwins(new Pool(4), { lambda: -1 }), /Barlow Twins options.lambda/);
});
