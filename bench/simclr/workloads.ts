/**
 * selfsup side of bench/simclr: SimCLR pretraining end to end from PNG files —
 * ImageFolder decode (worker pool) → DataLoader batches → two views → one
 * ResNet-18 (small stem) + 2-layer BN head NT-Xent step with LARS — timed like
 * reference.py.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { torch } from '../../src/index.js';
import { DataLoader, DecodePool, ImageFolder, disposeTensors, loadEmoji } from '../../src/data/index.js';
import { SimCLR } from '../../src/methods/index.js';
import { createEncoder } from '../../src/models/index.js';
import { LARS, larsParamGroups } from '../../src/optim/index.js';
import { encodePng, simclrViews } from '../../src/views/index.js';

/** The recipe shared with reference.py: SimCLR's CIFAR-10 setting (Chen et al. 2020, §B.9). */
export const SIZE = 32;
export const STRENGTH = 0.5;
export const TEMPERATURE = 0.5;
export const WEIGHT_DECAY = 1e-6;
/** LARS learning rate: 0.3 × batch / 256 (SimCLR's linear scaling). */
export const lrFor = (batch: number): number => (0.3 * batch) / 256;

/** Writes `count` emoji (Google, Twitter, Facebook drawings) as 32×32 RGB PNGs into `root/c<category>/<i>.png`. */
export async function writeEmojiFolder(root: string, count: number): Promise<void> {
  const set = await loadEmoji({ size: SIZE });
  const n = set.images.shape[0];
  if (count > n) throw new RangeError(`bench/simclr: expected at most ${n} images (the emoji set) but received ${count}`);
  for (let i = 0; i < count; i++) {
    const dir = join(root, `c${set.records[i].category}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, `${i}.png`),
      torch.scope(() => encodePng(set.images.select(0, i).float().div(255))),
    ); // [3, 32, 32]
  }
  disposeTensors(set);
}

export interface LoaderSetting {
  /** Decode threads in the pool; 0 decodes on the main thread (sharp's own threads). */
  workers: number;
  /** Batches read ahead by the DataLoader. */
  prefetch: number;
}

/** What one side reports: seconds per image over the timed steps, and the mean seconds per batch of each phase. */
export interface PretrainTiming {
  seconds: number;
  /** Waiting for the loader's next batch (decode not hidden behind the step). */
  wait: number;
  /** uint8 → float and the two views. */
  views: number;
  /** Forward, NT-Xent, backward, LARS. */
  step: number;
  loss: number;
}

/** Runs `warmup + steps` SimCLR steps on batches of `batch` images from `root`; times the last `steps`. */
export async function simclrPretrain(
  root: string,
  batch: number,
  warmup: number,
  steps: number,
  s: LoaderSetting,
): Promise<PretrainTiming> {
  torch.manualSeed(0);
  const pool = s.workers > 0 ? new DecodePool(s.workers) : 0;
  const dataset = new ImageFolder(root, { size: SIZE, dtype: 'uint8', workers: pool });
  if (dataset.length < batch * (warmup + steps + s.prefetch))
    throw new RangeError(
      `bench/simclr: ${root} holds ${dataset.length} images; expected at least ${batch * (warmup + steps + s.prefetch)} so the loader keeps reading ahead through the timed steps`,
    );
  const loader = new DataLoader<{ image: torch.Tensor; label: number }, { image: torch.Tensor; label: torch.Tensor }>(dataset, {
    batchSize: batch,
    shuffle: true,
    seed: 0,
    dropLast: true,
    prefetch: s.prefetch,
  });
  const views = simclrViews({ size: SIZE, strength: STRENGTH });
  const generator = new torch.Generator(0);
  const model = new SimCLR(createEncoder({ arch: 'resnet18', smallStem: true, inChannels: 3 }), {
    head: { layers: 2, outDim: 128, batchNorm: true },
    temperature: TEMPERATURE,
  });
  model.train();
  const optimizer = new LARS(larsParamGroups(model), { lr: lrFor(batch), weightDecay: WEIGHT_DECAY });
  const it = loader[Symbol.asyncIterator]();
  const t = { wait: 0, views: 0, step: 0 };
  let start = 0;
  let loss = NaN;
  try {
    for (let i = 0; i < warmup + steps; i++) {
      if (i === warmup) {
        Object.assign(t, { wait: 0, views: 0, step: 0 });
        start = performance.now();
      }
      const t0 = performance.now();
      const next = await it.next();
      if (next.done) throw new Error(`bench/simclr: the loader ended after ${i} batches`);
      const t1 = performance.now();
      torch.scope(() => {
        const [a, b] = views.forward(next.value.image.float().div(255), generator); // [B, 3, 32, 32] each
        const t2 = performance.now();
        optimizer.zeroGrad();
        const out = model.loss(a, b);
        out.loss.backward();
        optimizer.step();
        loss = out.loss.item();
        const t3 = performance.now();
        t.wait += t1 - t0;
        t.views += t2 - t1;
        t.step += t3 - t2;
      });
      disposeTensors(next.value);
    }
  } finally {
    await it.return?.();
    if (pool) await pool.close();
  }
  const perBatch = (ms: number): number => ms / 1000 / steps;
  return {
    seconds: (performance.now() - start) / 1000 / (steps * batch),
    wait: perBatch(t.wait),
    views: perBatch(t.views),
    step: perBatch(t.step),
    loss,
  };
}
