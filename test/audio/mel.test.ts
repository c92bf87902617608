import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import {
  TRILL_FRONTEND,
  MelSpectrogram,
  hzToMel,
  logMelSpectrogram,
  melFilterbank,
  melSpectrogram,
  melToHz,
} from '../../src/views/audio/mel.js';
import { assertClose, assertThrows, golden } from '../helpers.js';

const g = golden('audio');

test('mel filterbanks match torchaudio.functional.melscale_fbanks (HTK and Slaney)', () => {
  const trill = TRILL_FRONTEND;
  assertClose(melFilterbank(257, trill.fMin, trill.fMax, trill.nMels, trill.sampleRate), g('fb.htk'), { atol: 2e-5, rtol: 1e-4 });
  assertClose(melFilterbank(65, 0, 4000, 16, 8000, { melScale: 'slaney', norm: 'slaney' }), g('fb.slaney'), { atol: 1e-7, rtol: 1e-5 });
  assert.ok(Math.abs(hzToMel(1000) - 999.9855) < 1e-3, 'HTK: 1 kHz ≈ 1000 mel');
  assert.equal(hzToMel(1000, 'slaney'), 15);
  for (const f of [125, 700, 999, 1001, 7500])
    for (const s of ['htk', 'slaney'] as const) assert.ok(Math.abs(melToHz(hzToMel(f, s), s) - f) < 1e-9, `${s} round trip at ${f} Hz`);
});

test('TRILL log-mel front end matches torchaudio MelSpectrogram + log(· + 0.001)', () => {
  const wave = g('mel.wave'); // [2, 1600]
  const out = logMelSpectrogram(wave);
  assert.deepEqual(out.shape, [2, 64, 11]);
  assertClose(out, g('mel.trill.log'), { atol: 2e-4, rtol: 1e-4 });
  assertClose(logMelSpectrogram(wave.select(0, 1)), g('mel.trill.log').select(0, 1), { atol: 2e-4, rtol: 1e-4, msg: 'unbatched [T]' });
});

test('other settings: Slaney scale and norm, magnitude (power 1), no centring', () => {
  const o = {
    sampleRate: 8000,
    nFft: 256,
    winLength: 200,
    hopLength: 128,
    fMin: 0,
    fMax: 4000,
    nMels: 16,
    power: 1,
    norm: 'slaney' as const,
    melScale: 'slaney' as const,
    center: false,
  };
  assertClose(melSpectrogram(g('mel.wave'), o), g('mel.slaney.power1'), { atol: 1e-6, rtol: 1e-4 });
});

test('front end defaults and frame counts; a tone lights the mel bin around its frequency', () => {
  assert.deepEqual(
    { ...TRILL_FRONTEND },
    {
      sampleRate: 16000,
      nFft: 512,
      winLength: 400,
      hopLength: 160,
      nMels: 64,
      fMin: 125,
      fMax: 7500,
      melScale: 'htk',
      norm: null,
      power: 2,
      center: true,
      padMode: 'reflect',
      logOffset: 0.001,
    },
  );
  const front = new MelSpectrogram();
  assert.deepEqual(front.filterbank.shape, [257, 64]);
  const t = torch
    .arange(16000)
    .mul((2 * Math.PI * 1000) / 16000)
    .sin()
    .unsqueeze(0); // 1 s of 1 kHz
  const out = front.forward(t);
  assert.deepEqual(out.shape, [1, 64, 101]);
  const peak = out.mean(2).argmax().item();
  const centres = Array.from({ length: 66 }, (_, i) => melToHz(hzToMel(125) + ((hzToMel(7500) - hzToMel(125)) * i) / 65));
  assert.ok(
    centres[peak] <= 1000 && 1000 <= centres[peak + 2],
    `1 kHz peaks in mel bin ${peak} spanning ${centres[peak]}–${centres[peak + 2]} Hz`,
  );
  assertThrows(() => new MelSpectrogram({ winLength: 600 }), /expected winLength <= nFft \(512\) but received 600/, RangeError);
  assertThrows(
    () => melFilterbank(257, 125, 9000, 64, 16000),
    /fMax <= sampleRate \/ 2 \(8000\) but received fMin=125, fMax=9000/,
    RangeError,
  );
  assertThrows(
    () => front.forward(torch.zeros([1, 2, 3])),
    /expected a waveform Tensor \[B, T\] or \[T\] but received shape \[1, 2, 3\]/,
    RangeError,
  );
});
