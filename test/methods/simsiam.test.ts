import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch, methods, pipeline } from '../../src/index.js';
import * as F from '../../src/torch/functional/index.js';
import { assertThrows } from '../helpers.js';
import { checkGoldenStep, Flat, HEADS } from './siamese-step.js';

const simsiamHeads = { head: { ...HEADS.head, lastBatchNorm: true }, predictor: HEADS.predictor };

test('SimSiam step matches PyTorch: D(p1, sg(z2))/2 + D(p2, sg(z1))/2, gradients through p only, SGD step', () => {
  const m = new methods.SimSiam(new Flat(6), simsiamHeads);
  const r = checkGoldenStep(m, 'simsiam');
  assert.ok(r.logs!.projectionStd > 0 && r.logs!.projectionStd < Math.sqrt(4), `projectionStd ${r.logs!.projectionStd}`);
});

test('SimSiam stop-gradient: without it the gradient would differ (so the golden gradients check it)', () => {
  torch.manualSeed(1);
  const m = new methods.SimSiam(new Flat(6), simsiamHeads).to({ dtype: 'float64' });
  const a = torch.randn([8, 6, 1, 1], { dtype: 'float64' }).requiresGrad_();
  const b = torch.randn([8, 6, 1, 1], { dtype: 'float64' }).requiresGrad_();
  m.loss(a, b).loss.backward();
  const withStop = a.grad!.clone();
  a.grad = null;
  const o1 = m.online(a);
  const o2 = m.online(b);
  const cos = (p: torch.Tensor, z: torch.Tensor): torch.Tensor =>
    F.normalize(p, { dim: 1 })
      .mul(F.normalize(z, { dim: 1 }))
      .sum(1)
      .mean();
  const noStop = cos(o1.p, o2.z).add(cos(o2.p, o1.z)).div(-2);
  noStop.backward();
  assert.ok(withStop.sub(a.grad!).abs().max().item() > 1e-3, 'z₁ contributes to the gradient without the stop-gradient');
});

test('SimSiam parameter groups: encoder + projector, then the predictor with a fixed learning rate', () => {
  const m = new methods.SimSiam(new Flat(6), simsiamHeads);
  const groups = m.paramGroups();
  assert.deepEqual(
    groups.map((g) => [g.name, g.fixedLr ?? false]),
    [
      ['encoder+projector', false],
      ['predictor', true],
    ],
  );
  assert.deepEqual(new Set(groups.flatMap((g) => g.params)), new Set(m.trainableParameters()));
  assert.deepEqual(groups[1].params, m.predictor.parameters());
  assert.equal(new methods.SimSiam(new Flat(6), { ...simsiamHeads, fixedPredictorLr: false }).paramGroups()[1].fixedLr, false);

  const optim = { name: 'lars' as const, lr: 0.1, weightDecay: 1e-6, momentum: 0.9, warmupEpochs: 0 };
  const lars = pipeline.makeOptimizer(groups, optim, 256);
  assert.deepEqual(
    lars.paramGroups.map((g) => g.params.length),
    [2, 2, 2, 3],
  ); // weights, then biases and norms, per group
  assert.deepEqual(pipeline.fixedLrGroups(lars, groups), [false, false, true, true]);
  assert.deepEqual(pipeline.fixedLrGroups(lars, [{ name: 'all', params: m.trainableParameters() }]), [false, false, false, false]);
});

test('SimSiam through pretrain: the predictor keeps its base learning rate while the rest follows the cosine schedule', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-simsiam-'));
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    const lrs = async (fixedPredictorLr: boolean): Promise<number[]> => {
      const out = join(dir, String(fixedPredictorLr));
      await pipeline.pretrain(
        {
          method: { name: 'simsiam', fixedPredictorLr },
          data: { name: 'fashion-mnist', limit: 64 },
          model: { width: 0.0625, smallStem: false },
          optim: { warmupEpochs: 0 },
          train: { steps: 4, batchSize: 16 },
          monitor: { trainLimit: 32, k: 5, test: { limit: 16 } },
        },
        out,
        { stopAfter: 3 },
      ); // the checkpoint after step 3 of 4 holds the lr of the update that completed it
      const ckpt = join(out, 'checkpoints', 'pretrain');
      const file = readdirSync(ckpt).find((f) => /^optimizer-\d+\.json$/.test(f))!;
      return (JSON.parse(readFileSync(join(ckpt, file), 'utf8')) as { paramGroups: { lr: number }[] }).paramGroups.map((g) => g.lr);
    };
    const base = (0.1 * 16) / 256;
    const last = base * 0.5 * (1 + Math.cos((Math.PI * 3) / 4)); // schedule(3) of 4 steps (fit's step + 1 convention)
    const close = (a: number[], e: number[]): boolean => a.length === e.length && a.every((v, i) => Math.abs(v - e[i]) < 1e-12);
    const fixed = await lrs(true);
    assert.ok(close(fixed, [last, base]), `fixed predictor lr: ${fixed}`);
    const decayed = await lrs(false);
    assert.ok(close(decayed, [last, last]), `decayed predictor lr: ${decayed}`);
  } finally {
    process.stderr.write = write;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SimSiam defaults: the CIFAR recipe (SGD, wd 5e-4) at lr 0.1, bottleneck predictor, no momentum encoder; errors', () => {
  const m = new methods.SimSiam(new Flat(64));
  assert.deepEqual([m.head.blocks.length, m.head.outDim, m.predictor.blocks[0].outDim, m.predictor.outDim], [2, 512, 128, 512]);
  assert.ok(!Object.keys(m.stateDict()).some((k) => k.startsWith('target')));
  assert.ok(m.head.blocks[1].batchNorm && m.head.blocks[1].affine === false, 'batch norm without affine on the projector output');
  assert.deepEqual(methods.simsiam.optim, { name: 'sgd', lr: 0.1, weightDecay: 5e-4, momentum: 0.9, warmupEpochs: 0 });
  assertThrows(
    () => new methods.SimSiam(new Flat(6), { predictor: { outDim: 64 } }),
    /SimSiam options.predictor.outDim: expected the projector's output width 512 but received 64/,
    RangeError,
  );
  assertThrows(
    () => new methods.SimSiam(new Flat(6)).loss(torch.randn([4, 6, 1, 1]), torch.randn([4, 5, 1, 1])),
    /SimSiam.loss: expected two views of the same shape/,
    RangeError,
  );
});
