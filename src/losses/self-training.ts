/**
 * Self-training and distillation losses: Noisy Student (Xie, Luong, Hovy, Le 2020,
 * "Self-training with Noisy Student improves ImageNet classification", §2 and the
 * reference code's `main.py`) and knowledge distillation (Hinton, Vinyals, Dean
 * 2015, "Distilling the Knowledge in a Neural Network", §2; SimCLRv2's distillation
 * stage, Chen et al. 2020, §2).
 *
 *   targets  P = softmax(t/T), or onehot(argmax t) for T ≤ 0 (the reference code's T = −1)
 *   H(P, s)  = batch mean of −Σ_c P_c log softmax(s)_c
 *   Noisy Student: (L_lab·B_lab + L_unl·B_unl)/B_lab, L_lab the label-smoothed CE
 *   distillation:  T² · batch mean of KL(softmax(t/T) ‖ softmax(s/T))
 *
 * Teachers are fixed: no gradient reaches targets or teacher logits (they are detached).
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { finite, within } from '../torch/check.js';
import { isFloating } from '../torch/dtype.js';
import { checkPositive, checkSameMatrices, checkTensor } from './checks.js';

type Tensor = torch.Tensor;

/** Logits and targets are [N, C]: C the number of classes. */
const classes = { dims: '[N, C]' };

export interface NoisyStudentLossOptions {
  /** The student's logits on the labelled batch [B_lab, C]. */
  labLogits: Tensor;
  /** Their labels, int64 [B_lab] in [0, C). */
  labels: Tensor;
  /** The student's logits on the unlabelled batch [B_unl, C]. */
  unlLogits: Tensor;
  /** The teacher's targets for it [B_unl, C] (teacherTargets). */
  unlTargets: Tensor;
  /** Label smoothing of the labelled CE. Default 0.1, the reference code's. */
  labelSmoothing?: number;
}

export interface NoisyStudentLoss {
  /** (L_lab·B_lab + L_unl·B_unl)/B_lab, a scalar with the students' graph. */
  loss: Tensor;
  /** L_lab, the label-smoothed CE on the labelled batch. */
  labLoss: number;
  /** L_unl, softCrossEntropy on the unlabelled batch. */
  unlLoss: number;
}

/** Checks a floating [N, C] tensor; returns [N, C]. */
function checkLogits(fn: string, name: string, t: unknown): [number, number] {
  const nc = checkSameMatrices(fn, [[name, t]], classes);
  const dtype = (t as Tensor).dtype;
  if (!isFloating(dtype)) throw new TypeError(`${fn}: expected ${name} of a floating dtype but received ${dtype}`);
  return nc;
}

/**
 * The teacher's pseudo-labels: softmax(logits/T) for T > 0 (soft, the paper's
 * default), the one-hot argmax for T ≤ 0 (hard). teacherLogits: [N, C] → [N, C]
 * of its dtype, detached.
 */
export function teacherTargets(teacherLogits: Tensor, temperature: number): Tensor {
  const fn = 'teacherTargets';
  const [, c] = checkLogits(fn, 'teacherLogits', teacherLogits);
  const t = within(fn, () => finite(temperature, 'temperature'));
  return torch.noGrad(() =>
    torch.scope(() => {
      const logits = teacherLogits.detach();
      if (t > 0) return F.softmax(logits.div(t), 1);
      return F.oneHot(logits.argmax(1), c).to(logits.dtype); // [N, C]
    }),
  );
}

/**
 * Cross-entropy against probability targets: the batch mean of
 * −Σ_c targets_c · log softmax(logits)_c. logits, targets: [N, C] → a scalar;
 * the targets get no gradient.
 */
export function softCrossEntropy(logits: Tensor, targets: Tensor): Tensor {
  checkSameMatrices(
    'softCrossEntropy',
    [
      ['logits', logits],
      ['targets', targets],
    ],
    classes,
  );
  return torch.scope(() => F.logSoftmax(logits, 1).mul(targets.detach()).sum(1).mean().neg());
}

/** Checks int64 labels [n] in [0, c). */
function checkLabels(fn: string, labels: unknown, n: number, c: number): void {
  checkTensor(fn, 'labels', labels);
  if (labels.ndim !== 1 || labels.shape[0] !== n)
    throw new RangeError(`${fn}: expected labels of shape [${n}] (B_lab of labLogits) but received [${labels.shape}]`);
  if (labels.dtype !== 'int64') throw new TypeError(`${fn}: expected labels of dtype int64 but received ${labels.dtype}`);
  const [lo, hi] = torch.scope(() => [labels.min().item(), labels.max().item()]);
  if (lo < 0 || hi >= c) throw new RangeError(`${fn}: expected labels in [0, ${c - 1}] (C = ${c}) but received values in [${lo}, ${hi}]`);
}

/**
 * Noisy Student's data loss (reference `main.py`): the label-smoothed CE on the
 * labelled batch plus softCrossEntropy on the unlabelled one, weighted by their
 * sizes and normalised by B_lab, i.e. L_lab + L_unl·B_unl/B_lab.
 */
export function noisyStudentLoss(o: NoisyStudentLossOptions): NoisyStudentLoss {
  const fn = 'noisyStudentLoss';
  const { labLogits, labels, unlLogits, unlTargets, labelSmoothing = 0.1 } = o ?? ({} as NoisyStudentLossOptions);
  const [bLab, c] = checkLogits(fn, 'labLogits', labLogits);
  checkLabels(fn, labels, bLab, c);
  const [bUnl, cu] = checkSameMatrices(
    fn,
    [
      ['unlLogits', unlLogits],
      ['unlTargets', unlTargets],
    ],
    classes,
  );
  if (cu !== c) throw new RangeError(`${fn}: expected unlLogits with C = ${c} classes (as labLogits) but received [${unlLogits.shape}]`);
  const smoothing = within(fn, () => finite(labelSmoothing, 'labelSmoothing', 0, 1));
  return torch.scope(() => {
    const lab = F.crossEntropy(labLogits, labels, { labelSmoothing: smoothing });
    const unl = softCrossEntropy(unlLogits, unlTargets);
    const loss = lab.add(unl.mul(bUnl / bLab));
    return { loss, labLoss: lab.item(), unlLoss: unl.item() };
  });
}

export interface DistillationOptions {
  /** T, the softmax temperature of teacher and student. Default 1. */
  temperature?: number;
}

/**
 * Knowledge distillation (Hinton et al. 2015): T² · the batch mean of
 * KL(softmax(t/T) ‖ softmax(s/T)); the T² keeps the gradient's scale independent
 * of T. Its gradient in s equals that of SimCLRv2's −Σ P_T log P_S (times T²).
 * studentLogits, teacherLogits: [N, C] → a scalar; the teacher gets no gradient.
 */
export function distillationLoss(studentLogits: Tensor, teacherLogits: Tensor, o: DistillationOptions = {}): Tensor {
  const fn = 'distillationLoss';
  checkSameMatrices(
    fn,
    [
      ['studentLogits', studentLogits],
      ['teacherLogits', teacherLogits],
    ],
    classes,
  );
  const t = checkPositive(fn, 'temperature', o?.temperature ?? 1);
  return torch.scope(() => {
    const logPt = F.logSoftmax(teacherLogits.detach().div(t), 1); // [N, C]
    const logPs = F.logSoftmax(studentLogits.div(t), 1); // [N, C]
    return F.klDiv(logPs, logPt, { reduction: 'batchmean', logTarget: true }).mul(t * t);
  });
}
