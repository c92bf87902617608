/**
 * Random colour distortions: colour jitter with a random order of its four
 * adjustments per sample (as torchvision's `ColorJitter`), random grayscale and
 * random solarize. Together they are SimCLR's colour distortion (Chen et al. 2020,
 * appendix A) and BYOL's solarize (Grill et al. 2020).
 */
import * as torch from '../../torch/index.js';
import { fail, num, options } from '../../torch/check.js';
import { checkImages, chunked, coins, column, mask, onSubset, pipe, probability, uniforms, type View } from './common.js';
import { mixColor, rgbToGrayscale, solarize } from './color.js';
import { adjustHue } from './hue.js';

type Tensor = torch.Tensor;

export interface ColorJitterOptions {
  /** b: brightness factor ~ U(max(0, 1 - b), 1 + b), or an explicit [min, max]. Default 0 (off). */
  brightness?: number | [number, number];
  /** c: contrast factor ~ U(max(0, 1 - c), 1 + c), or [min, max]. Default 0 (off). */
  contrast?: number | [number, number];
  /** s: saturation factor ~ U(max(0, 1 - s), 1 + s), or [min, max]. Default 0 (off). */
  saturation?: number | [number, number];
  /** h: hue shift ~ U(-h, h) turns with h <= 0.5, or [min, max] within [-0.5, 0.5]. Default 0 (off). */
  hue?: number | [number, number];
  /** Probability of jittering each sample (torchvision's RandomApply). Default 1. */
  p?: number;
}

type Range = [number, number] | null;

/** Per-sample jitter drawn by `ColorJitter.sample`. */
export interface JitterParams {
  /** Whether each sample is jittered. */
  apply: boolean[];
  /** Each sample's order of the adjustments: 0 brightness, 1 contrast, 2 saturation, 3 hue. */
  order: number[][];
  /** Each sample's factors [brightness, contrast, saturation, hue]. */
  factors: number[][];
}

/** torchvision's `ColorJitter._check_input`: a number v gives [center - v, center + v] clipped to `bound`. */
function jitterRange(v: unknown, name: string, center: number, bound: [number, number]): Range {
  let r: [number, number];
  if (typeof v === 'number') {
    num(v, name, 0, center === 0 ? 0.5 : Infinity);
    r = [Math.max(center - v, bound[0]), center + v];
  } else if (
    Array.isArray(v) &&
    v.length === 2 &&
    v.every((e) => typeof e === 'number' && e >= bound[0] && e <= bound[1]) &&
    v[0] <= v[1]
  ) {
    r = [v[0], v[1]];
  } else {
    return fail(v, name, `a non-negative number or a [min, max] pair within [${bound}]`);
  }
  return r[0] === center && r[1] === center ? null : r;
}

const BRIGHTNESS = 0;
const CONTRAST = 1;
const SATURATION = 2;
const HUE = 3;
/** Uniforms per sample: apply coin, 4 order keys, 4 factors. */
const DRAWS = 9;

const sliceParams = (p: JitterParams, start: number, n: number): JitterParams => ({
  apply: p.apply.slice(start, start + n),
  order: p.order.slice(start, start + n),
  factors: p.factors.slice(start, start + n),
});

/**
 * Step k of the batched jitter: the `mixColor` coefficients of the samples whose
 * k-th adjustment is brightness, contrast or saturation (self null when there are
 * none), and which samples rotate their hue.
 */
function stepPlan(
  { apply, order, factors }: JitterParams,
  k: number,
): { self: Float64Array | null; mean: Float64Array; gray: Float64Array; hue: boolean[] } {
  const n = apply.length;
  const [self, mean, gray] = [new Float64Array(n).fill(1), new Float64Array(n), new Float64Array(n)];
  let linear = false;
  for (let s = 0; s < n; s++) {
    const op = order[s][k];
    const f = factors[s][op];
    if (!apply[s] || op === HUE || f === 1) continue;
    linear = true;
    self[s] = f;
    if (op === CONTRAST) mean[s] = 1 - f;
    if (op === SATURATION) gray[s] = 1 - f;
  }
  const hue = apply.map((a, s) => a && order[s][k] === HUE && factors[s][HUE] !== 0);
  return { self: linear ? self : null, mean, gray, hue };
}

/** A coefficient array as a number when all its entries are equal (skips work in mixColor). */
const coefficient = (x: Tensor, v: Float64Array): number | Tensor => (v.every((e) => e === v[0]) ? v[0] : column(x, v));

/**
 * Colour jitter: with probability p, each sample gets brightness, contrast,
 * saturation and hue adjustments with its own random factors, in its own random
 * order, as torchvision's `ColorJitter`. x: [N, C, H, W] -> same.
 */
export class ColorJitter implements View {
  readonly ranges: [Range, Range, Range, Range];
  readonly p: number;
  constructor(o?: ColorJitterOptions) {
    const {
      brightness = 0,
      contrast = 0,
      saturation = 0,
      hue = 0,
      p = 1,
    } = options(o, 'ColorJitter', ['brightness', 'contrast', 'saturation', 'hue', 'p']);
    this.ranges = [
      jitterRange(brightness, 'brightness', 1, [0, Infinity]),
      jitterRange(contrast, 'contrast', 1, [0, Infinity]),
      jitterRange(saturation, 'saturation', 1, [0, Infinity]),
      jitterRange(hue, 'hue', 0, [-0.5, 0.5]),
    ];
    this.p = probability(p, 'p');
  }

  /**
   * Draws each sample's jitter: whether it applies (probability p), its order of
   * the four adjustments (uniformly random, as torchvision's `randperm(4)`) and its
   * factors [brightness, contrast, saturation, hue] (identity where switched off;
   * saturation and hue are off for 1-channel images).
   */
  sample(n: number, channels: number, generator?: torch.Generator): JitterParams {
    const u = uniforms(n, DRAWS, generator);
    const ranges = channels === 3 ? this.ranges : [this.ranges[BRIGHTNESS], this.ranges[CONTRAST], null, null];
    const identity = [1, 1, 1, 0];
    return {
      apply: Array.from({ length: n }, (_, s) => u[s * DRAWS] < this.p),
      order: Array.from({ length: n }, (_, s) => [0, 1, 2, 3].sort((a, b) => u[s * DRAWS + 1 + a] - u[s * DRAWS + 1 + b])),
      factors: Array.from({ length: n }, (_, s) =>
        ranges.map((r, op) => (r === null ? identity[op] : r[0] + u[s * DRAWS + 5 + op] * (r[1] - r[0]))),
      ),
    };
  }

  /**
   * Applies drawn jitter. The four steps run batched: at step k every sample
   * applies its k-th adjustment, the linear three fused into one `mixColor` and hue
   * on the samples that drew it. x: [N, C, H, W] -> same.
   */
  apply(x: Tensor, params: JitterParams): Tensor {
    const [n] = checkImages(x, 'ColorJitter');
    if (params.apply.length !== n)
      throw new RangeError(`ColorJitter.apply: expected parameters for ${n} samples but received ${params.apply.length}`);
    return chunked(x, (xs, start) => {
      const slice = sliceParams(params, start, xs.shape[0]);
      const step =
        (k: number) =>
        (t: Tensor): Tensor =>
          torch.scope(() => {
            const { self, mean, gray, hue } = stepPlan(slice, k);
            const mixed = self ? mixColor(t, coefficient(t, self), coefficient(t, mean), coefficient(t, gray)) : t;
            // The hue samples of this step are rewritten in place when `mixed` is a temporary.
            return onSubset(mixed, hue, (sub, idx) => adjustHue(sub, torch.tensor(idx.map((i) => slice.factors[i][HUE]))), mixed !== xs);
          });
      return pipe(xs, step(0), step(1), step(2), step(3));
    });
  }

  forward(x: Tensor, generator?: torch.Generator): Tensor {
    const [n, c] = checkImages(x, 'ColorJitter');
    return this.apply(x, this.sample(n, c, generator));
  }
}

/** Converts each sample to grayscale (kept as C channels) with probability p (default 0.1). x: [N, C, H, W] -> same. */
export class RandomGrayscale implements View {
  readonly p: number;
  constructor(o?: { p?: number }) {
    this.p = probability(options(o, 'RandomGrayscale', ['p']).p ?? 0.1, 'p');
  }

  forward(x: Tensor, generator?: torch.Generator): Tensor {
    const [n, c] = checkImages(x, 'RandomGrayscale');
    const flags = coins(n, this.p, generator);
    if (c === 1 || !flags.includes(true)) return x;
    return chunked(x, (xs, start) =>
      torch.scope(() => torch.where(mask(xs, flags.slice(start, start + xs.shape[0])), rgbToGrayscale(xs), xs)),
    );
  }
}

/** Solarizes each sample (x >= threshold ? 1 - x : x) with probability p. x: [N, C, H, W] -> same. */
export class RandomSolarize implements View {
  readonly threshold: number;
  readonly p: number;
  constructor(o?: { threshold?: number; p?: number }) {
    const { threshold = 0.5, p = 0.5 } = options(o, 'RandomSolarize', ['threshold', 'p']);
    [this.threshold, this.p] = [num(threshold, 'threshold', 0, 1), probability(p, 'p')];
  }

  forward(x: Tensor, generator?: torch.Generator): Tensor {
    const [n] = checkImages(x, 'RandomSolarize');
    const flags = coins(n, this.p, generator);
    if (!flags.includes(true)) return x;
    return torch.scope(() =>
      solarize(
        x,
        column(
          x,
          flags.map((f) => (f ? this.threshold : Infinity)),
        ).view([n]),
      ),
    );
  }
}
