/**
 * Convolutions and pooling (PyTorch's `torch.nn.functional`). Sizes, strides and
 * paddings take a number or one number per spatial dim; batch dims are optional
 * where PyTorch allows unbatched input ([C, L] / [C, H, W]).
 */
import { native } from '../native.js';
import { type Tensor, wrapAll } from '../tensor.js';
import { T, ten, optTen, opts, oneOf, tuple, int, bool, shapeError } from './options.js';

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

function conv(op: 'conv1d' | 'conv2d', n: number, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, o?: ConvOptions): Tensor {
  const { stride = 1, padding = 0, dilation = 1, groups = 1 } = opts(o, op, CONV_KEYS);
  const mode = typeof padding === 'string' ? oneOf(padding, ['same', 'valid'], 'padding') : null;
  const pad = mode === null ? tuple(padding, n, 'padding') : Array(n).fill(0);
  return T(native[op](ten(x), ten(weight, 'weight'), optTen(bias, 'bias'), tuple(stride, n, 'stride', 1), pad,
    tuple(dilation, n, 'dilation', 1), int(groups, 'groups', 1), mode));
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
  const { stride = 1, padding = 0, outputPadding = 0, groups = 1, dilation = 1 } = opts(o, op, CONVT_KEYS);
  return T(native[op](ten(x), ten(weight, 'weight'), optTen(bias, 'bias'), tuple(stride, n, 'stride', 1),
    tuple(padding, n, 'padding'), tuple(outputPadding, n, 'outputPadding'), int(groups, 'groups', 1),
    tuple(dilation, n, 'dilation', 1)));
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
  stride === undefined || stride === null || (Array.isArray(stride) && stride.length === 0) ? kernel : tuple(stride, n, 'stride', 1);

function maxPool(op: string, n: number, x: Tensor, kernelSize: Size, o?: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  const { stride, padding = 0, dilation = 1, ceilMode = false, returnIndices = false } = opts(o, op, MAXPOOL_KEYS);
  const k = tuple(kernelSize, n, 'kernelSize', 1);
  const out = wrapAll(native[op](ten(x), k, strideOr(stride, k, n), tuple(padding, n, 'padding'),
    tuple(dilation, n, 'dilation', 1), bool(ceilMode, 'ceilMode'), bool(returnIndices, 'returnIndices')));
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
  const { stride, padding = 0, ceilMode = false, countIncludePad = true } =
    opts(o, 'avgPool1d', ['stride', 'padding', 'ceilMode', 'countIncludePad']);
  const k = tuple(kernelSize, 1, 'kernelSize', 1);
  return T(native.avgPool1d(ten(x), k, strideOr(stride, k, 1), tuple(padding, 1, 'padding'),
    bool(ceilMode, 'ceilMode'), bool(countIncludePad, 'countIncludePad')));
}
/** 2-D average pooling; `divisorOverride` replaces the window size as divisor. x: [N, C, H, W] -> [N, C, Hout, Wout]. */
export function avgPool2d(x: Tensor, kernelSize: Size, o?: AvgPoolOptions & { divisorOverride?: number | null }): Tensor {
  const { stride, padding = 0, ceilMode = false, countIncludePad = true, divisorOverride = null } =
    opts(o, 'avgPool2d', ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
  const k = tuple(kernelSize, 2, 'kernelSize', 1);
  const div = divisorOverride === null ? null : int(divisorOverride, 'divisorOverride', 1);
  return T(native.avgPool2d(ten(x), k, strideOr(stride, k, 2), tuple(padding, 2, 'padding'),
    bool(ceilMode, 'ceilMode'), bool(countIncludePad, 'countIncludePad'), div));
}

/** Output sizes of adaptive pooling: null keeps that input size (PyTorch's None). */
function adaptiveSize(op: string, x: Tensor, outputSize: number | (number | null)[], n: number): number[] {
  ten(x);
  const shape = x.shape;
  if (shape.length < n + 1) shapeError(op, `expected a ${n + 1}-D or ${n + 2}-D input but got input of size ${JSON.stringify(shape)}`);
  const list = typeof outputSize === 'number' ? Array(n).fill(outputSize) : outputSize;
  if (!Array.isArray(list) || list.length !== n) return tuple(outputSize, n, 'outputSize');
  return list.map((s, i) => (s === null ? shape[shape.length - n + i] : int(s, 'outputSize', 0)));
}

/** Average pooling to a fixed output length. x: [N, C, L] -> [N, C, outputSize]. */
export function adaptiveAvgPool1d(x: Tensor, outputSize: number | [number]): Tensor {
  return T(native.adaptiveAvgPool1d(ten(x), tuple(outputSize, 1, 'outputSize')));
}
/** Average pooling to a fixed output size (null keeps a dim). x: [N, C, H, W] -> [N, C, oH, oW]. */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | (number | null)[]): Tensor {
  return T(native.adaptiveAvgPool2d(x._h, adaptiveSize('adaptiveAvgPool2d', x, outputSize, 2)));
}

/** Max pooling to a fixed output length. x: [N, C, L] -> [N, C, outputSize] (and indices with returnIndices). */
export function adaptiveMaxPool1d(x: Tensor, outputSize: number | [number], o: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool1d(x: Tensor, outputSize: number | [number], o?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool1d(x: Tensor, outputSize: number | [number], o?: { returnIndices?: boolean }): Tensor | [Tensor, Tensor] {
  const { returnIndices = false } = opts(o, 'adaptiveMaxPool1d', ['returnIndices']);
  const out = wrapAll(native.adaptiveMaxPool1d(ten(x), tuple(outputSize, 1, 'outputSize'), bool(returnIndices, 'returnIndices')));
  return returnIndices ? [out[0], out[1]] : out[0];
}
/** Max pooling to a fixed output size (null keeps a dim). x: [N, C, H, W] -> [N, C, oH, oW] (and indices with returnIndices). */
export function adaptiveMaxPool2d(x: Tensor, outputSize: number | (number | null)[], o: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(x: Tensor, outputSize: number | (number | null)[], o?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool2d(x: Tensor, outputSize: number | (number | null)[], o?: { returnIndices?: boolean }): Tensor | [Tensor, Tensor] {
  const { returnIndices = false } = opts(o, 'adaptiveMaxPool2d', ['returnIndices']);
  const size = adaptiveSize('adaptiveMaxPool2d', x, outputSize, 2);
  const out = wrapAll(native.adaptiveMaxPool2d(x._h, size, bool(returnIndices, 'returnIndices')));
  return returnIndices ? [out[0], out[1]] : out[0];
}
