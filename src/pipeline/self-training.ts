/**
 * The stages Noisy Student (Xie et al. 2020, §2) and Semi-Supervised
 * Distillation (SimCLRv2, Chen et al. 2020, §2) are made of, shared by
 * `selfsup selftrain` and `selfsup distill`:
 *
 * - a classifier stage trained on a labelled subset, optionally with a second
 *   stream of unlabelled images and their targets in every batch (a set ratio
 *   of unlabelled to labelled images), under input noise (RandAugment) and
 *   model noise (dropout, stochastic depth);
 * - the teacher's logits on the training images, computed once in eval mode
 *   (the un-noised teacher) and kept in the run folder;
 * - after training, batch-norm statistics re-estimated on clean training
 *   images (SWA's update_bn: short runs leave MobileNetV3's slow running
 *   averages behind the weights);
 * - scoring: clean test accuracy, mean corruption accuracy, parameters and
 *   latency at one thread, batch 1.
 *
 * Each stage is a `fit` stage of one run folder, so every stage resumes from
 * its checkpoint; a finished stage leaves `<stage>.safetensors` (the classifier
 * with its architecture in the metadata, so a later stage or run can load it).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { bool, int, num, nums, section, strs, type Config } from '../config/schema.js';
import type { ImageSet } from '../data/image-sets.js';
import { BatchIndexSampler } from '../data/samplers.js';
import { Classifier } from '../models/classifier.js';
import { createEncoder } from '../models/encoders.js';
import { distillationLoss, noisyStudentLoss } from '../losses/index.js';
import { RandAugment } from '../views/index.js';
import { fit, type FitResult, type StepResult } from '../train/fit.js';
import { updateBatchNorm } from '../nn/update-bn.js';
import { RunDir } from '../train/run-dir.js';
import { warmupCosine } from '../optim/schedules.js';
import { accuracies, corruptionAccuracy, extractFeatures, latency } from '../eval/index.js';
import { makeOptimizer, rows, toInput, type ModelConfig, type OptimConfig } from './common.js';

/** The noise section (`--noise.*`): what the student is trained under (Noisy Student §2, "noise"). */
export const noiseSection = section(
  {
    enabled: bool('train under noise (false: the "no noise" ablation — no RandAugment, dropout or stochastic depth)', true),
    ops: int('RandAugment: ops per image', 2, { min: 0, max: 16 }),
    magnitude: num('RandAugment: magnitude on the 0–10 scale (2 suits 28 px digits; Noisy Student used 5 on SVHN)', 2, { min: 0, max: 10 }),
    dropout: num('dropout on the features before the classifier', 0.5, { min: 0, max: 0.95 }),
    dropPath: num('stochastic depth: drop probability of the last residual block (linear from 0)', 0.2, { min: 0, max: 0.95 }),
  },
  'input and model noise of the students',
);
export type NoiseConfig = Config<typeof noiseSection>;

/** The robustness section (`--corruptions.*`): corrupted test sets scored after every stage. */
export const corruptionSection = section(
  {
    names: strs('corruptions (default: all of CORRUPTIONS)'),
    severities: nums('severities', [1, 2, 3, 4, 5], { min: 1, max: 5 }),
    limit: int('first N test images to corrupt (0: skip the corrupted sets)', 2000, { min: 0 }),
  },
  'corrupted test sets (ImageNet-C / MNIST-C protocol)',
);
export type CorruptionConfig = Config<typeof corruptionSection>;

/** A classifier of an architecture with the noise's model part (none when `noise` is off). */
export function makeClassifier(model: ModelConfig, inChannels: number, numClasses: number, noise?: NoiseConfig): Classifier {
  const on = noise?.enabled ?? false;
  const encoder = createEncoder({ ...model, inChannels, dropPath: on ? noise!.dropPath : 0 });
  return new Classifier(encoder, numClasses, { dropout: on ? noise!.dropout : 0 });
}

/** Saves a finished stage's classifier with what is needed to rebuild it. */
export function saveClassifier(run: RunDir, name: string, model: Classifier, arch: ModelConfig, set: ImageSet): string {
  const [, channels, size] = set.images.shape;
  return run.saveWeights(name, model, {
    model: JSON.stringify(arch),
    classes: JSON.stringify(set.classes),
    inChannels: String(channels),
    imageSize: String(size),
  });
}

/**
 * A classifier stage that survives restarts: when `stage` finished in an earlier
 * process (its `stage-done` event is logged) its `<stage>.safetensors` is loaded
 * back; otherwise `train` runs it (null: interrupted, checkpointed) and the
 * trained classifier is saved, then marked done. Returns it in eval mode.
 */
export async function resumableStage(
  run: RunDir,
  stage: string,
  arch: ModelConfig,
  set: ImageSet,
  train: () => Promise<Classifier | null>,
): Promise<Classifier | null> {
  if (run.events().some((e) => e.event === 'stage-done' && e.stage === stage))
    return loadClassifier(resolveClassifier(run.path(`${stage}.safetensors`)), set, stage);
  const model = await train();
  if (!model) return null;
  saveClassifier(run, stage, model, arch, set);
  run.log({ event: 'stage-done', stage });
  return model.eval();
}

/** A classifier on disk: its weights file, architecture and classes. */
export interface ClassifierSource {
  weights: string;
  model: ModelConfig;
  classes: string[];
  inChannels: number;
  name: string;
}

/**
 * Resolves a teacher: a `.safetensors` classifier saved by a stage, or a run
 * folder holding `classifier.safetensors` (fine-tune, selftrain and distill
 * runs); the architecture comes from the file's metadata, else from the run's
 * config.json.
 */
export function resolveClassifier(path: string, what = 'teacher'): ClassifierSource {
  const full = resolve(path);
  if (!existsSync(full)) throw new Error(`${what}: ${full} does not exist (expected a run folder or a classifier .safetensors file)`);
  const dir = statSync(full).isDirectory();
  const weights = dir ? join(full, 'classifier.safetensors') : full;
  if (!existsSync(weights)) throw new Error(`${what}: ${full} has no classifier.safetensors (fine-tune or self-train a classifier first)`);
  const meta = torch.scope(() => torch.safetensors.loadFileWithMetadata(weights).metadata) ?? {};
  const configPath = join(dir ? full : resolve(full, '..'), 'config.json');
  const config = existsSync(configPath)
    ? (JSON.parse(readFileSync(configPath, 'utf8')) as { model?: ModelConfig; inChannels?: number; name?: string })
    : {};
  const model = meta.model ? (JSON.parse(meta.model) as ModelConfig) : config.model;
  if (!model) throw new Error(`${what}: ${weights} does not name its architecture (no "model" metadata, no config.json beside it)`);
  if (!meta.classes) throw new Error(`${what}: ${weights} does not name its classes (no "classes" metadata)`);
  const inChannels = meta.inChannels ? Number(meta.inChannels) : config.inChannels;
  if (inChannels === undefined) throw new Error(`${what}: ${weights} does not say its input channels`);
  const name = dir ? (config.name ?? basename(full)) : `${basename(resolve(full, '..'))}/${basename(full, '.safetensors')}`;
  return { weights, model, classes: JSON.parse(meta.classes) as string[], inChannels, name };
}

/** Loads a resolved classifier for `set` (checked: channels and classes must match), in eval mode. */
export function loadClassifier(source: ClassifierSource, set: ImageSet, what = 'teacher'): Classifier {
  const [, channels] = set.images.shape;
  if (source.inChannels !== channels)
    throw new RangeError(`${what}: ${source.weights} takes ${source.inChannels}-channel images but the data has ${channels}`);
  if (source.classes.join('\n') !== set.classes.join('\n'))
    throw new RangeError(
      `${what}: ${source.weights} was trained on the classes [${source.classes.slice(0, 5).join(', ')}${source.classes.length > 5 ? ', …' : ''}] but the data has [${set.classes.slice(0, 5).join(', ')}${set.classes.length > 5 ? ', …' : ''}]`,
    );
  const model = makeClassifier(source.model, channels, set.classes.length);
  torch.scope(() => model.loadStateDict(torch.safetensors.loadFile(source.weights), true, source.weights));
  return model.eval();
}

/**
 * The un-noised teacher's logits [N, C] on every image of `set`, computed in
 * eval mode once and kept in the run folder as `<name>.safetensors` (a resumed
 * stage reads them back rather than recomputing).
 */
export function teacherLogits(run: RunDir, name: string, teacher: Classifier, set: ImageSet): torch.Tensor {
  const path = run.path(`${name}.safetensors`);
  if (existsSync(path)) return torch.safetensors.loadFile(path).logits;
  teacher.eval();
  const logits = torch.keep(extractFeatures((x) => teacher.forward(x), set.images, { prepare: toInput }));
  torch.scope(() => torch.safetensors.saveFile(path, { logits }));
  return logits;
}

/** The second stream of a stage: unlabelled images (indices into the set, repeats allowed) and what the student matches on them. */
export interface Unlabelled {
  indices: number[];
  /** Per image of the set [N, C]: target distributions (noisy student) or the teacher's logits (distillation). */
  targets: torch.Tensor;
  /** Unlabelled images per labelled image in a batch. */
  ratio: number;
}

export interface StageOptions {
  run: RunDir;
  stage: string;
  model: Classifier;
  set: ImageSet;
  labelled: number[];
  /** Without it the stage is supervised on the labelled images alone (the teacher). */
  unlabelled?: Unlabelled;
  /** 'noisy-student': labels with smoothing + soft targets; 'distill': T²·KL to the teacher's logits on both streams. */
  loss: 'noisy-student' | 'distill';
  labelSmoothing: number;
  /** Distillation temperature. */
  temperature: number;
  /** Distillation: weight of the labelled cross-entropy added to the KL term. */
  labelWeight: number;
  noise: NoiseConfig;
  steps: number;
  batchSize: number;
  optim: OptimConfig;
  seed: number;
  resume?: boolean;
  /** Stop after this many more steps of the stage (counted from its checkpoint) with a checkpoint, as Ctrl-C would (tests, time slices). */
  stopAfter?: number;
  checkpointSeconds: number;
  config: unknown;
}

interface MixedBatch {
  lab: number[];
  unl: number[];
}

/** Batches of labelled (and unlabelled) indices: `epoch` is a pass over the larger stream; the other cycles with its own seeded order. */
function mixedBatches(o: StageOptions): { stepsPerEpoch: number; batches: (epoch: number) => MixedBatch[] } {
  const labBatch = Math.min(o.batchSize, o.labelled.length);
  const lab = new BatchIndexSampler(o.labelled.length, { batchSize: labBatch, shuffle: true, seed: o.seed, dropLast: true });
  const unlBatch = o.unlabelled ? Math.max(1, Math.round(o.unlabelled.ratio * labBatch)) : 0;
  const unl = o.unlabelled
    ? new BatchIndexSampler(o.unlabelled.indices.length, { batchSize: unlBatch, shuffle: true, seed: o.seed + 1, dropLast: true })
    : null;
  if (unl && unl.numBatches === 0)
    throw new RangeError(`${o.stage}: ${o.unlabelled!.indices.length} unlabelled images are fewer than one batch of ${unlBatch}`);
  const stepsPerEpoch = unl ? unl.numBatches : lab.numBatches;
  const labEpochs = new Map<number, number[][]>();
  const labAt = (g: number): number[] => {
    const e = Math.floor(g / lab.numBatches);
    if (!labEpochs.has(e)) {
      labEpochs.clear();
      labEpochs.set(
        e,
        [...lab.batches(e)].map((b) => b.map((i) => o.labelled[i])),
      );
    }
    return labEpochs.get(e)![g % lab.numBatches];
  };
  const batches = (epoch: number): MixedBatch[] => {
    const u = unl ? [...unl.batches(epoch)].map((b) => b.map((i) => o.unlabelled!.indices[i])) : [];
    return Array.from({ length: stepsPerEpoch }, (_, j) => ({ lab: labAt(epoch * stepsPerEpoch + j), unl: u[j] ?? [] }));
  };
  return { stepsPerEpoch, batches };
}

/** The step a resumed stage continues from (0 without a checkpoint). */
function checkpointStep(run: RunDir, stage: string, resume?: boolean): number {
  if (!resume || !run.hasCheckpoint(stage)) return 0;
  return (JSON.parse(readFileSync(join(run.checkpointDir(stage), 'manifest.json'), 'utf8')) as { step: number }).step;
}

/** Trains (or resumes) one stage; resolves when it is done or was interrupted (checkpointed). */
export async function trainStage(o: StageOptions): Promise<FitResult> {
  const { model, set } = o;
  const { stepsPerEpoch, batches } = mixedBatches(o);
  const augment = o.noise.enabled && o.noise.ops > 0 ? new RandAugment({ ops: o.noise.ops, magnitude: o.noise.magnitude, fill: 0 }) : null;
  const generator = new torch.Generator(o.seed + 2);
  const batchSize = o.batchSize;
  const step = (b: MixedBatch, s: number): StepResult => {
    torch.manualSeed(o.seed * 1_000_003 + s); // dropout and stochastic depth: the same masks after a resume
    const idx = [...b.lab, ...b.unl];
    let x = toInput(rows(set.images, idx)); // [B_lab + B_unl, C, S, S]
    if (augment) x = augment.forward(x, generator);
    const logits = model.forward(x); // [B, classes]
    const labLogits = logits.narrow(0, 0, b.lab.length);
    const labels = rows(set.labels, b.lab);
    if (!o.unlabelled) {
      const loss = F.crossEntropy(labLogits, labels, { labelSmoothing: o.labelSmoothing });
      loss.backward();
      return { loss: loss.item(), items: idx.length };
    }
    const unlLogits = logits.narrow(0, b.lab.length, b.unl.length);
    if (o.loss === 'noisy-student') {
      const r = noisyStudentLoss({
        labLogits,
        labels,
        unlLogits,
        unlTargets: rows(o.unlabelled.targets, b.unl),
        labelSmoothing: o.labelSmoothing,
      });
      r.loss.backward();
      return { loss: r.loss.item(), items: idx.length, extra: { labLoss: r.labLoss, unlLoss: r.unlLoss } };
    }
    const kl = distillationLoss(logits, rows(o.unlabelled.targets, idx), { temperature: o.temperature });
    const loss = o.labelWeight > 0 ? kl.add(F.crossEntropy(labLogits, labels).mul(o.labelWeight)) : kl;
    loss.backward();
    return { loss: loss.item(), items: idx.length, extra: { kl: kl.item() } };
  };
  const epochs = Math.ceil(o.steps / stepsPerEpoch);
  const r = await fit<MixedBatch>({
    run: o.run,
    stage: o.stage,
    model,
    optimizer: makeOptimizer(model.parameters(), o.optim, batchSize),
    config: o.config,
    resume: o.resume,
    stopAfter: o.stopAfter === undefined ? undefined : checkpointStep(o.run, o.stage, o.resume) + o.stopAfter,
    schedule: warmupCosine({
      baseLr: 1,
      warmupSteps: Math.min(o.steps, Math.round(o.optim.warmupEpochs * stepsPerEpoch)),
      totalSteps: o.steps,
    }),
    epochs,
    stepsPerEpoch,
    totalSteps: o.steps,
    batches,
    step,
    generators: { views: generator },
    checkpointSeconds: o.checkpointSeconds,
  });
  if (!r.interrupted) updateBatchNorm(model, statisticsBatches(set, o.labelled, o.unlabelled?.indices ?? [], o.seed));
  return r;
}

/** 20 batches of 128 clean training images (labelled and unlabelled, seeded), for the final batch-norm statistics. */
function* statisticsBatches(set: ImageSet, labelled: number[], unlabelled: number[], seed: number): Generator<torch.Tensor> {
  const pool = [...labelled, ...unlabelled];
  const sampler = new BatchIndexSampler(pool.length, { batchSize: Math.min(128, pool.length), shuffle: true, seed: seed + 3 });
  let k = 0;
  for (const b of sampler.batches(0)) {
    if (k++ === 20) return;
    yield toInput(
      rows(
        set.images,
        b.map((i) => pool[i]),
      ),
    );
  }
}

/** What a finished stage is scored on. */
export interface StageScore {
  top1: number;
  /** Mean corruption accuracy (null when the corrupted sets are skipped). */
  mca: number | null;
  perCorruption: Record<string, number[]> | null;
  /** Top-1 on each shifted test set, by its tag. */
  shifted: Record<string, number>;
  params: number;
  /** Milliseconds per image at one thread, batch 1 (median). */
  latencyMs: number;
}

/** Scores a classifier in eval mode on the clean test set, its corrupted versions, shifted test sets, its size and its one-thread latency. */
export async function scoreClassifier(
  model: Classifier,
  test: ImageSet,
  c: CorruptionConfig,
  seed: number,
  shiftedSets: { tag: string; set: ImageSet }[] = [],
): Promise<StageScore> {
  model.eval();
  const predict = (images: torch.Tensor): torch.Tensor => extractFeatures((x) => model.forward(x), images, { prepare: toInput });
  const top1Of = (set: ImageSet): number => torch.scope(() => accuracies(predict(set.images), set.labels, [1]).top1);
  const top1 = top1Of(test);
  const shifted = Object.fromEntries(shiftedSets.map((s) => [s.tag, top1Of(s.set)]));
  let mca: number | null = null;
  let perCorruption: Record<string, number[]> | null = null;
  if (c.limit > 0) {
    const n = Math.min(c.limit, test.images.shape[0]);
    const images = test.images.narrow(0, 0, n);
    const labels = test.labels.narrow(0, 0, n);
    const r = await corruptionAccuracy((x) => torch.scope(() => accuracies(predict(x), labels, [1]).top1), images, labels, {
      names: c.names,
      severities: c.severities,
      seed,
    });
    [mca, perCorruption] = [r.mean, r.perCorruption];
  }
  const threads = torch.getNumThreads();
  torch.setNumThreads(1);
  const one = toInput(test.images.narrow(0, 0, 1));
  const lat = latency((x) => model.forward(x), one);
  torch.setNumThreads(threads);
  return { top1, mca, perCorruption, shifted, params: model.numParameters(), latencyMs: lat.medianMs };
}
