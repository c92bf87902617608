import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { KEYWORDS, LANGUAGES, espeakClipOptions } from '../../src/data/espeak-tasks.js';
import { KEY_ROWS, keyRow, parseKeyFile } from '../../src/data/key-clicks.js';
import { speechCachePath } from '../../src/data/speech.js';
import { capClip, padClip, splitCounts, splitSpeakers, trimSilence, type LabelledClip } from '../../src/data/speech-clips.js';
import { SPEECH_TASK_NAMES, loadSpeechTask } from '../../src/data/speech-tasks.js';
import { assertThrows } from '../helpers.js';

/** Per split: clip count, speakers and labels. */
function splits(clips: LabelledClip[]): Record<string, { clips: number; speakers: string[]; labels: string[] }> {
  const out: Record<string, { clips: number; speakers: string[]; labels: string[] }> = {};
  for (const split of ['train', 'validation', 'test']) {
    const own = clips.filter((c) => c.split === split);
    out[split] = {
      clips: own.length,
      speakers: [...new Set(own.map((c) => c.speaker))].sort(),
      labels: [...new Set(own.map((c) => c.label))].sort(),
    };
  }
  return out;
}

const disjoint = (s: ReturnType<typeof splits>): boolean =>
  new Set([...s.train.speakers, ...s.validation.speakers, ...s.test.speakers]).size ===
  s.train.speakers.length + s.validation.speakers.length + s.test.speakers.length;

const seconds = (c: LabelledClip): number => c.audio.length / 16000;

test('clip helpers: silence trimmed to a 50 ms margin, short clips centred in 0.96 s, long ones cut to 3 s', () => {
  const x = new Float32Array(16000);
  for (let s = 4000; s < 8000; s++) x[s] = Math.sin(s / 5);
  const t = trimSilence(x);
  assert.equal(t.length, 4000 + 2 * 800);
  assert.equal(t[800], x[4000]);
  assert.equal(trimSilence(new Float32Array(500)).length, 0);
  const p = padClip(Float32Array.of(1, 2, 3));
  assert.equal(p.length, 15360);
  assert.deepEqual(Array.from(p.subarray(7677, 7682)), [0, 1, 2, 3, 0]);
  const c = capClip(new Float32Array(60000).fill(1));
  assert.equal(c.length, 48000);
  assert.ok(c[47999] === 0 && c[47000] === 1);
  assert.deepEqual(splitCounts(3), [1, 1, 1]);
  assert.deepEqual(splitCounts(22), [14, 4, 4]);
  const s = splitSpeakers(
    ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((speaker, i) => ({ speaker, stratum: i < 3 ? 'x' : 'y' })),
    5,
  );
  assert.deepEqual(
    ['train', 'validation', 'test'].map((split) => ['a', 'b', 'c'].filter((k) => s.get(k) === split).length),
    [1, 1, 1],
  );
  assert.deepEqual(
    ['train', 'validation', 'test'].map((split) => ['d', 'e', 'f', 'g'].filter((k) => s.get(k) === split).length),
    [2, 1, 1],
  );
  assertThrows(() => splitSpeakers([{ speaker: 'a', stratum: 'x' }], 0), /stratum "x" has 1 speakers, fewer than the 3/, RangeError);
});

test('keywords (scale 0.1): 10 words × 3 speakers, one speaker per split, 1 s clips; same seed, same audio, even resynthesised', async () => {
  const t = await loadSpeechTask('keywords', { seed: 0, scale: 0.1 });
  assert.equal(t.intraSpeaker, false);
  const s = splits(t.clips);
  assert.deepEqual([s.train.clips, s.validation.clips, s.test.clips], [10, 10, 10]);
  assert.ok(disjoint(s));
  for (const split of Object.values(s)) assert.deepEqual(split.labels, [...KEYWORDS].sort());
  assert.ok(t.clips.every((c) => c.audio.length === 15360 && /^(m[1-7]|f[1-4])-p(35|65)$/.test(c.speaker)));
  const peak = (c: LabelledClip): number => c.audio.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  assert.ok(t.clips.every((c) => peak(c) > 0.05));
  // the 50 ms of padding at each end is near silence
  assert.ok(t.clips.every((c) => Math.abs(c.audio[0]) < 1e-3 && Math.abs(c.audio[15359]) < 1e-3));
  const again = await loadSpeechTask('keywords', { seed: 0, scale: 0.1 });
  assert.deepEqual(
    again.clips.map((c) => [c.name, c.speaker, c.split]),
    t.clips.map((c) => [c.name, c.speaker, c.split]),
  );
  // Synthesise the first clip again from scratch: espeak-ng is deterministic.
  const o = espeakClipOptions(t.clips[0].name, 0);
  assert.equal(o.text, t.clips[0].label);
  rmSync(speechCachePath(o));
  const fresh = await loadSpeechTask('keywords', { seed: 0, scale: 0.1 });
  assert.deepEqual(fresh.clips[0].audio, t.clips[0].audio);
});

test('gender (scale 0.1): male and female speakers in every split, none shared, labels follow the variant', async () => {
  const t = await loadSpeechTask('gender', { seed: 0, scale: 0.1 });
  const s = splits(t.clips);
  assert.ok(disjoint(s));
  for (const split of Object.values(s)) assert.deepEqual(split.labels, ['female', 'male']);
  assert.ok(t.clips.every((c) => c.label === (c.speaker.startsWith('f') ? 'female' : 'male')));
  assert.ok(
    t.clips.every((c) => seconds(c) >= 0.96 && seconds(c) <= 3),
    t.clips.map(seconds).join(' '),
  );
});

test('speaker (scale 0.1): split by utterance — every speaker in every split, the label is the speaker', async () => {
  const t = await loadSpeechTask('speaker', { seed: 0, scale: 0.1 });
  const s = splits(t.clips);
  assert.equal(s.train.speakers.length, 2);
  assert.deepEqual(s.train.speakers, s.test.speakers);
  assert.deepEqual(s.train.speakers, s.validation.speakers);
  assert.ok(t.clips.every((c) => c.label === c.speaker));
  assert.equal(new Set(t.clips.map((c) => c.audio.length)).size, t.clips.length, 'every clip says something else');
});

test('keywords-intra (scale 0.1): one speaker with its own train/validation/test clips of every word', async () => {
  const t = await loadSpeechTask('keywords-intra', { seed: 0, scale: 0.1 });
  assert.equal(t.intraSpeaker, true);
  const s = splits(t.clips);
  assert.deepEqual([s.train.clips, s.validation.clips, s.test.clips], [10, 10, 10]);
  assert.equal(s.train.speakers.length, 1);
  for (const split of Object.values(s)) assert.deepEqual(split.speakers, s.train.speakers);
  for (const split of Object.values(s)) assert.deepEqual(split.labels, [...KEYWORDS].sort());
});

test('language (scale 0.1): 8 languages in every split, speakers disjoint, clips of 0.96–3 s', async () => {
  const t = await loadSpeechTask('language', { seed: 3, scale: 0.1 });
  const s = splits(t.clips);
  assert.ok(disjoint(s));
  assert.deepEqual([s.train.clips, s.validation.clips, s.test.clips], [8, 8, 8]);
  for (const split of Object.values(s)) assert.deepEqual(split.labels, [...LANGUAGES].sort());
  assert.ok(
    t.clips.every((c) => seconds(c) >= 0.96 && seconds(c) <= 3),
    t.clips.map(seconds).join(' '),
  );
});

test('bucklespring file names: hex evdev code and event (1 press, 0 release); keyboard rows', () => {
  assert.deepEqual(parseKeyFile('1e-1.wav'), { code: 0x1e, press: true });
  assert.deepEqual(parseKeyFile('6f-0.wav'), { code: 0x6f, press: false });
  assert.equal(parseKeyFile('1e-2.wav'), undefined);
  assert.equal(parseKeyFile('README'), undefined);
  assert.deepEqual([0x1e, 0x39, 0x3b, 0x02, 0x10, 0x2c, 0x67, 0x5b].map(keyRow), [
    'home',
    'space',
    'function',
    'number',
    'top',
    'bottom',
    'navigation',
    undefined,
  ]);
  assert.equal(Object.values(KEY_ROWS).flat().length, new Set(Object.values(KEY_ROWS).flat()).size);
});

test('key-press and key-group: all 171 clicks of 86 keys, key-disjoint splits, rows in every split', async () => {
  const press = await loadSpeechTask('key-press');
  assert.equal(press.clips.length, 171);
  assert.deepEqual(
    ['press', 'release'].map((l) => press.clips.filter((c) => c.label === l).length),
    [85, 86],
  );
  const s = splits(press.clips);
  assert.ok(disjoint(s));
  assert.deepEqual([s.train.speakers.length, s.validation.speakers.length, s.test.speakers.length], [52, 17, 17]);
  assert.equal(press.clips.find((c) => c.name === 'key-press/39-1.wav')?.speaker, 'key-39');
  assert.ok(press.clips.every((c) => c.audio.length === 15360));
  const group = await loadSpeechTask('key-group');
  assert.equal(group.clips.length, 169);
  const g = splits(group.clips);
  assert.ok(disjoint(g));
  for (const split of Object.values(g)) assert.deepEqual(split.labels, Object.keys(KEY_ROWS).sort());
  assert.equal(group.clips.find((c) => c.name === 'key-group/1e-0.wav')?.label, 'home');
});

test('loadSpeechTask: table order, and errors naming the valid tasks, the seed and the scale', async () => {
  assert.deepEqual(SPEECH_TASK_NAMES, [
    'language',
    'speaker',
    'gender',
    'prosody',
    'keywords',
    'keywords-intra',
    'prosody-intra',
    'key-press',
    'key-group',
  ]);
  await assert.rejects(loadSpeechTask('emotion'), /unknown task "emotion" \(valid: language, speaker, .*key-group\)/);
  await assert.rejects(loadSpeechTask('gender', { scale: 0 }), /expected scale in \(0, 100\] but received 0/);
  await assert.rejects(loadSpeechTask('gender', { seed: -1 }), /expected a non-negative integer seed but received -1/);
});
