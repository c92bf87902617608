/**
 * Constant-Q transform (Brown, 1991, "Calculation of a constant Q spectral
 * transform"; kernel form of Brown & Puckette, 1992) as a batched tensor op.
 *
 * Algorithm (kernel-based, time domain): bin k has centre frequency
 * f_k = fMin · 2^(k / binsPerOctave) and quality Q = 1 / (2^(1/binsPerOctave) − 1),
 * so its kernel spans N_k = ⌈Q · sampleRate / f_k⌉ samples:
 *   K_k[n] = w_k[n] · exp(2πi f_k n / sampleRate) / Σ w_k,   w_k = Hann(N_k),
 * centred in a common length N_0 (the longest kernel). The real and imaginary
 * kernels form one conv1d weight [2 · nBins, 1, N_0] applied with stride
 * hopLength to the zero-padded signal; |·| of each complex pair is the CQT
 * magnitude. By Parseval this equals Brown & Puckette's spectral-kernel product;
 * with the Σ w normalisation a sinusoid of amplitude A at f_k gives magnitude A / 2
 * in bin k. Default settings are librosa's (C1 = 32.70 Hz, 84 bins, 12 per octave).
 */
import * as torch from '../../torch/index.js';
import * as F from '../../torch/functional/index.js';

type Tensor = torch.Tensor;

export interface CqtOptions {
  /** Sample rate of the input in Hz (default 16000). */
  sampleRate: number;
  /** Samples between frames (default 512). */
  hopLength: number;
  /** Centre frequency of bin 0 in Hz (default 32.70 = C1). */
  fMin: number;
  /** Number of bins (default 84 = 7 octaves at 12 per octave). */
  nBins: number;
  /** Bins per octave (default 12: one per semitone). */
  binsPerOctave: number;
  /** Centre frame t on sample t · hopLength by zero-padding ⌊N_0 / 2⌋ before and ⌈N_0 / 2⌉ after (default true). */
  center: boolean;
}

export const CQT_DEFAULTS: Readonly<CqtOptions> = Object.freeze({
  sampleRate: 16000,
  hopLength: 512,
  fMin: 32.703195662574764,
  nBins: 84,
  binsPerOctave: 12,
  center: true,
});

/** Centre frequencies [nBins] in Hz: fMin · 2^(k / binsPerOctave). */
export function cqtFrequencies(nBins: number, fMin: number, binsPerOctave: number): number[] {
  return Array.from({ length: nBins }, (_, k) => fMin * 2 ** (k / binsPerOctave));
}

/**
 * A CQT holding its kernels: `forward(wave)` maps [B, T] (or [T]) → magnitudes
 * [B, nBins, frames] (or [nBins, frames]), frames = 1 + ⌊T / hopLength⌋ when centred
 * (1 + ⌊(T − N_0) / hopLength⌋ otherwise).
 */
export class ConstantQ {
  readonly options: Readonly<CqtOptions>;
  /** Centre frequencies [nBins] in Hz. */
  readonly frequencies: number[];
  /** Conv1d weight [2 · nBins, 1, N_0]: rows 2k, 2k + 1 are the real and imaginary kernel of bin k. */
  readonly kernels: Tensor;

  constructor(o: Partial<CqtOptions> = {}) {
    const c = { ...CQT_DEFAULTS, ...o };
    for (const k of ['sampleRate', 'hopLength', 'nBins', 'binsPerOctave'] as const)
      if (!Number.isInteger(c[k]) || c[k] < 1) throw new RangeError(`ConstantQ: expected a positive integer for ${k} but received ${c[k]}`);
    this.options = Object.freeze(c);
    this.frequencies = cqtFrequencies(c.nBins, c.fMin, c.binsPerOctave);
    const top = this.frequencies[c.nBins - 1];
    if (!(c.fMin > 0) || top >= c.sampleRate / 2)
      throw new RangeError(
        `ConstantQ: the top bin ${top.toFixed(1)} Hz (fMin ${c.fMin} · 2^((nBins − 1) / binsPerOctave)) must lie below the Nyquist frequency ${c.sampleRate / 2} Hz`,
      );
    const q = 1 / (2 ** (1 / c.binsPerOctave) - 1);
    const lengths = this.frequencies.map((f) => Math.ceil((q * c.sampleRate) / f));
    const n0 = lengths[0] + (lengths[0] % 2 ? 0 : 1); // odd, so every kernel has a centre tap
    const w = new Float32Array(2 * c.nBins * n0);
    this.frequencies.forEach((f, k) => {
      const n = lengths[k];
      const start = Math.floor((n0 - n) / 2);
      const hann = Array.from({ length: n }, (_, j) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (j + 0.5)) / n));
      const sum = hann.reduce((a, b) => a + b, 0);
      for (let j = 0; j < n; j++) {
        const phase = (2 * Math.PI * f * (j - (n - 1) / 2)) / c.sampleRate;
        w[2 * k * n0 + start + j] = (hann[j] * Math.cos(phase)) / sum;
        w[(2 * k + 1) * n0 + start + j] = (hann[j] * Math.sin(phase)) / sum;
      }
    });
    this.kernels = torch.tensor(w, { shape: [2 * c.nBins, 1, n0] });
  }

  /** Kernel length N_0 in samples (the lowest bin's support). */
  get kernelLength(): number {
    return this.kernels.shape[2];
  }

  forward(wave: Tensor): Tensor {
    const c = this.options;
    if (!(wave instanceof torch.Tensor) || (wave.dim() !== 1 && wave.dim() !== 2))
      throw new RangeError(
        `ConstantQ: expected a waveform Tensor [B, T] or [T] but received ${wave instanceof torch.Tensor ? `shape [${wave.shape.join(', ')}]` : typeof wave}`,
      );
    return torch.scope(() => {
      const x = wave.dim() === 1 ? wave.reshape([1, 1, -1]) : wave.unsqueeze(1); // [B, 1, T]
      const half = (this.kernelLength - 1) / 2;
      const padded = c.center ? F.pad(x, [half, half + 1]) : x;
      if (padded.shape[2] < this.kernelLength)
        throw new RangeError(
          `ConstantQ: the signal (${wave.shape.at(-1)} samples) is shorter than the lowest bin's kernel (${this.kernelLength}); raise fMin or use center`,
        );
      const kernels = this.kernels.to({ dtype: wave.dtype, device: wave.device });
      const y = F.conv1d(padded, kernels, null, { stride: c.hopLength }); // [B, 2 · nBins, frames]
      const pairs = y.unflatten(1, [c.nBins, 2]); // [B, nBins, 2, frames]
      const mag = pairs.pow(2).sum(2).sqrt(); // [B, nBins, frames]
      return wave.dim() === 1 ? mag.squeeze(0) : mag;
    });
  }
}

/** CQT magnitudes of waveforms [B, T] (or [T]) → [B, nBins, frames]; see `ConstantQ`. */
export function cqt(wave: Tensor, o: Partial<CqtOptions> = {}): Tensor {
  return new ConstantQ(o).forward(wave);
}
