/**
 * Pillow's `Image.resize(size, Image.BOX)` on 8-bit images, batched: the
 * separable resampling of Resample.c (`precompute_coeffs` with the box filter,
 * support ½·max(scale, 1)), its 8-bit fixed-point coefficients (22 fraction
 * bits, rounded half up) and its order — a horizontal pass into an 8-bit image,
 * then a vertical one. ImageNet-C's pixelate (Hendrycks & Dietterich 2019) is
 * two such resizes, down and back up.
 */
import * as torch from '../../torch/index.js';
import { int } from '../../torch/check.js';
import { pipe } from './common.js';

type Tensor = torch.Tensor;

const PRECISION = 2 ** 22;

/** Pillow's box filter: 1 on (-½, ½]. */
const box = (t: number): number => (t > -0.5 && t <= 0.5 ? 1 : 0);

/**
 * The [inSize, outSize] matrix of Pillow's fixed-point box coefficients (as
 * integers) taking a row of `inSize` pixels to `outSize`.
 */
export function boxCoefficients(inSize: number, outSize: number): Float64Array {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 0.5 * filterScale;
  const m = new Float64Array(inSize * outSize);
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const hi = Math.min(Math.trunc(center + support + 0.5), inSize);
    const w = Array.from({ length: hi - lo }, (_, k) => box((k + lo - center + 0.5) / filterScale));
    const total = w.reduce((a, b) => a + b, 0);
    w.forEach((v, k) => (m[(lo + k) * outSize + o] = Math.trunc(0.5 + (total === 0 ? v : v / total) * PRECISION)));
  }
  return m;
}

/** One fixed-point pass over the last dim: clip8((2^21 + Σ p·k) >> 22). x: [..., in] float64 levels -> [..., out]. */
function pass(x: Tensor, outSize: number): Tensor {
  const inSize = x.shape[x.shape.length - 1];
  if (inSize === outSize) return x.clone();
  const k = torch.tensor(boxCoefficients(inSize, outSize), { shape: [inSize, outSize], dtype: 'float64', device: x.device });
  return pipe(
    x.matmul(k),
    (t) => t.add_(PRECISION / 2),
    (t) => t.div_(PRECISION).floor(),
    (t) => t.clamp_(0, 255),
  );
}

/**
 * Resizes 8-bit images to [height, width] with Pillow's BOX filter, horizontal
 * pass first. x: uint8 [N, C, H, W] -> uint8 [N, C, height, width].
 */
export function boxResize(x: Tensor, height: number, width: number): Tensor {
  int(height, 'height', 1);
  int(width, 'width', 1);
  if (x.dtype !== 'uint8' || x.dim() !== 4)
    throw new TypeError(`boxResize: expected uint8 images [N, C, H, W] but received ${x.dtype} [${x.shape}]`);
  return torch.scope(() =>
    pipe(
      x.to({ dtype: 'float64' }),
      (t) => pass(t, width),
      (t) => pass(t.transpose(2, 3), height).transpose(2, 3),
      (t) => t.to({ dtype: 'uint8' }),
    ),
  );
}
