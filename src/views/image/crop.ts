/**
 * Random resized crop for a whole batch at once: each sample's box follows
 * torchvision's `RandomResizedCrop.get_params`, and all boxes are resampled in one
 * `gridSample` call with a per-sample bilinear grid that reproduces torchvision's
 * `resize(crop(x), size, bilinear, antialias=False)` on tensors (its default in
 * 0.14; PIL images are resized with antialiasing instead). The grid holds
 * torchvision's float32 source coordinates, clamped into the box as its
 * interpolation clamps them; the residual difference (≤ 1e-6 on [0, 1] images)
 * is the rounding of those coordinates through gridSample's [-1, 1] normalisation.
 */
import * as torch from '../../torch/index.js';
import * as F from '../../torch/functional/index.js';
import { fail, options, tuple } from '../../torch/check.js';
import { checkImages, coins, probability, range, uniforms, type View } from './common.js';
import { RandomHorizontalFlip } from './flip.js';

type Tensor = torch.Tensor;

/** Crop boxes of a batch, one entry per sample, in pixels: rows [top, top + height), columns [left, left + width). */
export interface Boxes {
  top: Int32Array;
  left: Int32Array;
  height: Int32Array;
  width: Int32Array;
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const ATTEMPTS = 10;

export interface CropOptions {
  /** Range of the box area as a fraction of the image area. Default [0.08, 1]. */
  scale?: [number, number];
  /** Range of the box aspect ratio width / height (drawn log-uniformly). Default [3/4, 4/3]. */
  ratio?: [number, number];
}

/**
 * Draws one crop box per sample with torchvision's rule: up to 10 attempts of
 * area ~ U(scale)·H·W and log aspect ~ U(log ratio), the first box that fits wins,
 * placed uniformly; otherwise the largest centred box with an aspect inside `ratio`.
 */
export function randomResizedCropParams(
  n: number,
  height: number,
  width: number,
  o: CropOptions & { generator?: torch.Generator } = {},
): Boxes {
  const { scale = [0.08, 1], ratio = [3 / 4, 4 / 3], generator } = options(o, 'randomResizedCropParams', ['scale', 'ratio', 'generator']);
  range(scale, 'scale', 0);
  range(ratio, 'ratio', Number.MIN_VALUE);
  const u = uniforms(n, 2 * ATTEMPTS + 2, generator);
  const area = height * width;
  const [lr0, lr1] = [Math.log(ratio[0]), Math.log(ratio[1])];
  const boxes: Boxes = { top: new Int32Array(n), left: new Int32Array(n), height: new Int32Array(n), width: new Int32Array(n) };
  for (let s = 0; s < n; s++) {
    const at = s * (2 * ATTEMPTS + 2);
    let [h, w] = [0, 0];
    for (let a = 0; a < ATTEMPTS; a++) {
      const target = area * (scale[0] + u[at + 2 * a] * (scale[1] - scale[0]));
      const aspect = Math.exp(lr0 + u[at + 2 * a + 1] * (lr1 - lr0));
      [w, h] = [roundHalfEven(Math.sqrt(target * aspect)), roundHalfEven(Math.sqrt(target / aspect))];
      if (w > 0 && w <= width && h > 0 && h <= height) break;
      [w, h] = [0, 0];
    }
    let top: number, left: number;
    if (w > 0) {
      top = Math.floor(u[at + 2 * ATTEMPTS] * (height - h + 1));
      left = Math.floor(u[at + 2 * ATTEMPTS + 1] * (width - w + 1));
    } else {
      const inRatio = width / height;
      [w, h] =
        inRatio < ratio[0]
          ? [width, roundHalfEven(width / ratio[0])]
          : inRatio > ratio[1]
            ? [roundHalfEven(height * ratio[1]), height]
            : [width, height];
      [top, left] = [Math.floor((height - h) / 2), Math.floor((width - w) / 2)];
    }
    [boxes.top[s], boxes.left[s], boxes.height[s], boxes.width[s]] = [top, left, h, w];
  }
  return boxes;
}

/**
 * Normalised gridSample coordinates (alignCorners false) of `out` output pixels
 * resampling [start, start + len) of an axis of `size` pixels: torchvision's
 * bilinear source index (float32, clamped into the box), reversed when `flip`.
 */
function axis(coords: Float32Array, at: number, start: number, len: number, size: number, out: number, flip: boolean): void {
  const f = Math.fround;
  const scale = f(len / out);
  for (let j = 0; j < out; j++) {
    const src = Math.min(Math.max(f(f(scale * (j + 0.5)) - 0.5), 0), len - 1);
    coords[at + (flip ? out - 1 - j : j)] = (2 * (start + src) + 1) / size - 1;
  }
}

/**
 * Crops each sample to its box and resizes it to `size` with bilinear
 * interpolation (torchvision's `resized_crop` with antialias=False); samples whose
 * `flip` entry is true are also mirrored left-right. Boxes must lie inside the
 * image (torchvision zero-pads boxes that do not; random boxes always fit).
 * x: [N, C, H, W] -> [N, C, size[0], size[1]].
 */
export function resizedCropBoxes(x: Tensor, boxes: Boxes, size: number | [number, number], flip?: readonly boolean[]): Tensor {
  const [n, , h, w] = checkImages(x, 'resizedCrop');
  const [oh, ow] = tuple(size, 'size', 2, 1);
  for (const key of ['top', 'left', 'height', 'width'] as const) {
    if (boxes[key].length !== n)
      throw new RangeError(`resizedCrop: expected ${n} values of ${key} (one per sample) but received ${boxes[key].length}`);
  }
  const gx = new Float32Array(n * ow);
  const gy = new Float32Array(n * oh);
  for (let s = 0; s < n; s++) {
    const [t, l, bh, bw] = [boxes.top[s], boxes.left[s], boxes.height[s], boxes.width[s]];
    if (!(bh >= 1 && bw >= 1 && t >= 0 && l >= 0 && t + bh <= h && l + bw <= w)) {
      throw new RangeError(
        `resizedCrop: sample ${s}: box top ${t}, left ${l}, height ${bh}, width ${bw} does not lie inside the ${h}×${w} image`,
      );
    }
    axis(gx, s * ow, l, bw, w, ow, flip?.[s] ?? false);
    axis(gy, s * oh, t, bh, h, oh, false);
  }
  return torch.scope(() => {
    const dev = { device: x.device, dtype: x.dtype };
    const xs = torch
      .tensor(gx, { shape: [n, 1, ow, 1] })
      .to(dev)
      .expand([n, oh, ow, 1]);
    const ys = torch
      .tensor(gy, { shape: [n, oh, 1, 1] })
      .to(dev)
      .expand([n, oh, ow, 1]);
    return F.gridSample(x, torch.cat([xs, ys], 3), { paddingMode: 'border' });
  });
}

const perSampleInts = (v: number | ArrayLike<number>, n: number, name: string): Int32Array => {
  if (typeof v === 'number') return new Int32Array(n).fill(v);
  if (v === null || typeof v !== 'object' || typeof v.length !== 'number') fail(v, name, 'an integer or one integer per sample');
  return Int32Array.from(v);
};

/**
 * torchvision's `resized_crop(x, top, left, height, width, size)` (bilinear,
 * antialias=False) for a batch: each box value is one integer or one per sample.
 * x: [N, C, H, W] -> [N, C, size[0], size[1]].
 */
export function resizedCrop(
  x: Tensor,
  top: number | ArrayLike<number>,
  left: number | ArrayLike<number>,
  height: number | ArrayLike<number>,
  width: number | ArrayLike<number>,
  size: number | [number, number],
): Tensor {
  const [n] = checkImages(x, 'resizedCrop');
  return resizedCropBoxes(
    x,
    {
      top: perSampleInts(top, n, 'top'),
      left: perSampleInts(left, n, 'left'),
      height: perSampleInts(height, n, 'height'),
      width: perSampleInts(width, n, 'width'),
    },
    size,
  );
}

export interface RandomResizedCropOptions extends CropOptions {
  /** Output side (or [height, width]). */
  size: number | [number, number];
  /** Probability of also mirroring each sample left-right (fused into the same resampling). Default 0. */
  flip?: number;
}

/**
 * Random resized crop (Szegedy et al. 2015; SimCLR's main augmentation, Chen et al.
 * 2020): a box per sample from `randomResizedCropParams`, resized to `size`.
 * x: [N, C, H, W] -> [N, C, size, size].
 */
export class RandomResizedCrop implements View {
  readonly size: [number, number];
  readonly scale: [number, number];
  readonly ratio: [number, number];
  readonly flip: number;
  constructor(o: RandomResizedCropOptions) {
    const {
      size,
      scale = [0.08, 1],
      ratio = [3 / 4, 4 / 3],
      flip = 0,
    } = options(o, 'RandomResizedCrop', ['size', 'scale', 'ratio', 'flip']);
    this.size = tuple(size, 'size', 2, 1) as [number, number];
    this.scale = range(scale, 'scale', 0);
    this.ratio = range(ratio, 'ratio', Number.MIN_VALUE);
    this.flip = probability(flip, 'flip');
  }

  forward(x: Tensor, generator?: torch.Generator): Tensor {
    const [n, , h, w] = checkImages(x, 'RandomResizedCrop');
    const boxes = randomResizedCropParams(n, h, w, { scale: this.scale, ratio: this.ratio, generator });
    const flips = this.flip > 0 ? coins(n, this.flip, generator) : undefined;
    return resizedCropBoxes(x, boxes, this.size, flips);
  }
}

/**
 * The geometric step of a view: a random resized crop to `size` (area range
 * `scale`) with a left-right flip of probability `flip`, or, without `crop`,
 * the flip alone. x: [N, C, H, W] -> [N, C, size, size] (same size without crop).
 */
export function geometricView(o: { size: number | [number, number]; crop: boolean; scale: [number, number]; flip: number }): View {
  return o.crop ? new RandomResizedCrop({ size: o.size, scale: o.scale, flip: o.flip }) : new RandomHorizontalFlip({ p: o.flip });
}
