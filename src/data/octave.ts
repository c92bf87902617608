/**
 * Octave shifts of audio, SPICE's pitch-shift augmentation by ±12 semitones
 * (Gfeller et al., 2020, §III-C), done exactly: resampling by a factor 2 and
 * reading the result at the original rate doubles or halves every frequency
 * (and halves or doubles the duration); per-frame ground truth follows.
 */
import * as torch from '../torch/index.js';
import { resample } from './resample.js';

/**
 * The audio shifted by `octaves` (−1, 0 or +1): resampled by 2^−octaves and
 * read at the original rate, so every frequency is multiplied by 2^octaves
 * (and the duration by 2^−octaves).
 */
export function octaveShift(audio: Float32Array, octaves: -1 | 0 | 1, sampleRate = 16000): Float32Array {
  if (octaves === 0) return audio;
  return torch.scope(() => {
    const x = torch.tensor(audio).unsqueeze(0);
    const y = octaves > 0 ? resample(x, 2 * sampleRate, sampleRate) : resample(x, sampleRate, 2 * sampleRate);
    return y.squeeze(0).contiguous().data() as Float32Array;
  });
}

/**
 * Per-frame f0 (Hz, 0 = unvoiced) of a track shifted by `octaves`: frame t of
 * the shifted audio is centred where frame t · 2^octaves of the original was.
 */
export function shiftedF0(f0: Float32Array, octaves: -1 | 0 | 1, frames: number): Float32Array {
  const out = new Float32Array(frames);
  const scale = 2 ** octaves;
  for (let t = 0; t < frames; t++) {
    const src = Math.round(t * scale);
    out[t] = src < f0.length ? f0[src] * scale : 0;
  }
  return out;
}
