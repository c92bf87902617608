/**
 * Colour adjustments as batched tensor ops, with torchvision.transforms.functional's
 * formulas for float tensors (brightness, contrast, saturation, grayscale, solarize).
 * Factors are one number or one value per sample (a tensor [N]).
 */
import * as torch from '../../torch/index.js';
import { checkImages, perSample, pipe, type PerSample } from './common.js';

type Tensor = torch.Tensor;

/** ITU-R 601-2 luma weights, as torchvision's `rgb_to_grayscale`. */
const LUMA = [0.2989, 0.587, 0.114];

/**
 * Luma of RGB images (0.2989 R + 0.587 G + 0.114 B; C = 1 passes through).
 * x: [N, C, H, W] -> [N, numOutputChannels, H, W].
 */
export function rgbToGrayscale(x: Tensor, numOutputChannels: 1 | 3 = 1): Tensor {
  const [n, c, h, w] = checkImages(x, 'rgbToGrayscale');
  if (numOutputChannels !== 1 && numOutputChannels !== 3) {
    throw new RangeError(`rgbToGrayscale: expected numOutputChannels 1 or 3 but received ${numOutputChannels}`);
  }
  return torch.scope(() => {
    const gray = c === 1 ? x.clone() : luma(x);
    return numOutputChannels === 1 ? gray : gray.expand([n, 3, h, w]).contiguous();
  });
}

/** Luma [N, 1, H, W] of RGB images [N, 3, H, W] (no checks). */
function luma(x: Tensor): Tensor {
  const w = torch.tensor(LUMA, { dtype: x.dtype, device: x.device }).view([1, 3, 1, 1]);
  return pipe(x.mul(w), (t) => t.sum(1, true));
}

/**
 * The shared kernel of the linear colour ops:
 * clamp(self·x + mean·mean(gray(x)) + gray·gray(x), 0, 1), each coefficient one
 * number or [N, 1, 1, 1]; zero coefficients skip their term. The luma of a
 * 1-channel image is the image itself, as in torchvision. x: [N, C, H, W] -> same.
 */
export function mixColor(x: Tensor, self: number | Tensor, mean: number | Tensor, gray: number | Tensor): Tensor {
  checkImages(x, 'mixColor');
  const used = (k: number | Tensor): boolean => typeof k !== 'number' || k !== 0;
  return torch.scope(() => {
    if (!used(mean) && !used(gray)) return x.mul(self).clamp_(0, 1);
    const g = x.shape[1] === 1 ? x : luma(x);
    // The grey part gray·g + mean·mean(g) is [N, 1, H, W] (or [N, 1, 1, 1]): one broadcast add.
    let base = used(gray) ? g.mul(gray) : null;
    if (used(mean)) {
      const m = g.mean([1, 2, 3], true).mul(mean);
      base = base ? base.add_(m) : m;
    }
    return x.mul(self).add_(base!).clamp_(0, 1);
  });
}

function checkFactor(x: Tensor, f: PerSample, api: string): number | Tensor {
  const k = perSample(x, f, `${api} factor`, api);
  const negative = typeof k === 'number' ? k < 0 : Boolean(k.lt(0).any().item());
  if (negative)
    throw new RangeError(
      `${api}: expected a non-negative factor but received ${typeof k === 'number' ? k : 'a negative value in the tensor'}`,
    );
  return k;
}

const oneMinus = (k: number | Tensor): number | Tensor => (typeof k === 'number' ? 1 - k : k.rsub(1));

/** clamp(factor · x, 0, 1): 0 gives black, 1 the original. x: [N, C, H, W] -> same. */
export function adjustBrightness(x: Tensor, factor: PerSample): Tensor {
  checkImages(x, 'adjustBrightness');
  return torch.scope(() => mixColor(x, checkFactor(x, factor, 'adjustBrightness'), 0, 0));
}

/**
 * Blends with the mean grey level of each image: 0 gives a uniform grey image,
 * 1 the original. x: [N, C, H, W] -> same.
 */
export function adjustContrast(x: Tensor, factor: PerSample): Tensor {
  checkImages(x, 'adjustContrast');
  return torch.scope(() => {
    const k = checkFactor(x, factor, 'adjustContrast');
    return mixColor(x, k, oneMinus(k), 0);
  });
}

/** Blends with the grayscale image: 0 gives grey, 1 the original, 2 doubles the saturation. x: [N, C, H, W] -> same. */
export function adjustSaturation(x: Tensor, factor: PerSample): Tensor {
  checkImages(x, 'adjustSaturation');
  return torch.scope(() => {
    const k = checkFactor(x, factor, 'adjustSaturation');
    return mixColor(x, k, 0, oneMinus(k));
  });
}

/**
 * Inverts the pixels at or above `threshold` (x >= t ? 1 - x : x), per image when
 * threshold is a tensor [N]. x: [N, C, H, W] -> same.
 */
export function solarize(x: Tensor, threshold: PerSample): Tensor {
  checkImages(x, 'solarize');
  return torch.scope(() => {
    const t = perSample(x, threshold, 'threshold', 'solarize');
    return torch.where(x.ge(t), x.rsub(1), x);
  });
}
