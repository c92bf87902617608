/**
 * SPICE's calibration (Gfeller et al., 2020, §III-D): the raw pitch y of a
 * trained model is an affine function of log f₀, so a few synthetic harmonic
 * notes of known pitch fit semitones above C1 = b + s · y by least squares on
 * their centre frames; the voicing threshold is the confidence that
 * `falseAlarm` of the rests of two synthetic singing tracks exceed.
 */
import { harmonicNotes } from '../data/harmonic.js';
import { synthSinging } from '../data/singing.js';
import { SPICE_CQT } from '../views/audio/pitch-frames.js';
import type { Spice, SpiceCalibration } from './spice.js';

const CALIBRATION_SEED = 20200; // calibration and voicing notes never coincide with a data set's seeds
const VOICING_SEED = 900_000;
/**
 * Frames of a calibration note. The paper's last 11 (0.35 s); our lowest CQT
 * kernels span 33 frames (1.04 s), so the centre frame of an 11-frame note
 * sees the note's edges in its low bins and calibrates with an offset (28 %
 * of singing frames within half a semitone after 1,500 steps, 61 % at 47).
 */
const CALIBRATION_FRAMES = 47;

/** The calibration of `model` (its `raw` pitch and confidence), not yet stored. */
export function fitCalibration(model: Spice): SpiceCalibration {
  const notes = harmonicNotes(model.options.calibrationNotes, CALIBRATION_SEED, { length: CALIBRATION_FRAMES * SPICE_CQT.hopLength });
  const ys = notes.map((n) => {
    const frames = model.frontEnd.frames(n.audio);
    const { y, confidence } = model.raw(frames.narrow(0, Math.floor(frames.shape[0] / 2), 1));
    const v = y.item();
    [frames, y, confidence].forEach((t) => t.dispose());
    return v;
  });
  const { b, s, residual } = leastSquares(
    ys,
    notes.map((n) => n.midi - 24), // C1 is MIDI 24
  );
  const unvoiced: number[] = [];
  for (const seed of [VOICING_SEED, VOICING_SEED + 1]) {
    const track = synthSinging({ seed, seconds: 8 });
    const frames = model.frontEnd.frames(track.audio);
    const { y, confidence } = model.raw(frames);
    confidence.toArray().forEach((v, t) => track.f0[t] === 0 && unvoiced.push(v));
    [frames, y, confidence].forEach((t) => t.dispose());
  }
  unvoiced.sort((p, q) => p - q);
  const at = Math.min(unvoiced.length - 1, Math.floor((1 - model.options.falseAlarm) * unvoiced.length));
  return { b, s, threshold: unvoiced.length ? unvoiced[at] : 0.5, residual };
}

/** Least-squares line q ≈ b + s · p and its RMS residual. */
function leastSquares(p: number[], q: number[]): { b: number; s: number; residual: number } {
  const n = p.length;
  const mp = p.reduce((a, v) => a + v, 0) / n;
  const mq = q.reduce((a, v) => a + v, 0) / n;
  let spp = 0;
  let spq = 0;
  for (let i = 0; i < n; i++) {
    spp += (p[i] - mp) ** 2;
    spq += (p[i] - mp) * (q[i] - mq);
  }
  if (!(spp > 0))
    throw new Error(
      'spice: calibration failed: the model gives one raw pitch for every calibration note (an untrained or collapsed model)',
    );
  const s = spq / spp;
  const b = mq - s * mp;
  const residual = Math.sqrt(p.reduce((a, v, i) => a + (b + s * v - q[i]) ** 2, 0) / n);
  return { b, s, residual };
}
