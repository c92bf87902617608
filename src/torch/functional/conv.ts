/**
 * Convolutions and pooling (PyTorch's `torch.nn.functional`). Sizes, strides and
 * paddings take a number or one number per spatial dim; batch dims are optional
 * where PyTorch allows unbatched input ([C, L] / [C, H, W]).
 */
import { native } from '../native.js';
import { type Tensor, wrapAll } from '../tensor.js';
import { bool, handle, int, INT32_MAX, oneOf, optHandle, options, tuple } from '../check.js';
import { T, shapeError } from './options.js';
import { convOutput, convTransposeOutput, fits, poolOutput, rows, spatial, type Window } from './geometry.js';

/** An int, or one int per spatial dim. */
export type Size = number | number[];

export interface ConvOptions {
  stride?: Size;
  /** Zero padding per side, or 'valid' (none) / 'same' (output size = input size; stride 1 only). */
  padding?: Size | 'valid' | 'same';
  dilation?: Size;
  groups?: number;
}
const CONV_KEYS = ['stride', 'padding', 'dilation', 'groups'] as const;

/** The batch size of an input with n spatial dims ([N, C, ...] or unbatched [C, ...]). */
const batch = (x: Tensor, n: number): number => (x.dim() === n + 2 ? x.shape[0] : 1);

function conv(op: 'conv1d' | 'conv2d', n: number, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, o?: ConvOptions): Tensor {
  const { stride = 1, padding = 0, dilation = 1, groups = 1 } = options(o, op, CONV_KEYS);
  const handles = [handle(x), handle(weight, 'weight'), optHandle(bias, 'bias')];
  const mode = typeof padding === 'string' ? oneOf(padding, 'padding', ['same', 'valid']) : null;
  const w: Window = {
    kernel: [],
    stride: tuple(stride, 'stride', n, 1),
    padding: mode === null ? tuple(padding, 'padding', n) : Array(n).fill(0),
    dilation: tuple(dilation, 'dilation', n, 1),
  };
  const g = int(groups, 'groups', 1, INT32_MAX);
  const sizes = spatial(x, n);
  const ws = weight.shape;
  if (sizes !== null && ws.length === n + 2) {
    w.kernel = ws.slice(2);
    // 'same' pads d(k − 1) in total: check that padded size as well.
    const geometry = mode === 'same' ? { ...w, padding: w.kernel.map((k, i) => Math.ceil((w.dilation[i] * (k - 1)) / 2)) } : w;
    const out = convOutput(op, sizes, geometry);
    fits(op, x, batch(x, n) * ws[0], mode === 'same' ? sizes : out);
  }
  return T(native[op](...handles, w.stride, w.padding, w.dilation, g, mode));
}

/** 1-D convolution (cross-correlation). x: [N, Cin, L], weight: [Cout, Cin/groups, k], bias: [Cout] -> [N, Cout, Lout]. */
export function conv1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, o?: ConvOptions): Tensor {
  return conv('conv1d', 1, x, weight, bias, o);
}
/** 2-D convolution. x: [N, Cin, H, W], weight: [Cout, Cin/groups, kH, kW], bias: [Cout] -> [N, Cout, Hout, Wout]. */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, o?: ConvOptions): Tensor {
  return conv('conv2d', 2, x, weight, bias, o);
}

export interface ConvTransposeOptions {
  stride?: Size;
  padding?: Size;
  /** Extra size added to one side of the output (< stride or dilation). */
  outputPadding?: Size;
  groups?: number;
  dilation?: Size;
}
const CONVT_KEYS = ['stride', 'padding', 'outputPadding', 'groups', 'dilation'] as const;

function convT(op: string, n: number, x: Tensor, weight: Tensor, bias: Tensor | null, o?: ConvTransposeOptions): Tensor {
  const { stride = 1, padding = 0, outputPadding = 0, groups = 1, dilation = 1 } = options(o, op, CONVT_KEYS);
  const handles = [handle(x), handle(weight, 'weight'), optHandle(bias, 'bias')];
  const w: Window = {
    kernel: [],
    stride: tuple(stride, 'stride', n, 1),
    padding: tuple(padding, 'padding', n),
    dilation: tuple(dilation, 'dilation', n, 1),
  };
  const extra = tuple(outputPadding, 'outputPadding', n);
  const g = int(groups, 'groups', 1, INT32_MAX);
  const sizes = spatial(x, n);
  const ws = weight.shape;
  if (sizes !== null && ws.length === n + 2) {
    w.kernel = ws.slice(2);
    fits(op, x, batch(x, n) * ws[1] * g, convTransposeOutput(op, sizes, w, extra));
  }
  return T(native[op](...handles, w.stride, w.padding, extra, g, w.dilation));
}

/** Transposed 1-D convolution. x: [N, Cin, L], weight: [Cin, Cout/groups, k] -> [N, Cout, Lout]. */
export function convTranspose1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, o?: ConvTransposeOptions): Tensor {
  return convT('convTranspose1d', 1, x, weight, bias, o);
}
/** Transposed 2-D convolution ("deconvolution"). x: [N, Cin, H, W], weight: [Cin, Cout/groups, kH, kW] -> [N, Cout, Hout, Wout]. */
export function convTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, o?: ConvTransposeOptions): Tensor {
  return convT('convTranspose2d', 2, x, weight, bias, o);
}

// ---------------------------------------------------------------- pooling
export interface MaxPoolOptions {
  /** Default: the kernel size. */
  stride?: Size;
  padding?: Size;
  dilation?: Size;
  /** Use ceil instead of floor to compute the output size. */
  ceilMode?: boolean;
  /** Also return the flat index of each maximum (for maxUnpool). */
  returnIndices?: boolean;
}
const MAXPOOL_KEYS = ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'] as const;

/** A stride of null/undefined/[] means "same as the kernel", as in PyTorch. */
const strideOr = (stride: unknown, kernel: number[], n: number): number[] =>
  stride === undefined || stride === null || (Array.isArray(stride) && stride.length === 0) ? kernel : tuple(stride, 'stride', n, 1);

/** Checks a pooling window against x (the indices of returnIndices count as two more rows). */
function pool(op: string, n: number, x: Tensor, w: Window, ceil: boolean, extraRows = 1): void {
  const sizes = spatial(x, n);
  if (sizes !== null) fits(op, x, rows(x, n) * extraRows, poolOutput(op, sizes, w, ceil));
}

function maxPool(op: string, n: number, x: Tensor, kernelSize: Size, o?: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  const { stride, padding = 0, dilation = 1, ceilMode = false, returnIndices = false } = options(o, op, MAXPOOL_KEYS);
  const h = handle(x);
  const kernel = tuple(kernelSize, 'kernelSize', n, 1);
  const w = {
    kernel,
    stride: strideOr(stride, kernel, n),
    padding: tuple(padding, 'padding', n),
    dilation: tuple(dilation, 'dilation', n, 1),
  };
  pool(op, n, x, w, bool(ceilMode, 'ceilMode'), bool(returnIndices, 'returnIndices') ? 3 : 1);
  const out = wrapAll(native[op](h, w.kernel, w.stride, w.padding, w.dilation, ceilMode, returnIndices));
  return returnIndices ? [out[0], out[1]] : out[0];
}

/** 1-D max pooling. x: [N, C, L] -> [N, C, Lout]; with returnIndices, [values, int64 indices]. */
export function maxPool1d(x: Tensor, kernelSize: Size, o: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: Size, o?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool1d(x: Tensor, kernelSize: Size, o?: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  return maxPool('maxPool1d', 1, x, kernelSize, o);
}
/** 2-D max pooling. x: [N, C, H, W] -> [N, C, Hout, Wout]; with returnIndices, [values, int64 indices]. */
export function maxPool2d(x: Tensor, kernelSize: Size, o: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(x: Tensor, kernelSize: Size, o?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(x: Tensor, kernelSize: Size, o?: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  return maxPool('maxPool2d', 2, x, kernelSize, o);
}

export interface AvgPoolOptions {
  /** Default: the kernel size. */
  stride?: Size;
  padding?: Size;
  ceilMode?: boolean;
  /** Count the zero padding in the averaging divisor (default true). */
  countIncludePad?: boolean;
}

/** 1-D average pooling. x: [N, C, L] -> [N, C, Lout]. */
export function avgPool1d(x: Tensor, kernelSize: Size, o?: AvgPoolOptions): Tensor {
  const {
    stride,
    padding = 0,
    ceilMode = false,
    countIncludePad = true,
  } = options(o, 'avgPool1d', ['stride', 'padding', 'ceilMode', 'countIncludePad']);
  const h = handle(x);
  const kernel = tuple(kernelSize, 'kernelSize', 1, 1);
  const w = { kernel, stride: strideOr(stride, kernel, 1), padding: tuple(padding, 'padding', 1), dilation: [1] };
  pool('avgPool1d', 1, x, w, bool(ceilMode, 'ceilMode'));
  return T(native.avgPool1d(h, w.kernel, w.stride, w.padding, ceilMode, bool(countIncludePad, 'countIncludePad')));
}
/** 2-D average pooling; `divisorOverride` replaces the window size as divisor. x: [N, C, H, W] -> [N, C, Hout, Wout]. */
export function avgPool2d(x: Tensor, kernelSize: Size, o?: AvgPoolOptions & { divisorOverride?: number | null }): Tensor {
  const {
    stride,
    padding = 0,
    ceilMode = false,
    countIncludePad = true,
    divisorOverride = null,
  } = options(o, 'avgPool2d', ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
  const h = handle(x);
  const kernel = tuple(kernelSize, 'kernelSize', 2, 1);
  const w = { kernel, stride: strideOr(stride, kernel, 2), padding: tuple(padding, 'padding', 2), dilation: [1, 1] };
  const div = divisorOverride === null ? null : int(divisorOverride, 'divisorOverride', 1, INT32_MAX);
  pool('avgPool2d', 2, x, w, bool(ceilMode, 'ceilMode'));
  return T(native.avgPool2d(h, w.kernel, w.stride, w.padding, ceilMode, bool(countIncludePad, 'countIncludePad'), div));
}

/**
 * Output sizes of adaptive pooling (null keeps that input size, PyTorch's None),
 * checked to fit in memory (the indices of returnIndices count as two more rows).
 */
function adaptiveSize(op: string, x: Tensor, outputSize: number | (number | null)[], n: number, extraRows = 1): number[] {
  handle(x);
  const shape = x.shape;
  if (shape.length < n + 1) shapeError(op, `expected a ${n + 1}-D or ${n + 2}-D input but got input of size ${JSON.stringify(shape)}`);
  const list = typeof outputSize === 'number' ? Array(n).fill(outputSize) : outputSize;
  const size =
    !Array.isArray(list) || list.length !== n
      ? tuple(outputSize, 'outputSize', n)
      : list.map((s, i) => (s === null ? shape[shape.length - n + i] : int(s, 'outputSize', 0, INT32_MAX)));
  fits(op, x, rows(x, n) * extraRows, size);
  return size;
}

/** Average pooling to a fixed output length. x: [N, C, L] -> [N, C, outputSize]. */
export function adaptiveAvgPool1d(x: Tensor, outputSize: number | [number]): Tensor {
  return T(native.adaptiveAvgPool1d(handle(x), adaptiveSize('adaptiveAvgPool1d', x, outputSize, 1)));
}
/** Average pooling to a fixed output size (null keeps a dim). x: [N, C, H, W] -> [N, C, oH, oW]. */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | (number | null)[]): Tensor {
  return T(native.adaptiveAvgPool2d(handle(x), adaptiveSize('adaptiveAvgPool2d', x, outputSize, 2)));
}

/** Max pooling to a fixed output length. x: [N, C, L] -> [N, C, outputSize] (and indices with returnIndices). */
export function adaptiveMaxPool1d(x: Tensor, outputSize: number | [number], o: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool1d(x: Tensor, outputSize: number | [number], o?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool1d(x: Tensor, outputSize: number | [number], o?: { returnIndices?: boolean }): Tensor | [Tensor, Tensor] {
  return adaptiveMax('adaptiveMaxPool1d', 1, x, outputSize, o);
}
/** Max pooling to a fixed output size (null keeps a dim). x: [N, C, H, W] -> [N, C, oH, oW] (and indices with returnIndices). */
export function adaptiveMaxPool2d(x: Tensor, outputSize: number | (number | null)[], o: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(x: Tensor, outputSize: number | (number | null)[], o?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool2d(
  x: Tensor,
  outputSize: number | (number | null)[],
  o?: { returnIndices?: boolean },
): Tensor | [Tensor, Tensor] {
  return adaptiveMax('adaptiveMaxPool2d', 2, x, outputSize, o);
}
function adaptiveMax(
  op: string,
  n: number,
  x: Tensor,
  outputSize: number | (number | null)[],
  o?: { returnIndices?: boolean },
): Tensor | [Tensor, Tensor] {
  const { returnIndices = false } = options(o, op, ['returnIndices']);
  const size = adaptiveSize(op, x, outputSize, n, bool(returnIndices, 'returnIndices') ? 3 : 1);
  const out = wrapAll(native[op](x._h, size, returnIndices));
  return returnIndices ? [out[0], out[1]] : out[0];
}
