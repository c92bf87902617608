/**
 * `torch.fft`: discrete Fourier transforms along one dim (`fft`, `ifft`, `rfft`, `irfft`) or
 * two (`fft2`, `ifft2`), and sample frequencies. `norm` scales the forward/backward pair:
 * 'backward' (default: 1/n on the inverse), 'forward' (1/n on the forward) or 'ortho' (1/√n both).
 */
import { native } from './native.js';
import { Tensor } from './tensor.js';
import { check, checkInt, describe } from './errors.js';
import { type DType, dtypeCode, checkDtype } from './dtype.js';
import { checkDevice, type Device } from './device.js';

const T = (h: number): Tensor => new Tensor(h);

/** Normalisation mode of a transform pair. */
export type FftNorm = 'backward' | 'forward' | 'ortho';
const NORMS: readonly FftNorm[] = ['backward', 'forward', 'ortho'];

function normArg(norm: unknown): FftNorm | null {
  if (norm === undefined || norm === null) return null;
  if (!NORMS.includes(norm as FftNorm))
    throw new TypeError(`Expected one of ${NORMS.map((v) => `'${v}'`).join(', ')} for norm but received ${describe(norm)}`);
  return norm as FftNorm;
}
function nArg(n: unknown): number | null {
  if (n === undefined || n === null) return null;
  checkInt(n, 'n', 1);
  return n;
}
function oneDim(name: string) {
  return (input: Tensor, n: number | null = null, dim = -1, norm?: FftNorm | null): Tensor => {
    checkInt(dim, 'dim');
    return T(native[name](input._h, nArg(n), dim, normArg(norm)));
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
    check(s === null || (Array.isArray(s) && s.length === 2 && s.every((x) => Number.isInteger(x) && x > 0)),
      'two positive integers or null', 's', s);
    check(Array.isArray(dim) && dim.length === 2 && dim.every(Number.isInteger), 'two integer dims', 'dim', dim);
    return T(native[name](input._h, s, dim, normArg(norm)));
  };
}
/** 2-D DFT over `dim` (default the last two), optionally padded/trimmed to `s`: [..., H, W] → complex [..., H, W]. */
export const fft2: (input: Tensor, s?: [number, number] | null, dim?: [number, number], norm?: FftNorm | null) => Tensor =
  twoDim('fft2');
/** Inverse 2-D DFT over `dim`: [..., H, W] → complex [..., H, W]. */
export const ifft2: (input: Tensor, s?: [number, number] | null, dim?: [number, number], norm?: FftNorm | null) => Tensor =
  twoDim('ifft2');

/** Options for the frequency grids (PyTorch's default dtype float32 on the CPU). */
export interface FreqOptions {
  dtype?: DType;
  device?: Device;
}
function freq(name: string) {
  return (n: number, d = 1, opts: FreqOptions = {}): Tensor => {
    checkInt(n, 'n', 0);
    check(typeof d === 'number' && d > 0, 'a positive number', 'd', d);
    const dtype = opts.dtype === undefined ? null : dtypeCode[checkDtype(opts.dtype)];
    const device = opts.device === undefined ? null : checkDevice(opts.device);
    return T(native[name](n, d, dtype, device));
  };
}
/** Sample frequencies of an n-point `rfft` with spacing d: [n/2 + 1] = [0, 1, …, ⌊n/2⌋] / (d n). */
export const rfftfreq: (n: number, d?: number, opts?: FreqOptions) => Tensor = freq('rfftfreq');
/** Sample frequencies of an n-point `fft` with spacing d: [n] = [0, 1, …, -2, -1] / (d n). */
export const fftfreq: (n: number, d?: number, opts?: FreqOptions) => Tensor = freq('fftfreq');
