/**
 * updateBatchNorm: running statistics become the plain average of the batches'
 * statistics (PyTorch's update_bn), whatever the layer's momentum; momentum and
 * mode are restored; a model without batch norm is left alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, train } from '../../src/index.js';
import * as nn from '../../src/nn/index.js';

test('updateBatchNorm: running mean/var = average of per-batch mean and unbiased variance; momentum restored, eval mode', () => {
  torch.manualSeed(3);
  const bn = new nn.BatchNorm2d(3, { momentum: 0.01 });
  const conv = new nn.Conv2d(2, 3, 3, { padding: 1 });
  const model = new nn.Sequential(conv, bn);
  const batches = [0, 1, 2].map((i) =>
    torch
      .randn([8, 2, 5, 5])
      .mul(1 + i)
      .add(i),
  );
  assert.equal(train.updateBatchNorm(model, batches), 3);
  const feats = torch.noGrad(() => batches.map((x) => conv.forward(x)));
  const means = feats.map((f) => f.mean([0, 2, 3]).toArray() as number[]);
  const vars = feats.map((f) => f.var([0, 2, 3], 1).toArray() as number[]);
  const mean = [0, 1, 2].map((c) => (means[0][c] + means[1][c] + means[2][c]) / 3);
  const variance = [0, 1, 2].map((c) => (vars[0][c] + vars[1][c] + vars[2][c]) / 3);
  const rm = bn.runningMean!.toArray() as number[];
  const rv = bn.runningVar!.toArray() as number[];
  for (let c = 0; c < 3; c++) {
    assert.ok(Math.abs(rm[c] - mean[c]) < 1e-5 * (1 + Math.abs(mean[c])), `mean ${c}: ${rm[c]} vs ${mean[c]}`);
    assert.ok(Math.abs(rv[c] - variance[c]) < 1e-5 * variance[c], `var ${c}: ${rv[c]} vs ${variance[c]}`);
  }
  assert.equal(bn.momentum, 0.01);
  assert.equal(bn.training, false);
  assert.equal(Number(bn.numBatchesTracked!.item()), 3);
  assert.equal(train.updateBatchNorm(new nn.Linear(2, 2), batches), 0);
});
