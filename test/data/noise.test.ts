import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.js';
import { noisyCopy, pinkNoise } from '../../src/data/noise.js';
import { assertThrows } from '../helpers.js';

/** Welch PSD (Hann, 4096-sample segments, 50 % overlap) → dB per rfft bin. */
function psdDb(x: Float32Array, n = 4096): Float64Array {
  return torch.scope(() => {
    const wave = torch.tensor(x);
    const starts = Array.from({ length: Math.floor((x.length - n) / (n / 2)) + 1 }, (_, i) => (i * n) / 2);
    const segments = torch.stack(starts.map((s) => wave.narrow(0, s, n))); // [S, n]
    const window = torch.hannWindow(n, { periodic: true });
    const power = torch.fft.rfft(segments.mul(window)).abs().pow(2).mean(0); // [n / 2 + 1]
    return Float64Array.from(power.data() as Float32Array, (p) => 10 * Math.log10(p));
  });
}

/** Least-squares slope of y on x. */
function slope(x: number[], y: number[]): number {
  const mx = x.reduce((a, b) => a + b) / x.length;
  const my = y.reduce((a, b) => a + b) / y.length;
  let [sxy, sxx] = [0, 0];
  x.forEach((v, i) => ((sxy += (v - mx) * (y[i] - my)), (sxx += (v - mx) ** 2)));
  return sxy / sxx;
}

test('pinkNoise: unit RMS and a PSD falling 3 dB per octave', () => {
  const x = pinkNoise(1 << 18, 3);
  const rms = Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);
  assert.ok(Math.abs(rms - 1) < 1e-4, `rms ${rms}`);
  const db = psdDb(x);
  const bins = Array.from({ length: 2040 }, (_, i) => i + 4); // from 1/1024 of the rate to near Nyquist
  const s = slope(
    bins.map((k) => Math.log2(k)),
    bins.map((k) => db[k]),
  );
  assert.ok(Math.abs(s + 3.01) < 0.25, `slope ${s.toFixed(2)} dB/octave`);
  // An octave-band check too: each band of the upper 7 octaves holds ~3 dB less power density than the one below.
  for (let k = 8; k < 1024; k *= 2) {
    const band = (a: number): number => db.slice(a, 2 * a).reduce((p, v) => p + v, 0) / a;
    assert.ok(Math.abs(band(2 * k) - band(k) + 3.01) < 0.6, `octave at bin ${k}: ${(band(2 * k) - band(k)).toFixed(2)} dB`);
  }
});

test('pinkNoise: seeded, and a bad length is named', () => {
  assert.deepEqual(pinkNoise(1000, 5), pinkNoise(1000, 5));
  assert.notDeepEqual(pinkNoise(1000, 5), pinkNoise(1000, 6));
  assertThrows(() => pinkNoise(0, 1), /pinkNoise: expected a positive integer length n but received 0/, RangeError);
});

test('noisyCopy: the noise sits at an SNR drawn on [minSnr, maxSnr] dB, exactly at one value when they meet', () => {
  const audio = Float32Array.from({ length: 8000 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / 16000));
  const power = (a: ArrayLike<number>): number => Array.from(a).reduce((s, v) => s + v * v, 0) / a.length;
  const snrOf = (copy: Float32Array): number => 10 * Math.log10(power(audio) / power(copy.map((v, i) => v - audio[i])));
  const snrs = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => snrOf(noisyCopy(audio, seed, { minSnr: 20, maxSnr: 40 })));
  assert.ok(
    snrs.every((s) => s >= 20 - 0.01 && s <= 40 + 0.01),
    `SNRs ${snrs.map((s) => s.toFixed(2)).join(', ')}`,
  );
  assert.ok(Math.max(...snrs) - Math.min(...snrs) > 5, 'drawn, not fixed');
  assert.ok(Math.abs(snrOf(noisyCopy(audio, 9, { minSnr: 25, maxSnr: 25 })) - 25) < 0.01);
  assert.deepEqual(noisyCopy(audio, 3, { minSnr: 20, maxSnr: 40 }), noisyCopy(audio, 3, { minSnr: 20, maxSnr: 40 }), 'seeded');
});
