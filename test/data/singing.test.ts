import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameCount, synthSinging } from '../../src/data/singing.js';
import { assertThrows } from '../helpers.js';

/** YIN (de Cheveigné & Kawahara 2002) on 1024 samples centred on `c`: the first dip of the normalised difference below 0.15. */
function yin(x: Float32Array, c: number, sr: number): number {
  const w = 1024;
  const [lo, hi] = [Math.floor(sr / 1000), Math.ceil(sr / 90)];
  const d = new Float64Array(hi + 2);
  let cum = 0;
  for (let tau = 1; tau <= hi + 1; tau++) {
    let s = 0;
    for (let i = c - w / 2; i < c + w / 2; i++) s += (x[i] - x[i + tau]) ** 2;
    cum += s;
    d[tau] = (s * tau) / cum;
  }
  let best = lo;
  for (let tau = lo; tau <= hi; tau++) if (d[tau] < d[best]) best = tau;
  for (let tau = lo; tau <= hi; tau++)
    if (d[tau] < 0.15 && d[tau] <= d[tau + 1]) {
      best = tau;
      break;
    }
  return sr / best;
}

const semitones = (a: number, b: number): number => Math.abs(12 * Math.log2(a / b));

test('synthSinging: the f0 truth matches an independent estimate (YIN) on steady voiced frames', () => {
  let agree = 0;
  let n = 0;
  for (const seed of [0, 1, 2, 3, 4]) {
    const tr = synthSinging({ seed });
    for (let t = 2; t < tr.f0.length - 2; t++) {
      const f = tr.f0[t];
      if (!(f > 0) || ![-2, -1, 1, 2].every((d) => tr.f0[t + d] > 0 && semitones(tr.f0[t + d], f) < 0.5)) continue;
      n++;
      if (semitones(yin(tr.audio, t * tr.hop, tr.sampleRate), f) < 1) agree++;
    }
  }
  assert.ok(n > 400, `steady frames: ${n}`);
  assert.ok(agree / n > 0.95, `YIN agrees within a semitone on ${agree} of ${n} steady frames`);
});

test('synthSinging: rests are quiet breath noise, at least 15 % of frames are unvoiced, f0 within the note range', () => {
  for (let seed = 0; seed < 12; seed++) {
    const tr = synthSinging({ seed, lowMidi: 50, highMidi: 70 });
    assert.equal(tr.f0.length, frameCount(tr.audio.length, 512));
    assert.equal(tr.audio.length, 8 * 16000);
    assert.ok(!tr.audio.some(Number.isNaN) && !tr.f0.some(Number.isNaN));
    assert.ok(Math.abs(tr.audio.reduce((m, v) => Math.max(m, Math.abs(v)), 0) - 0.5) < 1e-6);
    const unvoiced = tr.f0.filter((f) => f === 0).length / tr.f0.length;
    assert.ok(unvoiced >= 0.15, `seed ${seed}: ${unvoiced} unvoiced`);
    for (const f of tr.f0.filter((v) => v > 0)) {
      const midi = 69 + 12 * Math.log2(f / 440);
      assert.ok(midi > 50 - 1 && midi < 70 + 1, `seed ${seed}: f0 ${f} Hz outside MIDI 50–70`);
    }
    // Frame RMS over ±256 samples: frames deep in rests (unvoiced with unvoiced neighbours) vs voiced ones.
    const rms = (t: number): number => {
      let s = 0;
      for (let i = Math.max(0, t * 512 - 256); i < Math.min(tr.audio.length, t * 512 + 256); i++) s += tr.audio[i] ** 2;
      return Math.sqrt(s / 512);
    };
    const median = (a: number[]): number => a.sort((x, y) => x - y)[a.length >> 1];
    const inRest = [...tr.f0.keys()].filter((t) => t > 0 && t < tr.f0.length - 1 && !tr.f0[t - 1] && !tr.f0[t] && !tr.f0[t + 1]);
    const voiced = [...tr.f0.keys()].filter((t) => tr.f0[t] > 0);
    const db = 20 * Math.log10(median(inRest.map(rms)) / median(voiced.map(rms)));
    assert.ok(db < -20 && db > -45, `seed ${seed}: rests ${db.toFixed(1)} dB below the voice`);
  }
});

test('synthSinging: the same seed gives identical bytes, different seeds differ', () => {
  const a = synthSinging({ seed: 7, seconds: 3 });
  const b = synthSinging({ seed: 7, seconds: 3 });
  const c = synthSinging({ seed: 8, seconds: 3 });
  assert.equal(a.name, 'singing/7');
  assert.equal(a.source, 'singing');
  assert.deepEqual(Buffer.from(a.audio.buffer), Buffer.from(b.audio.buffer));
  assert.deepEqual(a.f0, b.f0);
  assert.notDeepEqual(a.f0, c.f0);
  assert.ok(a.audio.some((v, i) => v !== c.audio[i]));
});

test('synthSinging: bad options are named', () => {
  assertThrows(() => synthSinging({ seed: 1.5 }), /synthSinging: expected an integer seed but received 1.5/, RangeError);
  assertThrows(() => synthSinging({ seed: 0, seconds: 0 }), /expected seconds in \(0, 3600\] but received 0/, RangeError);
  assertThrows(() => synthSinging({ seed: 0, lowMidi: 60, highMidi: 50 }), /expected an integer highMidi ≥ lowMidi \(60\)/, RangeError);
  assertThrows(() => synthSinging({ seed: 0, sampleRate: 4000 }), /sampleRate ≥ 8000 but received 4000/, RangeError);
});
