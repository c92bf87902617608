import { test } from 'node:test';
import assert from 'node:assert/strict';
import { debianDataDir, equalPieces, realSpeech } from '../../src/data/real-speech.js';
import { loadAudioSet } from '../../src/data/registry.js';
import { assertThrows } from '../helpers.js';

const rmsOf = (x: Float32Array): number => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);

test('realSpeech: 28 speech recordings of pocketsphinx-testdata and codec2-examples at 16 kHz', () => {
  const r = realSpeech();
  assert.deepEqual(
    ['pocketsphinx', 'codec2'].map((s) => r.filter((x) => x.source === s).length),
    [14, 14],
  );
  const len = (name: string): number | undefined => r.find((x) => x.name === name)?.audio.length;
  // headerless s16le: goforward.raw (16 kHz, 89,160 bytes) as is; cq_ref.raw (8 kHz, 143,828 bytes) upsampled ×2
  assert.equal(len('pocketsphinx/goforward.raw'), 89160 / 2);
  assert.equal(len('codec2/raw/cq_ref.raw'), 143828);
  assert.equal(len('codec2/wav/hts1a.wav'), 48000);
  const total = r.reduce((a, x) => a + x.audio.length, 0) / 16000;
  assert.ok(total > 220 && total < 226, `${total} s`);
  for (const x of r) assert.ok(rmsOf(x.audio) > 0.005, `${x.name}: rms ${rmsOf(x.audio)}`);
});

test('equalPieces: ⌈n / max⌉ pieces of equal length covering the audio', () => {
  const x = Float32Array.from({ length: 25 }, (_, i) => i);
  const p = equalPieces(x, 10);
  assert.deepEqual(
    p.map((q) => q.length),
    [8, 9, 8],
  );
  assert.deepEqual(Array.from(p[1]), [8, 9, 10, 11, 12, 13, 14, 15, 16]);
});

test('debianDataDir: a missing package names the apt-get install command', () => {
  assertThrows(
    () => debianDataDir('no-such-data', '/nonexistent/no-such-data', 'x.wav'),
    /no-such-data: the files are not installed \(looked in \/nonexistent\/no-such-data and .*\); run `sudo apt-get install no-such-data`/,
  );
});

test('speech-pool: espeak clips plus the recordings in pieces of at most `seconds` (train only)', async () => {
  const train = await loadAudioSet({ name: 'speech-pool', clips: 1, seconds: 10 });
  const real = train.tracks.filter((t) => t.source !== 'speech');
  assert.equal(train.tracks[0].name, 'speech/0/250000');
  assert.ok(train.tracks[0].audio.length > 8 * 16000 && train.tracks[0].audio.length <= 160000);
  // ve9qrp.wav (112.45 s) → 12 pieces, vk5qi.wav and speech_orig_16k.wav (13.5 s, 10.8 s) → 2 each, the 25 others 1
  assert.equal(real.filter((t) => t.name.startsWith('speech-pool/codec2/wav/ve9qrp.wav#')).length, 12);
  assert.equal(real.length, 41);
  assert.ok(real.every((t) => t.audio.length <= 160000 && t.sampleRate === 16000 && t.f0 === undefined));
  const noReal = await loadAudioSet({ name: 'speech-pool', clips: 1, seconds: 10, real: false, split: 'test' });
  assert.deepEqual(
    noReal.tracks.map((t) => t.name),
    ['speech/0/750000'],
  );
});
