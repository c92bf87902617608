/**
 * Sliding-window geometry of convolution, pooling and fold/unfold, computed in
 * TypeScript before the native call. libtorch 1.13 keeps window arguments in
 * 32-bit ints in some kernels: a kernel, stride or padding that does not fit the
 * input silently truncates, divides by zero (SIGFPE) or loops for hours there.
 * So every window must fit its (padded) input, padded sizes stay below 2^31, and
 * the result must fit in memory; the messages follow PyTorch's.
 */
import type { Tensor } from '../tensor.js';
import { allocation, INT32_MAX } from '../check.js';
import { shapeError } from './options.js';

/** Kernel, stride, padding and dilation per spatial dim. */
export interface Window {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
}

/** The last n sizes of x when it has n + 1 or n + 2 dims (else null: libtorch reports the rank). */
export function spatial(x: Tensor, n: number): number[] | null {
  const s = x.shape;
  return s.length === n + 1 || s.length === n + 2 ? s.slice(-n) : null;
}

/** Checks the padded size of each spatial dim stays within int32. */
function padded(op: string, sizes: number[], padding: number[]): number[] {
  return sizes.map((l, i) => {
    const p = l + 2 * padding[i];
    if (p > INT32_MAX)
      shapeError(op, `padding ${padding[i]} makes spatial dim ${i} of size ${l} ${p} long; at most ${INT32_MAX} is supported`);
    return p;
  });
}

/** Output sizes of a convolution (or unfold): floor((L + 2p − d(k − 1) − 1) / s) + 1, at least 1. */
export function convOutput(op: string, sizes: number[], w: Window): number[] {
  return padded(op, sizes, w.padding).map((p, i) => {
    const extent = w.dilation[i] * (w.kernel[i] - 1) + 1;
    if (extent > p)
      shapeError(
        op,
        `Calculated padded input size per channel: (${p}). Kernel size: (${extent}). Kernel size can't be greater than actual input size`,
      );
    return Math.floor((p - extent) / w.stride[i]) + 1;
  });
}

/** Output sizes of max/avg pooling (PyTorch's pooling_output_shape, ceil mode included), at least 1. */
export function poolOutput(op: string, sizes: number[], w: Window, ceil: boolean): number[] {
  return padded(op, sizes, w.padding).map((p, i) => {
    const s = w.stride[i];
    let out = Math.floor((p - w.dilation[i] * (w.kernel[i] - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
    if (ceil && (out - 1) * s >= sizes[i] + w.padding[i]) out--;
    if (out < 1)
      shapeError(op, `Given input size (${sizes.join('x')}), calculated output size (${out}) along spatial dim ${i} is too small`);
    return out;
  });
}

/** Output sizes of a transposed convolution: (L − 1)s − 2p + d(k − 1) + outputPadding + 1, at least 1. */
export function convTransposeOutput(op: string, sizes: number[], w: Window, outputPadding: number[]): number[] {
  return sizes.map((l, i) => {
    const out = (l - 1) * w.stride[i] - 2 * w.padding[i] + w.dilation[i] * (w.kernel[i] - 1) + outputPadding[i] + 1;
    if (out < 1)
      shapeError(op, `Given input size (${sizes.join('x')}), calculated output size (${out}) along spatial dim ${i} is too small`);
    if (out > INT32_MAX) shapeError(op, `calculated output size ${out} along spatial dim ${i} exceeds ${INT32_MAX}`);
    return out;
  });
}

/** Checks that a result of `rows` × the product of `sizes` elements of x's dtype fits in memory. */
export function fits(op: string, x: Tensor, rows: number, sizes: number[]): void {
  allocation(
    sizes.reduce((a, b) => a * b, rows),
    op,
    x.dtype,
  );
}

/** The number of rows (batch × channels) ahead of the n spatial dims. */
export const rows = (x: Tensor, n: number): number => x.shape.slice(0, -n).reduce((a, b) => a * b, 1);
