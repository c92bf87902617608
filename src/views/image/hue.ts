/**
 * Hue rotation in HSV space (torchvision's `adjust_hue`, after Pillow), batched with
 * a hue shift per sample. A pixel is kept as (hexagonal hue h6 = 6·H, max = V,
 * chroma = max - min = V·S); rotating h6 leaves max and chroma alone, and each RGB
 * channel is max - chroma · clamp(d - 1, 0, 1), where d = 3 - ||h6 - c| - 3| is the
 * circular distance of h6 in [0, 6) from the channel's own hue c (R 0, G 2, B 4).
 * Whole-tensor ops with temporaries freed as soon as used: a batch costs a few passes.
 */
import * as torch from '../../torch/index.js';
import { checkImages, perSample, pipe, type PerSample } from './common.js';

type Tensor = torch.Tensor;

interface HexHsv {
  /** Hue times 6, [N, 1, H, W]: in [-1, 5] from `toHex`, [0, 6) as `fromHex` takes it. */
  h6: Tensor;
  /** max(R, G, B) = V, [N, 1, H, W]. */
  max: Tensor;
  /** max - min = V·S, [N, 1, H, W]. */
  chroma: Tensor;
}

/** Hexagonal hue, max and chroma of RGB images [N, 3, H, W]. */
function toHex(x: Tensor): HexHsv {
  const [r, g, b] = torch.split(x, 1, 1);
  const max = x.amax(1, true);
  const chroma = pipe(x.amin(1, true), (min) => max.sub(min));
  // Pillow's sectors, R first on ties: h6·chroma = g - b | (b - r) + 2 chroma | (r - g) + 4 chroma.
  const h6 = torch.scope(() => {
    const onR = r.eq(max);
    const onG = g.eq(max);
    const fromG = pipe(b.sub(r), (t) => t.add_(chroma, 2));
    const fromB = pipe(r.sub(g), (t) => t.add_(chroma, 4));
    const num = pipe(torch.where(onG, fromG, fromB), (t) => torch.where(onR, g.sub(b), t));
    return num.div_(chroma.clampMin(1e-30));
  });
  return { h6, max, chroma };
}

const CENTRES = [0, 2, 4];

/** RGB [N, 3, H, W] from hexagonal hue in [0, 6), max and chroma. */
function fromHex({ h6, max, chroma }: HexHsv): Tensor {
  const centres = torch.tensor(CENTRES, { dtype: h6.dtype, device: h6.device }).view([1, 3, 1, 1]);
  return pipe(
    h6.sub(centres),
    (d) => d.abs(), // |h6 - c| in [0, 6): [N, 3, H, W]
    (d) => d.sub_(3).abs(), // 3 - circular distance
    (a) => a.sub_(2).clamp_(-1, 0).mul_(chroma).add_(max),
  );
}

/** RGB [N, 3, H, W] in [0, 1] -> hue, saturation, value, each [N, 1, H, W] in [0, 1]. */
export function rgbToHsv(x: Tensor): [Tensor, Tensor, Tensor] {
  checkImages(x, 'rgbToHsv', [3]);
  return torch.scope(() => {
    const { h6, max, chroma } = toHex(x);
    return [h6.remainder(6).div_(6), chroma.div(max.clampMin(1e-30)), max] as [Tensor, Tensor, Tensor];
  });
}

/** Hue, saturation, value, each [N, 1, H, W] in [0, 1] -> RGB [N, 3, H, W]. */
export function hsvToRgb(h: Tensor, s: Tensor, v: Tensor): Tensor {
  return torch.scope(() => fromHex({ h6: h.mul(6), max: v, chroma: v.mul(s) }));
}

/**
 * Rotates the hue by `hueFactor` turns (in [-0.5, 0.5]; one number or a tensor [N]).
 * 1-channel images pass through unchanged, as in torchvision. x: [N, C, H, W] -> same.
 */
export function adjustHue(x: Tensor, hueFactor: PerSample): Tensor {
  const [, c] = checkImages(x, 'adjustHue');
  return torch.scope(() => {
    const k = perSample(x, hueFactor, 'hueFactor', 'adjustHue');
    const bad = typeof k === 'number' ? Math.abs(k) > 0.5 : Boolean(k.abs().gt(0.5).any().item());
    if (bad)
      throw new RangeError(
        `adjustHue: expected hueFactor in [-0.5, 0.5] but received ${typeof k === 'number' ? k : 'a tensor with values outside'}`,
      );
    if (c === 1) return x.clone();
    const hex = toHex(x);
    return fromHex({ ...hex, h6: hex.h6.add_(typeof k === 'number' ? 6 * k : k.mul(6)).remainder(6) });
  });
}
