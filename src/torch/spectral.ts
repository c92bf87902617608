/** Short-time Fourier transforms and windows (top-level `torch.stft`, `torch.istft`, `torch.hannWindow`, …). */
import { native } from './native.js';
import { Tensor } from './tensor.js';
import { allocation, bool, device, int, INT32_MAX, oneOf, optDtypeCode, optHandle, options, tensor } from './check.js';
import type { DType } from './dtype.js';
import type { Device } from './device.js';

const T = (h: number): Tensor => new Tensor(h);

/** How `stft` pads the signal ends when `center` is true. */
export type StftPadMode = 'reflect' | 'constant' | 'replicate' | 'circular';
const PAD_MODES: readonly StftPadMode[] = ['reflect', 'constant', 'replicate', 'circular'];

export interface StftOptions {
  /** Samples between frame starts (default ⌊nFft / 4⌋). */
  hopLength?: number;
  /** Window size, at most nFft; the window is zero-padded to nFft (default nFft). */
  winLength?: number;
  /** 1-D window of winLength samples (default all ones, i.e. rectangular). */
  window?: Tensor | null;
  /** Pad nFft/2 samples on both sides so frame t is centred at t·hopLength (default true). */
  center?: boolean;
  /** Padding used with center (default 'reflect'). */
  padMode?: StftPadMode;
  /** Scale by 1/√nFft (default false). */
  normalized?: boolean;
  /** Keep only the nFft/2 + 1 non-negative frequencies (default true for real input and window). */
  onesided?: boolean | null;
}

/** Checked frame arguments (libtorch 1.13 keeps them in 32-bit ints). */
function checkFrame(n: unknown, o: { hopLength?: number; winLength?: number; window?: Tensor | null }) {
  const nFft = int(n, 'nFft', 1, INT32_MAX);
  const hop = int(o.hopLength ?? Math.max(1, Math.floor(nFft / 4)), 'hopLength', 1, INT32_MAX);
  const win = int(o.winLength ?? nFft, 'winLength', 1, nFft);
  return { nFft, hop, win, window: optHandle(o.window, 'window') };
}

/** Batch size and length of a signal [L] or [B, L] (or spectrogram [freq, frames] / [B, freq, frames]). */
function batchAndLast(x: Tensor): [number, number] {
  const s = x.shape;
  return [s.slice(0, -1).reduce((a, b) => a * b, 1) || 1, s[s.length - 1] ?? 1];
}
const STFT_KEYS = ['hopLength', 'winLength', 'window', 'center', 'padMode', 'normalized', 'onesided'];
const ISTFT_KEYS = ['hopLength', 'winLength', 'window', 'center', 'normalized', 'onesided', 'length'];

/**
 * Short-time Fourier transform of a real or complex signal [L] or [B, L] → complex
 * [(B,) freq, frames], freq = nFft/2 + 1 (onesided) or nFft, frames = 1 + ⌊(L' - nFft) / hop⌋
 * with L' = L + 2⌊nFft/2⌋ when centred.
 */
export function stft(input: Tensor, nFft: number, opts?: StftOptions): Tensor {
  const o = options(opts, 'stft', STFT_KEYS);
  const { center = true, padMode = 'reflect', normalized = false, onesided = null } = o;
  const { hop, win, window } = checkFrame(nFft, o);
  const [batch, length] = batchAndLast(tensor(input));
  const padded = bool(center, 'center') ? length + 2 * Math.floor(nFft / 2) : length;
  const frames = padded >= nFft ? 1 + Math.floor((padded - nFft) / hop) : 0;
  allocation(batch * (padded + nFft * frames), 'stft', 'complex128');
  return T(
    native.stft(
      input._h,
      nFft,
      hop,
      win,
      window,
      center,
      oneOf(padMode, 'padMode', PAD_MODES),
      bool(normalized, 'normalized'),
      onesided === null ? null : bool(onesided, 'onesided'),
    ),
  );
}

export interface IstftOptions {
  /** As given to `stft` (default ⌊nFft / 4⌋). */
  hopLength?: number;
  /** As given to `stft` (default nFft). */
  winLength?: number;
  /** The analysis window given to `stft` (default all ones); its overlap-added square must not vanish. */
  window?: Tensor | null;
  /** Whether `stft` centred the frames (default true): the padding is removed. */
  center?: boolean;
  /** Whether `stft` normalised by 1/√nFft (default false). */
  normalized?: boolean;
  /** Whether the input holds only the non-negative frequencies (default: inferred from freq = nFft/2 + 1). */
  onesided?: boolean | null;
  /** Trim or zero-pad the output to this many samples (default: as many as the frames cover). */
  length?: number | null;
}

/** Inverse of `stft` by windowed overlap-add: complex [(B,) freq, frames] → real [(B,) length]. */
export function istft(input: Tensor, nFft: number, opts?: IstftOptions): Tensor {
  const o = options(opts, 'istft', ISTFT_KEYS);
  const { center = true, normalized = false, onesided = null, length = null } = o;
  const { hop, win, window } = checkFrame(nFft, o);
  const [batch, frames] = batchAndLast(tensor(input));
  const n = length === null ? nFft + hop * Math.max(frames - 1, 0) : int(length, 'length', 0);
  allocation(batch * (n + nFft * frames), 'istft', 'complex128');
  return T(
    native.istft(
      input._h,
      nFft,
      hop,
      win,
      window,
      bool(center, 'center'),
      bool(normalized, 'normalized'),
      onesided === null ? null : bool(onesided, 'onesided'),
      length,
    ),
  );
}

/** Options for the window functions. */
export interface WindowOptions {
  /** Periodic window for spectral analysis (default true): the first `n` of an (n + 1)-point symmetric window. */
  periodic?: boolean;
  dtype?: DType;
  device?: Device;
}
function windowFn(name: string) {
  return (n: number, opts?: WindowOptions): Tensor => {
    const { periodic = true, dtype, device: dev } = options(opts, name, ['periodic', 'dtype', 'device']);
    allocation(int(n, 'windowLength', 0), name, dtype ?? 'float64');
    return T(native[name](n, bool(periodic, 'periodic'), optDtypeCode(dtype), dev === undefined ? null : device(dev)));
  };
}
/** Hann window [n]: 0.5 − 0.5 cos(2πk / N), N = n (periodic) or n − 1. */
export const hannWindow: (n: number, opts?: WindowOptions) => Tensor = windowFn('hannWindow');
/** Hamming window [n]: 0.54 − 0.46 cos(2πk / N). */
export const hammingWindow: (n: number, opts?: WindowOptions) => Tensor = windowFn('hammingWindow');
/** Blackman window [n]: 0.42 − 0.5 cos(2πk / N) + 0.08 cos(4πk / N). */
export const blackmanWindow: (n: number, opts?: WindowOptions) => Tensor = windowFn('blackmanWindow');
