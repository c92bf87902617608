/**
 * RandAugment (Cubuk, Zoph, Shlens, Le 2020, "RandAugment: Practical automated
 * data augmentation with a reduced search space", §3): each sample gets N ops
 * drawn uniformly (with replacement) from a fixed list, all at one magnitude M
 * on a 0–10 scale. The list and the magnitude → parameter maps are
 * torchvision's `RandAugment` with M / 10 as the fraction of its range (so
 * M = 0 is the identity for every op with a magnitude): rotate ±30° · M/10,
 * shear ±0.3 · M/10, translate ±0.45 · side · M/10 (timm's translate constant
 * 45 %), brightness / colour / contrast / sharpness 1 ± 0.9 · M/10, posterize
 * 8 − round(4 · M/10) bits, solarize at (256 − 256 · M/10) / 255;
 * autocontrast and equalize have no magnitude. timm's options (used by InfoMin,
 * Tian et al. 2020, `rand-n2-m10-mstd0.5`) are here too: a per-op magnitude
 * ~ N(M, std) clipped to [0, 10], and a probability p of applying each op.
 * Signed ops are negated with probability 0.5. Geometric ops fill with `fill`.
 */
import * as torch from '../../torch/index.js';
import { fail, int, num, oneOf, options } from '../../torch/check.js';
import { shearMatrix, inverseAffineMatrix, warpAffine } from './affine.js';
import { mixColor, solarize } from './color.js';
import { adjustSharpness, autocontrast, equalize, posterize } from './enhance.js';
import { checkImages, column, onSubset, pipe, probability, normals, uniforms, type View } from './common.js';

type Tensor = torch.Tensor;

/** RandAugment's ops, in the order their indices refer to. */
export const RANDAUGMENT_OPS = [
  'identity',
  'autocontrast',
  'equalize',
  'rotate',
  'solarize',
  'color',
  'posterize',
  'contrast',
  'brightness',
  'sharpness',
  'shearX',
  'shearY',
  'translateX',
  'translateY',
] as const;
export type RandAugmentOp = (typeof RANDAUGMENT_OPS)[number];

const SIGNED = new Set<RandAugmentOp>([
  'rotate',
  'color',
  'contrast',
  'brightness',
  'sharpness',
  'shearX',
  'shearY',
  'translateX',
  'translateY',
]);

export interface RandAugmentOptions {
  /** N: ops per sample (0 = off). Default 2. */
  ops?: number;
  /** M: magnitude on the 0–10 scale. Default 9. */
  magnitude?: number;
  /** Standard deviation of a per-op magnitude ~ N(M, std), clipped to [0, 10] (timm's mstd). Default 0. */
  magnitudeStd?: number;
  /** Probability of applying each drawn op (RandAugment: 1; timm: 0.5). Default 1. */
  p?: number;
  /** Fill of the geometric ops: one value, one per channel, or 'mean' (each batch's mean colour). Default 'mean'. */
  fill?: number | number[] | 'mean';
  /** Resampling of the geometric ops. Default 'bilinear'. */
  interpolation?: 'nearest' | 'bilinear';
  /** Largest translation as a fraction of the side. Default 0.45. */
  translate?: number;
}

/** Drawn RandAugment parameters: per sample, its N ops and their signed levels. */
export interface RandAugmentParams {
  /** ops[i][k]: sample i's k-th op, an index into RANDAUGMENT_OPS (-1: skipped, probability 1 − p). */
  ops: number[][];
  /** levels[i][k]: its signed strength in [-1, 1], magnitude / 10 (negative only for signed ops). */
  levels: number[][];
}

interface Context {
  height: number;
  width: number;
  translate: number;
  fill: number[];
  interpolation: 'nearest' | 'bilinear';
}

/** Applies one family of ops to the samples that drew them: sub [K, C, H, W], their op names and levels. */
type Group = { ops: RandAugmentOp[]; run: (sub: Tensor, ops: RandAugmentOp[], levels: number[], c: Context) => Tensor };

const factors = (levels: number[]): Tensor => torch.tensor(levels.map((l) => 1 + 0.9 * l));

/** The inverse matrix of a geometric op at a level. */
function warpMatrix(op: RandAugmentOp, level: number, c: Context): number[] {
  const { height: h, width: w } = c;
  if (op === 'shearX' || op === 'shearY') return shearMatrix(0.3 * level, op === 'shearX' ? 'x' : 'y', h, w);
  const dx = op === 'translateX' ? c.translate * w * level : 0;
  const dy = op === 'translateY' ? c.translate * h * level : 0;
  return inverseAffineMatrix([0, 0], op === 'rotate' ? -30 * level : 0, [dx, dy], 1, [0, 0]);
}

const GROUPS: Group[] = [
  {
    ops: ['rotate', 'shearX', 'shearY', 'translateX', 'translateY'],
    run: (sub, ops, levels, c) =>
      warpAffine(
        sub,
        ops.flatMap((op, i) => warpMatrix(op, levels[i], c)),
        { fill: c.fill, interpolation: c.interpolation },
      ),
  },
  {
    // brightness k·x, colour (saturation) k·x + (1 − k)·gray(x), contrast k·x + (1 − k)·mean(gray(x)): one mixColor
    ops: ['brightness', 'color', 'contrast'],
    run: (sub, ops, levels) => {
      const k = levels.map((l) => 1 + 0.9 * l);
      const where = (name: RandAugmentOp) =>
        column(
          sub,
          k.map((f, i) => (ops[i] === name ? 1 - f : 0)),
        );
      return mixColor(sub, column(sub, k), where('contrast'), where('color'));
    },
  },
  { ops: ['sharpness'], run: (sub, _, levels) => adjustSharpness(sub, factors(levels)) },
  {
    ops: ['posterize'],
    run: (sub, _, levels) =>
      posterize(
        sub,
        levels.map((l) => 8 - Math.round(4 * l)),
      ),
  },
  { ops: ['solarize'], run: (sub, _, levels) => solarize(sub, torch.tensor(levels.map((l) => (256 - 256 * l) / 255))) },
  { ops: ['autocontrast'], run: (sub) => autocontrast(sub) },
  { ops: ['equalize'], run: (sub) => equalize(sub) },
];

/**
 * RandAugment as a batched view: `sample` draws each sample's ops and levels
 * from the generator, `apply` runs them — at step k every op family runs once
 * on the samples whose k-th op belongs to it (all geometric ops in one warp).
 * x: [N, C, H, W] in [0, 1] -> same.
 */
export class RandAugment implements View {
  readonly ops: number;
  readonly magnitude: number;
  readonly magnitudeStd: number;
  readonly p: number;
  readonly fill: number[] | 'mean';
  readonly interpolation: 'nearest' | 'bilinear';
  readonly translate: number;

  constructor(o?: RandAugmentOptions) {
    const {
      ops = 2,
      magnitude = 9,
      magnitudeStd = 0,
      p = 1,
      fill = 'mean',
      interpolation = 'bilinear',
      translate = 0.45,
    } = options(o, 'RandAugment', ['ops', 'magnitude', 'magnitudeStd', 'p', 'fill', 'interpolation', 'translate']);
    this.ops = int(ops, 'ops', 0, 64);
    this.magnitude = num(magnitude, 'magnitude', 0, 10);
    this.magnitudeStd = num(magnitudeStd, 'magnitudeStd', 0);
    this.p = probability(p, 'p');
    if (fill !== 'mean' && !(typeof fill === 'number' ? Number.isFinite(fill) : Array.isArray(fill) && fill.every(Number.isFinite)))
      fail(fill, 'fill', "a number, one number per channel, or 'mean'");
    this.fill = typeof fill === 'number' ? [fill] : fill;
    this.interpolation = oneOf(interpolation, 'interpolation', ['nearest', 'bilinear']);
    this.translate = num(translate, 'translate', 0, 1);
  }

  /** Draws each sample's N ops (uniform over RANDAUGMENT_OPS), whether each applies (p), its magnitude and sign. */
  sample(n: number, generator?: torch.Generator): RandAugmentParams {
    const k = this.ops;
    const u = uniforms(n, 3 * k, generator);
    const z = this.magnitudeStd > 0 && n * k > 0 ? normals(n, k, generator) : null;
    const count = RANDAUGMENT_OPS.length;
    const params: RandAugmentParams = { ops: [], levels: [] };
    for (let i = 0; i < n; i++) {
      const [ops, levels] = [new Array<number>(k), new Array<number>(k)];
      for (let j = 0; j < k; j++) {
        const [uOp, uApply, uSign] = [u[3 * (i * k + j)], u[3 * (i * k + j) + 1], u[3 * (i * k + j) + 2]];
        const op = Math.min(count - 1, Math.floor(uOp * count));
        const m = z ? Math.min(10, Math.max(0, this.magnitude + this.magnitudeStd * z[i * k + j])) : this.magnitude;
        ops[j] = uApply < this.p ? op : -1;
        levels[j] = (SIGNED.has(RANDAUGMENT_OPS[op]) && uSign < 0.5 ? -m : m) / 10;
      }
      params.ops.push(ops);
      params.levels.push(levels);
    }
    return params;
  }

  /** Applies drawn parameters. x: [N, C, H, W] -> same. */
  apply(x: Tensor, params: RandAugmentParams): Tensor {
    const [n, c, height, width] = checkImages(x, 'RandAugment');
    if (params.ops.length !== n || params.levels.length !== n)
      throw new RangeError(`RandAugment.apply: expected parameters for ${n} samples but received ${params.ops.length}`);
    const steps = params.ops[0]?.length ?? 0;
    if (steps === 0) return x;
    const fill = this.fill === 'mean' ? torch.scope(() => x.mean([0, 2, 3]).toArray()) : this.fill;
    if (fill.length !== 1 && fill.length !== c)
      throw new RangeError(`RandAugment: expected 1 or ${c} fill values (one per channel) but received ${fill.length}`);
    const ctx: Context = { height, width, translate: this.translate, fill, interpolation: this.interpolation };
    const step =
      (k: number) =>
      (t: Tensor): Tensor => {
        let y = t;
        for (const group of GROUPS) {
          const chosen = params.ops.map((ops) => ops[k] >= 0 && group.ops.includes(RANDAUGMENT_OPS[ops[k]]));
          const next = onSubset(
            y,
            chosen,
            (sub, idx) =>
              group.run(
                sub,
                idx.map((i) => RANDAUGMENT_OPS[params.ops[i][k]]),
                idx.map((i) => params.levels[i][k]),
                ctx,
              ),
            y !== x,
          );
          if (next !== y && y !== t) y.dispose();
          y = next;
        }
        return y;
      };
    return pipe(x, ...Array.from({ length: steps }, (_, k) => step(k)));
  }

  forward(x: Tensor, generator?: torch.Generator): Tensor {
    const [n] = checkImages(x, 'RandAugment');
    if (this.ops === 0) return x;
    return this.apply(x, this.sample(n, generator));
  }
}
