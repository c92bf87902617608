/**
 * The triplet loss of TRILL (Shor et al. 2020, "Towards Learning a Universal
 * Non-Semantic Representation of Speech", §3), after Jansen et al. 2018
 * ("Unsupervised Learning of Semantic Audio Representations"): an anchor a and
 * a positive p are two windows of one clip, a negative n is a window of another
 * clip, and with squared L2 distances
 *
 *   L = mean over triplets of [‖a − p‖² − ‖a − n‖² + δ]₊
 *
 * Negatives are mined in the batch. Row i's candidates are every positive and
 * every other anchor whose group (clip id) differs from row i's — 2N − 1 at
 * most; rows of the same clip are never negatives. Per anchor, with d_p its
 * positive distance and d_n the candidates' distances (FaceNet, Schroff et al.
 * 2015, §3.2):
 *
 *   'semi-hard'  the closest negative farther than the positive (d_n > d_p);
 *                when every negative is closer, the farthest of them — the one
 *                nearest the semi-hard band (TensorFlow Addons'
 *                triplet_semihard_loss does the same)
 *   'hard'       the closest negative
 *   'random'     a uniformly random negative (`generator`)
 *   'all'        every negative: the mean runs over all (anchor, negative) pairs
 *
 * The choice is made on detached distances; the gradient flows through the
 * chosen distances. Anchors without a candidate negative are left out of the mean.
 */
import * as torch from '../torch/index.js';
import { oneOf, within } from '../torch/check.js';
import { fmt } from '../torch/functional/options.js';
import { checkNonNegative, checkSameMatrices, checkTensor } from './checks.js';

type Tensor = torch.Tensor;

export type TripletMining = 'semi-hard' | 'hard' | 'random' | 'all';
export const TRIPLET_MINING: readonly TripletMining[] = ['semi-hard', 'hard', 'random', 'all'];

export interface TripletLossOptions {
  /** δ ≥ 0, in units of squared distance. */
  margin: number;
  mining: TripletMining;
  /** [N] integer clip ids: rows of one id are never each other's negatives. Default: every row its own clip. */
  groups?: Tensor;
  /** The draws of 'random' mining (default: the global generator). */
  generator?: torch.Generator;
}

/**
 * Squared L2 distances [N, M] between the rows of x [N, D] and y [M, D], as
 * ‖x‖² + ‖y‖² − 2x·y clamped at 0 (the rounding of the expansion can dip below).
 */
export function squaredDistances(x: Tensor, y: Tensor): Tensor {
  return torch.scope(() => {
    const xx = x.square().sum(1, true); // [N, 1]
    const yy = y.square().sum(1).unsqueeze(0); // [1, M]
    return xx.add(yy).sub(x.matmul(y.t()).mul(2)).clamp(0, null);
  });
}

/** The triplet loss of anchors and positives [N, D] (module comment); a scalar. */
export function tripletLoss(anchor: Tensor, positive: Tensor, o: TripletLossOptions): Tensor {
  const fn = 'tripletLoss';
  const [n] = checkSameMatrices(fn, [
    ['anchor', anchor],
    ['positive', positive],
  ]);
  if (typeof o !== 'object' || o === null)
    throw new TypeError(`${fn}: expected options { margin, mining, groups? } but received ${String(o)}`);
  const margin = checkNonNegative(fn, 'margin', o.margin);
  const mining = within(fn, () => oneOf(o.mining, 'mining', TRIPLET_MINING));
  if (o.groups !== undefined) {
    checkTensor(fn, 'groups', o.groups);
    if (o.groups.ndim !== 1 || o.groups.shape[0] !== n)
      throw new RangeError(`${fn}: expected groups as [N] = [${n}] but received ${fmt(o.groups.shape)}`);
  }
  return torch.scope(() => {
    const groups = (o.groups ?? torch.arange(n)).to({ dtype: 'int64', device: anchor.device }); // [N]
    const candidates = torch.cat([positive, anchor]); // [2N, D]
    const dn = squaredDistances(anchor, candidates); // [N, 2N]
    const dp = anchor.sub(positive).square().sum(1); // [N]
    const negative = groups.unsqueeze(1).ne(torch.cat([groups, groups]).unsqueeze(0)); // [N, 2N]
    if (mining === 'all') {
      const count = negative.sum().item();
      if (count === 0) throw noNegatives(fn);
      return hinge(dp.unsqueeze(1), dn, margin).mul(negative.to(dn.dtype)).sum().div(count); // [N, 2N] → scalar
    }
    const has = negative.any(1); // [N]
    const rows = has.sum().item();
    if (rows === 0) throw noNegatives(fn);
    const choice = torch.noGrad(() => pick(mining, dn.detach(), dp.detach(), negative, o.generator)); // [N] int64
    const chosen = dn.gather(1, choice.unsqueeze(1)).squeeze(1); // [N]
    return hinge(dp, chosen, margin).mul(has.to(dn.dtype)).sum().div(rows);
  });
}

/** [d_p − d_n + δ]₊ elementwise. */
const hinge = (dp: Tensor, dn: Tensor, margin: number): Tensor => dp.sub(dn).add(margin).clamp(0, null);

const noNegatives = (fn: string): RangeError =>
  new RangeError(`${fn}: no anchor has a negative (every row has the same group): the batch needs windows of at least two clips`);

/** The column of each row's negative under `mining` ('semi-hard', 'hard', 'random'): int64 [N]. */
function pick(mining: TripletMining, dn: Tensor, dp: Tensor, negative: Tensor, generator?: torch.Generator): Tensor {
  const masked = (keep: Tensor, fill: number): Tensor => dn.maskedFill(keep.logicalNot(), fill);
  if (mining === 'hard') return masked(negative, Infinity).argmin(1);
  if (mining === 'random') return torch.rand(dn.shape, { generator }).maskedFill(negative.logicalNot(), -1).argmax(1); // float32 draws
  const farther = negative.logicalAnd(dn.gt(dp.unsqueeze(1))); // [N, 2N]: semi-hard candidates
  const closest = masked(farther, Infinity).argmin(1);
  const farthest = masked(negative, -Infinity).argmax(1);
  return torch.where(farther.any(1), closest, farthest);
}
