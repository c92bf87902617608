/**
 * Mel filterbanks and (log-)mel spectrograms as batched tensor ops.
 *
 * Defaults are the TRILL front end (Shor et al., 2020, "Towards Learning a
 * Universal Non-Semantic Representation of Speech"): 16 kHz audio, 25 ms Hann
 * window (400 samples) zero-padded to a 512-point FFT, 10 ms hop (160), power
 * spectrum, 64 HTK-mel bins over 125–7500 Hz, log(mel + 0.001). The spectrogram and
 * filterbank follow torchaudio.transforms.MelSpectrogram and
 * torchaudio.functional.melscale_fbanks term by term (the tests compare them).
 */
import * as torch from '../../torch/index.js';

type Tensor = torch.Tensor;

export type MelScale = 'htk' | 'slaney';

export interface MelOptions {
  /** Sample rate of the input in Hz (default 16000). */
  sampleRate: number;
  /** FFT size (default 512); nFft / 2 + 1 frequency bins. */
  nFft: number;
  /** Hann window length in samples (default 400 = 25 ms at 16 kHz), zero-padded to nFft. */
  winLength: number;
  /** Samples between frames (default 160 = 10 ms). */
  hopLength: number;
  /** Number of mel bins (default 64). */
  nMels: number;
  /** Lowest filter edge in Hz (default 125). */
  fMin: number;
  /** Highest filter edge in Hz (default 7500). */
  fMax: number;
  /** Mel formula (default 'htk': 2595 log10(1 + f / 700)). */
  melScale: MelScale;
  /** 'slaney' divides each triangle by its width in Hz / 2 (equal area); null keeps peak 1 (default). */
  norm: 'slaney' | null;
  /** Exponent of the magnitude spectrum (default 2: power). */
  power: number;
  /** Centre frames on t · hopLength by padding nFft / 2 samples each side (default true). */
  center: boolean;
  /** Padding mode with center (default 'reflect'). */
  padMode: torch.StftPadMode;
  /** Offset inside the logarithm of the log-mel spectrogram (default 0.001). */
  logOffset: number;
}

/** The TRILL front end (Shor et al., 2020). */
export const TRILL_FRONTEND: Readonly<MelOptions> = Object.freeze({
  sampleRate: 16000,
  nFft: 512,
  winLength: 400,
  hopLength: 160,
  nMels: 64,
  fMin: 125,
  fMax: 7500,
  melScale: 'htk',
  norm: null,
  power: 2,
  center: true,
  padMode: 'reflect',
  logOffset: 0.001,
});

/** Hz → mel on the HTK scale or Slaney's (linear below 1 kHz, logarithmic above). */
export function hzToMel(f: number, scale: MelScale = 'htk'): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + f / 700);
  return f < 1000 ? (3 * f) / 200 : 15 + Math.log(f / 1000) / (Math.log(6.4) / 27);
}

/** Mel → Hz, the inverse of `hzToMel`. */
export function melToHz(m: number, scale: MelScale = 'htk'): number {
  if (scale === 'htk') return 700 * (10 ** (m / 2595) - 1);
  return m < 15 ? (200 * m) / 3 : 1000 * Math.exp((Math.log(6.4) / 27) * (m - 15));
}

/**
 * Triangular mel filterbank [nFreqs, nMels] (float32) for spectra with nFreqs bins
 * spanning 0 … ⌊sampleRate / 2⌋ Hz: nMels triangles with centres equally spaced
 * in mel between fMin and fMax (torchaudio.functional.melscale_fbanks).
 */
export function melFilterbank(
  nFreqs: number,
  fMin: number,
  fMax: number,
  nMels: number,
  sampleRate: number,
  o: { melScale?: MelScale; norm?: 'slaney' | null } = {},
): Tensor {
  const { melScale = 'htk', norm = null } = o;
  if (melScale !== 'htk' && melScale !== 'slaney')
    throw new TypeError(`melFilterbank: expected melScale 'htk' or 'slaney' but received ${JSON.stringify(melScale)}`);
  if (norm !== null && norm !== 'slaney')
    throw new TypeError(`melFilterbank: expected norm 'slaney' or null but received ${JSON.stringify(norm)}`);
  for (const [k, v] of [
    ['nFreqs', nFreqs],
    ['nMels', nMels],
    ['sampleRate', sampleRate],
  ] as const)
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`melFilterbank: expected a positive integer for ${k} but received ${v}`);
  if (!(fMin >= 0 && fMin < fMax && fMax <= sampleRate / 2))
    throw new RangeError(
      `melFilterbank: expected 0 <= fMin < fMax <= sampleRate / 2 (${sampleRate / 2}) but received fMin=${fMin}, fMax=${fMax}`,
    );
  const [mMin, mMax] = [hzToMel(fMin, melScale), hzToMel(fMax, melScale)];
  const pts = Array.from({ length: nMels + 2 }, (_, i) => melToHz(mMin + ((mMax - mMin) * i) / (nMels + 1), melScale));
  const top = Math.floor(sampleRate / 2);
  const fb = new Float32Array(nFreqs * nMels);
  for (let k = 0; k < nFreqs; k++) {
    const f = nFreqs > 1 ? (top * k) / (nFreqs - 1) : 0;
    for (let m = 0; m < nMels; m++) {
      const down = (f - pts[m]) / (pts[m + 1] - pts[m]);
      const up = (pts[m + 2] - f) / (pts[m + 2] - pts[m + 1]);
      const scale = norm === 'slaney' ? 2 / (pts[m + 2] - pts[m]) : 1;
      fb[k * nMels + m] = Math.max(0, Math.min(down, up)) * scale;
    }
  }
  return torch.tensor(fb, { shape: [nFreqs, nMels] });
}

function resolve(o: Partial<MelOptions>): MelOptions {
  const c = { ...TRILL_FRONTEND, ...o };
  for (const k of ['sampleRate', 'nFft', 'winLength', 'hopLength', 'nMels'] as const)
    if (!Number.isInteger(c[k]) || c[k] < 1)
      throw new RangeError(`mel spectrogram: expected a positive integer for ${k} but received ${c[k]}`);
  if (c.winLength > c.nFft) throw new RangeError(`mel spectrogram: expected winLength <= nFft (${c.nFft}) but received ${c.winLength}`);
  if (!(c.power > 0)) throw new RangeError(`mel spectrogram: expected power > 0 but received ${c.power}`);
  if (!(c.logOffset > 0)) throw new RangeError(`mel spectrogram: expected logOffset > 0 but received ${c.logOffset}`);
  return c;
}

/**
 * A (log-)mel front end holding its window and filterbank: `forward(wave)` maps
 * waveforms [B, T] (or [T]) → [B, nMels, frames] (or [nMels, frames]) with
 * frames = 1 + ⌊T / hopLength⌋ when centred.
 */
export class MelSpectrogram {
  readonly options: Readonly<MelOptions>;
  /** Hann window [winLength] (periodic). */
  readonly window: Tensor;
  /** Filterbank [nFft / 2 + 1, nMels]. */
  readonly filterbank: Tensor;
  constructor(
    o: Partial<MelOptions> = {},
    readonly log = true,
  ) {
    this.options = Object.freeze(resolve(o));
    const c = this.options;
    this.window = torch.hannWindow(c.winLength);
    this.filterbank = melFilterbank(Math.floor(c.nFft / 2) + 1, c.fMin, c.fMax, c.nMels, c.sampleRate, c);
  }

  forward(wave: Tensor): Tensor {
    const c = this.options;
    if (!(wave instanceof torch.Tensor) || (wave.dim() !== 1 && wave.dim() !== 2))
      throw new RangeError(
        `mel spectrogram: expected a waveform Tensor [B, T] or [T] but received ${wave instanceof torch.Tensor ? `shape [${wave.shape.join(', ')}]` : typeof wave}`,
      );
    return torch.scope(() => {
      const window = this.window.to({ dtype: wave.dtype, device: wave.device });
      const spec = torch.stft(wave, c.nFft, {
        hopLength: c.hopLength,
        winLength: c.winLength,
        window,
        center: c.center,
        padMode: c.padMode,
        onesided: true,
      });
      const abs = spec.abs(); // |X|, [(B,) F, frames]
      const mag = c.power === 1 ? abs : abs.pow(c.power); // torchaudio's spectrogram: spec.abs().pow(power)
      const fb = this.filterbank.to({ dtype: wave.dtype, device: wave.device });
      const mel = torch.matmul(mag.transpose(-1, -2), fb).transpose(-1, -2); // [(B,) nMels, frames]
      return this.log ? mel.add(c.logOffset).log() : mel.contiguous();
    });
  }
}

/** Mel power spectrogram: [B, T] (or [T]) → [B, nMels, frames] (torchaudio.transforms.MelSpectrogram). */
export function melSpectrogram(wave: Tensor, o: Partial<MelOptions> = {}): Tensor {
  return new MelSpectrogram(o, false).forward(wave);
}

/** Log-mel spectrogram log(mel + logOffset), TRILL defaults: [B, T] (or [T]) → [B, nMels, frames]. */
export function logMelSpectrogram(wave: Tensor, o: Partial<MelOptions> = {}): Tensor {
  return new MelSpectrogram(o, true).forward(wave);
}
