/** Short-time Fourier transforms and windows (top-level `torch.stft`, `torch.istft`, `torch.hannWindow`, …). */
import { native } from './native.js';
import { Tensor } from './tensor.js';
import { check, checkInt, describe } from './errors.js';
import { type DType, dtypeCode, checkDtype } from './dtype.js';
import { checkDevice, type Device } from './device.js';

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

function checkFrame(nFft: number, hopLength: number | undefined, winLength: number | undefined, window: unknown) {
  checkInt(nFft, 'nFft', 1);
  const hop = hopLength ?? Math.floor(nFft / 4);
  const win = winLength ?? nFft;
  checkInt(hop, 'hopLength', 1);
  checkInt(win, 'winLength', 1);
  if (win > nFft) throw new RangeError(`Expected winLength <= nFft (${nFft}) but received ${describe(win)}`);
  check(window === null || window === undefined || window instanceof Tensor, 'a Tensor or null', 'window', window);
  return { hop, win, window: window instanceof Tensor ? window._h : null };
}

/**
 * Short-time Fourier transform of a real or complex signal [L] or [B, L] → complex
 * [(B,) freq, frames], freq = nFft/2 + 1 (onesided) or nFft, frames = 1 + ⌊(L' - nFft) / hop⌋
 * with L' = L + 2⌊nFft/2⌋ when centred.
 */
export function stft(input: Tensor, nFft: number, opts: StftOptions = {}): Tensor {
  const { center = true, padMode = 'reflect', normalized = false, onesided = null } = opts;
  const { hop, win, window } = checkFrame(nFft, opts.hopLength, opts.winLength, opts.window);
  if (!PAD_MODES.includes(padMode))
    throw new TypeError(`Expected one of ${PAD_MODES.map((m) => `'${m}'`).join(', ')} for padMode but received ${describe(padMode)}`);
  return T(native.stft(input._h, nFft, hop, win, window, center, padMode, normalized, onesided));
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
export function istft(input: Tensor, nFft: number, opts: IstftOptions = {}): Tensor {
  const { center = true, normalized = false, onesided = null, length = null } = opts;
  const { hop, win, window } = checkFrame(nFft, opts.hopLength, opts.winLength, opts.window);
  if (length !== null) checkInt(length, 'length', 0);
  return T(native.istft(input._h, nFft, hop, win, window, center, normalized, onesided, length));
}

/** Options for the window functions. */
export interface WindowOptions {
  /** Periodic window for spectral analysis (default true): the first `n` of an (n + 1)-point symmetric window. */
  periodic?: boolean;
  dtype?: DType;
  device?: Device;
}
function windowFn(name: string) {
  return (n: number, opts: WindowOptions = {}): Tensor => {
    checkInt(n, 'windowLength', 0);
    const dtype = opts.dtype === undefined ? null : dtypeCode[checkDtype(opts.dtype)];
    const device = opts.device === undefined ? null : checkDevice(opts.device);
    return T(native[name](n, opts.periodic ?? true, dtype, device));
  };
}
/** Hann window [n]: 0.5 − 0.5 cos(2πk / N), N = n (periodic) or n − 1. */
export const hannWindow: (n: number, opts?: WindowOptions) => Tensor = windowFn('hannWindow');
/** Hamming window [n]: 0.54 − 0.46 cos(2πk / N). */
export const hammingWindow: (n: number, opts?: WindowOptions) => Tensor = windowFn('hammingWindow');
/** Blackman window [n]: 0.42 − 0.5 cos(2πk / N) + 0.08 cos(4πk / N). */
export const blackmanWindow: (n: number, opts?: WindowOptions) => Tensor = windowFn('blackmanWindow');
