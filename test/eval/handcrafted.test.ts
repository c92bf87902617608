import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { HANDCRAFTED_DIMS, HANDCRAFTED_KINDS, handcraftedFeatures } from '../../src/eval/handcrafted.js';
import { logMelSpectrogram } from '../../src/views/audio/mel.js';
import { assertArrayClose, assertThrows } from '../helpers.js';

const RATE = 16000;
const tone = (hz: number, seconds: number): Float32Array =>
  Float32Array.from({ length: Math.round(seconds * RATE) }, (_, i) => 0.3 * Math.sin((2 * Math.PI * hz * i) / RATE));

test('log-mel statistics are the per-bin mean and standard deviation over frames', () => {
  const audio = Float32Array.from(tone(440, 1.2), (v, i) => v * (1 + 0.5 * Math.sin(i / 2000))); // a tremolo: frames differ
  const f = handcraftedFeatures('log-mel-stats', audio);
  assert.equal(f.length, 128);
  const t = logMelSpectrogram(torch.tensor(audio)); // [64, frames]
  const flat = t.data() as Float32Array;
  const frames = t.shape[1];
  const mel = Array.from({ length: 64 }, (_, b) => [...flat.subarray(b * frames, (b + 1) * frames)]);
  const mean = mel.map((row) => row.reduce((a, b) => a + b, 0) / row.length);
  const std = mel.map((row, b) => Math.sqrt(row.reduce((a, v) => a + (v - mean[b]) ** 2, 0) / row.length));
  assertArrayClose(f.subarray(0, 64), mean, 1e-4, 'means');
  assertArrayClose(f.subarray(64), std, 1e-4, 'standard deviations');
  assert.ok(Math.max(...std) > 0.1, 'the tremolo varies the frames');
});

test('MFCC statistics: 80 values that tell a low tone from a high one', () => {
  const low = handcraftedFeatures('mfcc-stats', tone(200, 1));
  const high = handcraftedFeatures('mfcc-stats', tone(3000, 1));
  assert.equal(low.length, 80);
  const dist = Math.hypot(...low.map((v, i) => v - high[i]));
  const self = Math.hypot(...low.map((v, i) => v - handcraftedFeatures('mfcc-stats', tone(205, 1))[i]));
  assert.ok(dist > 5 * self, `200 vs 3000 Hz (${dist.toFixed(2)}) far apart next to 200 vs 205 Hz (${self.toFixed(2)})`);
  assert.equal(handcraftedFeatures('log-mel-stats', tone(440, 0.01)).length, 128, 'a 10 ms clip still gives features');
  assert.deepEqual(HANDCRAFTED_KINDS, ['log-mel-stats', 'mfcc-stats']);
  assert.deepEqual(HANDCRAFTED_DIMS, { 'log-mel-stats': 128, 'mfcc-stats': 80 }, 'the widths the features have');
});

test('bad input is named', () => {
  assertThrows(() => handcraftedFeatures('mfcc' as never, tone(440, 1)), /expected a kind in log-mel-stats, mfcc-stats/);
  assertThrows(() => handcraftedFeatures('mfcc-stats', new Float32Array(0)), /non-empty Float32Array/);
});
