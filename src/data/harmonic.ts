/**
 * The synthetic notes SPICE calibrates with (Gfeller et al., 2020, §III-D):
 * harmonic tones x[n] = Σ_{k=0}^{K−1} a_k sin(2π (k + 1) f₀ n / f_s) with f₀ a
 * random equal-tempered semitone between A2 and A4, a₀ ~ N(0, 1),
 * a_k ~ a₀ · U(0, 1) for k ≥ 1, K = 3, lasting N = 11 frames of 512 samples.
 * The model's raw pitch at the centre frame, against the known semitone, fits
 * the affine map to absolute pitch. Draws come from a seeded `torch.Generator`.
 */
import * as torch from '../torch/index.js';
import { midiToFrequency } from './piano.js';

export interface HarmonicNote {
  audio: Float32Array;
  /** MIDI note number of f₀. */
  midi: number;
  frequency: number;
}

export interface HarmonicNoteOptions {
  /** Lowest and highest MIDI note (default 45 = A2, 69 = A4). */
  lowMidi?: number;
  highMidi?: number;
  /** Harmonics K (default 3). */
  harmonics?: number;
  /** Length in samples (default 11 · 512). */
  length?: number;
  sampleRate?: number;
}

/** `count` calibration notes drawn from `seed`. */
export function harmonicNotes(count: number, seed: number, o: HarmonicNoteOptions = {}): HarmonicNote[] {
  const { lowMidi = 45, highMidi = 69, harmonics = 3, length = 11 * 512, sampleRate = 16000 } = o;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`harmonicNotes: expected a positive integer count but received ${count}`);
  if (!(lowMidi <= highMidi)) throw new RangeError(`harmonicNotes: expected lowMidi ≤ highMidi but received ${lowMidi}, ${highMidi}`);
  const g = new torch.Generator(seed);
  return torch.scope(() => {
    const midis = torch.randint(lowMidi, highMidi + 1, [count], { generator: g }).toArray();
    const a0 = torch.randn([count], { generator: g, dtype: 'float64' }).toArray();
    const ratios = torch.rand([count, harmonics], { generator: g, dtype: 'float64' }).toArray();
    return midis.map((midi, i) => {
      const f0 = midiToFrequency(midi);
      const audio = new Float32Array(length);
      for (let k = 0; k < harmonics; k++) {
        const a = k === 0 ? a0[i] : a0[i] * ratios[i * harmonics + k];
        const w = (2 * Math.PI * (k + 1) * f0) / sampleRate;
        if ((k + 1) * f0 >= sampleRate / 2) break;
        for (let n = 0; n < length; n++) audio[n] += a * Math.sin(w * n);
      }
      return { audio, midi, frequency: f0 };
    });
  });
}
