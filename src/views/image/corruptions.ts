/**
 * Common corruptions of 8-bit image batches at five severities, for robustness
 * sets built in code: the protocol of ImageNet-C / CIFAR-10-C (Hendrycks &
 * Dietterich 2019, "Benchmarking neural network robustness to common corruptions
 * and perturbations") and MNIST-C (Mu & Gilmer 2019). Parameters are CIFAR-10-C's
 * (32-pixel images, the scale used here for 28–32 pixel images); rotate and shear,
 * which CIFAR-10-C lacks, take MNIST-C's. Sizes in pixels scale with the side
 * s = min(H, W).
 *
 * | name          | parameter per severity 1…5                                   | source      |
 * |---------------|--------------------------------------------------------------|-------------|
 * | gaussianNoise | σ = .04, .06, .08, .09, .10 (x + N(0, σ²), x in [0, 1])        | CIFAR-10-C  |
 * | impulseNoise  | share of salt-and-pepper pixels .01, .02, .03, .05, .07       | CIFAR-10-C  |
 * | blur          | Gaussian σ = .4, .6, .7, .8, 1 px (radius ⌊4σ + ½⌋)            | CIFAR-10-C  |
 * | contrast      | c = .75, .5, .4, .3, .15: (x − mean) c + mean, per channel    | CIFAR-10-C  |
 * | brightness    | HSV value + .05, .1, .15, .2, .3                              | CIFAR-10-C  |
 * | rotate        | ±.2, .4, .6, .8, 1 rad (sign drawn per image), bilinear       | MNIST-C     |
 * | shear         | ±.2, .4, .6, .8, 1 rad: skimage's x-shear [1 −sin c; 0 cos c] | MNIST-C     |
 * | pixelate      | PIL BOX down to ⌊.95, .9, .85, .75, .65 × side⌋ and back up   | CIFAR-10-C  |
 * | jpeg          | quality 80, 65, 58, 50, 40                                    | CIFAR-10-C  |
 * | elastic       | (α, σ, jitter) = s·(0, 0, .08), (.05, .2, .07), (.08, .06, .06), (.1, .04, .05), (.1, .03, .03) | CIFAR-10-C |
 *
 * Rotate and shear turn about the image centre and fill with black, as MNIST-C
 * (bilinear, blending with black across the edge). Differences from the
 * references: blur pads by reflection (skimage: nearest); float results round to
 * 8 bits (the references' np.uint8 truncates); elastic samples once through the
 * composed maps (elastic.ts); JPEG codes a mosaic of images at once (jpeg.ts).
 *
 * Every random draw comes from one `torch.Generator` seeded with `seed`, so a
 * set is a function of (images, name, severity, seed); the severities of one
 * seed share their random numbers (the same noise, only scaled).
 */
import * as torch from '../../torch/index.js';
import { fail, int } from '../../torch/check.js';
import { rotate, warpAffine } from './affine.js';
import { gaussianBlur } from './blur.js';
import { boxResize } from './box-resize.js';
import { pipe, uniforms } from './common.js';
import { elasticTransform } from './elastic.js';
import { hsvToRgb, rgbToHsv } from './hue.js';
import { jpegRoundTrip } from './jpeg.js';

type Tensor = torch.Tensor;
type Severity = 1 | 2 | 3 | 4 | 5;

/** A corruption of a slice of images at one parameter value: uint8 [N, C, H, W] -> same. */
type Op<P> = (x: Tensor, level: P, generator: torch.Generator) => Tensor | Promise<Tensor>;
/** A corruption at a severity. */
type Corruption = (x: Tensor, severity: Severity, generator: torch.Generator) => Tensor | Promise<Tensor>;

/** A corruption from its five parameters (severity 1…5) and its op. */
const levels =
  <P>(values: readonly [P, P, P, P, P], op: Op<P>): Corruption =>
  (x, severity, generator) =>
    op(x, values[severity - 1], generator);

/** An op on float images in [0, 1], returning 8-bit levels round(255·y). */
const onFloat =
  <P>(fn: (x: Tensor, level: P, generator: torch.Generator) => Tensor): Op<P> =>
  (x, level, generator) =>
    torch.scope(() =>
      pipe(
        fn(x.to({ dtype: 'float32' }).div_(255), level, generator),
        (t) => t.mul_(255).round(),
        (t) => t.clamp_(0, 255),
        (t) => t.to({ dtype: 'uint8' }),
      ),
    );

/** Per-image signs ±1 from the generator. */
const signs = (n: number, generator: torch.Generator): Float64Array =>
  Float64Array.from(uniforms(n, 1, generator), (u) => (u < 0.5 ? -1 : 1));

/** ImageNet-C's brightness: the HSV value plus `c`, hue and saturation kept (grey images through RGB, as MNIST-C). */
function brighten(x: Tensor, c: number): Tensor {
  const [n, ch, h, w] = x.shape;
  const [hue, sat, val] = rgbToHsv(ch === 1 ? x.expand([n, 3, h, w]) : x);
  const rgb = hsvToRgb(hue, sat, val.add(c).clamp_(0, 1));
  return ch === 1 ? rgb.narrow(1, 0, 1) : rgb;
}

/** ImageNet-C's elastic (α, σ, jitter) per severity, as fractions of the side. */
type Triple = readonly [number, number, number];
const ELASTIC: readonly [Triple, Triple, Triple, Triple, Triple] = [
  [0, 0, 0.08],
  [0.05, 0.2, 0.07],
  [0.08, 0.06, 0.06],
  [0.1, 0.04, 0.05],
  [0.1, 0.03, 0.03],
];

const TABLE: Record<string, Corruption> = {
  gaussianNoise: levels(
    [0.04, 0.06, 0.08, 0.09, 0.1],
    onFloat((x, s: number, g) => x.add(torch.randn(x.shape, { generator: g }).to({ device: x.device }).mul_(s)).clamp_(0, 1)),
  ),
  blur: levels(
    [0.4, 0.6, 0.7, 0.8, 1],
    onFloat((x, s: number) => gaussianBlur(x, 2 * Math.floor(4 * s + 0.5) + 1, s)),
  ),
  contrast: levels(
    [0.75, 0.5, 0.4, 0.3, 0.15],
    onFloat((x, c: number) => {
      const mean = x.mean([2, 3], true); // [N, C, 1, 1]
      return x.sub(mean).mul_(c).add_(mean).clamp_(0, 1);
    }),
  ),
  brightness: levels([0.05, 0.1, 0.15, 0.2, 0.3], onFloat(brighten)),
  rotate: levels(
    [0.2, 0.4, 0.6, 0.8, 1],
    onFloat((x, r: number, g) => {
      const deg = signs(x.shape[0], g).map((sign) => (sign * r * 180) / Math.PI);
      return rotate(x, deg, { interpolation: 'bilinear' }).clamp_(0, 1);
    }),
  ),
  shear: levels(
    [0.2, 0.4, 0.6, 0.8, 1],
    onFloat((x, c: number, g) => {
      const m = Array.from(signs(x.shape[0], g), (sign) => [1, -Math.sin(sign * c), 0, 0, Math.cos(c), 0]).flat();
      return warpAffine(x, m, { interpolation: 'bilinear' }).clamp_(0, 1);
    }),
  ),
  pixelate: levels([0.95, 0.9, 0.85, 0.75, 0.65], (x, f) => {
    const [h, w] = [x.shape[2], x.shape[3]];
    return pipe(
      x,
      (t) => boxResize(t, Math.max(1, Math.trunc(h * f)), Math.max(1, Math.trunc(w * f))),
      (t) => boxResize(t, h, w),
    );
  }),
  jpeg: levels([80, 65, 58, 50, 40], jpegRoundTrip),
  elastic: levels(
    ELASTIC,
    onFloat((x, fractions: Triple, g) => {
      const [alpha, sigma, jitter] = fractions.map((v) => v * Math.min(x.shape[2], x.shape[3]));
      return elasticTransform(x, { alpha, sigma, jitter }, g);
    }),
  ),
  impulseNoise: levels(
    [0.01, 0.02, 0.03, 0.05, 0.07],
    onFloat((x, a: number, g) => {
      const u = torch.rand(x.shape, { generator: g }).to({ device: x.device });
      return torch.where(u.lt(a / 2), 0, torch.where(u.lt(a), 1, x));
    }),
  ),
};

/** The corruption names, in the order of the table above. */
export const CORRUPTIONS: readonly string[] = Object.freeze([
  'gaussianNoise',
  'blur',
  'contrast',
  'brightness',
  'rotate',
  'shear',
  'pixelate',
  'jpeg',
  'elastic',
  'impulseNoise',
]);

/** The severities, 1 (mildest) to 5. */
export const SEVERITIES: readonly Severity[] = Object.freeze([1, 2, 3, 4, 5]);

/** Elements per slice: 4 MB of float32, so a slice and its temporaries stay small whatever N is. */
const CHUNK = 1 << 20;

/**
 * The images corrupted by `name` at `severity` (1…5), with every random draw
 * from a generator seeded with `seed`; slices of the batch are corrupted in
 * turn, so memory stays bounded. images: uint8 [N, C, H, W], C 1 or 3 -> uint8, same shape.
 */
export async function corrupt(images: Tensor, name: string, severity: Severity, seed: number): Promise<Tensor> {
  if (!(images instanceof torch.Tensor)) fail(images, 'corrupt images', 'a uint8 Tensor [N, C, H, W]');
  const s = images.shape;
  if (images.dtype !== 'uint8' || s.length !== 4 || (s[1] !== 1 && s[1] !== 3))
    throw new TypeError(`corrupt: expected uint8 images [N, 1 or 3, H, W] but received ${images.dtype} [${s}]`);
  const apply = Object.hasOwn(TABLE, name) ? TABLE[name] : undefined;
  if (!apply) throw new RangeError(`corrupt: expected name to be one of ${CORRUPTIONS.join(', ')} but received ${JSON.stringify(name)}`);
  if (!SEVERITIES.includes(severity)) throw new RangeError(`corrupt: expected severity 1, 2, 3, 4 or 5 but received ${String(severity)}`);
  int(seed, 'seed', 0);
  const generator = new torch.Generator(seed);
  const [n, , h, w] = s;
  const per = Math.max(1, Math.floor(CHUNK / Math.max(1, s[1] * h * w)));
  const out = torch.empty(s, { dtype: 'uint8', device: images.device });
  for (let start = 0; start < n; start += per) {
    const len = Math.min(per, n - start);
    const [slice, target] = [images.narrow(0, start, len), out.narrow(0, start, len)];
    const y = await apply(slice, severity, generator);
    target.copy_(y);
    for (const t of [y, slice, target]) t.dispose();
  }
  return out;
}
