/** Normalization layers in functional form (PyTorch's `torch.nn.functional`). */
import { native } from '../native.js';
import { type Tensor } from '../tensor.js';
import { bool, handle, int, INT32_MAX, num, optHandle, options, tuple } from '../check.js';
import { T, shapeError, fmt } from './options.js';

export interface BatchNormOptions {
  /** Per-channel scale γ: [C]. */
  weight?: Tensor | null;
  /** Per-channel shift β: [C]. */
  bias?: Tensor | null;
  /** Use batch statistics and update the running ones in place (default false). */
  training?: boolean;
  /** Weight of the new batch statistic in the running average (default 0.1). */
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalization over all dims but C. x: [N, C, *], runningMean/runningVar: [C]
 * (or null). In training the running stats are updated in place:
 * running = (1 - momentum) running + momentum batchStat (unbiased variance).
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, o?: BatchNormOptions): Tensor {
  const {
    weight = null,
    bias = null,
    training = false,
    momentum = 0.1,
    eps = 1e-5,
  } = options(o, 'batchNorm', ['weight', 'bias', 'training', 'momentum', 'eps']);
  const hx = handle(x);
  if (bool(training, 'training')) {
    const s = x.shape;
    const perChannel = s.reduce((a, d, i) => (i === 1 ? a : a * d), 1);
    if (s.length >= 2 && perChannel === 1)
      shapeError('batchNorm', `Expected more than 1 value per channel when training, got input size ${fmt(s)}`);
  }
  return T(
    native.batchNorm(
      hx,
      optHandle(weight, 'weight'),
      optHandle(bias, 'bias'),
      optHandle(runningMean, 'runningMean'),
      optHandle(runningVar, 'runningVar'),
      training,
      num(momentum, 'momentum'),
      num(eps, 'eps', 0),
    ),
  );
}

export interface AffineNormOptions {
  /** Elementwise scale (layerNorm: normalizedShape; groupNorm: [C]). */
  weight?: Tensor | null;
  /** Elementwise shift, same shape as weight. */
  bias?: Tensor | null;
  eps?: number;
}

/** Normalizes over the trailing `normalizedShape` dims. x: [*, ...normalizedShape], same shape out. */
export function layerNorm(x: Tensor, normalizedShape: number | number[], o?: AffineNormOptions): Tensor {
  const { weight = null, bias = null, eps = 1e-5 } = options(o, 'layerNorm', ['weight', 'bias', 'eps']);
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  const dims = Array.isArray(shape) ? tuple(shape, 'normalizedShape', shape.length, 0) : tuple(shape, 'normalizedShape', 1);
  return T(native.layerNorm(handle(x), dims, optHandle(weight, 'weight'), optHandle(bias, 'bias'), num(eps, 'eps', 0)));
}

/** Normalizes each of `numGroups` channel groups per sample. x: [N, C, *] with C divisible by numGroups, same shape out. */
export function groupNorm(x: Tensor, numGroups: number, o?: AffineNormOptions): Tensor {
  const { weight = null, bias = null, eps = 1e-5 } = options(o, 'groupNorm', ['weight', 'bias', 'eps']);
  return T(
    native.groupNorm(
      handle(x),
      int(numGroups, 'numGroups', 1, INT32_MAX),
      optHandle(weight, 'weight'),
      optHandle(bias, 'bias'),
      num(eps, 'eps', 0),
    ),
  );
}

/** x / max(‖x‖_p, eps) along `dim` (p 2, dim 1, eps 1e-12). x: any shape, same shape out. */
export function normalize(x: Tensor, o?: { p?: number; dim?: number; eps?: number }): Tensor {
  const { p = 2, dim = 1, eps = 1e-12 } = options(o, 'normalize', ['p', 'dim', 'eps']);
  return T(native.normalize(handle(x), num(p, 'p'), int(dim, 'dim'), num(eps, 'eps', 0)));
}
