import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import * as torch from '../../src/torch/index.js';
import { readWav, writeWav } from '../../src/data/wav.js';
import { speechCachePath, speechTracks, synthSpeech } from '../../src/data/speech.js';
import { assertThrows } from '../helpers.js';

const rmsOf = (x: Float32Array): number => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);

test('synthSpeech: espeak-ng speech as mono 16 kHz, cached as a WAV that the next call reads', () => {
  const o = { text: 'The quick brown fox jumps over the lazy dog.', voice: 'de+f2', pitch: 30, rate: 170 };
  const file = speechCachePath(o);
  rmSync(file, { force: true });
  const audio = synthSpeech(o);
  assert.ok(audio.length > 1.5 * 16000 && audio.length < 5 * 16000, `${audio.length} samples`);
  assert.ok(rmsOf(audio) > 0.01, `rms ${rmsOf(audio)}`);
  const cached = readWav(file);
  assert.deepEqual([cached.sampleRate, cached.format, ...cached.audio.shape], [16000, 'float32', 1, audio.length]);
  cached.audio.dispose();
  // The next call reads the cache: replace the file and see the replacement come back.
  const marker = torch.full([1, 1600], 0.25);
  writeWav(file, marker, 16000, { format: 'float32' });
  marker.dispose();
  assert.deepEqual(synthSpeech(o), new Float32Array(1600).fill(0.25));
  rmSync(file);
  assert.equal(synthSpeech(o).length, audio.length);
  assert.ok(existsSync(file));
});

test('synthSpeech: a missing espeak-ng names the install command, a bad voice names the voice and espeak-ng says why', () => {
  const o = { text: 'A sentence nobody has cached yet, for the missing binary.', voice: 'en+m3' };
  rmSync(speechCachePath(o), { force: true });
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    assertThrows(() => synthSpeech(o), /synthSpeech: espeak-ng is not installed \(not found on PATH\); run `apt-get install espeak-ng`/);
  } finally {
    process.env.PATH = path;
  }
  assertThrows(() => synthSpeech({ text: 'Hello there.', voice: 'xx' }), /espeak-ng exited with 1 for voice "xx": .*voice does not exist/);
  assertThrows(() => synthSpeech({ text: ' ' }), /synthSpeech: expected a non-empty text/, RangeError);
  assertThrows(() => synthSpeech({ text: 'Hi.', voice: '-w /tmp/x' }), /expected a voice like 'en'/, RangeError);
  assertThrows(() => synthSpeech({ text: 'Hi.', pitch: 120 }), /expected an integer pitch in \[0, 99\] but received 120/, RangeError);
});

test('speechTracks: seeded clips of at most `seconds`, no f0, a longer list extends a shorter one', () => {
  const a = speechTracks({ clips: 2, seed: 11, seconds: 1.5 });
  const b = speechTracks({ clips: 1, seed: 11, seconds: 1.5 });
  assert.deepEqual(
    a.map((t) => [t.name, t.source, t.sampleRate, t.f0]),
    [
      ['speech/11/0', 'speech', 16000, undefined],
      ['speech/11/1', 'speech', 16000, undefined],
    ],
  );
  for (const t of a) {
    assert.ok(t.audio.length > 16000 && t.audio.length <= 24000, `${t.audio.length} samples`);
    assert.ok(rmsOf(t.audio) > 0.01);
  }
  assert.deepEqual(b[0].audio, a[0].audio);
  assert.notDeepEqual(a[0].audio.subarray(0, 16000), a[1].audio.subarray(0, 16000));
});
