import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch, train } from '../../src/index.js';
import { Linear } from '../../src/nn/index.js';
import * as F from '../../src/torch/functional/index.js';
import { assertClose } from '../helpers.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'selfsup-fit-'));
const quiet = { bar: false, write: (): void => {} };

/** A regression problem on fixed data; batches are seeded per epoch, the step adds noise from a saved generator. */
function setup(dir: string, resume: boolean, stopAt = -1): { model: Linear; go: () => Promise<train.FitResult>; run: train.RunDir } {
  torch.manualSeed(0);
  const x = torch.randn([40, 3]);
  const y = x.matmul(torch.tensor([[1], [-2], [0.5]])).add(0.1);
  const model = new Linear(3, 1);
  const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const run = new train.RunDir(dir, { resume });
  if (!resume) run.writeConfig({ name: 'fit-test' });
  const noise = new torch.Generator(5);
  const go = (): Promise<train.FitResult> =>
    train.fit({
      run,
      stage: 'demo',
      model,
      optimizer,
      epochs: 3,
      stepsPerEpoch: 4,
      resume,
      logEvery: 1,
      generators: { noise },
      schedule: (s) => 1 / (1 + s),
      progress: quiet,
      batches: (epoch) => {
        const p = torch.randperm(40, { generator: new torch.Generator(epoch) }).toArray();
        return [0, 1, 2, 3].map((b) => p.slice(b * 10, b * 10 + 10));
      },
      step: (idx, step) => {
        const i = torch.tensor(Float64Array.from(idx), { dtype: 'int64' });
        const jitter = torch.randn([idx.length, 1], { generator: noise }).mul(0.01);
        const loss = F.mseLoss(model.forward(x.indexSelect(0, i)), y.indexSelect(0, i).add(jitter));
        loss.backward();
        if (step === stopAt) process.emit('SIGINT');
        return { loss: loss.item(), items: idx.length };
      },
    });
  return { model, go, run };
}

test('fit: Ctrl-C saves a checkpoint; --resume continues to exactly the weights of an uninterrupted run', async () => {
  const [a, b] = [tmp(), tmp()];
  try {
    const straight = setup(a, false);
    const r = await straight.go();
    assert.deepEqual([r.step, r.interrupted], [12, false]);
    const first = setup(b, false, 4);
    const stopped = await first.go();
    assert.deepEqual([stopped.step, stopped.interrupted], [5, true]);
    const resumed = setup(b, true);
    assert.deepEqual((await resumed.go()).step, 12);
    assertClose(resumed.model.weight, straight.model.weight, { atol: 0, rtol: 0 });
    assertClose(resumed.model.bias!, straight.model.bias!, { atol: 0, rtol: 0 });
    const steps = resumed.run
      .events()
      .filter((e) => e.event === 'train')
      .map((e) => e.step);
    assert.deepEqual(
      steps,
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    const losses = (run: train.RunDir): number[] =>
      run
        .events()
        .filter((e) => e.event === 'train')
        .map((e) => e.loss as number);
    assert.deepEqual(losses(resumed.run), losses(straight.run));
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
});

test('RunDir: refuses to overwrite a run or resume a missing one; a non-finite loss stops with the checkpoint path', async () => {
  const dir = tmp();
  try {
    assert.throws(
      () => new train.RunDir(join(dir, 'none'), { resume: true }),
      /holds no run \(no config.json\); start one without --resume/,
    );
    const s = setup(dir, false);
    assert.throws(() => new train.RunDir(dir), /already holds a run; pass --resume to continue it, or choose another --out/);
    await s.go();
    const bad = new train.RunDir(dir, { resume: true });
    await assert.rejects(
      train.fit({
        run: bad,
        stage: 'nan',
        model: s.model,
        optimizer: new torch.optim.SGD(s.model.parameters(), { lr: 1 }),
        epochs: 1,
        stepsPerEpoch: 1,
        schedule: () => 1,
        progress: quiet,
        batches: () => [0],
        step: () => ({ loss: NaN, items: 1 }),
      }),
      /nan: the loss became NaN at step 0; lower the learning rate \(the last checkpoint is in .*checkpoints\/nan\)/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("fit runs the update completing step s + 1 at schedule(s + 1) × each group's own lr: warm-up never spends an update at 0", async () => {
  const dir = tmp();
  try {
    const model = new Linear(2, 1);
    const optimizer = new torch.optim.SGD([{ params: [model.weight] }, { params: [model.bias!], lr: 0.3 }], { lr: 0.1 });
    const seen: number[][] = [];
    await train.fit({
      run: new train.RunDir(dir),
      stage: 'lr',
      model,
      optimizer,
      epochs: 1,
      stepsPerEpoch: 5,
      progress: quiet,
      schedule: torch.optim.warmupCosine({ baseLr: 1, warmupSteps: 2, totalSteps: 5 }),
      batches: () => [0, 1, 2, 3, 4],
      step: () => {
        seen.push(optimizer.paramGroups.map((g) => Number(g.lr.toFixed(12))));
        const loss = model.forward(torch.ones([1, 2])).sum();
        loss.backward();
        return { loss: loss.item(), items: 1 };
      },
    });
    // warm-up 1/2, 2/2, then cosine over steps 2 … 5: t = 1/3, 2/3, 1
    const factors = [0.5, 1, 0.75, 0.25, 0];
    assert.deepEqual(
      seen,
      factors.map((f) => [0.1 * f, 0.3 * f].map((v) => Number(v.toFixed(12)))),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('formatDuration', () => {
  assert.deepEqual([45, 192, 3720, -1].map(train.formatDuration), ['45s', '3m12s', '1h02m', '?']);
});
