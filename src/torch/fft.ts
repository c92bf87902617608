/**
 * `torch.fft`: discrete Fourier transforms along one dim (`fft`, `ifft`, `rfft`, `irfft`) or
 * two (`fft2`, `ifft2`), and sample frequencies. `norm` scales the forward/backward pair:
 * 'backward' (default: 1/n on the inverse), 'forward' (1/n on the forward) or 'ortho' (1/√n both).
 */
import { native } from './native.js';
import { Tensor } from './tensor.js';
import { allocation, device, fail, handle, int, INT32_MAX, num, oneOf, optDtypeCode, options } from './check.js';
import type { DType } from './dtype.js';
import type { Device } from './device.js';

const T = (h: number): Tensor => new Tensor(h);

/** Normalisation mode of a transform pair. */
export type FftNorm = 'backward' | 'forward' | 'ortho';
const NORMS: readonly FftNorm[] = ['backward', 'forward', 'ortho'];

const normArg = (norm: unknown): FftNorm | null => (norm === undefined || norm === null ? null : oneOf(norm, 'norm', NORMS));

/**
 * Checks signal lengths `ns` (libtorch 1.13 keeps them in 32-bit ints) for `dims` of
 * the input; the input padded to them must fit in memory.
 */
function lengths(op: string, input: Tensor, ns: unknown[], dims: number[], names: string[]): void {
  const shape = input.shape;
  let numel = input.numel();
  ns.forEach((n, i) => {
    if (n === undefined || n === null) return;
    const d = dims[i] < 0 ? dims[i] + shape.length : dims[i];
    numel = (numel / Math.max(1, shape[d] ?? 1)) * int(n, names[i], 1, INT32_MAX);
  });
  allocation(numel, op, 'complex128');
}
function oneDim(name: string) {
  return (input: Tensor, n: number | null = null, dim = -1, norm?: FftNorm | null): Tensor => {
    const h = handle(input);
    lengths(name, input, [n], [int(dim, 'dim')], ['n']);
    return T(native[name](h, n ?? null, dim, normArg(norm)));
  };
}

/** 1-D DFT along `dim` (zero-padded or trimmed to `n`): [..., L, ...] → complex [..., n, ...]. */
export const fft: (input: Tensor, n?: number | null, dim?: number, norm?: FftNorm | null) => Tensor = oneDim('fft');
/** Inverse 1-D DFT along `dim`: [..., L, ...] → complex [..., n, ...]. */
export const ifft: (input: Tensor, n?: number | null, dim?: number, norm?: FftNorm | null) => Tensor = oneDim('ifft');
/** DFT of a real signal, non-negative frequencies only: real [..., n, ...] → complex [..., n/2 + 1, ...]. */
export const rfft: (input: Tensor, n?: number | null, dim?: number, norm?: FftNorm | null) => Tensor = oneDim('rfft');
/**
 * Inverse of `rfft`: complex [..., m, ...] → real [..., n, ...], n = 2(m - 1) unless given
 * (pass `n` to recover an odd length).
 */
export const irfft: (input: Tensor, n?: number | null, dim?: number, norm?: FftNorm | null) => Tensor = oneDim('irfft');

function twoDim(name: string) {
  return (input: Tensor, s: [number, number] | null = null, dim: [number, number] = [-2, -1], norm?: FftNorm | null): Tensor => {
    const h = handle(input);
    if (!Array.isArray(dim) || dim.length !== 2) fail(dim, 'dim', 'two integer dims');
    const dims = [int(dim[0], 'dim[0]'), int(dim[1], 'dim[1]')];
    if (s !== null && s !== undefined) {
      if (!Array.isArray(s) || s.length !== 2) fail(s, 's', 'two positive integers or null');
      lengths(name, input, s, dims, ['s[0]', 's[1]']);
    }
    return T(native[name](h, s ?? null, dims, normArg(norm)));
  };
}
/** 2-D DFT over `dim` (default the last two), optionally padded/trimmed to `s`: [..., H, W] → complex [..., H, W]. */
export const fft2: (input: Tensor, s?: [number, number] | null, dim?: [number, number], norm?: FftNorm | null) => Tensor = twoDim('fft2');
/** Inverse 2-D DFT over `dim`: [..., H, W] → complex [..., H, W]. */
export const ifft2: (input: Tensor, s?: [number, number] | null, dim?: [number, number], norm?: FftNorm | null) => Tensor = twoDim('ifft2');

/** Options for the frequency grids (PyTorch's default dtype float32 on the CPU). */
export interface FreqOptions {
  dtype?: DType;
  device?: Device;
}
function freq(name: string) {
  return (n: number, d = 1, opts?: FreqOptions): Tensor => {
    const { dtype, device: dev } = options(opts, name, ['dtype', 'device']);
    allocation(int(n, 'n', 0), name, dtype ?? 'float64');
    if (!(num(d, 'd') > 0)) fail(d, 'd', 'a positive number', RangeError);
    return T(native[name](n, d, optDtypeCode(dtype), dev === undefined ? null : device(dev)));
  };
}
/** Sample frequencies of an n-point `rfft` with spacing d: [n/2 + 1] = [0, 1, …, ⌊n/2⌋] / (d n). */
export const rfftfreq: (n: number, d?: number, opts?: FreqOptions) => Tensor = freq('rfftfreq');
/** Sample frequencies of an n-point `fft` with spacing d: [n] = [0, 1, …, -2, -1] / (d n). */
export const fftfreq: (n: number, d?: number, opts?: FreqOptions) => Tensor = freq('fftfreq');
