/**
 * The front end of SPICE (Gfeller et al., 2020, §IV): constant-Q frames of
 * 16 kHz audio with the paper's settings — 24 bins per octave (half a semitone
 * per bin) from C1 = 32.70 Hz, 190 bins (up to 7.68 kHz), a hop of 512 samples
 * (32 ms) — as log magnitudes, each frame scaled so its peak is 1 and 40 dB
 * below it is 0:
 *
 *   L = 20 · log10(|CQT| + 10⁻⁵),   x = clamp(1 + (L − max_bins L) / 40, 0, 1)
 *
 * The paper feeds |CQT|. On our short CPU runs that trained a pitch head whose
 * output moved with loudness and timbre; the log and the per-frame peak make
 * the input invariant to gain, and the 40 dB floor hides the noise of real
 * recordings (with 80 dB, pink noise 40 dB below a note pulled its pitch down
 * by up to 4 semitones and real piano notes read several semitones flat; with
 * 40 dB neither moves until 20 dB). A silent frame is
 * flat (all 1), never NaN. Frame t is centred on sample t · hop.
 */
import * as torch from '../../torch/index.js';
import { ConstantQ, type CqtOptions } from './cqt.js';

type Tensor = torch.Tensor;

/** SPICE's CQT (§IV): 16 kHz, hop 512, C1, 190 bins at 24 per octave. */
export const SPICE_CQT: Readonly<CqtOptions> = Object.freeze({
  sampleRate: 16000,
  hopLength: 512,
  fMin: 32.703195662574764,
  nBins: 190,
  binsPerOctave: 24,
  center: true,
});

/** Magnitudes → log magnitudes in [0, 1] (100 dB range, 0 dB = 1). */
export function logCompress(magnitude: Tensor): Tensor {
  return torch.scope(() => magnitude.add(1e-5).log10().mul(20).add(100).div(100).clamp(0, 1));
}

/** Frames [T, bins] of `logCompress` → each frame's peak at 1 and 40 dB below it at 0 (loudness-invariant). */
export function peakNormalize(frames: Tensor): Tensor {
  return torch.scope(() =>
    frames
      .sub(frames.amax([1], true))
      .mul(100 / 40)
      .add(1)
      .clamp(0, 1),
  );
}

/** Frames of a CQT front end with its kernels built once. */
export class PitchFrontEnd {
  readonly cqt: ConstantQ;
  constructor(o: Partial<CqtOptions> = {}) {
    this.cqt = new ConstantQ({ ...SPICE_CQT, ...o });
  }
  get options(): Readonly<CqtOptions> {
    return this.cqt.options;
  }
  /** Frames a mono waveform [T] (or Float32Array) → [1 + ⌊T / hop⌋, nBins] in [0, 1]. */
  frames(audio: Tensor | Float32Array): Tensor {
    return torch.noGrad(() =>
      torch.scope(() => {
        const wave = audio instanceof torch.Tensor ? audio : torch.tensor(audio);
        if (wave.dim() !== 1)
          throw new RangeError(`PitchFrontEnd.frames: expected a mono waveform [T] but received [${wave.shape.join(', ')}]`);
        return peakNormalize(logCompress(this.cqt.forward(wave.float())).t()).contiguous(); // [frames, nBins]; any length (the centred CQT pads)
      }),
    );
  }
}
