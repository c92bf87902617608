/**
 * Image views as configuration: one schema (crop, flip, colour distortion,
 * grayscale, blur and solarize per view, and multi-crop) whose defaults each
 * method sets from its paper, and the one builder that turns it into view
 * pipelines. SimCLR's views (Chen et al. 2020, §3 and appendix A) are the
 * base; BYOL's asymmetric blur and solarize (Grill et al. 2020, appendix B,
 * table 6) are per-view probabilities; DINO's multi-crop (Caron et al. 2021,
 * §3.1; Caron et al. 2020, SwAV §3.2) adds `local.count` small crops;
 * RandAugment (Cubuk et al. 2020) adds `randAugment.ops` ops per view. The
 * `preset` swaps a method's defaults for another recipe's: 'infomin' gives
 * InfoMin's stronger views (Tian et al. 2020, §4.2 and its code's
 * "stacked_randaug"); InfoMin's controlled pairs (patches, channel splits)
 * are `pair` (./pair.ts).
 *
 *     views: { scale: [0.2, 1], blur: [1, 0.1], solarize: [0, 0.2], local: { count: 6 } }
 *     views: { preset: infomin }
 */
import * as torch from '../torch/index.js';
import { bool, int, num, nums, oneOf, section, z, type Config } from '../config/schema.js';
import type { View } from './image/common.js';
import { geometricView } from './image/crop.js';
import { ColorJitter, RandomGrayscale, RandomSolarize } from './image/jitter.js';
import { RandomGaussianBlur } from './image/blur.js';
import { RandAugment } from './image/randaugment.js';
import { Compose } from './compose.js';
import { displayPair, pairSchema, pairViews, type PairViews } from './pair.js';
import { ChannelSplitViews } from './image/channel-split.js';

type Tensor = torch.Tensor;

/** The settings of one view pipeline (what `viewPipeline` builds). */
export interface PipelineOptions {
  /** Output side (or [height, width]). */
  size: number | [number, number];
  /** Random resized crop (else only the flip). Default true. */
  crop?: boolean;
  /** Crop area range. Default [0.08, 1]. */
  scale?: [number, number];
  /** Horizontal-flip probability. Default 0.5. */
  flip?: number;
  /** Colour distortion strength s: jitter 0.8s/0.8s/0.8s/0.2s; 0 turns colour distortion off. Default 1. */
  strength?: number;
  /** Probability of colour jitter. Default 0.8. */
  jitter?: number;
  /** Probability of grayscale. Default 0.2. */
  grayscale?: number;
  /** Probability of Gaussian blur (σ ~ U(0.1, 2), kernel 10 % of the side). Default 0. */
  blur?: number;
  /** Probability of solarization (threshold 0.5). Default 0. */
  solarize?: number;
  /** RandAugment after blur (then grayscale, InfoMin's order): N ops (0 = off), magnitude, magnitude std, p per op. Default off. */
  randAugment?: RandAugmentSettings;
}

/** RandAugment's settings in a view pipeline (see image/randaugment.ts). */
export interface RandAugmentSettings {
  ops: number;
  magnitude: number;
  magnitudeStd: number;
  p: number;
}

/**
 * One view's pipeline: crop (or flip), colour jitter, grayscale, blur,
 * solarize — SimCLR's order, with BYOL's solarize last. With RandAugment on,
 * grayscale moves after it: crop, jitter, blur, RandAugment, grayscale,
 * solarize (InfoMin's order); with it off the steps (and their random draws)
 * are SimCLR's. RandAugment's geometric ops fill with each batch's mean
 * colour. x [N, C, H, W] in [0, 1] → [N, C, size, size]. Errors start with `api`.
 */
export function viewPipeline(o: PipelineOptions, api = 'views'): Compose {
  const { size, crop = true, scale = [0.08, 1], flip = 0.5, strength = 1, jitter = 0.8, grayscale = 0.2, blur = 0, solarize = 0 } = o;
  const augment = o.randAugment && o.randAugment.ops > 0 ? new RandAugment({ ...o.randAugment, fill: 'mean' }) : null;
  if (typeof strength !== 'number' || !(strength >= 0 && strength <= 1.25))
    throw new RangeError(`${api}: expected strength in [0, 1.25] (hue 0.2·s must stay <= 0.25) but received ${String(strength)}`);
  const s = strength;
  const steps: View[] = [geometricView({ size, crop, scale, flip })];
  if (s > 0) steps.push(new ColorJitter({ brightness: 0.8 * s, contrast: 0.8 * s, saturation: 0.8 * s, hue: 0.2 * s, p: jitter }));
  const gray = grayscale > 0 ? new RandomGrayscale({ p: grayscale }) : null;
  if (gray && !augment) steps.push(gray);
  if (blur > 0) steps.push(new RandomGaussianBlur({ p: blur }));
  if (augment) steps.push(augment, ...(gray ? [gray] : []));
  if (solarize > 0) steps.push(new RandomSolarize({ p: solarize }));
  return new Compose(steps);
}

const probabilities = (help: string, dflt: number[]) =>
  nums(`${help} (one value: every global view; two: view 1, view 2)`, dflt, { min: 0, max: 1 });
const cropScale = (help: string, dflt: [number, number]) =>
  nums(help, dflt, { length: 2, min: 0, max: 1 }).refine((v) => v[0] > 0 && v[0] <= v[1], 'expected [min, max] with 0 < min <= max <= 1');

/** The defaults a method may set (its paper's recipe), or a preset. */
export interface ViewDefaults {
  preset?: ViewPreset;
  scale?: [number, number];
  flip?: number;
  strength?: number;
  jitter?: number;
  grayscale?: number;
  blur?: number[];
  solarize?: number[];
  localCount?: number;
  localScale?: [number, number];
  randAugment?: Partial<RandAugmentSettings>;
}

/** The schema of an image method's `views` section, with the method's defaults. */
export function imageViewsSchema(d: ViewDefaults = {}) {
  return section(
    {
      preset: oneOf(
        "defaults of the other fields: method = the method's paper, infomin = InfoMin's views (Tian et al. 2020: scale [0.2, 1], strength 1, blur 0.5, RandAugment n2 m10 mstd0.5 p0.5)",
        VIEW_PRESET_NAMES,
        d.preset ?? 'method',
      ),
      size: int("side of the global views (default: the images' side)", undefined, { min: 4 }),
      crop: bool('random resized crop (off: the whole image, flipped at random)', true),
      scale: cropScale('crop area range [min, max] of the global views', d.scale ?? [0.08, 1]),
      flip: num('horizontal-flip probability', d.flip ?? 0.5, { min: 0, max: 1 }),
      strength: num('colour-distortion strength s (jitter 0.8s/0.8s/0.8s/0.2s; 0 = off)', d.strength ?? 0.5, { min: 0, max: 1.25 }),
      jitter: num('colour-jitter probability', d.jitter ?? 0.8, { min: 0, max: 1 }),
      grayscale: num('grayscale probability', d.grayscale ?? 0.2, { min: 0, max: 1 }),
      blur: probabilities('Gaussian-blur probability', d.blur ?? [0]),
      solarize: probabilities('solarize probability', d.solarize ?? [0]),
      randAugment: section(
        {
          ops: int('ops per view, each drawn uniformly from 14 (0 = off)', d.randAugment?.ops ?? 0, { min: 0, max: 16 }),
          magnitude: num('magnitude M on the 0-10 scale', d.randAugment?.magnitude ?? 9, { min: 0, max: 10 }),
          magnitudeStd: num('std of a per-op magnitude ~ N(M, std), clipped to [0, 10]', d.randAugment?.magnitudeStd ?? 0, { min: 0 }),
          p: num('probability of applying each drawn op (timm: 0.5)', d.randAugment?.p ?? 1, { min: 0, max: 1 }),
        },
        'RandAugment after blur, before grayscale (Cubuk et al. 2020; InfoMin: ops 2, magnitude 10, std 0.5)',
      ),
      local: section(
        {
          count: int('small local crops per image (multi-crop; 0 = none)', d.localCount ?? 0, { min: 0, max: 32 }),
          size: int('side of the local crops (default 3/7 of the global side, as 96 of 224)', undefined, { min: 4 }),
          scale: cropScale('crop area range of the local crops', d.localScale ?? [0.05, 0.4]),
          blur: num('Gaussian-blur probability of the local crops', 0.5, { min: 0, max: 1 }),
        },
        'multi-crop: extra small views (DINO, SwAV)',
      ),
      pair: pairSchema(),
    },
    'augmentations of the views',
  );
}
export type ImageViewsConfig = Config<ReturnType<typeof imageViewsSchema>>;

const perView = (p: number[], i: number, what: string): number => {
  if (p.length > 2) throw new RangeError(`views.${what}: expected one or two probabilities but received [${p}]`);
  return p[Math.min(i, p.length - 1)];
};

/**
 * The views of an image method: two global views (view 1 of the image, view 2
 * of its partner — the image itself, or MICLe's other image of the case) and
 * `local.count` local crops of the image. `forward` gives them in that order.
 */
export class ImageViews {
  readonly global: [View, View];
  readonly local: View | null;
  readonly localCount: number;
  /** The InfoMin pair views (`pair.kind` patches or channels); null for augment. */
  readonly pair: PairViews | null;

  /** `imageSize`: the side of the input images (the global views' default side). */
  constructor(c: ImageViewsConfig, imageSize: number) {
    const size = c.size ?? imageSize;
    const base = {
      crop: c.crop,
      scale: c.scale as [number, number],
      flip: c.flip,
      strength: c.strength,
      jitter: c.jitter,
      grayscale: c.grayscale,
      randAugment: c.randAugment,
    };
    const view = (i: number): View =>
      viewPipeline({ ...base, size, blur: perView(c.blur, i, 'blur'), solarize: perView(c.solarize, i, 'solarize') });
    this.global = [view(0), view(1)];
    this.localCount = c.local.count;
    const localSize = c.local.size ?? Math.max(4, Math.round((size * 3) / 7));
    this.local =
      c.local.count > 0 ? viewPipeline({ ...base, size: localSize, scale: c.local.scale as [number, number], blur: c.local.blur }) : null;
    this.pair = pairViews(c.pair, { size, crop: c.crop, scale: base.scale, flip: c.flip }, imageSize, c.local.count);
  }

  /** The channel split whose halves the representation concatenates (pair.kind channels), else null. */
  get channelSplit(): ChannelSplitViews | null {
    return this.pair instanceof ChannelSplitViews ? this.pair : null;
  }

  /** x, partner: [N, C, H, W] in [0, 1] → [global 1 of x, global 2 of partner, local crops of x …]. */
  forward(x: Tensor, generator?: torch.Generator, partner: Tensor = x): Tensor[] {
    if (this.pair) {
      if (partner !== x)
        throw new RangeError('views.pair.kind: patches and channels take both views from one image, but the method pairs two images');
      return this.pair.forward(x, generator);
    }
    const out = [this.global[0].forward(x, generator), this.global[1].forward(partner, generator)];
    for (let i = 0; i < this.localCount; i++) out.push(this.local!.forward(x, generator));
    return out;
  }

  /** `forward`'s views as RGB images for display (channel-split views converted back). */
  display(views: Tensor[]): Tensor[] {
    return displayPair(this.pair, views);
  }
}

/** The view presets: 'method' keeps each method's own defaults. */
export const VIEW_PRESET_NAMES = ['method', 'infomin'] as const;
export type ViewPreset = (typeof VIEW_PRESET_NAMES)[number];

/**
 * The defaults of each preset other than 'method'. InfoMin (Tian et al. 2020,
 * §4.2; its code's "stacked_randaug"): RandomResizedCrop scale (0.2, 1), flip,
 * colour jitter 0.8/0.8/0.8/0.2 with p 0.8, blur p 0.5, timm's RandAugment
 * rand-n2-m10-mstd0.5 (each op applied with p 0.5), grayscale p 0.2; no solarize.
 */
export const VIEW_PRESETS: Record<Exclude<ViewPreset, 'method'>, ViewDefaults> = {
  infomin: {
    scale: [0.2, 1],
    flip: 0.5,
    strength: 1,
    jitter: 0.8,
    grayscale: 0.2,
    blur: [0.5],
    solarize: [0],
    randAugment: { ops: 2, magnitude: 10, magnitudeStd: 0.5, p: 0.5 },
  },
};

type OptionsSchema = z.ZodObject<z.ZodRawShape>;

/**
 * A method's options schema with its `views` section rebuilt for `preset`: the
 * preset's defaults replace the method's (its multi-crop count and scale stay),
 * and fields set explicitly still win. 'method', an unknown name (left for the
 * schema's own error) or a schema without `views` come back unchanged.
 */
export function withViewPreset<S extends OptionsSchema>(options: S, preset: string): S {
  const views = options.shape.views as z.ZodType | undefined;
  if (!views || preset === 'method' || !Object.hasOwn(VIEW_PRESETS, preset)) return options;
  const own = views.parse(undefined) as ImageViewsConfig;
  const local = { localCount: own.local.count, localScale: own.local.scale as [number, number] };
  const d = { ...local, ...VIEW_PRESETS[preset as keyof typeof VIEW_PRESETS], preset: preset as ViewPreset };
  return options.extend({ views: imageViewsSchema(d) }) as unknown as S;
}
