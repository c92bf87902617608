/**
 * Form2Fit's training views (Zakka et al. 2020, §IV; the reference's
 * `ml/dataloader/suction.py` and `correspondence.py`): pixel targets and the
 * sampled pixels of the suction and place maps, the kit rotated into the
 * labelled rotation bin and a few other bins, and the indices of matching and
 * non-matching descriptor pairs. Scene conventions: docs of src/sim — pixels
 * (x, y) = (column, row), angles counter-clockwise, kit view r = the kit
 * rotated by −(360/bins)·r degrees.
 */
import * as torch from '../torch/index.js';
import { rotate, rotatePixels } from '../views/image/affine.js';

type Tensor = torch.Tensor;

/** Disks of `radius` px around points [N, 2] int64 (x, y) → targets [N, H, W] float32 of 0/1. */
export function diskTargets(points: Tensor, h: number, w: number, radius: number): Tensor {
  return torch.scope(() => {
    const p = points.to('float32');
    const xs = torch
      .arange(w, { dtype: 'float32' })
      .view([1, 1, w])
      .sub(p.select(1, 0).view([-1, 1, 1])); // [N, 1, W]
    const ys = torch
      .arange(h, { dtype: 'float32' })
      .view([1, h, 1])
      .sub(p.select(1, 1).view([-1, 1, 1])); // [N, H, 1]
    return xs
      .square()
      .add(ys.square())
      .le(radius * radius)
      .float(); // [N, H, W]
  });
}

/**
 * The sampled pixels of targets [N, H, W]: every positive and `ratio` times as
 * many negatives as the fullest sample has positives, drawn uniformly among the
 * negatives (the reference's sample_ratio) → weight [N, H, W] of 0/1.
 */
export function samplePixels(target: Tensor, ratio: number, generator: torch.Generator): Tensor {
  return torch.scope(() => {
    const [n, h, w] = target.shape;
    const flat = target.view([n, h * w]);
    const k = Math.min(Math.round(ratio * flat.sum(1).max().item()), h * w - 1);
    const scores = torch.rand([n, h * w], { generator }).maskedFill(flat.bool(), -1); // positives never drawn
    const negatives = torch.zeros([n, h * w]).scatter(1, torch.topk(scores, Math.max(k, 1), 1).indices, 1);
    return negatives.maskedFill(flat.bool(), 1).view([n, h, w]);
  });
}

export interface MatchSampling {
  /** Rotation bins (20: 18° each). */
  bins: number;
  /** Other bins per sample whose kit view gives each match a non-match. */
  negativeRotations: number;
  /** Random kit pixels of the positive view per match, as non-matches. */
  nonMatches: number;
  /** Random non-matches lie at least this far (px) from the matching kit pixel. */
  exclusion: number;
}

/** The matching views of a batch: kit views and flat descriptor indices. */
export interface MatchViews {
  /** [(1 + R)·N, 2, S, S]: the kit in the positive bin (block 0), then R blocks of other bins. */
  kitViews: Tensor;
  /** [M] int64: object pixels of the matches, as n·S² + y·S + x. */
  object: Tensor;
  /** [M] int64: their kit pixels in the positive view, as n·S² + y·S + x into kitViews. */
  kit: Tensor;
  /** [M, C] int64, C = nonMatches + R: kit pixels that do not match the object pixel (random, then one per other bin). */
  nonMatch: Tensor;
}

/** Rounded rotated pixels [N, K, 2] int64 and whether each lies inside the S×S view. */
function rotatedPixels(points: Tensor, angles: number[], s: number): { xy: Tensor; inside: Tensor } {
  const xy = rotatePixels(points, angles, s, s).round().long(); // [N, K, 2]
  return { xy, inside: xy.ge(0).logicalAnd(xy.lt(s)).all(2) };
}

/** Flat index n·S² + y·S + x (+ block·N·S²) of pixels [..., 2] of sample rows n [...]. */
const flatIndex = (xy: Tensor, n: Tensor, s: number, offset = 0): Tensor =>
  n
    .mul(s * s)
    .add(xy.select(-1, 1).mul(s))
    .add(xy.select(-1, 0))
    .add(offset);

/**
 * Kit views and match / non-match indices from kit [N, 2, S, S], rotation bins
 * [N] int64 and matches [N, K, 4] int64 (xo, yo, xk, yk; kit unrotated; padded
 * rows −1). Matches whose kit pixel leaves the rotated view are dropped.
 */
export function matchViews(kit: Tensor, rotation: Tensor, matches: Tensor, o: MatchSampling, generator: torch.Generator): MatchViews {
  const [n, , s] = kit.shape;
  const k = matches.shape[1];
  const r = o.negativeRotations;
  const step = 360 / o.bins;
  return torch.scope(() => {
    const bins = rotation.toArray() as number[];
    const offsets = torch.randint(1, o.bins, [r, n], { generator }).toArray() as number[]; // other bins, block-major
    const angles = [...bins, ...offsets.map((off, i) => bins[i % n] + off)].map((b) => -step * (b % o.bins));
    const kitViews = rotate(kit.repeat([1 + r, 1, 1, 1]), angles);
    const rows = torch.arange(n, { dtype: 'int64' }).view([n, 1]).expand([n, k]); // [N, K]
    const positive = rotatedPixels(matches.narrow(2, 2, 2), angles.slice(0, n), s);
    const valid = matches.select(2, 0).ge(0).logicalAnd(positive.inside); // [N, K]
    const keep = valid.flatten().nonzero().view([-1]); // [M]
    const pick = (t: Tensor): Tensor => t.flatten(0, 1).indexSelect(0, keep);
    const sample = pick(rows); // [M]
    const truth = pick(positive.xy); // [M, 2]
    const object = flatIndex(pick(matches.narrow(2, 0, 2)), sample, s);
    const m = keep.shape[0];
    const random = torch.randint(0, s, [m, o.nonMatches, 2], { generator }); // [M, Cr, 2]
    const near = random
      .sub(truth.unsqueeze(1))
      .square()
      .sum(2)
      .lt(o.exclusion * o.exclusion); // [M, Cr]
    const shifted = random
      .select(2, 0)
      .add(near.long().mul(s >> 1))
      .remainder(s); // x moved by S/2 where too near
    const randomXy = torch.stack([shifted, random.select(2, 1)], 2);
    const others = Array.from({ length: r }, (_, j) => {
      const xy = rotatedPixels(matches.narrow(2, 2, 2), angles.slice((j + 1) * n, (j + 2) * n), s).xy.clamp(0, s - 1);
      return flatIndex(pick(xy), sample, s, (j + 1) * n * s * s).unsqueeze(1); // [M, 1]
    });
    const nonMatch = torch.cat([flatIndex(randomXy, sample.unsqueeze(1), s), ...others], 1); // [M, C]
    return { kitViews, object, kit: flatIndex(truth, sample, s), nonMatch };
  });
}
