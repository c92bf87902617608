/**
 * Form2Fit's losses (Zakka et al. 2020, "Form2Fit: Learning Shape Priors for
 * Generalizable Assembly from Disassembly", §IV; the reference's
 * `ml/losses.py`).
 *
 * Suction and place maps: binary cross-entropy with logits on sampled pixels,
 * positives (a disk around the labelled point) up-weighted by pos_weight = the
 * ratio of sampled negatives to positives, each sample's mean over its sampled
 * pixels, then the batch mean; optionally plus the two-class Sørensen–Dice loss
 * (the reference adds 5× it).
 *
 * Matching: a contrastive loss on per-pixel descriptors (Schmidt, Newcombe, Fox
 * 2017, "Self-supervised Visual Descriptor Learning for Dense Correspondence"):
 *
 *   L_match     = mean_m ‖d_o(m) − d_k(m)‖²
 *   L_non-match = mean_p max(0, margin − ‖d_o(p) − d_k(p)‖)²
 *
 * where with hard-negative mining the non-match mean runs over the non-zero
 * terms only (the pairs still closer than the margin).
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { isFloating } from '../torch/dtype.js';
import { fmt } from '../torch/functional/options.js';
import { checkPositive, checkSameMatrices, checkTensor } from './checks.js';

type Tensor = torch.Tensor;

/** The Dice loss's ε in the denominators (the reference's 1e-7). */
export const DICE_EPS = 1e-7;
/** Squared distances are clamped to ≥ this before the square root, so identical descriptors give a zero gradient, not NaN. */
export const MIN_SQUARED_DISTANCE = 1e-12;

/** Checks logits, target, weight: one floating-point shape [N, …] with N ≥ 1. */
function checkMaps(fn: string, logits: unknown, target: unknown, weight: unknown): void {
  const named: [string, unknown][] = [
    ['logits', logits],
    ['target', target],
    ['weight', weight],
  ];
  for (const [name, t] of named) checkTensor(fn, name, t);
  const a = logits as Tensor;
  if (a.ndim < 2 || a.shape[0] < 1) throw new RangeError(`${fn}: expected logits as [N, H, W] but received ${fmt(a.shape)}`);
  for (const [name, t] of named.slice(1) as [string, Tensor][])
    if (t.shape.join() !== a.shape.join())
      throw new RangeError(`${fn}: expected ${name} of the shape of logits ${fmt(a.shape)} but received ${fmt(t.shape)}`);
  for (const [name, t] of named as [string, Tensor][])
    if (!isFloating(t.dtype)) throw new TypeError(`${fn}: expected ${name} of a floating-point dtype but received ${t.dtype}`);
}

/**
 * Weighted per-pixel binary cross-entropy with logits: for each sample n,
 * Σ_p w·ℓ(x, t) / Σ_p w with ℓ = −[pw·t·log σ(x) + (1 − t)·log(1 − σ(x))], then
 * the mean over the batch (a sample whose weights sum to 0 contributes 0).
 * logits, target (0/1), weight (the sampled-pixel mask): [N, H, W]; posWeight > 0.
 */
export function pixelBce(logits: Tensor, target: Tensor, weight: Tensor, posWeight: number): Tensor {
  const fn = 'pixelBce';
  checkMaps(fn, logits, target, weight);
  const pw = checkPositive(fn, 'posWeight', posWeight);
  return torch.scope(() => {
    const pos = torch.tensor([pw], { dtype: logits.dtype, device: logits.device });
    const terms = F.binaryCrossEntropyWithLogits(logits, target, { posWeight: pos, reduction: 'none' }); // [N, H, W]
    const sums = terms.mul(weight).flatten(1).sum(1); // [N]
    return sums.div(weight.flatten(1).sum(1).clampMin(MIN_SQUARED_DISTANCE)).mean();
  });
}

/**
 * The reference's two-class Sørensen–Dice loss: with p = σ(logits), the classes
 * "positive" (p against t) and "negative" (1 − p against 1 − t), each
 * I_c = Σ w·p_c·t_c and C_c = Σ w·(p_c + t_c) over the whole batch, and
 * loss = 1 − mean_c 2·I_c / (C_c + ε). logits, target (0/1), weight: [N, H, W]
 * (weight all ones: every pixel, as the reference).
 */
export function diceLoss(logits: Tensor, target: Tensor, weight: Tensor): Tensor {
  checkMaps('diceLoss', logits, target, weight);
  return torch.scope(() => {
    const p = logits.sigmoid();
    const dice = (prob: Tensor, t: Tensor): Tensor => prob.mul(t).mul(weight).sum().mul(2).div(prob.add(t).mul(weight).sum().add(DICE_EPS));
    return dice(p, target)
      .add(dice(p.rsub(1), target.rsub(1)))
      .div(2)
      .rsub(1);
  });
}

export interface DescriptorLossOptions {
  /** The non-match margin m on the L2 distance. */
  margin: number;
  /** Average the non-match term over its non-zero terms only (pairs still inside the margin). */
  hardNegative: boolean;
}

/** The descriptor loss and its two terms (loss = match + nonMatch). */
export interface DescriptorLoss {
  loss: Tensor;
  match: Tensor;
  nonMatch: Tensor;
}

/**
 * The contrastive descriptor loss: dObj, dKit [M, D] the descriptors of M
 * matching object / kit pixels; dObjNeg, dKitNeg [P, D] of P non-matching
 * pairs. Without non-zero non-match terms under hard-negative mining, the
 * non-match term is 0.
 */
export function descriptorLoss(dObj: Tensor, dKit: Tensor, dObjNeg: Tensor, dKitNeg: Tensor, o: DescriptorLossOptions): DescriptorLoss {
  const fn = 'descriptorLoss';
  const [, d] = checkSameMatrices(
    fn,
    [
      ['dObj', dObj],
      ['dKit', dKit],
    ],
    { dims: '[M, D]' },
  );
  checkSameMatrices(
    fn,
    [
      ['dObjNeg', dObjNeg],
      ['dKitNeg', dKitNeg],
    ],
    { dims: '[P, D]' },
  );
  if (dObjNeg.shape[1] !== d)
    throw new RangeError(`${fn}: expected dObjNeg of D = ${d} columns like dObj but received ${fmt(dObjNeg.shape)}`);
  for (const [name, t] of [
    ['dObj', dObj],
    ['dObjNeg', dObjNeg],
  ] as const)
    if (!isFloating(t.dtype)) throw new TypeError(`${fn}: expected ${name} of a floating-point dtype but received ${t.dtype}`);
  if (typeof o !== 'object' || o === null)
    throw new TypeError(`${fn}: expected options { margin, hardNegative } but received ${String(o)}`);
  const margin = checkPositive(fn, 'margin', o.margin);
  if (typeof o.hardNegative !== 'boolean')
    throw new TypeError(`${fn}: expected hardNegative as a boolean but received ${JSON.stringify(o.hardNegative)}`);
  return torch.scope(() => {
    const match = dObj.sub(dKit).square().sum(1).mean();
    const distance = dObjNeg.sub(dKitNeg).square().sum(1).clampMin(MIN_SQUARED_DISTANCE).sqrt(); // [P]
    const hinge = distance.rsub(margin).clampMin(0).square(); // [P]
    const nonMatch = o.hardNegative ? hinge.sum().div(Math.max(1, hinge.gt(0).sum().item())) : hinge.mean();
    return { loss: match.add(nonMatch), match, nonMatch };
  });
}
