/** Linear maps, embeddings, one-hot encoding and dropout (PyTorch's `torch.nn.functional`). */
import { native } from '../native.js';
import { type Tensor, wrapTemp } from '../tensor.js';
import { allocation, bool, handle, int, INT32_MAX, num, optHandle, options } from '../check.js';
import { T } from './options.js';

/** x Wᵀ + b. x: [*, in], weight: [out, in], bias: [out] -> [*, out]. */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return T(native.linear(handle(x), handle(weight, 'weight'), optHandle(bias, 'bias')));
}

/** x1ᵀ A x2 + b per output. x1: [*, in1], x2: [*, in2], weight: [out, in1, in2], bias: [out] -> [*, out]. */
export function bilinear(x1: Tensor, x2: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return T(native.bilinear(handle(x1, 'input1'), handle(x2, 'input2'), handle(weight, 'weight'), optHandle(bias, 'bias')));
}

export interface EmbeddingOptions {
  /** Rows at this index get no gradient (negative counts from the end). */
  paddingIdx?: number | null;
  /** Rescales looked-up rows of `weight` in place to this maximum norm (outside autograd). */
  maxNorm?: number | null;
  /** The p of the p-norm used with maxNorm (default 2). */
  normType?: number;
  /** Scales gradients by the inverse frequency of the indices in the batch. */
  scaleGradByFreq?: boolean;
}

/** Row lookup in an embedding table. input: int64 [*], weight: [V, D] -> [*, D]. */
export function embedding(input: Tensor, weight: Tensor, o?: EmbeddingOptions): Tensor {
  const {
    paddingIdx = null,
    maxNorm = null,
    normType = 2,
    scaleGradByFreq = false,
  } = options(o, 'embedding', ['paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq']);
  const hi = handle(input);
  const hw = handle(weight, 'weight');
  let pad = -1;
  if (paddingIdx !== null) {
    const v = weight.shape[0];
    int(paddingIdx, 'paddingIdx');
    if (paddingIdx >= v || paddingIdx < -v) {
      throw new TypeError(`Expected an integer in [${-v}, ${v - 1}] for paddingIdx but received ${paddingIdx} (weight has ${v} rows)`);
    }
    pad = paddingIdx < 0 ? v + paddingIdx : paddingIdx;
  }
  if (maxNorm !== null) native.embeddingRenorm_(hw, hi, num(maxNorm, 'maxNorm', 0), num(normType, 'normType'));
  return T(native.embedding(hw, hi, pad, bool(scaleGradByFreq, 'scaleGradByFreq')));
}

/** One-hot encoding of int64 class indices; numClasses -1 infers max + 1. t: [*] -> int64 [*, numClasses]. */
export function oneHot(t: Tensor, numClasses = -1): Tensor {
  const h = handle(t, 'tensor');
  int(numClasses, 'numClasses', -1, INT32_MAX);
  // numClasses -1 takes max + 1 classes: check that the result fits before libtorch allocates it.
  const integral = t.dtype === 'int64' && t.numel() > 0;
  const classes = numClasses === -1 && integral ? wrapTemp(native.maxAll(h), (m) => m.item()) + 1 : numClasses;
  allocation(t.numel() * Math.max(classes, 0), 'oneHot', 'int64');
  return T(native.oneHot(h, numClasses));
}

/**
 * Zeroes each element with probability p and scales the rest by 1 / (1 - p) when
 * `training` (default true, as in PyTorch's functional form). x: any shape.
 */
export function dropout(x: Tensor, o?: { p?: number; training?: boolean }): Tensor {
  const { p = 0.5, training = true } = options(o, 'dropout', ['p', 'training']);
  return T(native.dropout(handle(x), num(p, 'p', 0, 1), bool(training, 'training')));
}

/** Rearranges [N, C r², H, W] into [N, C, H r, W r] (sub-pixel convolution). */
export function pixelShuffle(x: Tensor, upscaleFactor: number): Tensor {
  return T(native.pixelShuffle(handle(x), int(upscaleFactor, 'upscaleFactor', 1, INT32_MAX)));
}
/** Inverse of pixelShuffle: [N, C, H r, W r] -> [N, C r², H, W]. */
export function pixelUnshuffle(x: Tensor, downscaleFactor: number): Tensor {
  return T(native.pixelUnshuffle(handle(x), int(downscaleFactor, 'downscaleFactor', 1, INT32_MAX)));
}
