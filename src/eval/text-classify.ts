/**
 * Fine-tuning a text encoder on a labelled text task, as ELECTRA fine-tunes on
 * GLUE (Clark et al., 2020, appendix A and Table 7): a classification head on the
 * [CLS] token (models/text-classifier.ts), the whole network trained with
 * cross-entropy by AdamW (ε 1e-6; weight decay 0, and when set, not on biases
 * and LayerNorm, as BERT) with optional layer-wise learning-rate decay (each
 * layer below the head gets `layerDecay` times the rate of the one above: 0.8
 * for ELECTRA-Small and Base) and a linear warm-up over the first 10 % of the
 * steps then linear decay to 0, on seeded shuffled batches (32). Texts are
 * tokenised once, [CLS] … [SEP], truncated to `maxLength`; each batch is padded
 * to its longest sequence. The test set is scored in eval mode without grad:
 * accuracy, per-class precision / recall / F1 and macro-F1.
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { finite, int, positive, within } from '../torch/check.js';
import { AdamW } from '../optim/adam.js';
import { warmupLinear } from '../optim/schedules.js';
import { BatchIndexSampler } from '../data/samplers.js';
import { attentionMaskOf, Bert } from '../models/bert.js';
import { TextClassifier } from '../models/text-classifier.js';
import type { Tokenizer } from '../text/tokenizer.js';
import type { TextExample, TextTask } from '../data/text-tasks.js';
import { confusionMatrix, f1Scores, type ClassScores } from './metrics.js';

export interface TextClassifyOptions {
  /** A fresh encoder with the weights to start from (pretrained, or random for the baseline); disposed at the end. */
  encoder: () => Bert;
  tokenizer: Tokenizer;
  task: TextTask;
  /** Tokens per text, [CLS] and [SEP] included; longer texts are truncated. Default 128. */
  maxLength?: number;
  /** Default 6 (ELECTRA's GLUE fine-tuning: 3, over far more examples). */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Peak learning rate of the head. Default 1e-3 (ELECTRA-Small on GLUE: 3e-4). */
  lr?: number;
  /** AdamW's decoupled decay, on weight matrices only. Default 0 (ELECTRA). */
  weightDecay?: number;
  /** Layer-wise learning-rate decay in (0, 1]. Default 1, none (ELECTRA-Small and Base on GLUE: 0.8). */
  layerDecay?: number;
  /** Fraction of the steps of linear warm-up. Default 0.1. */
  warmup?: number;
  /** Seeds the head's initialisation, dropout and the batch order. Default 0. */
  seed?: number;
  /** libtorch threads while fine-tuning (restored after). Default: unchanged. */
  threads?: number;
  /** Called after each step. */
  onProgress?: (p: { epoch: number; step: number; totalSteps: number; loss: number }) => void;
}

export interface TextClassifyResult {
  accuracy: number;
  macroF1: number;
  /** Scores of each class, in `task.classes` order. */
  perClass: (ClassScores & { class: string })[];
  /** Test accuracy of always answering the most frequent training class. */
  majorityAccuracy: number;
  /** Mean training loss of each epoch. */
  losses: number[];
  /** Texts longer than maxLength tokens. */
  truncated: { train: number; test: number };
  trainSeconds: number;
}

/**
 * The fine-tuning defaults (`selfsup text-eval`'s too): sized for small encoders
 * on ~1,000 texts. ELECTRA-Small's GLUE settings (lr 3e-4, 3 epochs, layer decay
 * 0.8) make ~100 steps there, after which such encoders still answer the
 * majority class (spam, tiny encoder: macro-F1 0.51 against 0.90).
 */
export const TEXT_FINETUNE_DEFAULTS = {
  maxLength: 128,
  epochs: 6,
  batchSize: 32,
  lr: 1e-3,
  weightDecay: 0,
  layerDecay: 1,
  warmup: 0.1,
  seed: 0,
} as const;

/** A tokenised split: ids [N, T] and each row's length (padding excluded). */
interface Encoded {
  ids: torch.Tensor;
  lengths: number[];
  labels: number[];
  truncated: number;
}

/** Checks a task: its classes, and every example's text and label; every test class must occur in training. Errors start with `fn`. */
export function checkTextTask(fn: string, task: TextTask): void {
  if (task === null || typeof task !== 'object')
    throw new TypeError(`${fn}: expected a task { name, classes, train, test } but received ${task}`);
  const c = task.classes;
  if (!Array.isArray(c) || c.length < 2 || !c.every((x) => typeof x === 'string'))
    throw new RangeError(`${fn}: task ${task.name}: expected at least two class names in task.classes but received ${JSON.stringify(c)}`);
  for (const split of ['train', 'test'] as const) {
    const xs: TextExample[] = task[split];
    if (!Array.isArray(xs) || xs.length === 0) throw new RangeError(`${fn}: task ${task.name}: task.${split} holds no examples`);
    xs.forEach((x, i) => {
      if (typeof x?.text !== 'string') throw new TypeError(`${fn}: task ${task.name}: task.${split}[${i}].text is not a string`);
      if (!Number.isInteger(x.label) || x.label < 0 || x.label >= c.length)
        throw new RangeError(`${fn}: task ${task.name}: expected task.${split}[${i}].label in [0, ${c.length}) but received ${x.label}`);
    });
  }
  const seen = new Set(task.train.map((x) => x.label));
  const unseen = [...new Set(task.test.map((x) => x.label))].filter((l) => !seen.has(l));
  if (unseen.length)
    throw new RangeError(
      `${fn}: task ${task.name}: the test set has classes with no training example: ${unseen.map((l) => c[l]).join(', ')}; every test class must occur in task.train`,
    );
}

function encode(tokenizer: Tokenizer, xs: TextExample[], maxLength: number): Encoded {
  const { inputIds, attentionMask, truncated } = tokenizer.encodeBatch(
    xs.map((x) => x.text),
    { maxLength },
  );
  const lengths = torch.scope(() => attentionMask.sum(1).toArray() as number[]);
  attentionMask.dispose();
  return { ids: inputIds, lengths, labels: xs.map((x) => x.label), truncated };
}

/** Rows `idx` of a split, cut to their longest length: { inputIds, attentionMask } [B, T]. */
function batchOf(e: Encoded, idx: number[]): { inputIds: torch.Tensor; attentionMask: torch.Tensor } {
  const t = Math.max(...idx.map((i) => e.lengths[i]));
  const inputIds = e.ids.indexSelect(0, torch.tensor(Float64Array.from(idx), { dtype: 'int64' })).narrow(1, 0, t); // [B, T]
  return { inputIds, attentionMask: attentionMaskOf(inputIds) };
}

/** AdamW groups: the head at lr, encoder layer i at lr·decay^(L − i), the embeddings at lr·decay^(L + 1); no decay on 1-D tensors. */
function paramGroups(model: TextClassifier, lr: number, weightDecay: number, layerDecay: number) {
  const L = model.electra.config.numLayers;
  const groups = new Map<string, { params: torch.Tensor[]; lr: number; weightDecay: number }>();
  for (const [name, p] of model.namedParameters()) {
    const layer = /^electra\.encoder\.layers\.(\d+)\./.exec(name);
    const depth = name.startsWith('classifier.') ? L + 1 : layer ? Number(layer[1]) + 1 : 0; // 0: embeddings (and their projection)
    const wd = p.ndim > 1 ? weightDecay : 0;
    const key = `${depth}/${wd}`;
    if (!groups.has(key)) groups.set(key, { params: [], lr: lr * layerDecay ** (L + 1 - depth), weightDecay: wd });
    groups.get(key)!.params.push(p);
  }
  return [...groups.values()];
}

/** Predicted class of every row of a split (eval mode, no grad, batches of similar lengths). */
function predict(model: TextClassifier, e: Encoded, batchSize: number): number[] {
  model.eval();
  const order = e.lengths.map((_, i) => i).sort((a, b) => e.lengths[a] - e.lengths[b]);
  const out = new Array<number>(order.length);
  torch.noGrad(() => {
    for (let s = 0; s < order.length; s += batchSize)
      torch.scope(() => {
        const idx = order.slice(s, s + batchSize);
        const b = batchOf(e, idx);
        const pred = model.forward(b.inputIds, { attentionMask: b.attentionMask }).argmax(1).toArray() as number[]; // [B]
        idx.forEach((i, k) => (out[i] = pred[k]));
      });
  });
  return out;
}

/** Fine-tunes `o.encoder()` with a new head on `o.task.train` and scores `o.task.test` (see the module comment). */
export function finetuneTextClassifier(o: TextClassifyOptions): TextClassifyResult {
  const fn = 'finetuneTextClassifier';
  const { tokenizer, task, maxLength, epochs, batchSize, lr, weightDecay, layerDecay, warmup, seed } = { ...TEXT_FINETUNE_DEFAULTS, ...o };
  within(fn, () => {
    int(maxLength, 'maxLength', 3);
    int(epochs, 'epochs', 1);
    int(batchSize, 'batchSize', 1);
    positive(lr, 'lr');
    finite(weightDecay, 'weightDecay', 0);
    finite(layerDecay, 'layerDecay', Number.MIN_VALUE, 1);
    finite(warmup, 'warmup', 0, 1);
    int(seed, 'seed', 0);
    if (o.threads !== undefined) int(o.threads, 'threads', 1);
  });
  if (typeof o.encoder !== 'function')
    throw new TypeError(`${fn}: expected encoder to be a function returning a Bert but received ${typeof o.encoder}`);
  if (typeof tokenizer?.encodeBatch !== 'function')
    throw new TypeError(`${fn}: expected tokenizer to be a Tokenizer but received ${tokenizer}`);
  checkTextTask(fn, task);
  torch.manualSeed(seed);
  const encoder = o.encoder();
  if (!(encoder instanceof Bert)) throw new TypeError(`${fn}: expected encoder() to return a Bert but received ${encoder}`);
  if (maxLength > encoder.config.maxPositions)
    throw new RangeError(`${fn}: maxLength ${maxLength} exceeds the encoder's ${encoder.config.maxPositions} positions`);
  const model = new TextClassifier(encoder, task.classes.length);
  const train = encode(tokenizer, task.train, maxLength);
  const test = encode(tokenizer, task.test, maxLength);
  const optimizer = new AdamW(paramGroups(model, lr, weightDecay, layerDecay), { lr, eps: 1e-6, weightDecay });
  const threads = torch.getNumThreads();
  if (o.threads !== undefined) torch.setNumThreads(o.threads);
  try {
    const sampler = new BatchIndexSampler(task.train.length, { batchSize, shuffle: true, seed });
    const totalSteps = epochs * sampler.numBatches;
    const schedule = warmupLinear({ baseLr: lr, warmupSteps: Math.round(warmup * totalSteps), totalSteps });
    const losses: number[] = [];
    const start = performance.now();
    let step = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      model.train();
      let total = 0;
      for (const idx of sampler.batches(epoch))
        torch.scope(() => {
          const b = batchOf(train, idx);
          const y = torch.tensor(
            Float64Array.from(idx, (i) => train.labels[i]),
            { dtype: 'int64' },
          ); // [B]
          const loss = F.crossEntropy(model.forward(b.inputIds, { attentionMask: b.attentionMask }), y);
          optimizer.zeroGrad();
          loss.backward();
          optimizer.setLr(schedule(++step));
          optimizer.step();
          const l = loss.item();
          total += l * idx.length;
          o.onProgress?.({ epoch: epoch + 1, step, totalSteps, loss: l });
        });
      losses.push(total / task.train.length);
    }
    const trainSeconds = (performance.now() - start) / 1000;
    const predicted = predict(model, test, batchSize);
    const { perClass, macroF1 } = f1Scores(confusionMatrix(predicted, test.labels, task.classes.length));
    const counts = task.classes.map((_, k) => task.train.filter((x) => x.label === k).length);
    const majority = counts.indexOf(Math.max(...counts));
    return {
      accuracy: predicted.filter((p, i) => p === test.labels[i]).length / predicted.length,
      macroF1,
      perClass: perClass.map((s, k) => ({ class: task.classes[k], ...s })),
      majorityAccuracy: test.labels.filter((l) => l === majority).length / test.labels.length,
      losses,
      truncated: { train: train.truncated, test: test.truncated },
      trainSeconds,
    };
  } finally {
    optimizer.zeroGrad();
    for (const state of optimizer.state.values()) for (const v of Object.values(state)) if (v instanceof torch.Tensor) v.dispose();
    for (const t of [...model.parameters(), ...model.buffers(), train.ids, test.ids]) t.dispose();
    torch.setNumThreads(threads);
  }
}
