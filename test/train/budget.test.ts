import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch, train, pipeline } from '../../src/index.js';
import { BatchNorm1d, Linear, Sequential } from '../../src/nn/index.js';
import * as F from '../../src/torch/functional/index.js';

test('secondsPerStep times real steps and leaves the model (weights, BN statistics) and the global RNG as they were', () => {
  torch.manualSeed(0);
  const model = new Sequential(new Linear(8, 16), new BatchNorm1d(16), new Linear(16, 1));
  const before = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, t.clone()]));
  const rng = torch.getRngState();
  let steps = 0;
  const s = train.secondsPerStep({
    model,
    optimizer: new torch.optim.SGD(model.parameters(), { lr: 0.5, momentum: 0.9 }),
    steps: 5,
    step: () => {
      steps++;
      F.mseLoss(model.forward(torch.randn([32, 8])) as torch.Tensor, torch.zeros([32, 1])).backward();
    },
  });
  assert.equal(steps, 5);
  assert.ok(s > 0 && s < 5, `${s} s per step`);
  for (const [k, t] of Object.entries(model.stateDict())) assert.ok(torch.equal(t, before[k]), `${k} restored`);
  assert.ok(torch.equal(torch.getRngState(), rng), 'global RNG restored');
  assert.ok(
    model.parameters().every((p) => p.grad === null),
    'no gradients left behind',
  );
  assert.equal(train.stepsForBudget(10, 0.3), 33);
  assert.equal(train.stepsForBudget(0.1, 0.3), 1);
  assert.throws(
    () => train.secondsPerStep({ model, optimizer: new torch.optim.SGD(model.parameters(), { lr: 1 }), step: () => {}, steps: 2 }),
    /at least 3 steps but received 2/,
  );
});

test('pretrain with a time budget: the steps that fit are written into config.json, and training time is logged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-budget-'));
  const write = process.stderr.write.bind(process.stderr);
  let said = '';
  process.stderr.write = ((s: string) => ((said += s), true)) as typeof process.stderr.write;
  try {
    const r = await pipeline.pretrain(
      {
        data: { name: 'fashion-mnist', limit: 128 },
        model: { width: 0.0625, smallStem: false },
        train: { seconds: 1.5, batchSize: 16 },
        monitor: { trainLimit: 32, test: { limit: 32 } },
      },
      dir,
    );
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    assert.equal(config.train.seconds, 1.5);
    assert.equal(config.train.steps, r.step);
    assert.match(said, new RegExp(`pretrain: \\d\\.\\d{3} s per step: ${r.step} steps fit in 1.5 s`));
    const ev = new train.RunDir(dir, { resume: true }).events();
    const budget = ev.find((e) => e.event === 'budget')!;
    assert.equal(budget.steps, r.step);
    assert.equal(r.step, train.stepsForBudget(1.5, budget.stepSeconds as number));
    const end = ev.find((e) => e.event === 'end')!;
    assert.ok((end.trainSeconds as number) > 0, 'training time is logged');
  } finally {
    process.stderr.write = write;
    rmSync(dir, { recursive: true, force: true });
  }
});
