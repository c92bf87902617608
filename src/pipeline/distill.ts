/**
 * `selfsup distill`: Semi-Supervised Distillation (SimCLRv2, Chen et al. 2020,
 * §2; the "SSD" recipe): a teacher T trained on the labelled fraction (or
 * taken from a run: SimCLR → fine-tune is SimCLRv2's path) is optionally
 * self-trained first into T′ ≥ T (stage 1: Noisy Student iterations), then T′
 * is distilled into a smaller student S (stage 2) with the temperature-scaled
 * KL divergence to T′'s logits on the unlabelled and labelled images, plus an
 * optional weight on the labelled cross-entropy.
 *
 * Stages `teacher`, `student-1` … (stage 1) and `distill` of one run folder,
 * each resumable and scored as a `distill` event; the student is
 * `classifier.safetensors`.
 */
import * as torch from '../torch/index.js';
import { bool, int, num, parseConfig, z, type Config } from '../config/schema.js';
import type { RunDir } from '../train/run-dir.js';
import type { Classifier } from '../models/classifier.js';
import { peekIn, type ModelConfig, type Peek } from './common.js';
import { makeClassifier, resumableStage, saveClassifier, teacherLogits, trainStage } from './self-training.js';
import {
  archSection,
  scoredRow,
  selfTrainingFields,
  selfTrainingStages,
  type Data,
  type RunOptions,
  type SelftrainRow,
} from './selftrain.js';

export function distillSchema(peek: Peek) {
  return z.strictObject({
    ...selfTrainingFields(peek),
    selftrain: int("stage 1: Noisy Student iterations turning the teacher into T′ (0: distil the teacher itself, SimCLRv2's path)", 1, {
      min: 0,
      max: 20,
    }),
    selftrainModel: archSection("stage 1's T′ (equal to or larger than the teacher)", 0.25),
    selftrainSteps: int('steps per stage-1 iteration', 1500, { min: 1 }),
    student: archSection('the small student S of stage 2', 0.0625),
    steps: int('steps of the distillation', 1500, { min: 1 }),
    temperature: num('distillation temperature', 1, { min: 0.01, max: 100 }),
    labelWeight: num('weight of the labelled cross-entropy added to the distillation loss', 0, { min: 0, max: 100 }),
    studentNoise: bool('train the small student under the noise section too (default: clean inputs, as SimCLRv2)', false),
  });
}
export type DistillConfig = Config<ReturnType<typeof distillSchema>>;

/** Runs (or continues) self-training then distillation in `out`; null when interrupted (checkpointed). */
export async function distill(raw: Record<string, unknown>, out: string, o: RunOptions = {}): Promise<SelftrainRow[] | null> {
  const config = parseConfig(distillSchema(peekIn(raw)), raw, 'config');
  const r = await selfTrainingStages('distill', config, out, o, {
    iterations: config.selftrain,
    arch: config.selftrainModel,
    steps: config.selftrainSteps,
  });
  if (!r) return null;
  const small = await distilled(config, r.run, r.data, r.teacher, o);
  if (!small) return null;
  r.rows.push(await scoredRow(r.run, 'distill', 'distill', config.selftrain + 1, small, config.student, r.data, config));
  saveClassifier(r.run, 'classifier', small, config.student, r.data.train);
  return r.rows;
}

/** Stage 2: the small student learns T′'s logits (resumable); null when interrupted. */
async function distilled(config: DistillConfig, run: RunDir, data: Data, teacher: Classifier, o: RunOptions): Promise<Classifier | null> {
  const [, channels] = data.train.images.shape;
  const stage = 'distill';
  const arch: ModelConfig = config.student;
  return resumableStage(run, stage, arch, data.train, async () => {
    const logits = teacherLogits(run, 'logits-distill', teacher, data.train); // [N, C]
    const noise = { ...config.noise, enabled: config.studentNoise && config.noise.enabled };
    torch.manualSeed(config.seed + 1000);
    const student = makeClassifier(arch, channels, data.train.classes.length, noise);
    const r = await trainStage({
      run,
      stage,
      model: student,
      set: data.train,
      labelled: data.labelled,
      unlabelled: { indices: data.unlabelled, targets: logits, ratio: config.ratio },
      loss: 'distill',
      labelSmoothing: 0,
      temperature: config.temperature,
      labelWeight: config.labelWeight,
      noise,
      steps: config.steps,
      batchSize: config.batchSize,
      optim: config.optim,
      seed: config.seed + 1000,
      resume: o.resume,
      stopAfter: o.stopAfter,
      checkpointSeconds: config.checkpointSeconds,
      config,
    });
    return r.interrupted ? null : student;
  });
}
