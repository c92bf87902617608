/**
 * `selfsup pretrain`: self-supervised pretraining of an encoder on unlabelled
 * images by any registered method, with a kNN monitor and a collapse guard,
 * into a run directory (config, metrics, checkpoints, model.safetensors = the
 * method's whole state, encoder.safetensors = the encoder alone).
 *
 * Everything — options, data, shapes, the method's modules, the sampler — is
 * checked before the run folder is created, so a bad value never leaves a
 * half-made run behind.
 */
import * as torch from '../torch/index.js';
import { bool, choice, int, num, parseConfig, section, str, z, type Config } from '../config/schema.js';
import { dataSection, loadImageSet } from '../data/registry.js';
import type { ImageSet } from '../data/image-sets.js';
import { METHODS, getMethod } from '../methods/registry.js';
import type { MethodModel, MethodSpec, StepInfo } from '../methods/method.js';
import { instancePairs, shardPairs, type PairBatch } from '../methods/pairs.js';
import { checkShard } from '../data/distributed-sampler.js';
import { ShardGenerator } from '../views/image/common.js';
import { rank0Value, worldOf } from '../train/ranks.js';
import { dataParallel } from './data-parallel.js';
import { warmupCosine } from '../optim/schedules.js';
import { pretrainTextSchema, pretrainText } from './pretrain-text.js';
import { pretrainAudioSchema, pretrainAudio } from './pretrain-audio.js';
import { pretrainSceneSchema, pretrainScene } from './pretrain-scene.js';
import { fit, type FitResult } from '../train/fit.js';
import { secondsPerStep, stepsForBudget } from '../train/budget.js';
import { RunDir, type MetricEvent } from '../train/run-dir.js';
import { extractFeatures, knnEvaluate } from '../eval/index.js';
import { collapseDiagnostics } from '../eval/collapse.js';
import {
  applyThreads,
  chosenMethodOptions,
  commonFields,
  fixedLrGroups,
  makeEncoder,
  makeOptimizer,
  methodOptions,
  modelSection,
  optimSection,
  peekIn,
  resolveInit,
  rows,
  toInput,
  type Peek,
} from './common.js';

/** The data sections of a pretraining run: the training set and the monitor's test set (the same set by default). */
function monitorSection(peek: Peek) {
  const data = peek('data', 'fashion-mnist');
  return section(
    {
      every: int('steps between kNN evaluations (0: only at the end)', 0, { min: 0 }),
      trainLimit: int('labelled training images in the kNN memory bank', 5000, { min: 1 }),
      k: int('neighbours (200 for ImageNet-sized banks)', 20, { min: 1 }),
      temperature: num('kNN weighting temperature', 0.1, { min: 1e-4 }),
      collapseStd: num('warn when the std of the normalised features times √D falls below this (0 = collapse)', 0.1, { min: 0, max: 1 }),
      test: dataSection("test images of the monitor (default: the training set's test split)", {
        modality: 'image',
        selected: peek('monitor.test', data),
        dflt: data,
        split: 'test',
      }),
    },
    'kNN accuracy and collapse guard during training',
  );
}

/** The schema of `selfsup pretrain`: the image schema below, or the text (pretrain-text.ts) or audio one (pretrain-audio.ts). */
export function pretrainCommandSchema(peek: Peek): z.ZodType {
  const modality = modalityOf(peek('method', 'simclr'));
  if (modality === 'scene') return pretrainSceneSchema(peek);
  return modality === 'text' ? pretrainTextSchema(peek) : modality === 'audio' ? pretrainAudioSchema(peek) : pretrainSchema(peek);
}

/** The modality of a registered method (image for an unknown name: the image schema reports it). */
const modalityOf = (name: string): string => (Object.hasOwn(METHODS, name) ? METHODS[name].modality : 'image');

/** The schema of an image pretraining config; the method's and data sets' own options depend on their names (`peek`). */
export function pretrainSchema(peek: Peek) {
  const method = peek('method', 'simclr');
  const spec: MethodSpec | undefined = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
  const names = Object.values(METHODS).map((m) => m.name); // text methods choose the text schema above
  // checked here; typed by the method's own schema where it is built (the resolved views hold the preset's values)
  const options = chosenMethodOptions(peek);
  return z.strictObject({
    ...commonFields,
    method: choice('self-supervised method (`selfsup methods` lists them)', names, 'simclr', options as Record<never, never>),
    init: str('start from this run (or encoder .safetensors) instead of random weights'),
    data: dataSection('unlabelled training images (labels are used only by the kNN monitor)', {
      modality: 'image',
      selected: peek('data', 'fashion-mnist'),
      dflt: 'fashion-mnist',
      split: 'train',
    }),
    model: modelSection,
    optim: optimSection((spec ?? METHODS.simclr).optim),
    train: section(
      {
        epochs: num('epochs (fractions allowed)', 10, { min: 0 }),
        steps: int('optimizer steps; overrides epochs when > 0 (equal budgets across methods)', 0, { min: 0 }),
        seconds: num(
          'time budget: when steps is 0 and this is > 0, the steps that fit in it, from a timing of the first steps (equal wall-clock budgets)',
          0,
          { min: 0 },
        ),
        batchSize: int('images per batch (each gives two or more views)', 256, { min: 2, max: 65536 }),
        checkpointSeconds: num('seconds between checkpoints', 120, { min: 1 }),
        logEvery: int('steps between metric lines', 10, { min: 1 }),
        syncBatchNorm: bool(
          'data-parallel runs: batch norm over the global batch of all ranks (SyncBatchNorm), so W ranks of B/W train exactly as one process of B; off: each rank normalises its own B/W (faster)',
          false,
        ),
      },
      'training loop',
    ),
    monitor: monitorSection(peek),
  });
}
export type PretrainConfig = Config<ReturnType<typeof pretrainSchema>>;

/** Resolves a raw (partial) pretraining config: defaults filled, every field checked; errors start with `where`. */
export const resolvePretrain = (raw: Record<string, unknown>, where = 'config'): PretrainConfig =>
  parseConfig(pretrainSchema(peekIn(raw)), raw, where);

/** kNN top-1/top-5 and the collapse statistics of a model's representation: memory bank = `bank`, queries = `test`. */
export function knnMonitor(
  model: MethodModel,
  bank: ImageSet,
  test: ImageSet,
  o: { k: number; temperature: number; collapseStd: number },
  warn: (msg: string) => void,
): () => Record<string, number> {
  const numClasses = bank.classes.length;
  return () =>
    torch.scope(() => {
      model.eval();
      const features = (s: ImageSet): torch.Tensor => extractFeatures((x) => model.representation(x), s.images, { prepare: toInput });
      const bankF = features(bank);
      const r = knnEvaluate(bankF, bank.labels, features(test), test.labels, {
        numClasses,
        k: Math.min(o.k, bank.labels.shape[0]),
        temperature: o.temperature,
      });
      const c = collapseDiagnostics(bankF);
      const normStd = c.std * Math.sqrt(bankF.shape[1]);
      if (normStd < o.collapseStd)
        warn(
          `collapse warning: the representation's per-dimension std is ${c.std.toExponential(2)} (×√D = ${normStd.toFixed(3)} < ${o.collapseStd}); effective rank ${c.effectiveRank.toFixed(1)} of ${bankF.shape[1]}`,
        );
      return {
        top1: r.top1,
        top5: r.top5,
        k: o.k,
        std: c.std,
        normalizedStd: normStd,
        effectiveRank: c.effectiveRank,
        collapsed: normStd < o.collapseStd ? 1 : 0,
      };
    });
}

/** Checks the monitor's test set matches the training images (channels and size) before any work. */
function checkSameInput(train: ImageSet, test: ImageSet, trainName: string, testName: string): void {
  const [, c, h, w] = train.images.shape;
  const [, tc, th, tw] = test.images.shape;
  if (c !== tc || h !== th || w !== tw)
    throw new RangeError(
      `monitor.test: ${testName} gives ${tc}×${th}×${tw} images but the training set ${trainName} gives ${c}×${h}×${w}; set --monitor.test.* (size, channels) to match`,
    );
}

/** Runs (or, with `resume`, continues) a pretraining run in `out`. */
export async function pretrain(
  raw: Record<string, unknown>,
  out: string,
  o: { resume?: boolean; stopAfter?: number } = {},
): Promise<FitResult> {
  const method = peekIn(raw)('method', 'simclr');
  const modality = modalityOf(method);
  const world = worldOf();
  if (world.worldSize > 1 && modality !== 'image')
    throw new Error(`pretrain: data-parallel runs cover the image methods; ${method} is a ${modality} method (run it as one process)`);
  if (modality === 'text') return pretrainText(raw, out, o);
  if (modality === 'audio') return pretrainAudio(raw, out, o);
  if (modality === 'scene') return pretrainScene(raw, out, o);
  const config = resolvePretrain(raw);
  applyThreads(config.threads);
  checkShard(world, config.train.batchSize, 'train.batchSize');
  const run = new RunDir(out, { resume: o.resume, writer: world.rank === 0 });
  const spec = getMethod(config.method.name, 'image');
  const set = await loadImageSet(config.data);
  const test = await loadImageSet(config.monitor.test);
  checkSameInput(set, test, config.data.name, config.monitor.test.name);
  const [n, channels, size] = set.images.shape;
  const init = config.init ? resolveInit(config.init) : undefined;
  const { batchSize, epochs } = config.train;
  const globalSampler = (spec.pairs ?? instancePairs)({
    numItems: n,
    batchSize,
    seed: config.seed,
    caseIds: set.caseIds,
    warn: (m) => run.writer && console.error(`pretrain: warning: ${m}`),
  });
  const sampler = shardPairs(globalSampler, batchSize, world); // this rank's slice of each global batch
  const stepsPerEpoch = sampler.numBatches;
  let totalSteps = config.train.steps > 0 ? config.train.steps : Math.max(1, Math.round(epochs * stepsPerEpoch));
  torch.manualSeed(config.seed);
  let encoders = 0; // the first encoder a method asks for starts from `init`; its momentum/teacher copies load the online weights themselves
  const model = spec.build(spec.options.parse(methodOptions(config)), {
    encoder: () => makeEncoder(init?.model ?? config.model, channels, encoders++ === 0 ? init : undefined),
    input: { channels, size },
    batchSize,
    totalSteps,
    stepsPerEpoch,
  });
  const ddp = dataParallel(model, { syncBatchNorm: config.train.syncBatchNorm });
  const info = (step: number): StepInfo => ({ step, totalSteps, stepsPerEpoch, epoch: step / stepsPerEpoch });
  const stepOn = (b: PairBatch, step: number, generator: torch.Generator): { loss: number; logs?: Record<string, number> } => {
    const images = toInput(rows(set.images, b.first)); // [B/W, C, S, S]
    const partners = b.second === b.first ? images : toInput(rows(set.images, b.second));
    ddp.syncBuffers();
    const r = model.trainingStep(model.views({ images, partners }, generator), info(step));
    r.loss.backward();
    ddp.syncGradients();
    return { loss: r.loss.item(), logs: r.logs };
  };
  const groups = model.paramGroups();
  const train = { ...config.train };
  let budget: MetricEvent | undefined;
  if (train.steps === 0 && train.seconds > 0) {
    const batches = [...sampler.batches(0)];
    const scratch = new ShardGenerator(config.seed + 2, world.rank, world.worldSize);
    const stepSeconds = secondsPerStep({
      model,
      optimizer: makeOptimizer(groups, config.optim, batchSize),
      step: (i) => void stepOn(batches[i % batches.length], i, scratch),
      afterStep: (i) => model.afterStep(info(i)),
    });
    train.steps = totalSteps = rank0Value(stepsForBudget(train.seconds, stepSeconds)); // every rank runs rank 0's count
    budget = { event: 'budget', stage: 'pretrain', seconds: train.seconds, stepSeconds, steps: totalSteps };
    if (run.writer) console.error(`pretrain: ${stepSeconds.toFixed(3)} s per step: ${totalSteps} steps fit in ${train.seconds} s`);
  }
  const optimizer = makeOptimizer(groups, config.optim, batchSize);
  const fixedLr = fixedLrGroups(optimizer, groups);
  const resolved = {
    ...config,
    train,
    name: config.name ?? run.name,
    command: 'pretrain',
    inChannels: channels,
    imageSize: size,
    model: init?.model ?? config.model,
  };
  if (!o.resume) run.writeConfig(resolved); // everything above is checked: only now does the run folder appear
  if (budget && !o.resume) run.log(budget);
  if (world.worldSize > 1)
    run.log({
      event: 'distributed',
      stage: 'pretrain',
      worldSize: world.worldSize,
      backend: 'gloo',
      syncBatchNorm: config.train.syncBatchNorm,
    });

  const generator = new ShardGenerator(config.seed + 1, world.rank, world.worldSize); // the views of this rank's slice, drawn for the global batch
  const warmupSteps = Math.min(totalSteps, Math.round(config.optim.warmupEpochs * stepsPerEpoch));
  const cosine = warmupCosine({ baseLr: 1, warmupSteps, totalSteps });
  const m = config.monitor;
  const bankSize = Math.min(n, m.trainLimit);
  const bank = { ...set, images: set.images.narrow(0, 0, bankSize), labels: set.labels.narrow(0, 0, bankSize) };
  const result = await fit({
    run,
    stage: 'pretrain',
    model,
    optimizer,
    config: resolved,
    resume: o.resume,
    stopAfter: o.stopAfter,
    schedule: (step, group) => (fixedLr[group] ? 1 : cosine(step)),
    epochs: Math.ceil(totalSteps / stepsPerEpoch),
    stepsPerEpoch,
    totalSteps,
    batches: (epoch) => sampler.batches(epoch),
    step: (b, step) => {
      const r = stepOn(b, step, generator);
      return { loss: r.loss, items: b.first.length, extra: r.logs };
    },
    afterStep: (step) => model.afterStep(info(step)),
    evaluate: knnMonitor(model, bank, test, m, (message) => {
      console.error(`pretrain: ${message}`);
      run.log({ event: 'warning', stage: 'pretrain', message });
    }),
    evalEvery: m.every,
    evalEvent: 'knn',
    generators: { views: generator },
    checkpointSeconds: config.train.checkpointSeconds,
    logEvery: config.train.logEvery,
  });
  if (!result.interrupted) {
    run.saveWeights('model', model);
    run.saveWeights('encoder', model.encoder);
  }
  return result;
}
