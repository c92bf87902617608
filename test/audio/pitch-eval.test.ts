import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { pitchMetrics, cents, hzToMidi, frameCount } from '../../src/eval/pitch.js';
import { PitchFrontEnd, SPICE_CQT, logCompress, peakNormalize } from '../../src/views/audio/pitch-frames.js';
import { octaveShift, shiftedF0 } from '../../src/data/octave.js';
import { harmonicNotes } from '../../src/data/harmonic.js';
import { midiToFrequency } from '../../src/data/piano.js';

const RATE = 16000;
const tone = (hz: number, n: number, amp = 0.5): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / RATE));

test('pitchMetrics: RPA within 50 cents, RCA forgives octaves, VRR at the false-alarm threshold', () => {
  const ref = Float32Array.from([440, 440, 440, 440, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  // 30 cents sharp (hit), 60 cents (miss), an octave low (chroma hit), none (miss)
  const hz = Float32Array.from([440 * 2 ** (30 / 1200), 440 * 2 ** (60 / 1200), 220, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const confidence = Float32Array.from([0.9, 0.8, 0.3, 0.95, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.85, 0.05]);
  const m = pitchMetrics({ hz, confidence }, ref, 0.1);
  assert.equal(m.voicedFrames, 4);
  assert.equal(m.rpa, 0.25);
  assert.equal(m.rca, 0.5);
  // 10 unvoiced confidences; the 90 % quantile is 0.85: voiced above it are 0.9 and 0.95
  assert.equal(m.vrr, 0.5);
  assert.equal(m.vfa, 0);
  assert.throws(() => pitchMetrics({ hz, confidence }, new Float32Array(14)), /no voiced frame/);
  assert.ok(Math.abs(cents(880, 440) - 1200) < 1e-9);
  assert.ok(Math.abs(hzToMidi(261.6255653) - 60) < 1e-6);
  assert.equal(frameCount(16000), 32);
});

test('PitchFrontEnd: SPICE settings; a tone peaks at its bin (2 bins per semitone) in [0, 1]', () => {
  const fe = new PitchFrontEnd();
  assert.deepEqual([fe.options.nBins, fe.options.binsPerOctave, fe.options.hopLength], [190, 24, 512]);
  for (const midi of [45, 57, 69, 81]) {
    const frames = fe.frames(tone(midiToFrequency(midi), RATE)); // [32, 190]
    assert.deepEqual(frames.shape, [frameCount(RATE), 190]);
    const mid = frames.narrow(0, 8, 16).mean(0);
    assert.equal(mid.argmax().item(), 2 * (midi - 24), `MIDI ${midi}`);
    assert.ok(frames.min().item() >= 0 && frames.max().item() <= 1);
  }
  const silence = fe.frames(new Float32Array(4000));
  assert.equal(silence.min().item(), 1, 'silence is a flat frame (its floor is its peak), never NaN');
  const loud = fe.frames(tone(440, 8000, 0.9));
  const quiet = fe.frames(tone(440, 8000, 0.09));
  const upper = loud.gt(0.25).float(); // bins within 60 dB of the peak (above the quiet tone's −100 dB floor)
  // the same frames up to the 10⁻⁵ floor inside the log, which lifts the quiet tone's weakest bins by < 2.4 dB (0.03)
  assert.ok(
    loud.sub(quiet).abs().mul(upper).narrow(0, 4, 8).max().item() < 0.03,
    'a 20 dB quieter tone gives the same frames (the peak is 1)',
  );
  assert.equal(fe.frames(new Float32Array(1)).shape[0], 1, 'one sample still gives one frame');
  assert.ok(Math.abs(logCompress(torch.tensor([0.25])).item() - (20 * Math.log10(0.25 + 1e-5) + 100) / 100) < 1e-6);
  // peak 0.9 → 1; 20 dB (0.2 in log units) below it → 1 − 20 / 40; 90 dB below → 0
  assert.deepEqual(
    peakNormalize(torch.tensor([[0.9, 0.7, 0.0]]))
      .toArray()
      .map((v) => +v.toFixed(6)),
    [1, 0.5, 0],
  );
  assert.throws(() => fe.frames(torch.zeros([2, 100])), /mono waveform \[T\]/);
});

test('octaveShift doubles or halves the pitch exactly; shiftedF0 follows the frames', () => {
  const fe = new PitchFrontEnd();
  const a = tone(220, 2 * RATE);
  const peak = (x: Float32Array): number => fe.frames(x).narrow(0, 6, 8).mean(0).argmax().item();
  const base = peak(a);
  assert.equal(peak(octaveShift(a, 1)), base + SPICE_CQT.binsPerOctave);
  assert.equal(peak(octaveShift(a, -1)), base - SPICE_CQT.binsPerOctave);
  assert.equal(octaveShift(a, 1).length, RATE);
  assert.equal(octaveShift(a, -1).length, 4 * RATE);
  assert.equal(octaveShift(a, 0), a);
  const f0 = Float32Array.from([100, 110, 0, 130, 140]);
  assert.deepEqual(Array.from(shiftedF0(f0, 1, 3)), [200, 0, 280]);
  assert.deepEqual(Array.from(shiftedF0(f0, -1, 4)), [50, 55, 55, 0]); // frame t reads original frame round(t / 2)
});

test('harmonicNotes: seeded semitones A2–A4 with their harmonics, as the paper draws them', () => {
  const a = harmonicNotes(8, 3);
  const b = harmonicNotes(8, 3);
  assert.deepEqual(
    a.map((n) => n.midi),
    b.map((n) => n.midi),
  );
  assert.deepEqual(Array.from(a[0].audio.subarray(0, 50)), Array.from(b[0].audio.subarray(0, 50)));
  assert.ok(a.every((n) => n.midi >= 45 && n.midi <= 69 && n.audio.length === 11 * 512));
  assert.notDeepEqual(
    harmonicNotes(8, 4).map((n) => n.midi),
    a.map((n) => n.midi),
  );
  const fe = new PitchFrontEnd();
  for (const n of a) {
    const centre = fe.frames(n.audio).select(0, 6);
    // the fundamental's bin holds energy within 3 dB of the strongest bin (harmonics are weaker on average)
    const peak = centre.max().item();
    assert.ok(centre.select(0, 2 * (n.midi - 24)).item() > peak - 0.15, `note ${n.midi}`);
  }
  assert.throws(() => harmonicNotes(0, 1), /positive integer count/);
});
