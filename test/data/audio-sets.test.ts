import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.js';
import { writeWav } from '../../src/data/wav.js';
import { DATA_SETS, loadAudioSet } from '../../src/data/registry.js';
import { PIANO_VOICED_DB, pianoF0 } from '../../src/data/pitched-tracks.js';

test('registry: the audio sets are registered', () => {
  const audio = Object.values(DATA_SETS).filter((s) => s.modality === 'audio');
  assert.deepEqual(
    audio.map((s) => s.name),
    ['singing', 'piano-notes', 'speech', 'pitched', 'speech-pool', 'wav-folder'],
  );
});

test('singing set: train and test splits never share a track; limit keeps the first N', async () => {
  const train = await loadAudioSet({ name: 'singing', tracks: 3, seconds: 2 });
  const test = await loadAudioSet({ name: 'singing', split: 'test', tracks: 3, seconds: 2, limit: 2 });
  assert.deepEqual(
    train.tracks.map((t) => t.name),
    ['singing/0', 'singing/1', 'singing/2'],
  );
  assert.deepEqual(
    test.tracks.map((t) => t.name),
    ['singing/500000', 'singing/500001'],
  );
  assert.equal(train.sampleRate, 16000);
  assert.ok(train.tracks.every((t) => t.f0!.length === 1 + Math.floor(32000 / 512)));
  await assert.rejects(loadAudioSet({ name: 'singing', split: 'all' }), /audio set singing: expected split "train" or "test"/);
});

test('pianoF0: a decaying tone is voiced from its onset until it falls 35 dB below its loudest frame', () => {
  const sr = 16000;
  const [onset, tau] = [3000, 0.25 * sr]; // silence, then exp(−(s − onset) / τ)
  const x = Float32Array.from({ length: 2 * sr }, (_, s) =>
    s < onset ? 0 : Math.exp(-(s - onset) / tau) * Math.sin((2 * Math.PI * 440 * s) / sr),
  );
  const f0 = pianoF0(x, 440);
  const voiced = [...f0.keys()].filter((t) => f0[t] > 0);
  assert.ok(voiced.every((t) => f0[t] === 440));
  assert.equal(voiced[0], Math.ceil(onset / 512)); // the first frame centred at or after the onset
  const end = onset + (tau * PIANO_VOICED_DB * Math.LN10) / 20; // where the envelope is 35 dB down
  assert.ok(Math.abs(voiced.at(-1)! * 512 - end) <= 512, `last voiced frame ${voiced.at(-1)} vs ${end / 512}`);
  assert.deepEqual(
    voiced,
    Array.from({ length: voiced.length }, (_, i) => voiced[0] + i),
  );
});

test('piano-notes set: notes in range at 16 kHz, f0 = the note frequency on the sounding frames', async () => {
  const s = await loadAudioSet({ name: 'piano-notes', seconds: 1, lowNote: 'A3', highNote: 'C4' });
  assert.deepEqual(
    s.tracks.map((t) => [t.name, t.audio.length]),
    [
      ['piano-notes/A3', 16000],
      ['piano-notes/C4', 16000],
    ],
  );
  for (const [t, hz] of [
    [s.tracks[0], 220],
    [s.tracks[1], 261.6256],
  ] as const) {
    const voiced = t.f0!.filter((f) => f > 0);
    assert.ok(voiced.length >= 0.8 * t.f0!.length, `${t.name}: ${voiced.length} of ${t.f0!.length} voiced`);
    assert.ok(voiced.every((f) => Math.abs(f - hz) < 1e-3));
  }
  await assert.rejects(loadAudioSet({ name: 'piano-notes', lowNote: 'C6', highNote: 'C2' }), /piano-notes: no notes from C6 to C2/);
  await assert.rejects(loadAudioSet({ name: 'piano-notes', lowNote: 'H2' }), /noteToMidi: expected a pitch name/);
});

test('pitched set: the union of its sources in order, cut by limit; an unknown source lists the valid ones', async () => {
  const s = await loadAudioSet({ name: 'pitched', sources: ['singing', 'piano-notes'], singingTracks: 2, limit: 3 });
  assert.deepEqual(
    s.tracks.map((t) => t.name),
    ['singing/0', 'singing/1', 'piano-notes/C2'],
  );
  await assert.rejects(
    loadAudioSet({ name: 'pitched', sources: ['singing', 'violin'] }),
    /audio set pitched: unknown sources violin \(valid: piano-notes, speech, singing\)/,
  );
});

test('wav-folder set: every .wav (recursive, sorted) as mono 16 kHz, f0 sidecars, errors naming the folder or file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-wavs-'));
  try {
    await assert.rejects(loadAudioSet({ name: 'wav-folder', path: dir }), new RegExp(`no \\.wav files under ${dir}`));
    // 0.5 s of stereo 44.1 kHz: left a 440 Hz sine, right the same at half amplitude → mono amplitude 0.75.
    const n = 22050;
    const sine = Float32Array.from({ length: n }, (_, i) => 0.8 * Math.sin((2 * Math.PI * 440 * i) / 44100));
    const stereo = torch.tensor(Float32Array.from([...sine, ...sine.map((v) => v / 2)]), { shape: [2, n] });
    mkdirSync(join(dir, 'b'));
    writeWav(join(dir, 'b', 'tone.wav'), stereo, 44100, { format: 'float32' });
    writeWav(join(dir, 'a.wav'), stereo, 44100);
    stereo.dispose();
    writeFileSync(join(dir, 'notes.txt'), 'not audio');
    writeFileSync(join(dir, 'b', 'tone.f0.csv'), Array(16).fill('440').join('\n') + '\n');
    const s = await loadAudioSet({ name: 'wav-folder', path: dir });
    assert.deepEqual(
      s.tracks.map((t) => [t.name, t.audio.length, t.sampleRate]),
      [
        [join(dir, 'a.wav'), 8000, 16000],
        [join(dir, 'b', 'tone.wav'), 8000, 16000],
      ],
    );
    const tone = s.tracks[1];
    const peak = tone.audio.subarray(1000, 7000).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    assert.ok(Math.abs(peak - 0.6) < 0.01, `mono peak ${peak}`);
    assert.deepEqual(tone.f0, new Float32Array(16).fill(440));
    assert.equal(s.tracks[0].f0, undefined);

    writeFileSync(join(dir, 'b', 'tone.f0.csv'), '440\n440\n');
    await assert.rejects(loadAudioSet({ name: 'wav-folder', path: dir }), /tone\.f0\.csv: expected 16 f0 values .* but found 2/);
    rmSync(join(dir, 'b', 'tone.f0.csv'));
    writeFileSync(join(dir, 'b', 'broken.wav'), 'RIFF....WAVEjunk');
    await assert.rejects(loadAudioSet({ name: 'wav-folder', path: dir }), new RegExp(`wav-folder: ${join(dir, 'b', 'broken.wav')}: `));
    rmSync(join(dir, 'b', 'broken.wav'));
    const blip = torch.zeros([1, 800]);
    writeWav(join(dir, 'blip.wav'), blip, 16000);
    blip.dispose();
    await assert.rejects(
      loadAudioSet({ name: 'wav-folder', path: dir }),
      new RegExp(`${join(dir, 'blip.wav')}: expected at least 0\\.1 s of audio but found 0\\.050 s`),
    );
    await assert.rejects(loadAudioSet({ name: 'wav-folder', path: join(dir, 'none') }), /none is missing/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
