/**
 * Pitch-tracking metrics and trackers.
 *
 * Metrics (mir_eval's melody metrics; SPICE §V-A): on the frames where the
 * reference is voiced, raw pitch accuracy (RPA) is the fraction whose estimate
 * lies within half a semitone (50 cents) of the reference, whatever the
 * tracker's voicing decision; raw chroma accuracy (RCA) the same with octave
 * errors forgiven; voicing recall (VRR) the fraction of voiced frames whose
 * confidence clears the threshold that lets through `falseAlarm` (10 %) of the
 * unvoiced frames — or, for a tracker whose confidence is yes/no (YIN), at its
 * own decision, with the false-alarm rate it reached (VFA).
 *
 * Trackers map mono 16 kHz audio to one estimate per frame of hop 512, frame t
 * centred on sample t · 512: SPICE through a trained model, and YIN (de
 * Cheveigné & Kawahara, 2002) from the npm package `pitchfinder` (a dev
 * dependency, GPL-3.0: loaded only by the evaluation).
 */
import * as torch from '../torch/index.js';
import type { Spice } from '../methods/spice.js';
import { SPICE_CQT } from '../views/audio/pitch-frames.js';

/** One estimate per frame: f0 in Hz (0: none) and a confidence in [0, 1]. */
export interface PitchTrack {
  hz: Float32Array;
  confidence: Float32Array;
}

/** A pitch tracker of mono 16 kHz audio. */
export interface PitchTracker {
  name: string;
  track(audio: Float32Array): PitchTrack;
}

export interface PitchMetrics {
  /** Raw pitch accuracy on reference-voiced frames. */
  rpa: number;
  /** Raw chroma accuracy (octave errors forgiven). */
  rca: number;
  /** Voicing recall at the threshold giving `falseAlarm` on unvoiced frames, or at a yes/no tracker's decision (null without unvoiced frames). */
  vrr: number | null;
  /** The false-alarm rate at that threshold. */
  vfa: number | null;
  voicedFrames: number;
  frames: number;
}

/** Cents from `ref` to `est` (both Hz > 0). */
export const cents = (est: number, ref: number): number => 1200 * Math.log2(est / ref);

/** MIDI number (fractional) of a frequency in Hz. */
export const hzToMidi = (hz: number): number => 69 + 12 * Math.log2(hz / 440);

/** Metrics of estimates against reference f0 per frame (Hz, 0 = unvoiced), pooled over all frames given. */
export function pitchMetrics(est: PitchTrack, refHz: Float32Array, falseAlarm = 0.1): PitchMetrics {
  const n = Math.min(est.hz.length, refHz.length);
  let voiced = 0;
  let hit = 0;
  let chroma = 0;
  const unvoicedConf: number[] = [];
  const voicedConf: number[] = [];
  for (let t = 0; t < n; t++) {
    const ref = refHz[t];
    if (!(ref > 0)) {
      unvoicedConf.push(est.confidence[t]);
      continue;
    }
    voiced++;
    voicedConf.push(est.confidence[t]);
    const e = est.hz[t];
    if (!(e > 0)) continue;
    const c = Math.abs(cents(e, ref));
    if (c < 50) hit++;
    const folded = c % 1200;
    if (Math.min(folded, 1200 - folded) < 50) chroma++;
  }
  if (!voiced) throw new RangeError('pitchMetrics: the reference has no voiced frame');
  let vrr: number | null = null;
  let vfa: number | null = null;
  if (unvoicedConf.length) {
    // a yes/no tracker (YIN) is read at its own decision; a graded confidence at the threshold giving `falseAlarm`
    const binary = unvoicedConf.every((c) => c === 0 || c === 1) && voicedConf.every((c) => c === 0 || c === 1);
    const sorted = unvoicedConf.slice().sort((a, b) => a - b);
    const threshold = binary ? 0.5 : sorted[Math.min(sorted.length - 1, Math.floor((1 - falseAlarm) * sorted.length))];
    vfa = unvoicedConf.filter((c) => c > threshold).length / unvoicedConf.length;
    vrr = voicedConf.filter((c) => c > threshold).length / voiced;
  }
  return { rpa: hit / voiced, rca: chroma / voiced, vrr, vfa, voicedFrames: voiced, frames: n };
}

/** Frames of `audio` at SPICE's hop: 1 + ⌊T / 512⌋. */
export const frameCount = (samples: number, hop = SPICE_CQT.hopLength): number => 1 + Math.floor(samples / hop);

/** A trained SPICE model as a tracker: calibrated pitch and its confidence. */
export function spiceTracker(model: Spice, name = 'spice'): PitchTracker {
  const { b, s } = model.calibrated();
  return {
    name,
    track(audio) {
      return torch.scope(() => {
        const { y, confidence } = model.raw(model.frontEnd.frames(audio));
        const semis = y.double().mul(s).add(b); // semitones above C1
        const hz = semis
          .mul(Math.LN2 / 12)
          .exp()
          .mul(SPICE_CQT.fMin)
          .float();
        return { hz: hz.data() as Float32Array, confidence: confidence.contiguous().data() as Float32Array };
      });
    },
  };
}

/**
 * YIN of `pitchfinder` centred on each frame. Its detector analyses the first
 * half of the largest power of two below the buffer's length, with lags up to
 * a quarter of it: a buffer of `window` + 1 samples from t · 512 − window / 2
 * analyses [t · 512 − window / 2, t · 512 + window / 2) with lags up to
 * window / 2 (f₀ ≥ 31 Hz for 1024). Confidence 1 where it finds a pitch.
 */
export async function yinTracker(o: { threshold?: number; window?: number } = {}): Promise<PitchTracker> {
  const { threshold = 0.1, window = 1024 } = o;
  if (!Number.isInteger(Math.log2(window))) throw new RangeError(`yinTracker: expected a power of two window but received ${window}`);
  let pitchfinder: typeof import('pitchfinder');
  try {
    pitchfinder = await import('pitchfinder');
  } catch {
    throw new Error('the YIN baseline needs the npm package pitchfinder: `npm install --save-dev --save-exact pitchfinder@2.3.4`');
  }
  const detect = pitchfinder.YIN({ threshold, sampleRate: SPICE_CQT.sampleRate });
  return {
    name: 'yin',
    track(audio) {
      const frames = frameCount(audio.length);
      const hz = new Float32Array(frames);
      const confidence = new Float32Array(frames);
      const buf = new Float32Array(window + 1);
      for (let t = 0; t < frames; t++) {
        const start = t * SPICE_CQT.hopLength - window / 2;
        buf.fill(0);
        const from = Math.max(0, start);
        buf.set(audio.subarray(from, Math.min(audio.length, start + window + 1)), from - start);
        const f = detect(buf);
        if (f !== null && Number.isFinite(f) && f > 0) {
          hz[t] = f;
          confidence[t] = 1;
        }
      }
      return { hz, confidence };
    },
  };
}
