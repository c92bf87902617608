/**
 * `selfsup text-eval RUN`: the text encoder of a pretraining run (ELECTRA, MLM),
 * fine-tuned on labelled text tasks as ELECTRA is on GLUE (src/eval/text-classify.ts):
 * its final encoder, every snapshot along the run (the compute curve of ELECTRA's
 * Figure 3: score against pretraining FLOPs), a given weights file, and with
 * `scratch` a randomly initialised encoder of the same size (the no-pretraining
 * baseline). One row per (weights, task) is appended to RUN/text-eval.jsonl,
 * atomically; a row already there with the same weights, step, task, seed and
 * fine-tuning settings is not redone, so a killed evaluation resumes where it
 * stopped. The score of a set of weights is GLUE's kind of average: the mean over
 * tasks of accuracy, or of macro-F1 for imbalanced tasks (GLUE likewise reports F1
 * for its imbalanced MRPC and QQP), where always answering the majority class
 * scores high accuracy but low macro-F1.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import * as torch from '../torch/index.js';
import { bool, int, num, parseConfig, str, z, type Config } from '../config/schema.js';
import { Bert } from '../models/bert.js';
import { Tokenizer } from '../text/tokenizer.js';
import { checkTextTask, finetuneTextClassifier, TEXT_FINETUNE_DEFAULTS as D } from '../eval/text-classify.js';
import { loadTextTask, type TextTask } from '../data/text-tasks.js';
import { forEachJsonLine, RunDir } from '../train/run-dir.js';
import { writeFileAtomic } from '../io/atomic.js';
import { applyThreads, commonFields } from './common.js';
import { textModelSection, textModelSize } from './pretrain-text.js';

export const DEFAULT_TEXT_TASKS = ['spam', 'brown-genre', 'sotu-party', 'sotu-era'];

export function textEvalSchema() {
  return z.strictObject({
    ...commonFields,
    tasks: z
      .array(z.string().min(1))
      .min(1)
      .default(DEFAULT_TEXT_TASKS)
      .describe('labelled text tasks: built-in names, or csv:FILE / jsonl:FILE (fields text, label, split)'),
    weights: str(
      'the encoder to fine-tune: "encoder" (the run\'s final one), "all-snapshots" (each snapshot, for the compute curve) or a .safetensors file',
      'encoder',
    ),
    scratch: bool('also fine-tune a randomly initialised encoder of the same size (the no-pretraining baseline)', false),
    trainLimit: int('training texts per task, at most', 1000, { min: 1 }),
    testLimit: int('test texts per task, at most', 500, { min: 1 }),
    maxLength: int("tokens per text, [CLS] and [SEP] included (default: the run's sequence length, at most 128)", undefined, {
      min: 3,
      max: 4096,
    }),
    epochs: int('fine-tuning epochs (ELECTRA on GLUE: 3, over far more examples)', D.epochs, { min: 1, max: 1000 }),
    batchSize: int('texts per batch (ELECTRA: 32)', D.batchSize, { min: 1, max: 65536 }),
    lr: num('peak learning rate (ELECTRA-Small on GLUE: 3e-4; small encoders on ~1,000 texts need more)', D.lr, { min: 1e-8, max: 1 }),
    weightDecay: num('AdamW weight decay on weight matrices (ELECTRA: 0)', D.weightDecay, { min: 0, max: 10 }),
    layerDecay: num('layer-wise learning-rate decay (ELECTRA-Small on GLUE: 0.8; 1 = none)', D.layerDecay, { min: 0.01, max: 1 }),
    warmup: num('fraction of the steps of linear warm-up, then linear decay (ELECTRA: 0.1)', D.warmup, { min: 0, max: 1 }),
  });
}
export type TextEvalConfig = Config<ReturnType<typeof textEvalSchema>>;

/** One line of RUN/text-eval.jsonl. */
export interface TextEvalRow {
  run: string;
  method: string;
  /** "encoder", "snapshots/step-N", "scratch" or the weights file. */
  weights: string;
  /** Pretraining steps and FLOPs behind the weights (0 for scratch; null when unknown). */
  step: number | null;
  flops: number | null;
  task: string;
  accuracy: number;
  macroF1: number;
  imbalanced: boolean;
  majorityAccuracy: number;
  perClass: unknown[];
  train: number;
  test: number;
  truncated: { train: number; test: number };
  trainSeconds: number;
  seed: number;
  settings: Record<string, number>;
}

/** The score of one set of weights: the mean over tasks of accuracy (macro-F1 for imbalanced tasks). */
export interface TextEvalAverage {
  weights: string;
  step: number | null;
  flops: number | null;
  score: number;
  tasks: number;
}

interface Weights {
  name: string;
  /** The .safetensors file, or null for random weights. */
  file: string | null;
  step: number | null;
  flops: number | null;
}

interface SavedTextRun {
  name?: string;
  modality?: string;
  method?: { name: string };
  model?: unknown;
  data?: { maxLength?: number };
  flopsPerStep?: number;
  totalSteps?: number;
}

/** The run's config, checked to be a text pretraining run's. */
function readTextRun(dir: string): SavedTextRun & { model: unknown; data: { maxLength: number } } {
  const where = `text-eval: ${dir}`;
  if (!existsSync(join(dir, 'config.json'))) throw new Error(`${where} holds no run (no config.json); give a text pretraining run folder`);
  const c = new RunDir(dir, { resume: true }).readConfig() as SavedTextRun;
  if (c.modality !== 'text' || !c.model || typeof c.data?.maxLength !== 'number')
    throw new Error(
      `${where} is not a text pretraining run (its config.json has no text model); make one with \`selfsup pretrain --method electra\``,
    );
  if (!existsSync(join(dir, 'tokenizer.json'))) throw new Error(`${where} has no tokenizer.json (a text pretraining run writes one)`);
  return c as SavedTextRun & { model: unknown; data: { maxLength: number } };
}

/** The weights to evaluate, each with its pretraining step and FLOPs. */
function weightsOf(dir: string, c: SavedTextRun, config: TextEvalConfig): Weights[] {
  const flopsAt = (step: number | null): number | null => (step !== null && c.flopsPerStep ? step * c.flopsPerStep : null);
  const list: Weights[] = [];
  if (config.weights === 'encoder') {
    const file = join(dir, 'encoder.safetensors');
    if (!existsSync(file)) throw new Error(`text-eval: ${dir} has no encoder.safetensors (has the run finished? resume it with --resume)`);
    list.push({ name: 'encoder', file, step: c.totalSteps ?? null, flops: flopsAt(c.totalSteps ?? null) });
  } else if (config.weights === 'all-snapshots') {
    const folder = join(dir, 'snapshots');
    const steps = (existsSync(folder) ? readdirSync(folder) : [])
      .map((f) => /^step-(\d+)\.safetensors$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    if (steps.length === 0) throw new Error(`text-eval --weights all-snapshots: ${folder} holds no step-N.safetensors snapshots`);
    for (const step of steps)
      list.push({ name: `snapshots/step-${step}`, file: join(folder, `step-${step}.safetensors`), step, flops: flopsAt(step) });
  } else {
    const file = resolve(config.weights);
    if (!existsSync(file))
      throw new Error(`text-eval --weights: ${file} does not exist (expected "encoder", "all-snapshots" or a .safetensors file)`);
    const meta = torch.scope(() => torch.safetensors.loadFileWithMetadata(file).metadata);
    const step = meta.step !== undefined && Number.isFinite(Number(meta.step)) ? Number(meta.step) : null;
    list.push({ name: file, file, step, flops: meta.flops !== undefined ? Number(meta.flops) : flopsAt(step) });
  }
  if (config.scratch) list.push({ name: 'scratch', file: null, step: 0, flops: 0 });
  return list;
}

/** The rows already in `path` (a line that is not JSON names the file and line). */
function readRows(path: string): TextEvalRow[] {
  const rows: TextEvalRow[] = [];
  if (existsSync(path)) forEachJsonLine(path, (v) => rows.push(v as TextEvalRow));
  return rows;
}

const rowKey = (r: Pick<TextEvalRow, 'weights' | 'step' | 'task' | 'seed' | 'settings'>): string =>
  JSON.stringify([r.weights, r.step, r.task, r.seed, r.settings]);

/** The mean score over tasks of each set of weights (accuracy, or macro-F1 for imbalanced tasks). */
export function textEvalAverages(rows: TextEvalRow[]): TextEvalAverage[] {
  const by = new Map<string, TextEvalRow[]>();
  for (const r of rows) by.set(r.weights, [...(by.get(r.weights) ?? []), r]);
  return [...by.values()].map((rs) => ({
    weights: rs[0].weights,
    step: rs[0].step,
    flops: rs[0].flops,
    score: rs.reduce((s, r) => s + (r.imbalanced ? r.macroF1 : r.accuracy), 0) / rs.length,
    tasks: rs.length,
  }));
}

/** Fine-tunes and scores every (weights, task) pair of `raw` on run `dir` not already in RUN/text-eval.jsonl. */
export function textEval(dir: string, raw: Record<string, unknown>): { rows: TextEvalRow[]; averages: TextEvalAverage[] } {
  const config = parseConfig(textEvalSchema(), raw, 'config');
  applyThreads(config.threads);
  const saved = readTextRun(dir);
  const tokenizer = Tokenizer.load(join(dir, 'tokenizer.json'));
  const size = textModelSize(textModelSection.parse(saved.model), tokenizer.vocabSize, saved.data.maxLength);
  const maxLength = config.maxLength ?? Math.min(D.maxLength, size.maxPositions);
  if (maxLength > size.maxPositions)
    throw new RangeError(
      `text-eval: maxLength ${maxLength} exceeds the run's sequence length ${size.maxPositions} (its encoder's positions)`,
    );
  const weights = weightsOf(dir, saved, config);
  const { trainLimit, testLimit, seed } = config;
  const tasks: TextTask[] = config.tasks.map((name) => loadTextTask(name, { seed, trainLimit, testLimit }));
  for (const task of tasks) checkTextTask('text-eval', task);
  const { epochs, batchSize, lr, weightDecay, layerDecay, warmup } = config;
  const finetuning = { maxLength, epochs, batchSize, lr, weightDecay, layerDecay, warmup };
  const settings = { trainLimit, testLimit, ...finetuning };
  const path = join(dir, 'text-eval.jsonl');
  const done = new Map(readRows(path).map((r) => [rowKey(r), r]));
  const run = saved.name ?? basename(resolve(dir));
  const rows: TextEvalRow[] = [];
  for (const w of weights)
    for (const task of tasks) {
      const key = { weights: w.name, step: w.step, task: task.name, seed, settings };
      const old = done.get(rowKey(key));
      if (old) {
        rows.push(old);
        continue;
      }
      const r = finetuneTextClassifier({
        encoder: () => {
          const bert = new Bert(size);
          if (w.file) torch.scope(() => bert.loadStateDict(torch.safetensors.loadFile(w.file!), true, w.file!));
          return bert;
        },
        tokenizer,
        task,
        ...finetuning,
        seed,
      });
      const row: TextEvalRow = {
        run,
        method: w.file ? (saved.method?.name ?? 'unknown') : 'none',
        ...key,
        flops: w.flops,
        accuracy: r.accuracy,
        macroF1: r.macroF1,
        imbalanced: task.imbalanced,
        majorityAccuracy: r.majorityAccuracy,
        perClass: r.perClass,
        train: task.train.length,
        test: task.test.length,
        truncated: r.truncated,
        trainSeconds: r.trainSeconds,
      };
      const before = existsSync(path) ? readFileSync(path, 'utf8') : '';
      writeFileAtomic(path, before + JSON.stringify(row) + '\n', 'text-eval');
      console.error(
        `text-eval: ${task.name} (${w.name}): accuracy ${r.accuracy.toFixed(4)}, macro-F1 ${r.macroF1.toFixed(4)} (majority ${r.majorityAccuracy.toFixed(4)}), ${r.trainSeconds.toFixed(1)} s; ${r.truncated.train}/${task.train.length} training texts truncated to ${maxLength} tokens`,
      );
      rows.push(row);
    }
  return { rows, averages: textEvalAverages(rows) };
}
