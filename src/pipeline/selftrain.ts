/**
 * `selfsup selftrain`: Noisy Student (Xie, Luong, Hovy, Le 2020, §2).
 *
 *   1. a teacher is trained on the labelled fraction (or taken from any
 *      fine-tuned run, e.g. SimCLR → fine-tune);
 *   2. the un-noised teacher labels the unlabelled images (the training split
 *      without the labelled subset): soft targets softmax(logits / T), or hard
 *      ones for T ≤ 0; images below a confidence threshold are dropped and the
 *      classes balanced (the most confident kept in full classes, copies in
 *      short ones — the reference code's filter_unlabel);
 *   3. a student of equal or larger size learns from labelled + pseudo-labelled
 *      images under noise (RandAugment, dropout, stochastic depth), with label
 *      smoothing on the labels and `ratio` unlabelled images per labelled one;
 *   4. the student becomes the teacher, k times.
 *
 * Stages `teacher`, `student-1` … `student-k` of one run folder, each resumable;
 * every stage is scored (clean and corrupted test accuracy, size, latency) into
 * metrics.jsonl as a `selftrain` event, and the last one is `classifier.safetensors`.
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { bool, int, num, oneOf, parseConfig, section, str, z, type Config } from '../config/schema.js';
import { dataTag, loadImageSet } from '../data/registry.js';
import type { ImageSet } from '../data/image-sets.js';
import { labelFraction, saveLabelSubset } from '../data/label-fraction.js';
import { filterAndBalance } from '../data/pseudo-labels.js';
import { ENCODERS } from '../models/encoders.js';
import type { Classifier } from '../models/classifier.js';
import { teacherTargets } from '../losses/index.js';
import { RunDir } from '../train/run-dir.js';
import { applyThreads, commonFields, imageData, optimSection, peekIn, shiftedList, type ModelConfig, type Peek } from './common.js';
import {
  corruptionSection,
  loadClassifier,
  makeClassifier,
  noiseSection,
  resolveClassifier,
  resumableStage,
  saveClassifier,
  scoreClassifier,
  teacherLogits,
  trainStage,
  type StageScore,
} from './self-training.js';

/** An architecture section with its own default width (`--model.*`, `--teacherModel.*`). */
export const archSection = (help: string, width: number) =>
  section(
    {
      arch: oneOf('architecture', Object.keys(ENCODERS) as [string, ...string[]], 'resnet18'),
      width: num('channel width multiplier', width, { min: 0.0625, max: 8 }),
      smallStem: bool('ResNet 3×3 stride-1 stem without max-pool (small images)', true),
    },
    help,
  );

/** The fields selftrain and distill share. */
export const selfTrainingFields = (peek: Peek) => {
  const data = peek('data', 'mnist');
  return {
    ...commonFields,
    data: imageData(peek, 'data', 'training images: the labelled fraction and the unlabelled rest', 'train', 'mnist'),
    test: imageData(peek, 'test', "test images (default: the data set's test split)", 'test', data),
    shifted: shiftedList('shifted test sets (other data, same classes), scored after every stage'),
    fraction: num('labelled fraction of the training images (stratified, seeded)', 0.01, { min: 1e-6, max: 1 }),
    teacher: str(
      '"train": train a teacher on the labelled fraction; or a classifier: a run folder (fine-tune, selftrain, distill) or a stage\'s .safetensors',
      'train',
    ),
    teacherModel: archSection('the teacher trained here (teacher "train")', 0.125),
    teacherSteps: int('steps of the teacher trained here', 600, { min: 1 }),
    batchSize: int('labelled images per batch', 32, { min: 1, max: 65536 }),
    labelSmoothing: num('label smoothing on the labelled images', 0.1, { min: 0, max: 1 }),
    noise: noiseSection,
    corruptions: corruptionSection,
    optim: optimSection({ name: 'sgd', lr: 0.8, weightDecay: 5e-4, momentum: 0.9, warmupEpochs: 0 }),
    ratio: num('unlabelled images per labelled image in a batch', 3, { min: 0.01, max: 64 }),
    pseudo: section(
      {
        temperature: num('teacher softmax temperature for the targets; ≤ 0: hard (one-hot) labels', 1, { min: -1, max: 100 }),
        threshold: num('drop unlabelled images whose teacher confidence is below this', 0.3, { min: 0, max: 1 }),
        balance: bool('balance the classes: keep the most confident in full classes, duplicate in short ones', true),
        perClass: int('images per class after balancing (0: unlabelled images / classes)', 0, { min: 0 }),
      },
      'pseudo-labels',
    ),
    checkpointSeconds: num('seconds between checkpoints', 120, { min: 1 }),
  };
};

export function selftrainSchema(peek: Peek) {
  return z.strictObject({
    ...selfTrainingFields(peek),
    model: archSection('the students (equal to or larger than the teacher in Noisy Student)', 0.125),
    iterations: int('Noisy Student iterations (each student becomes the next teacher)', 3, { min: 1, max: 20 }),
    steps: int('steps per student', 1500, { min: 1 }),
  });
}
export type SelftrainConfig = Config<ReturnType<typeof selftrainSchema>>;

/** How a run is driven: continue from checkpoints; stop after N more steps of the current stage with a checkpoint, as Ctrl-C would (tests, time slices). */
export interface RunOptions {
  resume?: boolean;
  stopAfter?: number;
}

/** One stage's row of the results. */
export interface SelftrainRow extends StageScore {
  stage: string;
  iteration: number;
  model: ModelConfig;
}

/** The labelled subset, the data and the resolved config: what every stage of a self-training run starts from. */
export async function selfTrainingData(config: Config<z.ZodObject<ReturnType<typeof selfTrainingFields>>>) {
  const train = await loadImageSet(config.data);
  const test = await loadImageSet(config.test);
  const shifted = await Promise.all(config.shifted.map(async (c) => ({ tag: dataTag(c), set: await loadImageSet(c) })));
  for (const [what, s] of [['test', test] as const, ...shifted.map((s, i) => [`shifted[${i}]`, s.set] as const)]) {
    if (s.images.shape.slice(1).join() !== train.images.shape.slice(1).join())
      throw new RangeError(
        `the ${what} images are [${s.images.shape.slice(1)}] but the training images are [${train.images.shape.slice(1)}]; set their size and channels to match`,
      );
    if (s.classes.join('\n') !== train.classes.join('\n'))
      throw new RangeError(
        `the ${what} set's classes differ from the training set's (${s.classes.length} against ${train.classes.length})`,
      );
  }
  if (train.multiLabel) throw new RangeError(`self-training needs one class per image; ${config.data.name} is multi-label`);
  const subset = labelFraction(train.labels, config.fraction, config.seed);
  const isLabelled = new Set(subset.indices);
  const unlabelled = Array.from({ length: train.images.shape[0] }, (_, i) => i).filter((i) => !isLabelled.has(i));
  return { train, test, shifted, subset, labelled: subset.indices, unlabelled };
}

/** The teacher of stage 0: loaded from `config.teacher`, or trained (resumably) on the labelled fraction. */
export async function firstTeacher(
  config: Config<z.ZodObject<ReturnType<typeof selfTrainingFields>>>,
  run: RunDir,
  data: { train: ImageSet; labelled: number[] },
  o: RunOptions,
): Promise<{ model: Classifier; arch: ModelConfig } | null> {
  const [, channels] = data.train.images.shape;
  if (config.teacher !== 'train') {
    const source = resolveClassifier(config.teacher);
    return { model: loadClassifier(source, data.train), arch: source.model };
  }
  const arch = config.teacherModel;
  const model = await resumableStage(run, 'teacher', arch, data.train, async () => {
    torch.manualSeed(config.seed);
    const teacher = makeClassifier(arch, channels, data.train.classes.length, config.noise);
    const r = await trainStage({
      run,
      stage: 'teacher',
      model: teacher,
      set: data.train,
      labelled: data.labelled,
      loss: 'noisy-student',
      labelSmoothing: config.labelSmoothing,
      temperature: 1,
      labelWeight: 0,
      noise: config.noise,
      steps: config.teacherSteps,
      batchSize: config.batchSize,
      optim: config.optim,
      seed: config.seed,
      resume: o.resume,
      stopAfter: o.stopAfter,
      checkpointSeconds: config.checkpointSeconds,
      config,
    });
    return r.interrupted ? null : teacher;
  });
  return model && { model, arch };
}

/** Scores a stage once (a resumed run reads the logged row back). */
export async function scoredRow(
  run: RunDir,
  event: string,
  stage: string,
  iteration: number,
  model: Classifier,
  arch: ModelConfig,
  data: Pick<Data, 'test' | 'shifted'>,
  config: { corruptions: Config<typeof corruptionSection>; seed: number },
): Promise<SelftrainRow> {
  const logged = run.events().find((e) => e.event === event && e.stage === stage);
  if (logged) return logged as unknown as SelftrainRow;
  const row: SelftrainRow = {
    stage,
    iteration,
    model: arch,
    ...(await scoreClassifier(model, data.test, config.corruptions, config.seed, data.shifted)),
  };
  run.log({ event, ...row });
  return row;
}

type SharedConfig = Config<z.ZodObject<ReturnType<typeof selfTrainingFields>>>;
export type Data = Awaited<ReturnType<typeof selfTrainingData>>;

/** Which iteration a student stage is: its stage name and number, architecture and steps. */
type StudentOptions = RunOptions & { stage: string; iteration: number; arch: ModelConfig; steps: number };

/**
 * One Noisy Student iteration (resumable): the un-noised `teacher` labels the
 * unlabelled images, they are filtered and balanced, and a fresh noised
 * student of `arch` learns from them and the labels for `steps`. Returns the
 * trained student (loaded back when the stage had finished), null when interrupted.
 */
export async function studentStage(
  config: SharedConfig,
  run: RunDir,
  data: Data,
  teacher: Classifier,
  o: StudentOptions,
): Promise<Classifier | null> {
  return resumableStage(run, o.stage, o.arch, data.train, () => trainStudent(config, run, data, teacher, o));
}

/** Trains one Noisy Student iteration's student (see studentStage); null when interrupted. */
async function trainStudent(
  config: SharedConfig,
  run: RunDir,
  data: Data,
  teacher: Classifier,
  o: StudentOptions,
): Promise<Classifier | null> {
  const { stage, iteration } = o;
  const [, channels] = data.train.images.shape;
  const numClasses = data.train.classes.length;
  const logits = teacherLogits(run, `logits-${stage}`, teacher, data.train); // [N, C] from the un-noised teacher
  const targets = teacherTargets(logits, config.pseudo.temperature); // [N, C]
  const probs = torch.scope(() =>
    F.softmax(logits, 1).indexSelect(0, torch.tensor(Float64Array.from(data.unlabelled), { dtype: 'int64' })),
  );
  const perClass = config.pseudo.balance ? config.pseudo.perClass || Math.round(data.unlabelled.length / numClasses) : 0;
  const kept = filterAndBalance(probs.data() as Float32Array, numClasses, {
    threshold: config.pseudo.threshold,
    perClass,
    seed: config.seed + iteration,
  });
  probs.dispose();
  if (kept.indices.length === 0)
    throw new RangeError(
      `${stage}: no unlabelled image passes the confidence threshold ${config.pseudo.threshold}; lower --pseudo.threshold`,
    );
  if (!run.events().some((e) => e.event === 'pseudo' && e.stage === stage))
    run.log({ event: 'pseudo', stage, images: kept.indices.length, perClass: kept.perClassKept, dropped: kept.dropped });
  torch.manualSeed(config.seed + iteration);
  const student = makeClassifier(o.arch, channels, numClasses, config.noise);
  const r = await trainStage({
    run,
    stage,
    model: student,
    set: data.train,
    labelled: data.labelled,
    unlabelled: { indices: kept.indices.map((i) => data.unlabelled[i]), targets, ratio: config.ratio },
    loss: 'noisy-student',
    labelSmoothing: config.labelSmoothing,
    temperature: 1,
    labelWeight: 0,
    noise: config.noise,
    steps: o.steps,
    batchSize: config.batchSize,
    optim: config.optim,
    seed: config.seed + iteration,
    resume: o.resume,
    stopAfter: o.stopAfter,
    checkpointSeconds: config.checkpointSeconds,
    config,
  });
  return r.interrupted ? null : student;
}

/**
 * What selftrain and distill share: the run folder, the data and labelled
 * subset, the first teacher (scored as stage `teacher`), then `iterations`
 * Noisy Student stages of `arch`, each scored as a `command` event. Returns
 * the last model (the next teacher), or null when interrupted (checkpointed).
 */
export async function selfTrainingStages(
  command: 'selftrain' | 'distill',
  config: SharedConfig,
  out: string,
  o: RunOptions,
  stages: { iterations: number; arch: ModelConfig; steps: number },
): Promise<{ run: RunDir; data: Data; rows: SelftrainRow[]; teacher: Classifier } | null> {
  applyThreads(config.threads);
  if (config.teacher !== 'train') resolveClassifier(config.teacher); // a bad teacher fails before the run folder exists
  const run = new RunDir(out, { resume: o.resume });
  const data = await selfTrainingData(config);
  if (!o.resume) run.writeConfig({ ...config, name: config.name ?? run.name, command });
  saveLabelSubset(run.path('labelled.json'), data.subset);
  const first = await firstTeacher(config, run, data, o);
  if (!first) return null;
  const rows = [await scoredRow(run, command, 'teacher', 0, first.model, first.arch, data, config)];
  let teacher = first.model;
  for (let it = 1; it <= stages.iterations; it++) {
    const stage = `student-${it}`;
    const student = await studentStage(config, run, data, teacher, { stage, iteration: it, arch: stages.arch, steps: stages.steps, ...o });
    if (!student) return null;
    rows.push(await scoredRow(run, command, stage, it, student, stages.arch, data, config));
    teacher = student;
  }
  return { run, data, rows, teacher };
}

/** Runs (or continues) Noisy Student in `out`; null when interrupted (checkpointed). */
export async function selftrain(raw: Record<string, unknown>, out: string, o: RunOptions = {}): Promise<SelftrainRow[] | null> {
  const config = parseConfig(selftrainSchema(peekIn(raw)), raw, 'config');
  const r = await selfTrainingStages('selftrain', config, out, o, {
    iterations: config.iterations,
    arch: config.model,
    steps: config.steps,
  });
  if (!r) return null;
  saveClassifier(r.run, 'classifier', r.teacher, config.model, r.data.train);
  return r.rows;
}

/** The rows as a table (header first): stage, architecture, parameters, latency, clean and corrupted accuracy. */
export function selfTrainingTable(rows: SelftrainRow[]): string[][] {
  const pct = (v: number | null): string => (v === null ? '-' : (100 * v).toFixed(2));
  return [
    ['stage', 'model', 'params', 'ms/image (1 thread)', 'test top-1 %', 'corrupted (mCA) %'],
    ...rows.map((r) => [r.stage, `${r.model.arch} ×${r.model.width}`, String(r.params), r.latencyMs.toFixed(2), pct(r.top1), pct(r.mca)]),
  ];
}
