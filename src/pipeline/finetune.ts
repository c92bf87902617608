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
import * as F from '../torch/functional/index.js';
import { bool, int, num, nums, parseConfig, str, z, type Config } from '../config/schema.js';
import { dataTag, loadImageSet } from '../data/registry.js';
import type { ImageSet } from '../data/image-sets.js';
import { labelFraction, saveLabelSubset } from '../data/label-fraction.js';
import { BatchIndexSampler } from '../data/samplers.js';
import { Classifier } from '../models/classifier.js';
import { warmupCosine } from '../optim/schedules.js';
import { RandomResizedCrop } from '../views/index.js';
import { fit } from '../train/fit.js';
import { secondsPerStep, stepsForBudget } from '../train/budget.js';
import { RunDir } from '../train/run-dir.js';
import { accuracies, extractFeatures, multiLabelAuc } from '../eval/index.js';
import {
  applyThreads,
  commonFields,
  imageData,
  makeEncoder,
  makeOptimizer,
  modelSection,
  optimSection,
  peekIn,
  resolveInit,
  rows,
  shiftedList,
  toInput,
  type Peek,
} from './common.js';

export function finetuneSchema(peek: Peek) {
  const data = peek('data', 'fashion-mnist');
  return z.strictObject({
    ...commonFields,
    init: str('pretrained run or encoder .safetensors; "scratch" for random weights', 'scratch'),
    initName: str('name of this initialisation in results (default: the init run\'s name, or "scratch")'),
    data: imageData(peek, 'data', 'labelled training images', 'train'),
    test: imageData(peek, 'test', "test images (default: the data set's test split)", 'test', data),
    shifted: shiftedList('shifted test sets, scored without further training'),
    model: modelSection,
    fractions: nums('label fractions, each a fixed stratified subset', [0.01, 0.1], { min: 1e-6, max: 1 }),
    epochs: num('epochs per fraction', 30, { min: 0 }),
    minSteps: int('at least this many steps per fraction (small fractions)', 200, { min: 0 }),
    seconds: num(
      'time budget per fraction: when > 0, the steps that fit in it (from a timing of the first steps) replace epochs and minSteps',
      0,
      { min: 0 },
    ),
    batchSize: int('images per batch', 128, { min: 1, max: 65536 }),
    augment: bool('random resized crop (area 0.5–1) while fine-tuning', true),
    flip: num('horizontal flip probability while fine-tuning (0 for digits)', 0.5, { min: 0, max: 1 }),
    optim: optimSection({ name: 'sgd', lr: 0.05, weightDecay: 5e-4, momentum: 0.9, warmupEpochs: 0 }),
    checkpointSeconds: num('seconds between checkpoints', 120, { min: 1 }),
  });
}
export type FinetuneConfig = Config<ReturnType<typeof finetuneSchema>>;

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

/**
 * The steps of a time-budgeted stage: timed once and logged as a `budget`
 * event, which a resumed run reads back, so it does the same steps.
 */
function budgetSteps(run: RunDir, stage: string, seconds: number, time: () => number): number {
  const logged = run.events().find((e) => e.event === 'budget' && e.stage === stage);
  if (logged) return logged.steps as number;
  const stepSeconds = time();
  const steps = stepsForBudget(seconds, stepSeconds);
  run.log({ event: 'budget', stage, seconds, stepSeconds, steps });
  return steps;
}

/** Runs (or continues) fine-tuning at every fraction of `config.fractions` in `out`. */
export async function finetune(raw: Record<string, unknown>, out: string, o: { resume?: boolean } = {}): Promise<void> {
  const config = parseConfig(finetuneSchema(peekIn(raw)), raw, 'config');
  applyThreads(config.threads);
  const run = new RunDir(out, { resume: o.resume });
  const train = await loadImageSet(config.data);
  const test = await loadImageSet(config.test);
  const shifted = await Promise.all(config.shifted.map((c) => loadImageSet(c)));
  const [, channels, size] = train.images.shape;
  for (const [what, s] of [['test', test], ...shifted.map((s, i) => [`shifted[${i}]`, s] as const)] as const)
    if (s.images.shape.slice(1).join() !== train.images.shape.slice(1).join())
      throw new RangeError(
        `finetune: the ${what} images are [${s.images.shape.slice(1)}] but the training images are [${train.images.shape.slice(1)}]; set their size and channels to match`,
      );
  const init = config.init === 'scratch' ? undefined : resolveInit(config.init);
  makeEncoder(init?.model ?? config.model, channels, init); // checks the init's weights and channels before the run folder is made
  const initName = config.initName ?? init?.name ?? 'scratch';
  const resolved = {
    ...config,
    name: config.name ?? run.name,
    command: 'finetune',
    initName,
    inChannels: channels,
    imageSize: size,
    model: init?.model ?? config.model,
  };
  if (!o.resume) run.writeConfig(resolved);
  const done = new Set(
    run
      .events()
      .filter((e) => e.event === 'finetune' && e.split === 'test')
      .map((e) => e.fraction),
  );
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
    const batchesOf = (epoch: number): number[][] => [...sampler.batches(epoch)].map((b) => b.map((i) => subset.indices[i]));
    const stepOn = (idx: number[], generator: torch.Generator): number => {
      let x = toInput(rows(train.images, idx)); // [B, C, S, S]
      if (config.augment) x = crop.forward(x, generator);
      const logits = model.forward(x); // [B, C]
      const loss = train.multiLabel
        ? F.binaryCrossEntropyWithLogits(logits, rows(train.multiLabel, idx))
        : F.crossEntropy(logits, rows(train.labels, idx));
      loss.backward();
      return loss.item();
    };
    const stage = `finetune-${tag(fraction)}`;
    let totalSteps = Math.max(Math.ceil(config.epochs), Math.ceil(config.minSteps / stepsPerEpoch)) * stepsPerEpoch;
    if (config.seconds > 0)
      totalSteps = budgetSteps(run, stage, config.seconds, () => {
        const batches = batchesOf(0);
        const scratch = new torch.Generator(config.seed + 2);
        return secondsPerStep({
          model,
          optimizer: makeOptimizer(model.parameters(), config.optim, batchSize),
          step: (i) => void stepOn(batches[i % batches.length], scratch),
        });
      });
    const epochs = Math.ceil(totalSteps / stepsPerEpoch);
    const generator = new torch.Generator(config.seed + 1);
    const result = await fit({
      run,
      stage,
      model,
      optimizer: makeOptimizer(model.parameters(), config.optim, batchSize),
      config: resolved,
      resume: o.resume,
      schedule: warmupCosine({
        baseLr: 1,
        warmupSteps: Math.min(totalSteps, Math.round(config.optim.warmupEpochs * stepsPerEpoch)),
        totalSteps,
      }),
      epochs,
      stepsPerEpoch,
      totalSteps,
      batches: batchesOf,
      step: (idx) => ({ loss: stepOn(idx, generator), items: idx.length }),
      generators: { views: generator },
      checkpointSeconds: config.checkpointSeconds,
    });
    if (result.interrupted) return;
    run.saveWeights(`encoder-${tag(fraction)}`, model.encoder);
    run.saveWeights('encoder', model.encoder);
    run.saveWeights('classifier', model, { classes: JSON.stringify(train.classes) });
    const labels = subset.indices.length;
    for (const [split, set] of [['test', test] as const, ...shifted.map((s, i) => [`shifted:${dataTag(config.shifted[i])}`, s] as const)])
      run.log({ event: 'finetune', init: initName, fraction, labels, split, ...testMetrics(model, set) });
  }
}
