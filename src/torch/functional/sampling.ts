/** Padding, resampling and patch extraction (PyTorch's `torch.nn.functional`). */
import { native } from '../native.js';
import { type Tensor } from '../tensor.js';
import { allocation, bool, fail, handle, ints, INT32_MAX, num, oneOf, options, tuple } from '../check.js';
import { T, shapeError, fmt, relabel } from './options.js';
import { convOutput, fits, rows, spatial, type Window } from './geometry.js';
import { isFloating } from '../dtype.js';
import { adaptiveAvgPool1d, adaptiveAvgPool2d, type Size } from './conv.js';

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';
const PAD_MODES = ['constant', 'reflect', 'replicate', 'circular'] as const;

/**
 * Pads the last dims: `pad` = [left, right] for the last dim, then [top, bottom]
 * for the one before, ... ('constant' takes `value`, default 0; 'reflect',
 * 'replicate' and 'circular' pad [N, C, W] / [N, C, H, W] inputs).
 */
export function pad(x: Tensor, pad: number[], o?: { mode?: PadMode; value?: number }): Tensor {
  const { mode = 'constant', value } = options(o, 'pad', ['mode', 'value']);
  oneOf(mode, 'mode', PAD_MODES);
  const h = handle(x);
  ints(pad, 'pad', -INT32_MAX, INT32_MAX);
  if (pad.length % 2 !== 0) fail(pad, 'pad', 'an even-length array of integers');
  if (value !== undefined && mode !== 'constant') {
    throw new TypeError(`Expected no value for pad with mode "${mode}" but received ${value} (value applies to mode constant only)`);
  }
  const shape = x.shape;
  if (pad.length / 2 <= shape.length) {
    const padded = shape.map((d, i) => {
      const k = shape.length - 1 - i;
      return k < pad.length / 2 ? d + pad[2 * k] + pad[2 * k + 1] : d;
    });
    if (padded.some((d) => d > INT32_MAX))
      shapeError('pad', `padding [${pad}] makes shape ${fmt(shape)} ${fmt(padded)}; at most ${INT32_MAX} per dim is supported`);
    allocation(
      padded.reduce((a, b) => a * Math.max(b, 0), 1),
      'pad',
      x.dtype,
    );
  }
  return T(native.pad(h, pad, mode, value === undefined ? null : num(value, 'value')));
}

export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'bicubic' | 'area';
const MODES = ['nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'area'] as const;
/** Spatial rank each mode supports here (3-D or 4-D input). */
const RANKS: Record<InterpolateMode, number[]> = {
  nearest: [3, 4],
  'nearest-exact': [3, 4],
  area: [3, 4],
  linear: [3],
  bilinear: [4],
  bicubic: [4],
};

export interface InterpolateOptions {
  /** Output spatial size (exclusive with scaleFactor). */
  size?: Size;
  /** Multiplier of the spatial size; output = floor(input * scale). */
  scaleFactor?: number | number[];
  mode?: InterpolateMode;
  /** Align the corner pixel centres (linear, bilinear, bicubic only; default false). */
  alignCorners?: boolean;
  /** Interpolate with the scale implied by the rounded output size instead of scaleFactor. */
  recomputeScaleFactor?: boolean;
}

/** Resizes by `size` or `scaleFactor`. x: [N, C, L] (nearest, linear, area) or [N, C, H, W] (nearest, bilinear, bicubic, area). */
export function interpolate(x: Tensor, o?: InterpolateOptions): Tensor {
  const {
    size,
    scaleFactor,
    mode = 'nearest',
    alignCorners,
    recomputeScaleFactor = false,
  } = options(o, 'interpolate', ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor']);
  oneOf(mode, 'mode', MODES);
  const interpolating = mode === 'linear' || mode === 'bilinear' || mode === 'bicubic';
  if (alignCorners !== undefined && !interpolating) {
    throw new TypeError(
      `Expected no alignCorners for mode "${mode}" but received ${alignCorners} (only linear, bilinear, bicubic take it)`,
    );
  }
  const ac = bool(alignCorners ?? false, 'alignCorners');
  const hx = handle(x);
  const shape = x.shape;
  if (!RANKS[mode].includes(shape.length)) {
    shapeError('interpolate', `Got ${shape.length}D input, but ${mode} mode needs ${RANKS[mode].map((r) => `${r}D`).join(' or ')} input`);
  }
  const n = shape.length - 2;
  if ((size === undefined) === (scaleFactor === undefined)) {
    throw new TypeError(
      `Expected exactly one of size or scaleFactor for interpolate but received ${size === undefined ? 'neither' : 'both'}`,
    );
  }
  let outSize: number[] | null = null;
  let scales: number[] | null = null;
  if (size !== undefined) {
    if (recomputeScaleFactor)
      throw new TypeError('Expected recomputeScaleFactor only with scaleFactor but received it with an explicit size');
    outSize = tuple(size, 'size', n, 1);
    fits('interpolate', x, rows(x, n), outSize);
  } else {
    const list = typeof scaleFactor === 'number' ? Array(n).fill(scaleFactor) : scaleFactor;
    const ok = Array.isArray(list) && list.length === n && list.every((s) => typeof s === 'number' && s > 0 && Number.isFinite(s));
    if (!ok) fail(scaleFactor, 'scaleFactor', `a positive number or an array of ${n} positive numbers`);
    scales = list as number[];
    fits(
      'interpolate',
      x,
      rows(x, n),
      scales.map((f, i) => Math.floor(shape[i + 2] * f)),
    );
    if (scales.some((f, i) => shape[i + 2] * f > INT32_MAX))
      fail(scaleFactor, 'scaleFactor', `factors that keep each output size <= ${INT32_MAX}`, RangeError);
    if (bool(recomputeScaleFactor, 'recomputeScaleFactor') || mode === 'area') {
      outSize = scales.map((s, i) => Math.floor(shape[i + 2] * s));
      scales = null;
    }
  }
  if (mode === 'area') return n === 1 ? adaptiveAvgPool1d(x, outSize as [number]) : adaptiveAvgPool2d(x, outSize as number[]);
  return T(native.interpolate(hx, mode, outSize, ac, scales));
}

export interface GridSampleOptions {
  mode?: 'bilinear' | 'nearest' | 'bicubic';
  /** Value for grid points outside [-1, 1]: zeros, the border value, or the reflected position. */
  paddingMode?: 'zeros' | 'border' | 'reflection';
  /** -1 and 1 are the centres of the corner pixels (true) or the image corners (false, default). */
  alignCorners?: boolean;
}

/** Samples x at normalized grid locations in [-1, 1] (x, y order). x: [N, C, H, W], grid: [N, Ho, Wo, 2] -> [N, C, Ho, Wo]. */
export function gridSample(x: Tensor, grid: Tensor, o?: GridSampleOptions): Tensor {
  const {
    mode = 'bilinear',
    paddingMode = 'zeros',
    alignCorners = false,
  } = options(o, 'gridSample', ['mode', 'paddingMode', 'alignCorners']);
  const m = ['bilinear', 'nearest', 'bicubic'].indexOf(oneOf(mode, 'mode', ['bilinear', 'nearest', 'bicubic']));
  const p = ['zeros', 'border', 'reflection'].indexOf(oneOf(paddingMode, 'paddingMode', ['zeros', 'border', 'reflection']));
  return T(native.gridSample(handle(x), handle(grid, 'grid'), m, p, bool(alignCorners, 'alignCorners')));
}

/** Sampling grid of the affine maps theta for an output of `size`. theta: [N, 2, 3], size: [N, C, H, W] -> [N, H, W, 2] (3-D: [N, 3, 4] -> [N, D, H, W, 3]). */
export function affineGrid(theta: Tensor, size: number[], o?: { alignCorners?: boolean }): Tensor {
  const { alignCorners = false } = options(o, 'affineGrid', ['alignCorners']);
  const ht = handle(theta, 'theta');
  const sz = Array.isArray(size) ? tuple(size, 'size', size.length, 0) : tuple(size, 'size', 4);
  const ts = theta.shape;
  if (!isFloating(theta.dtype)) shapeError('affineGrid', `Expected theta to have floating point type, but got ${theta.dtype}`);
  const d = sz.length - 2;
  if (d !== 2 && d !== 3)
    shapeError('affineGrid', `only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size ${fmt(sz)}`);
  if (ts.length !== 3 || ts[0] !== sz[0] || ts[1] !== d || ts[2] !== d + 1) {
    shapeError('affineGrid', `Expected a batch of ${d}D affine matrices of shape Nx${d}x${d + 1} for size ${fmt(sz)}. Got ${fmt(ts)}.`);
  }
  if (Math.min(...sz) <= 0) shapeError('affineGrid', `Expected non-zero, positive output size. Got ${fmt(sz)}`);
  allocation(
    sz.slice(2).reduce((a, b) => a * b, sz[0] * (d + 1)),
    'affineGrid',
    theta.dtype,
  );
  return T(native.affineGrid(ht, sz, bool(alignCorners, 'alignCorners')));
}

export interface PatchOptions {
  dilation?: Size;
  padding?: Size;
  stride?: Size;
}
const PATCH_KEYS = ['dilation', 'padding', 'stride'] as const;

/** Sliding local blocks as columns (im2col). x: [N, C, H, W] -> [N, C kH kW, L] with L the number of blocks. */
export function unfold(x: Tensor, kernelSize: Size, o?: PatchOptions): Tensor {
  const { dilation = 1, padding = 0, stride = 1 } = options(o, 'unfold', PATCH_KEYS);
  const h = handle(x);
  const w = patchWindow(kernelSize, dilation, padding, stride);
  const sizes = spatial(x, 2);
  if (sizes !== null) {
    const blocks = convOutput('unfold', sizes, w);
    fits('unfold', x, rows(x, 2) * w.kernel[0] * w.kernel[1], blocks);
  }
  return T(relabel('unfold', 'im2col', () => native.im2col(h, w.kernel, w.dilation, w.padding, w.stride)));
}

/** Sums columns back into an image (col2im, the adjoint of unfold). x: [N, C kH kW, L] -> [N, C, outputSize...]. */
export function fold(x: Tensor, outputSize: Size, kernelSize: Size, o?: PatchOptions): Tensor {
  const { dilation = 1, padding = 0, stride = 1 } = options(o, 'fold', PATCH_KEYS);
  const h = handle(x);
  const size = tuple(outputSize, 'outputSize', 2, 1);
  const w = patchWindow(kernelSize, dilation, padding, stride);
  convOutput('fold', size, w);
  const shape = x.shape;
  const channels = shape.length >= 2 ? Math.floor(shape[shape.length - 2] / (w.kernel[0] * w.kernel[1])) : 0;
  fits('fold', x, (shape.length === 3 ? shape[0] : 1) * channels, size);
  return T(relabel('fold', 'col2im', () => native.col2im(h, size, w.kernel, w.dilation, w.padding, w.stride)));
}

/** Checked unfold/fold window (kernel, stride, padding, dilation per spatial dim). */
function patchWindow(kernelSize: unknown, dilation: unknown, padding: unknown, stride: unknown): Window {
  return {
    kernel: tuple(kernelSize, 'kernelSize', 2, 1),
    dilation: tuple(dilation, 'dilation', 2, 1),
    padding: tuple(padding, 'padding', 2),
    stride: tuple(stride, 'stride', 2, 1),
  };
}
