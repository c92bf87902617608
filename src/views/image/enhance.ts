/**
 * The tonal ops of RandAugment (Cubuk et al. 2020) and AutoAugment as batched
 * tensor ops, with torchvision.transforms.functional's formulas: sharpness
 * (PIL's SMOOTH-kernel blend), autocontrast (per-channel min/max stretch),
 * posterize and equalize. torchvision runs posterize and equalize on uint8
 * images; here they take float images in [0, 1], quantise them to 8-bit levels
 * first (round(255·x)) and return multiples of 1/255, so on images that are
 * already multiples of 1/255 they equal torchvision's uint8 results / 255.
 */
import * as torch from '../../torch/index.js';
import * as F from '../../torch/functional/index.js';
import { fail } from '../../torch/check.js';
import { eachOf, type Each } from './affine.js';
import { checkImages, column, perSample, pipe, type PerSample } from './common.js';

type Tensor = torch.Tensor;

/**
 * Blends with a smoothed image (3×3 kernel [1 1 1; 1 5 1; 1 1 1] / 13, border
 * pixels kept): 0 gives the smoothed image, 1 the original, 2 sharpens;
 * torchvision's `adjust_sharpness`. factor: one number or a tensor [N] (≥ 0).
 * x: [N, C, H, W] -> same.
 */
export function adjustSharpness(x: Tensor, factor: PerSample): Tensor {
  const [, c, h, w] = checkImages(x, 'adjustSharpness');
  return torch.scope(() => {
    const k = perSample(x, factor, 'factor', 'adjustSharpness');
    const negative = typeof k === 'number' ? k < 0 : Boolean(k.lt(0).any().item());
    if (negative)
      throw new RangeError(
        `adjustSharpness: expected a non-negative factor but received ${typeof k === 'number' ? k : 'a negative value'}`,
      );
    if (h <= 2 || w <= 2) return x.clone();
    const kernel = torch.ones([3, 3], { dtype: x.dtype, device: x.device });
    kernel.index(1, 1).fill_(5);
    const smooth = x.clone();
    smooth
      .narrow(2, 1, h - 2)
      .narrow(3, 1, w - 2)
      .copy_(F.conv2d(x, kernel.div(kernel.sum()).expand([c, 1, 3, 3]), null, { groups: c }));
    const rest = typeof k === 'number' ? 1 - k : k.rsub(1);
    return pipe(
      x.mul(k),
      (t) => t.add_(smooth.mul(rest)),
      (t) => t.clamp_(0, 1),
    );
  });
}

/**
 * Stretches each channel of each image to [0, 1] (x - min) / (max - min); flat
 * channels stay as they are. torchvision's `autocontrast`. x: [N, C, H, W] -> same.
 */
export function autocontrast(x: Tensor): Tensor {
  checkImages(x, 'autocontrast');
  return torch.scope(() => {
    const lo = x.amin([2, 3], true); // [N, C, 1, 1]
    const hi = x.amax([2, 3], true);
    const flat = hi.eq(lo);
    const scale = torch.where(flat, 1, hi.sub(lo).reciprocal());
    return pipe(
      x.sub(torch.where(flat, 0, lo)),
      (t) => t.mul_(scale),
      (t) => t.clamp_(0, 1),
    );
  });
}

/** 8-bit levels round(255·x) of float images in [0, 1] (clamped). */
const levels = (x: Tensor): Tensor =>
  pipe(
    x.mul(255),
    (t) => t.round(),
    (t) => t.clamp_(0, 255),
  );

/**
 * Keeps the `bits` most significant bits of each 8-bit level (bits in 0…8, one
 * integer or one per sample): torchvision's `posterize` on round(255·x), over
 * 255. x: [N, C, H, W] -> same, multiples of 1/255.
 */
export function posterize(x: Tensor, bits: Each): Tensor {
  const [n] = checkImages(x, 'posterize');
  const b = eachOf(bits, n, 'bits', 'posterize');
  if (!b.every((v) => Number.isInteger(v) && v >= 0 && v <= 8)) fail(Array.from(b), 'bits', 'integers in [0, 8]', RangeError);
  return torch.scope(() => {
    const step = column(
      x,
      b.map((v) => 2 ** (8 - v)),
    );
    return pipe(
      levels(x),
      (t) => t.div_(step).floor(),
      (t) => t.mul_(step).div_(255),
    );
  });
}

/**
 * Histogram equalisation of each channel of each image over its 8-bit levels
 * round(255·x): torchvision's `equalize` (PIL's ImageOps.equalize): the lookup
 * table (cumulative count + step/2) / step with step = ⌊(pixels − count of the
 * highest level) / 255⌋, shifted by one level; channels with step 0 stay as
 * they are. x: [N, C, H, W] -> same, multiples of 1/255.
 */
export function equalize(x: Tensor): Tensor {
  const [n, c, h, w] = checkImages(x, 'equalize');
  const [m, p] = [n * c, h * w];
  return torch.scope(() => {
    if (p >= 2 ** 24)
      throw new RangeError(`equalize: expected fewer than 2^24 pixels per image (counts exact in float32) but received ${h}×${w}`);
    const q = levels(x).to({ dtype: 'float32' }).view([m, p]); // exact integer levels
    const index = q.to({ dtype: 'int64' });
    const hist = torch.zeros([m, 256], { dtype: 'float32', device: x.device }).scatterAdd(1, index, torch.onesLike(q)); // [M, 256]
    const top = hist.gather(1, index.amax(1, true)); // [M, 1]: pixels at the highest level
    const step = top.rsub(p).div(255).floor();
    const lut = pipe(
      hist.cumsum(1),
      (t) => t.add_(step.div(2).floor()),
      (t) => t.div_(step.clampMin(1)).floor(),
      (t) => torch.cat([torch.zeros([m, 1], { dtype: 'float32', device: x.device }), t.narrow(1, 0, 255)], 1),
      (t) => t.clamp_(0, 255),
    );
    const out = torch.where(step.eq(0), q, lut.gather(1, index));
    return out.div(255).to({ dtype: x.dtype }).view([n, c, h, w]);
  });
}
