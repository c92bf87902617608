import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { logMelSpectrogram } from '../../src/views/audio/mel.js';
import { dctMatrix, deltas, mfcc } from '../../src/views/audio/mfcc.js';
import { assertClose, assertThrows, golden } from '../helpers.js';

const g = golden('audio');

test('the DCT matrix is torchaudio create_dct(norm="ortho") and orthonormal', () => {
  const d = dctMatrix(20, 64);
  assertClose(d, g('mfcc.dct'), { atol: 1e-6, rtol: 1e-5 });
  const full = dctMatrix(64, 64);
  assertClose(torch.matmul(full.t(), full), torch.eye(64), { atol: 1e-5, rtol: 0, msg: 'DᵀD = I' });
});

test('MFCCs of the TRILL log-mel and their deltas match torchaudio', () => {
  const logMel = logMelSpectrogram(g('mel.wave')); // [2, 64, 11]
  const m = mfcc(logMel);
  assert.deepEqual(m.shape, [2, 20, 11]);
  // Log-mel values are O(1–10): the tolerance follows their scale.
  assertClose(m, g('mfcc.trill'), { atol: 2e-3, rtol: 1e-4 });
  assertClose(deltas(g('mfcc.trill')), g('mfcc.deltas'), { atol: 1e-5, rtol: 1e-5 });
  assertClose(deltas(g('mfcc.trill'), 7), g('mfcc.deltas7'), { atol: 1e-5, rtol: 1e-5 });
  assertClose(mfcc(logMel.select(0, 1)), g('mfcc.trill').select(0, 1), { atol: 2e-3, rtol: 1e-4, msg: 'unbatched' });
});

test('deltas of a ramp are its slope inside and shrink at the repeated ends', () => {
  const ramp = torch.arange(0, 10).mul(0.5).reshape([1, 10]); // slope 0.5 per frame
  const d = deltas(ramp).data() as Float32Array;
  for (let t = 2; t < 8; t++) assert.ok(Math.abs(d[t] - 0.5) < 1e-6, `frame ${t}: ${d[t]}`);
  assert.ok(d[0] < 0.5 && d[0] > 0, `first frame ${d[0]}`);
});

test('bad input is named', () => {
  assertThrows(() => dctMatrix(65, 64), /nMfcc in \[1, nMels = 64\]/);
  assertThrows(() => mfcc(torch.zeros([64])), /mfcc: expected a spectrogram \[\.\.\., bins, frames\]/);
  assertThrows(() => deltas(torch.zeros([2, 5]), 4), /odd integer winLength/);
});
