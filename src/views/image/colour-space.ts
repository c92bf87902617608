/**
 * Colour spaces for channel-split views (Tian et al. 2020, §3, which splits
 * Lab, YDbDr, YCbCr, … into a luma and a chroma view). Each space maps RGB
 * [N, 3, H, W] in [0, 1] to its three channels, each scaled to about [0, 1] so
 * an encoder sees the usual input range:
 *
 *     rgb    R, G, B                      as is
 *     hsv    H, S, V                      as `rgbToHsv` (H in turns)
 *     lab    L/100, (a+128)/255, (b+128)/255   CIE Lab, D65 2°, as skimage's rgb2lab
 *     xyz    X/0.95047, Y, Z/1.08883       CIE XYZ of linear sRGB over the D65 white, as skimage's rgb2xyz
 *     ydbdr  Y, (Db+1.333)/2.666, (Dr+1.333)/2.666   SECAM YDbDr, as skimage's rgb2ydbdr
 *     ycbcr  Y, Cb, Cr                    JPEG full range (ITU-T T.871 §7), /255
 *     yiq    Y, I/1.1918+0.5, Q/1.0455+0.5   NTSC YIQ, as skimage's rgb2yiq
 *
 * A space is a chain of 3×3 affine maps and per-element curves (the sRGB
 * transfer function, Lab's cube root), inverted step by step in reverse.
 * `toRgb` clamps to [0, 1] as skimage's xyz2rgb does.
 */
import * as torch from '../../torch/index.js';
import * as F from '../../torch/functional/index.js';
import { checkImages, pipe } from './common.js';
import { hsvToRgb, rgbToHsv } from './hue.js';

type Tensor = torch.Tensor;
type Matrix = readonly (readonly number[])[];

/** A colour space: three named channels and the maps from and to RGB. */
export interface ColourSpace {
  readonly name: string;
  readonly channels: readonly [string, string, string];
  /** RGB [N, 3, H, W] in [0, 1] → the space's channels [N, 3, H, W], each about [0, 1]. */
  fromRgb(x: Tensor): Tensor;
  /** The space's channels [N, 3, H, W] → RGB in [0, 1] (clamped). */
  toRgb(y: Tensor): Tensor;
}

interface Step {
  forward(x: Tensor): Tensor;
  inverse(x: Tensor): Tensor;
}

function invert3(m: Matrix): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  const adj = [
    [e * i - f * h, c * h - b * i, b * f - c * e],
    [f * g - d * i, a * i - c * g, c * d - a * f],
    [d * h - e * g, b * g - a * h, a * e - b * d],
  ];
  return adj.map((row) => row.map((v) => v / det));
}

/** y = m·x + b per pixel, as a 1×1 convolution. */
function applyAffine(x: Tensor, m: Matrix, b: readonly number[]): Tensor {
  return torch.scope(() => {
    const dev = { dtype: x.dtype, device: x.device };
    const w = torch.tensor(Float64Array.from(m.flat()), { shape: [3, 3, 1, 1] }).to(dev);
    return F.conv2d(x, w, torch.tensor(Float64Array.from(b)).to(dev));
  });
}

/** The affine map x ↦ m·x + b and its inverse y ↦ m⁻¹·(y − b). */
function affine(m: Matrix, b: readonly number[] = [0, 0, 0]): Step {
  const inv = invert3(m);
  const invB = inv.map((row) => -row.reduce((s, v, j) => s + v * b[j], 0));
  return { forward: (x) => applyAffine(x, m, b), inverse: (y) => applyAffine(y, inv, invB) };
}

/** Rows of `m` scaled so that channel i's range [lo_i, hi_i] becomes [0, 1]: the affine (m, b) of the scaled channels. */
function scaled(m: Matrix, ranges: readonly (readonly [number, number])[]): Step {
  return affine(
    m.map((row, i) => row.map((v) => v / (ranges[i][1] - ranges[i][0]))),
    ranges.map(([lo, hi]) => -lo / (hi - lo)),
  );
}

/** t ↦ above(t) where t > threshold, below(t) elsewhere (`above` never sees values under the threshold, so no NaN). */
const piecewise =
  (threshold: number, above: (t: Tensor) => Tensor, below: (t: Tensor) => Tensor) =>
  (t: Tensor): Tensor =>
    torch.scope(() => torch.where(t.gt(threshold), above(t.clampMin(threshold)), below(t)));

/** The sRGB transfer function (IEC 61966-2-1): companded → linear, and back (skimage's constants). */
const SRGB: Step = {
  forward: piecewise(
    0.04045,
    (c) =>
      pipe(
        c.add(0.055),
        (t) => t.div_(1.055),
        (t) => t.pow(2.4),
      ),
    (c) => c.div(12.92),
  ),
  inverse: piecewise(
    0.0031308,
    (l) =>
      pipe(
        l.pow(1 / 2.4),
        (t) => t.mul_(1.055),
        (t) => t.sub_(0.055),
      ),
    (l) => l.mul(12.92),
  ),
};

/** CIE Lab's f(t) = t^(1/3) above 0.008856, else 7.787 t + 16/116, and its inverse (skimage's constants). */
const LAB_F: Step = {
  forward: piecewise(
    0.008856,
    (t) => t.pow(1 / 3),
    (t) => pipe(t.mul(7.787), (u) => u.add_(16 / 116)),
  ),
  inverse: piecewise(
    0.2068966,
    (f) => f.pow(3),
    (f) => pipe(f.sub(16 / 116), (u) => u.div_(7.787)),
  ),
};

/** sRGB (linear) → XYZ, skimage's `xyz_from_rgb`, with each row over the D65 2° white (0.95047, 1, 1.08883). */
const XYZ_OVER_WHITE = [
  [0.412453, 0.35758, 0.180423].map((v) => v / 0.95047),
  [0.212671, 0.71516, 0.072169],
  [0.019334, 0.119193, 0.950227].map((v) => v / 1.08883),
];

const LUMA = [0.299, 0.587, 0.114];

function space(name: string, channels: string, steps: Step[]): ColourSpace {
  return {
    name,
    channels: channels.split(' ') as [string, string, string],
    fromRgb: (x) => {
      checkImages(x, `${name}: fromRgb`, [3]);
      return pipe(x, ...steps.map((s) => (t: Tensor) => s.forward(t)));
    },
    toRgb: (y) => {
      checkImages(y, `${name}: toRgb`, [3]);
      return pipe(y, ...[...steps].reverse().map((s) => (t: Tensor) => s.inverse(t)), (t) => t.clamp(0, 1));
    },
  };
}

const HSV: Step = {
  forward: (x) => torch.scope(() => torch.cat(rgbToHsv(x), 1)),
  inverse: (y) => torch.scope(() => hsvToRgb(...(torch.split(y, 1, 1) as [Tensor, Tensor, Tensor]))),
};

/** The colour spaces by name (see the file comment for each one's scaling). */
export const COLOUR_SPACES: Readonly<Record<string, ColourSpace>> = Object.fromEntries(
  [
    space('rgb', 'R G B', []),
    space('hsv', 'H S V', [HSV]),
    space('lab', 'L a b', [
      SRGB,
      affine(XYZ_OVER_WHITE),
      LAB_F,
      // L = 116 fy − 16, a = 500 (fx − fy), b = 200 (fy − fz), then L/100, (a+128)/255, (b+128)/255
      affine(
        [
          [0, 1.16, 0],
          [500 / 255, -500 / 255, 0],
          [0, 200 / 255, -200 / 255],
        ],
        [-0.16, 128 / 255, 128 / 255],
      ),
    ]),
    space('xyz', 'X Y Z', [SRGB, affine(XYZ_OVER_WHITE)]),
    space('ydbdr', 'Y Db Dr', [
      scaled(
        [LUMA, [-0.45, -0.883, 1.333], [-1.333, 1.116, 0.217]],
        [
          [0, 1],
          [-1.333, 1.333],
          [-1.333, 1.333],
        ],
      ),
    ]),
    space('ycbcr', 'Y Cb Cr', [affine([LUMA, [-0.168736, -0.331264, 0.5], [0.5, -0.418688, -0.081312]], [0, 0.5, 0.5])]),
    space('yiq', 'Y I Q', [
      scaled(
        [LUMA, [0.59590059, -0.27455667, -0.32134392], [0.21153661, -0.52273617, 0.31119955]],
        [
          [0, 1],
          [-0.59590059, 0.59590059],
          [-0.52273617, 0.52273617],
        ],
      ),
    ]),
  ].map((s) => [s.name, s]),
);

/** The colour space named `name`; an unknown name lists the valid ones. */
export function colourSpace(name: string): ColourSpace {
  if (!Object.hasOwn(COLOUR_SPACES, name))
    throw new RangeError(`colourSpace: expected one of ${Object.keys(COLOUR_SPACES).join(', ')} but received ${JSON.stringify(name)}`);
  return COLOUR_SPACES[name];
}
