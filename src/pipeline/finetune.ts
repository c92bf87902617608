/**
 * `selfsup finetune`: supervised fine-tuning of an encoder (pretrained, or from
 * scratch) plus a linear classifier on fixed stratified label fractions (SimCLR
 * §4 / appendix B.5: 1 % and 10 % of the labels; cross-entropy, or binary
 * cross-entropy for multi-label sets), each evaluated on the test set
 * and on shifted test sets without further training. One event per (fraction,
 * split) goes to metrics.jsonl; the label-efficiency curve is drawn from them.
 */
import { mkdirSync } from 'node:fs';
import * as torch from '../torch/index.js';
import { Linear, Module } from '../nn/index.js';
import * as F from '../torch/functional/index.js';
import { loadImageSet, type ImageSet, type ImageSetConfig } from '../data/image-sets.js';
import { labelFraction, saveLabelSubset } from '../data/label-fraction.js';
import { BatchIndexSampler } from '../data/samplers.js';
import type { Encoder, EncoderConfig } from '../models/encoders.js';
import { warmupCosine } from '../optim/schedules.js';
import { RandomResizedCrop } from '../views/index.js';
import { fit } from '../train/fit.js';
import { RunDir } from '../train/run-dir.js';
import { accuracies, extractFeatures, multiLabelAuc } from '../eval/index.js';
import { applyThreads, makeEncoder, makeOptimizer, resolveInit, rows, shiftedName, toInput, type OptimConfig } from './common.js';

export interface FinetuneConfig {
  name?: string;
  seed: number;
  threads?: number;
  init: string;
  initName?: string;
  data: ImageSetConfig;
  test: ImageSetConfig;
  shifted: ImageSetConfig[];
  model: EncoderConfig;
  fractions: number[];
  epochs: number;
  minSteps: number;
  batchSize: number;
  augment: boolean;
  flip: number;
  optim: OptimConfig;
  checkpointSeconds: number;
}

/** Encoder + linear classifier. x [N, C, H, W] → logits [N, numClasses]. Keys: encoder.*, fc.*. */
export class Classifier extends Module {
  readonly encoder: Encoder;
  readonly fc: Linear;
  constructor(encoder: Encoder, numClasses: number) {
    super();
    this.encoder = this.registerModule('encoder', encoder);
    this.fc = this.registerModule('fc', new Linear(encoder.featureDim, numClasses));
  }
  forward(x: torch.Tensor): torch.Tensor {
    return torch.scope(() => this.fc.forward(this.encoder.forward(x)));
  }
}

/**
 * Scores `model` on a set (eval mode, no grad): top-1/top-5 for one class per
 * image; per-class and mean ROC AUC for multi-label sets.
 */
export function testMetrics(model: { eval(): unknown; forward(x: torch.Tensor): torch.Tensor }, set: ImageSet): Record<string, unknown> {
  model.eval();
  return torch.scope(() => {
    const logits = extractFeatures((x: torch.Tensor) => model.forward(x), set.images, { prepare: toInput }); // [N, C]
    if (set.multiLabel) {
      const auc = multiLabelAuc(logits, set.multiLabel);
      return { meanAuc: auc.mean, perClassAuc: auc.perClass };
    }
    const r = accuracies(logits, set.labels);
    return { top1: r.top1, top5: r.top5 };
  });
}

/** A short, filesystem-safe tag for a fraction: 0.01 → "0.01". */
const tag = (f: number): string => String(f);

/** Runs (or continues) fine-tuning at every fraction of `config.fractions` in `out`. */
export async function finetune(config: FinetuneConfig, out: string, o: { resume?: boolean } = {}): Promise<void> {
  applyThreads(config.threads);
  const run = new RunDir(out, { resume: o.resume });
  const train = await loadImageSet(config.data);
  const test = await loadImageSet(config.test);
  const shifted = await Promise.all(config.shifted.map(loadImageSet));
  const [, channels, size] = train.images.shape;
  const init = config.init === 'scratch' ? undefined : resolveInit(config.init);
  const initName = config.initName ?? init?.name ?? 'scratch';
  const resolved = { ...config, name: config.name ?? run.dir.split('/').pop(), command: 'finetune', initName, inChannels: channels, model: init?.model ?? config.model };
  if (!o.resume) run.writeConfig(resolved);
  const done = new Set(run.events().filter((e) => e.event === 'finetune' && e.split === 'test').map((e) => e.fraction));
  const crop = new RandomResizedCrop({ size, scale: [0.5, 1], flip: config.flip });
  mkdirSync(run.path('subsets'), { recursive: true });
  for (const fraction of [...config.fractions].sort((a, b) => a - b)) {
    if (done.has(fraction)) continue;
    const subset = labelFraction(train.labels, fraction, config.seed);
    saveLabelSubset(run.path(`subsets/fraction-${tag(fraction)}.json`), subset);
    torch.manualSeed(config.seed);
    const model = new Classifier(makeEncoder(config.model, channels, init), train.classes.length);
    const batchSize = Math.min(config.batchSize, subset.indices.length);
    const sampler = new BatchIndexSampler(subset.indices.length, { batchSize, shuffle: true, seed: config.seed, dropLast: true });
    const stepsPerEpoch = sampler.numBatches;
    const epochs = Math.max(Math.ceil(config.epochs), Math.ceil(config.minSteps / stepsPerEpoch));
    const totalSteps = epochs * stepsPerEpoch;
    const generator = new torch.Generator(config.seed + 1);
    const result = await fit({
      run, stage: `finetune-${tag(fraction)}`, model, optimizer: makeOptimizer(model, config.optim, batchSize), config: resolved, resume: o.resume,
      schedule: warmupCosine({ baseLr: 1, warmupSteps: Math.round(config.optim.warmupEpochs * stepsPerEpoch), totalSteps }),
      epochs, stepsPerEpoch,
      batches: (epoch) => [...sampler.batches(epoch)].map((b) => b.map((i) => subset.indices[i])),
      step: (idx) => {
        let x = toInput(rows(train.images, idx)); // [B, C, S, S]
        if (config.augment) x = crop.forward(x, generator);
        const logits = model.forward(x); // [B, C]
        const loss = train.multiLabel ? F.binaryCrossEntropyWithLogits(logits, rows(train.multiLabel, idx)) : F.crossEntropy(logits, rows(train.labels, idx));
        loss.backward();
        return { loss: loss.item(), items: idx.length };
      },
      generators: { views: generator }, checkpointSeconds: config.checkpointSeconds,
    });
    if (result.interrupted) return;
    run.saveWeights(`encoder-${tag(fraction)}`, model.encoder);
    run.saveWeights('encoder', model.encoder);
    const labels = subset.indices.length;
    for (const [split, set] of [['test', test] as const, ...shifted.map((s, i) => [shiftedName(config.shifted[i]), s] as const)])
      run.log({ event: 'finetune', init: initName, fraction, labels, split, ...testMetrics(model, set) });
  }
}
