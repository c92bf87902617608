import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { ConstantQ, cqt, cqtFrequencies } from '../../src/views/audio/cqt.js';
import { assertThrows } from '../helpers.js';

const RATE = 16000;
const sine = (f: number, n = RATE, amp = 1): torch.Tensor =>
  torch
    .arange(n, { dtype: 'float64' })
    .mul((2 * Math.PI * f) / RATE)
    .sin()
    .mul(amp)
    .float();

/** The bin with the most energy (mean over the frames away from the edges) and its mean magnitude. */
function peak(spec: torch.Tensor): { bin: number; mag: number } {
  return torch.scope(() => {
    const frames = spec.shape[1];
    const m = spec.narrow(1, 4, frames - 8).mean(1); // [nBins]
    const bin = m.argmax().item();
    return { bin, mag: m.select(0, bin).item() };
  });
}

test('a pure tone at a bin centre peaks at that bin with magnitude amplitude / 2', () => {
  const q = new ConstantQ({ sampleRate: RATE, fMin: 55, nBins: 60, binsPerOctave: 12, hopLength: 256 });
  const f = cqtFrequencies(60, 55, 12);
  for (const k of [3, 17, 30, 45, 59]) {
    const { bin, mag } = peak(q.forward(sine(f[k], RATE, 0.8)));
    assert.equal(bin, k, `tone at ${f[k].toFixed(1)} Hz`);
    assert.ok(Math.abs(mag - 0.4) < 0.01, `bin ${k}: magnitude ${mag}, expected 0.4`);
  }
});

test('an octave up moves the peak by binsPerOctave bins; batched rows are independent', () => {
  for (const bpo of [12, 24, 36]) {
    const q = new ConstantQ({ sampleRate: RATE, fMin: 65.40639, nBins: 5 * bpo, binsPerOctave: bpo, hopLength: 512 });
    const base = 65.40639 * 2 ** (7 / 12); // G2: 7 semitones above C2 = bin 7 · bpo / 12
    const batch = torch.stack([sine(base), sine(2 * base), sine(4 * base)]); // [3, T]
    const spec = q.forward(batch); // [3, nBins, frames]
    assert.deepEqual(spec.shape, [3, 5 * bpo, 1 + Math.floor(RATE / 512)]);
    const bins = [0, 1, 2].map((i) => peak(spec.select(0, i)).bin);
    const expected = Math.round((7 / 12) * bpo);
    assert.deepEqual(bins, [expected, expected + bpo, expected + 2 * bpo], `binsPerOctave ${bpo}`);
  }
});

test('a tone between two bins splits its energy between them', () => {
  const q = new ConstantQ({ sampleRate: RATE, fMin: 110, nBins: 36, binsPerOctave: 12, hopLength: 512 });
  const spec = q.forward(sine(110 * 2 ** (10.5 / 12))); // a quarter tone above bin 10
  const m = spec
    .narrow(1, 4, spec.shape[1] - 8)
    .mean(1)
    .toArray();
  assert.ok(Math.abs(m[10] - m[11]) / m[10] < 0.05, `bins 10 and 11: ${m[10]} vs ${m[11]}`);
  assert.ok(m[10] > 3 * m[9] && m[11] > 3 * m[12], 'neighbours are weaker');
});

test('defaults, frame counts and errors', () => {
  const q = new ConstantQ();
  assert.equal(q.options.nBins, 84);
  assert.ok(Math.abs(q.frequencies[0] - 32.7032) < 1e-4 && Math.abs(q.frequencies[83] - 3951.066) < 1e-2);
  assert.equal(q.kernelLength % 2, 1);
  assert.deepEqual(cqt(torch.zeros([1000]), { fMin: 200, nBins: 24, hopLength: 100 }).shape, [24, 11]);
  assertThrows(
    () => new ConstantQ({ fMin: 100, nBins: 84 }),
    /the top bin 12081\.6 Hz .* must lie below the Nyquist frequency 8000 Hz/,
    RangeError,
  );
  assertThrows(() => new ConstantQ({ binsPerOctave: 0 }), /expected a positive integer for binsPerOctave but received 0/, RangeError);
  assertThrows(() => new ConstantQ({ center: false }).forward(torch.zeros([2, 100])), /shorter than the lowest bin's kernel/, RangeError);
});
