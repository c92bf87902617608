/**
 * Classification metrics over score matrices: top-k accuracy (the top-1 / top-5
 * of linear evaluation, e.g. SimCLR, Chen et al. 2020, Table 6), per-class
 * accuracy, and the area under the ROC curve computed as the Mann–Whitney U
 * statistic (Hanley & McNeil 1982, "The meaning and use of the area under a ROC
 * curve"): the probability that a random positive scores above a random
 * negative, ties counting ½. Multi-label AUC averages per-class AUCs, as in
 * MICLe's dermatology evaluation (Azizi et al. 2021); multi-class AUC is one
 * class against the rest. Scores may be logits or probabilities; accuracies
 * depend only on the ranking within a row, AUC on the ranking within a column.
 */
import * as torch from '../torch/index.js';
import { describe, int, tensor, within } from '../torch/check.js';
import { checkLabels, checkMatrix, toFloat64 } from './checks.js';

type Tensor = torch.Tensor;

/** Per-class AUCs (null where a class has only one target value) and their mean over the defined ones (NaN if none). */
export interface AucResult {
  perClass: (number | null)[];
  mean: number;
}

/** Checks scores [N, C] and int64 labels [N] in [0, C); returns [N, C]. */
function checkScores(fn: string, scores: Tensor, labels: Tensor): [number, number] {
  const [n, c] = checkMatrix(fn, 'scores', scores, '[N, C]');
  checkLabels(fn, 'labels', labels, n, c, 'scores [N, C] and labels [N]', scores);
  return [n, c];
}

/** Whether each row's label is among its `k` highest scores: bool [N, min(k, C)] → hits per prefix. */
function topkHits(scores: Tensor, labels: Tensor, k: number): Tensor {
  const idx = scores.topk(Math.min(k, scores.shape[1]), 1).indices; // [N, k], best first
  return idx.eq(labels.to({ device: scores.device }).unsqueeze(1)); // [N, k]
}

/**
 * Fraction of rows whose label is among the `k` highest scores (k clipped to C).
 * scores: [N, C]; labels: [N] int64 in [0, C).
 */
export function topkAccuracy(scores: Tensor, labels: Tensor, k: number): number {
  checkScores('topkAccuracy', scores, labels);
  within('topkAccuracy', () => int(k, 'k', 1));
  return torch.noGrad(() => torch.scope(() => topkHits(scores, labels, k).any(1).float().mean().item()));
}

/**
 * Top-k accuracies for each k in `ks` (default [1, 5]) from one top-k pass:
 * `{ top1, top5 }`. k is clipped to C, so top5 is 1 when C ≤ 5.
 * scores: [N, C]; labels: [N] int64 in [0, C).
 */
export function accuracies(scores: Tensor, labels: Tensor, ks: number[] = [1, 5]): Record<`top${number}`, number> {
  checkScores('accuracies', scores, labels);
  if (!Array.isArray(ks) || ks.length === 0)
    throw new RangeError(`accuracies: expected a non-empty array for ks but received ${describe(ks)}`);
  within('accuracies', () => ks.forEach((k, i) => int(k, `ks[${i}]`, 1)));
  return torch.noGrad(() =>
    torch.scope(() => {
      const hits = topkHits(scores, labels, Math.max(...ks));
      const out: Record<`top${number}`, number> = {};
      for (const k of ks) out[`top${k}`] = hits.narrow(1, 0, Math.min(k, hits.shape[1])).any(1).float().mean().item();
      return out;
    }),
  );
}

/**
 * Top-1 accuracy within each true class: element c is the fraction of rows with
 * label c whose highest score is class c (NaN when no row has label c).
 * scores: [N, C] with C = numClasses; labels: [N] int64 in [0, C).
 */
export function perClassAccuracy(scores: Tensor, labels: Tensor, numClasses: number): number[] {
  within('perClassAccuracy', () => int(numClasses, 'numClasses', 1));
  const [, c] = checkScores('perClassAccuracy', scores, labels);
  if (c !== numClasses)
    throw new RangeError(
      `perClassAccuracy: expected scores [N, ${numClasses}] for numClasses = ${numClasses} but received [${scores.shape}]`,
    );
  return torch.noGrad(() =>
    torch.scope(() => {
      const y = labels.to({ device: scores.device });
      const correct = scores.argmax(1).eq(y).float(); // [N]
      const hits = y.bincount({ weights: correct, minlength: c }); // [C]
      return hits.div(y.bincount({ minlength: c })).toArray();
    }),
  );
}

/** Mann–Whitney AUC of one task with mid-ranks for ties, or null when only one class is present. */
function aucOrNull(fn: string, scores: ArrayLike<number>, targets: ArrayLike<number>): number | null {
  const n = scores.length;
  let positives = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i])) throw new RangeError(`${fn}: score ${i} is NaN`);
    if (targets[i] !== 0 && targets[i] !== 1) throw new RangeError(`${fn}: target ${i} is ${targets[i]}; expected 0 or 1`);
    positives += targets[i];
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0; // sum of the (1-based, tie-averaged) ranks of the positives
  for (let i = 0; i < n;) {
    let j = i;
    let tiedPositives = 0;
    while (j < n && scores[order[j]] === scores[order[i]]) tiedPositives += targets[order[j++]];
    rankSum += (tiedPositives * (i + 1 + j)) / 2; // ranks i+1 … j share their mean
    i = j;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * ROC AUC of one binary task: P(score of a positive > score of a negative), ties ½.
 * scores, targets: [N] (arrays or 1-D tensors), targets 0 or 1.
 */
export function rocAuc(scores: ArrayLike<number> | Tensor, targets: ArrayLike<number> | Tensor): number {
  const s = toFloat64('rocAuc', 'scores', scores);
  const t = toFloat64('rocAuc', 'targets', targets);
  if (s.length !== t.length)
    throw new RangeError(`rocAuc: expected scores and targets of the same length N but received ${s.length} and ${t.length}`);
  const auc = aucOrNull('rocAuc', s, t);
  if (auc === null) {
    const only = s.length === 0 ? 'no targets' : `only ${t[0]}s`;
    throw new RangeError(`rocAuc: needs both classes (0 and 1) in targets but received ${only} (N = ${s.length})`);
  }
  return auc;
}

/** Column c of a [N, C] tensor as float64 numbers, for every c. */
function columns(t: Tensor): Float64Array[] {
  const [n, c] = t.shape;
  const flat = torch.scope(() => t.to({ device: 'cpu', dtype: 'float64' }).t().contiguous().data() as Float64Array); // [C·N]
  return Array.from({ length: c }, (_, k) => flat.subarray(k * n, (k + 1) * n));
}

function summarise(fn: string, scores: Float64Array[], targets: ArrayLike<number>[]): AucResult {
  const perClass = scores.map((s, c) => aucOrNull(fn, s, targets[c]));
  const defined = perClass.filter((a): a is number => a !== null);
  return { perClass, mean: defined.reduce((a, b) => a + b, 0) / defined.length };
}

/**
 * Per-class ROC AUC of a multi-label task and its mean over the classes with both
 * target values. scores: [N, C]; targets: [N, C] of 0 / 1 (any dtype).
 */
export function multiLabelAuc(scores: Tensor, targets: Tensor): AucResult {
  checkMatrix('multiLabelAuc', 'scores', scores, '[N, C]');
  within('multiLabelAuc', () => tensor(targets, 'targets'));
  if (targets.shape.join() !== scores.shape.join())
    throw new RangeError(
      `multiLabelAuc: expected scores and targets of the same shape [N, C] but received [${scores.shape}] and [${targets.shape}]`,
    );
  return summarise('multiLabelAuc', columns(scores), columns(targets));
}

/**
 * One-vs-rest ROC AUC of a multi-class task: class c's scores against "label is
 * c", per class and averaged (classes absent from labels are null). scores:
 * [N, C] (probabilities, e.g. softmax, are the usual input); labels: [N] int64.
 */
export function oneVsRestAuc(scores: Tensor, labels: Tensor): AucResult {
  const [n, c] = checkScores('oneVsRestAuc', scores, labels);
  const y = toFloat64('oneVsRestAuc', 'labels', labels);
  const targets = Array.from({ length: c }, (_, k) => Uint8Array.from({ length: n }, (_, i) => Number(y[i] === k)));
  return summarise('oneVsRestAuc', columns(scores), targets);
}

/** Precision, recall and F1 of one class; f1 is null when the class is neither a label nor a prediction. */
export interface ClassScores {
  precision: number;
  recall: number;
  f1: number | null;
  /** Rows whose label is this class. */
  support: number;
}

/**
 * Counts of (label, prediction) pairs: `m[i][j]` rows of class i predicted as j.
 * predicted, labels: [N] class indices in [0, numClasses) (arrays or 1-D tensors).
 */
export function confusionMatrix(predicted: ArrayLike<number> | Tensor, labels: ArrayLike<number> | Tensor, numClasses: number): number[][] {
  within('confusionMatrix', () => int(numClasses, 'numClasses', 1));
  const p = toFloat64('confusionMatrix', 'predicted', predicted);
  const y = toFloat64('confusionMatrix', 'labels', labels);
  if (p.length !== y.length)
    throw new RangeError(`confusionMatrix: expected predicted and labels of the same length N but received ${p.length} and ${y.length}`);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < p.length; i++) {
    for (const [name, v] of [
      ['predicted', p[i]],
      ['labels', y[i]],
    ] as const)
      if (!Number.isInteger(v) || v < 0 || v >= numClasses)
        throw new RangeError(`confusionMatrix: expected ${name} in [0, ${numClasses}) but received ${v} at ${i}`);
    m[y[i]][p[i]]++;
  }
  return m;
}

/**
 * Per-class precision tp / (tp + fp), recall tp / (tp + fn) and F1
 * 2tp / (2tp + fp + fn) of a confusion matrix (rows: labels, columns:
 * predictions), with 0 for an empty denominator; macro-F1 is the unweighted mean
 * of F1 over the classes that occur as a label or a prediction (scikit-learn's
 * `f1_score(average='macro')` without `labels`).
 */
export function f1Scores(confusion: number[][]): { perClass: ClassScores[]; macroF1: number } {
  const c = confusion.length;
  if (c === 0 || !confusion.every((row) => Array.isArray(row) && row.length === c && row.every((v) => Number.isInteger(v) && v >= 0)))
    throw new RangeError('f1Scores: expected a square matrix of non-negative integer counts [C, C]');
  const perClass = confusion.map((row, k) => {
    const tp = row[k];
    const support = row.reduce((a, b) => a + b, 0);
    const predictedK = confusion.reduce((a, r) => a + r[k], 0);
    const [fn, fp] = [support - tp, predictedK - tp];
    return {
      precision: predictedK ? tp / predictedK : 0,
      recall: support ? tp / support : 0,
      f1: support + predictedK ? (2 * tp) / (2 * tp + fp + fn) : null,
      support,
    };
  });
  const defined = perClass.map((s) => s.f1).filter((f): f is number => f !== null);
  return { perClass, macroF1: defined.reduce((a, b) => a + b, 0) / defined.length };
}
