/** Activation functions and softmax (PyTorch's `torch.nn.functional`), elementwise unless noted. */
import { native } from '../native.js';
import { type Tensor } from '../tensor.js';
import { type DType } from '../dtype.js';
import { handle, int, num, oneOf, optDtypeCode, options } from '../check.js';
import { T } from './options.js';

/** max(x, 0). x: any shape. */
export function relu(x: Tensor): Tensor {
  return T(native.relu(handle(x)));
}
/** In place max(x, 0); returns x (PyTorch's `relu_`, torchvision's `ReLU(inplace=True)`). */
export function relu_(x: Tensor): Tensor {
  native.relu_(handle(x));
  return x;
}
/** min(max(x, 0), 6). x: any shape. */
export function relu6(x: Tensor): Tensor {
  return T(native.relu6(handle(x)));
}
/** Gaussian error linear unit, exact (`approximate: 'none'`) or tanh approximation. x: any shape. */
export function gelu(x: Tensor, o?: { approximate?: 'none' | 'tanh' }): Tensor {
  const { approximate = 'none' } = options(o, 'gelu', ['approximate']);
  return T(native.gelu(handle(x), oneOf(approximate, 'approximate', ['none', 'tanh'])));
}
/** x * sigmoid(x). x: any shape. */
export function silu(x: Tensor): Tensor {
  return T(native.silu(handle(x)));
}
/** x * tanh(softplus(x)). x: any shape. */
export function mish(x: Tensor): Tensor {
  return T(native.mish(handle(x)));
}
/** x for x > 0, alpha * (exp(x) - 1) otherwise (alpha default 1). x: any shape. */
export function elu(x: Tensor, o?: { alpha?: number }): Tensor {
  const { alpha = 1 } = options(o, 'elu', ['alpha']);
  return T(native.elu(handle(x), num(alpha, 'alpha')));
}
/** Scaled ELU with PyTorch's fixed alpha and scale. x: any shape. */
export function selu(x: Tensor): Tensor {
  return T(native.selu(handle(x)));
}
/** max(0, x) + min(0, alpha * (exp(x / alpha) - 1)) (alpha default 1). x: any shape. */
export function celu(x: Tensor, o?: { alpha?: number }): Tensor {
  const { alpha = 1 } = options(o, 'celu', ['alpha']);
  return T(native.celu(handle(x), num(alpha, 'alpha')));
}
/** x * relu6(x + 3) / 6. x: any shape. */
export function hardswish(x: Tensor): Tensor {
  return T(native.hardswish(handle(x)));
}
/** relu6(x + 3) / 6. x: any shape. */
export function hardsigmoid(x: Tensor): Tensor {
  return T(native.hardsigmoid(handle(x)));
}
/** Clamps to [minVal, maxVal] (default [-1, 1]). x: any shape. */
export function hardtanh(x: Tensor, o?: { minVal?: number; maxVal?: number }): Tensor {
  const { minVal = -1, maxVal = 1 } = options(o, 'hardtanh', ['minVal', 'maxVal']);
  return T(native.hardtanh(handle(x), num(minVal, 'minVal'), num(maxVal, 'maxVal')));
}
/** 1 / (1 + exp(-x)). x: any shape. */
export function sigmoid(x: Tensor): Tensor {
  return T(native.sigmoid(handle(x)));
}
/** Hyperbolic tangent. x: any shape. */
export function tanh(x: Tensor): Tensor {
  return T(native.tanh(handle(x)));
}
/** log(1 + exp(beta x)) / beta, linear above `threshold` (beta 1, threshold 20). x: any shape. */
export function softplus(x: Tensor, o?: { beta?: number; threshold?: number }): Tensor {
  const { beta = 1, threshold = 20 } = options(o, 'softplus', ['beta', 'threshold']);
  return T(native.softplus(handle(x), num(beta, 'beta'), num(threshold, 'threshold')));
}
/** x / (1 + |x|). x: any shape. */
export function softsign(x: Tensor): Tensor {
  return T(native.softsign(handle(x)));
}
/** x for x >= 0, negativeSlope * x otherwise (default 0.01). x: any shape. */
export function leakyRelu(x: Tensor, o?: { negativeSlope?: number }): Tensor {
  const { negativeSlope = 0.01 } = options(o, 'leakyRelu', ['negativeSlope']);
  return T(native.leakyRelu(handle(x), num(negativeSlope, 'negativeSlope')));
}
/** log(sigmoid(x)), computed stably. x: any shape. */
export function logSigmoid(x: Tensor): Tensor {
  return T(native.logSigmoid(handle(x)));
}
/** Gated linear unit a * sigmoid(b), halves of x along `dim` (default -1). x: [..., 2k, ...] -> [..., k, ...]. */
export function glu(x: Tensor, o?: { dim?: number }): Tensor {
  const { dim = -1 } = options(o, 'glu', ['dim']);
  return T(native.glu(handle(x), int(dim, 'dim')));
}

/** Options of softmax and logSoftmax: `dtype` casts the input first. */
export interface SoftmaxOptions {
  dtype?: DType;
}

// dim is required: PyTorch's implicit choice of dim is deprecated.
const softmaxDim = (dim: unknown): number => int(dim, 'dim');

/** exp(x) / sum(exp(x)) along `dim` (required). x: any shape, same shape out. */
export function softmax(x: Tensor, dim: number, o?: SoftmaxOptions): Tensor {
  const { dtype } = options(o, 'softmax', ['dtype']);
  return T(native.softmax(handle(x), softmaxDim(dim), optDtypeCode(dtype)));
}
/** log(softmax(x)) along `dim` (required), computed stably. x: any shape, same shape out. */
export function logSoftmax(x: Tensor, dim: number, o?: SoftmaxOptions): Tensor {
  const { dtype } = options(o, 'logSoftmax', ['dtype']);
  return T(native.logSoftmax(handle(x), softmaxDim(dim), optDtypeCode(dtype)));
}
/** softmax(-x) along `dim` (required). x: any shape. */
export function softmin(x: Tensor, dim: number, o?: SoftmaxOptions): Tensor {
  const { dtype } = options(o, 'softmin', ['dtype']);
  const n = T(native.neg(handle(x)));
  try {
    return T(native.softmax(n._h, softmaxDim(dim), optDtypeCode(dtype)));
  } finally {
    n.dispose();
  }
}
