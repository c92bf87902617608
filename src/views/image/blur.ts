/**
 * Gaussian blur with a σ per sample, as a separable depthwise convolution over the
 * batch (the batch folds into the channels, each image gets its own kernel), with
 * torchvision's kernel and reflect padding.
 */
import * as torch from '../../torch/index.js';
import * as F from '../../torch/functional/index.js';
import {
  checkImages,
  chunked,
  coins,
  onSubset,
  perSample,
  pipe,
  probability,
  range,
  uniforms,
  type PerSample,
  type View,
} from './common.js';
import { options, int } from '../../torch/check.js';

type Tensor = torch.Tensor;

/**
 * SimCLR's kernel size for an image side (Chen et al. 2020, appendix A: 10 % of the
 * side, made odd): 2·⌊⌊side / 10⌋ / 2⌋ + 1, e.g. 3 for 32, 7 for 64, 23 for 224.
 */
export function simclrKernelSize(side: number): number {
  return 2 * Math.floor(Math.floor(side / 10) / 2) + 1;
}

/**
 * Blurs with a `kernelSize` × `kernelSize` Gaussian of standard deviation `sigma`
 * (one number or a tensor [N] of positive values), reflect-padded so the size is
 * kept; equals torchvision's `gaussian_blur(x, [k, k], [σ, σ])`.
 * x: [N, C, H, W] -> same.
 */
export function gaussianBlur(x: Tensor, kernelSize: number, sigma: PerSample): Tensor {
  const [n, c, h, w] = checkImages(x, 'gaussianBlur');
  const k = int(kernelSize, 'kernelSize', 1);
  if (k % 2 === 0) throw new RangeError(`gaussianBlur: expected an odd kernelSize but received ${k}`);
  const half = (k - 1) / 2;
  if (half >= Math.min(h, w))
    throw new RangeError(`gaussianBlur: kernelSize ${k} needs images larger than ${half} pixels (reflect padding) but received ${h}×${w}`);
  return torch.scope(() => {
    const s = perSample(x, sigma, 'sigma', 'gaussianBlur');
    const positive = typeof s === 'number' ? s > 0 : Boolean(s.gt(0).all().item());
    if (!positive)
      throw new RangeError(`gaussianBlur: expected sigma > 0 but received ${typeof s === 'number' ? s : 'a tensor with values <= 0'}`);
    const t = torch.linspace(-half, half, k, { dtype: x.dtype, device: x.device }).view([1, k]);
    const pdf = t
      .div(typeof s === 'number' ? s : s.view([n, 1]))
      .square()
      .mul(-0.5)
      .exp(); // [1 or N, k]
    const kernels = pdf.div(pdf.sum(1, true)).expand([n, k]);
    return chunked(x, (xs, start) => {
      const groups = xs.shape[0] * c;
      // one kernel per (image, channel): [N C, 1, k], used as [N C, 1, k, 1] then [N C, 1, 1, k]
      const kernel = kernels.narrow(0, start, xs.shape[0]).unsqueeze(1).expand([xs.shape[0], c, k]).reshape([groups, 1, k]);
      return pipe(
        xs.reshape([1, groups, h, w]),
        (y) => F.pad(y, [half, half, half, half], { mode: 'reflect' }),
        (y) => F.conv2d(y, kernel.unsqueeze(3), null, { groups }),
        (y) => F.conv2d(y, kernel.unsqueeze(2), null, { groups }),
        (y) => y.view([xs.shape[0], c, h, w]),
      );
    });
  });
}

export interface GaussianBlurOptions {
  /** Odd kernel side; default SimCLR's 10 % of the image height (`simclrKernelSize`). */
  kernelSize?: number;
  /** Range of σ, drawn uniformly per sample. Default [0.1, 2.0] (SimCLR). */
  sigma?: [number, number];
  /** Probability of blurring each sample. Default 0.5 (SimCLR on ImageNet). */
  p?: number;
}

/** Random Gaussian blur: each sample is blurred with probability p with σ ~ U(sigma). x: [N, C, H, W] -> same. */
export class RandomGaussianBlur implements View {
  readonly kernelSize: number | undefined;
  readonly sigma: [number, number];
  readonly p: number;
  constructor(o?: GaussianBlurOptions) {
    const { kernelSize, sigma = [0.1, 2.0], p = 0.5 } = options(o, 'RandomGaussianBlur', ['kernelSize', 'sigma', 'p']);
    if (kernelSize !== undefined && int(kernelSize, 'kernelSize', 1) % 2 === 0) {
      throw new RangeError(`RandomGaussianBlur: expected an odd kernelSize but received ${kernelSize}`);
    }
    this.kernelSize = kernelSize;
    this.sigma = range(sigma, 'sigma', Number.MIN_VALUE);
    this.p = probability(p, 'p');
  }

  forward(x: Tensor, generator?: torch.Generator): Tensor {
    const [n, , h] = checkImages(x, 'RandomGaussianBlur');
    const apply = coins(n, this.p, generator);
    const u = uniforms(n, 1, generator);
    const [lo, hi] = this.sigma;
    const k = this.kernelSize ?? simclrKernelSize(h);
    if (k === 1) return x;
    return onSubset(x, apply, (sub, idx) => {
      const sigma = torch.tensor(Float32Array.from(idx, (i) => lo + u[i] * (hi - lo)));
      return gaussianBlur(sub, k, sigma);
    });
  }
}
