/**
 * Loss functions and similarity measures (PyTorch's `torch.nn.functional`).
 * `reduction` is 'none' (per-element losses), 'mean' (default) or 'sum'.
 */
import { native } from '../native.js';
import { type Tensor } from '../tensor.js';
import { bool, handle, int, num, oneOf, optHandle, options } from '../check.js';
import { T, reduction, sameShape, type Reduction } from './options.js';

export type { Reduction };

export interface CrossEntropyOptions {
  /** Per-class rescaling weight: [C]. */
  weight?: Tensor | null;
  /** Class-index targets equal to this are skipped (default -100). */
  ignoreIndex?: number;
  reduction?: Reduction;
  /** Mixes the target with the uniform distribution: (1 - ε) target + ε / C. */
  labelSmoothing?: number;
}

/**
 * Cross entropy of logits. input: [N, C] (or [C], or [N, C, d1, ...]); target: int64
 * class indices [N] ([], [N, d1, ...]) or float class probabilities of input's shape.
 */
export function crossEntropy(input: Tensor, target: Tensor, o?: CrossEntropyOptions): Tensor {
  const {
    weight = null,
    ignoreIndex = -100,
    reduction: red,
    labelSmoothing = 0,
  } = options(o, 'crossEntropy', ['weight', 'ignoreIndex', 'reduction', 'labelSmoothing']);
  return T(
    native.crossEntropy(
      handle(input),
      handle(target, 'target'),
      optHandle(weight, 'weight'),
      reduction(red),
      int(ignoreIndex, 'ignoreIndex'),
      num(labelSmoothing, 'labelSmoothing', 0, 1),
    ),
  );
}

/** Negative log likelihood of log-probabilities. input: [N, C] (or [C], [N, C, d1, ...]), target: int64 [N] ([], [N, d1, ...]). */
export function nllLoss(input: Tensor, target: Tensor, o?: Omit<CrossEntropyOptions, 'labelSmoothing'>): Tensor {
  const { weight = null, ignoreIndex = -100, reduction: red } = options(o, 'nllLoss', ['weight', 'ignoreIndex', 'reduction']);
  return T(
    native.nllLoss(handle(input), handle(target, 'target'), optHandle(weight, 'weight'), reduction(red), int(ignoreIndex, 'ignoreIndex')),
  );
}

/** (input - target)², reduced. input, target: any broadcastable shapes. */
export function mseLoss(input: Tensor, target: Tensor, o?: { reduction?: Reduction }): Tensor {
  const { reduction: red } = options(o, 'mseLoss', ['reduction']);
  return T(native.mseLoss(handle(input), handle(target, 'target'), reduction(red)));
}
/** |input - target|, reduced. input, target: any broadcastable shapes. */
export function l1Loss(input: Tensor, target: Tensor, o?: { reduction?: Reduction }): Tensor {
  const { reduction: red } = options(o, 'l1Loss', ['reduction']);
  return T(native.l1Loss(handle(input), handle(target, 'target'), reduction(red)));
}
/** 0.5 d² / beta for |d| < beta, else |d| - 0.5 beta (beta default 1; 0 gives l1). input, target: broadcastable. */
export function smoothL1Loss(input: Tensor, target: Tensor, o?: { reduction?: Reduction; beta?: number }): Tensor {
  const { reduction: red, beta = 1 } = options(o, 'smoothL1Loss', ['reduction', 'beta']);
  return T(native.smoothL1Loss(handle(input), handle(target, 'target'), reduction(red), num(beta, 'beta', 0)));
}
/** 0.5 d² for |d| <= delta, else delta (|d| - 0.5 delta) (delta default 1). input, target: broadcastable. */
export function huberLoss(input: Tensor, target: Tensor, o?: { reduction?: Reduction; delta?: number }): Tensor {
  const { reduction: red, delta = 1 } = options(o, 'huberLoss', ['reduction', 'delta']);
  if (num(delta, 'delta') <= 0) throw new TypeError(`Expected a positive number for delta but received ${delta} of type number`);
  return T(native.huberLoss(handle(input), handle(target, 'target'), reduction(red), delta));
}

/** -w [t log p + (1 - t) log(1 - p)] of probabilities p. input, target: same shape; weight broadcasts to it. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, o?: { weight?: Tensor | null; reduction?: Reduction }): Tensor {
  const { weight = null, reduction: red } = options(o, 'binaryCrossEntropy', ['weight', 'reduction']);
  const hi = handle(input);
  const ht = handle(target, 'target');
  sameShape('binaryCrossEntropy', input, target, (t, i) => `target size ${t} must be the same as input size ${i}`);
  return T(native.binaryCrossEntropy(hi, ht, optHandle(weight, 'weight'), reduction(red)));
}

export interface BCEWithLogitsOptions {
  /** Rescaling weight, broadcast to input's shape. */
  weight?: Tensor | null;
  /** Weight of positive examples per class, broadcast along the last dim: [C]. */
  posWeight?: Tensor | null;
  reduction?: Reduction;
}

/** binaryCrossEntropy(sigmoid(input), target), computed stably. input, target: same shape. */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, o?: BCEWithLogitsOptions): Tensor {
  const {
    weight = null,
    posWeight = null,
    reduction: red,
  } = options(o, 'binaryCrossEntropyWithLogits', ['weight', 'posWeight', 'reduction']);
  const hi = handle(input);
  const ht = handle(target, 'target');
  sameShape('binaryCrossEntropyWithLogits', input, target, (t, i) => `target size ${t} must be the same as input size ${i}`);
  return T(native.binaryCrossEntropyWithLogits(hi, ht, optHandle(weight, 'weight'), optHandle(posWeight, 'posWeight'), reduction(red)));
}

const KL_REDUCTIONS = ['none', 'batchmean', 'sum', 'mean'] as const;
const KL_CODE = { none: 0, mean: 1, sum: 2, batchmean: 3 } as const;

/**
 * Kullback-Leibler divergence target (log target - input) with input given as
 * log-probabilities (target too with logTarget). 'batchmean' divides the sum by
 * the batch size (the mathematical KL); 'mean' divides by the element count.
 * input, target: same shape [N, *].
 */
export function klDiv(input: Tensor, target: Tensor, o?: { reduction?: Reduction | 'batchmean'; logTarget?: boolean }): Tensor {
  const { reduction: red = 'mean', logTarget = false } = options(o, 'klDiv', ['reduction', 'logTarget']);
  const code = KL_CODE[oneOf(red, 'reduction', KL_REDUCTIONS)];
  return T(native.klDiv(handle(input), handle(target, 'target'), code, bool(logTarget, 'logTarget')));
}

/** x1·x2 / max(‖x1‖ ‖x2‖, eps) along `dim` (default 1, eps 1e-8). x1, x2: broadcastable -> reduced over dim. */
export function cosineSimilarity(x1: Tensor, x2: Tensor, o?: { dim?: number; eps?: number }): Tensor {
  const { dim = 1, eps = 1e-8 } = options(o, 'cosineSimilarity', ['dim', 'eps']);
  return T(native.cosineSimilarity(handle(x1, 'x1'), handle(x2, 'x2'), int(dim, 'dim'), num(eps, 'eps', 0)));
}

/** ‖x1 - x2 + eps‖_p over the last dim (p 2, eps 1e-6). x1, x2: [N, D] or [D] -> [N] (or keepdim [N, 1]). */
export function pairwiseDistance(x1: Tensor, x2: Tensor, o?: { p?: number; eps?: number; keepdim?: boolean }): Tensor {
  const { p = 2, eps = 1e-6, keepdim = false } = options(o, 'pairwiseDistance', ['p', 'eps', 'keepdim']);
  return T(native.pairwiseDistance(handle(x1, 'x1'), handle(x2, 'x2'), num(p, 'p', 0), num(eps, 'eps'), bool(keepdim, 'keepdim')));
}
