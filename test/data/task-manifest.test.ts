import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.js';
import { writeWav } from '../../src/data/wav.js';
import { manifestTask } from '../../src/data/task-manifest.js';
import { assertThrows } from '../helpers.js';

/** A folder of tones: `<speaker>-<label>.wav`, 1.2 s at 8 kHz stereo, 22,050 Hz mono or 16 kHz mono. */
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-manifest-'));
  mkdirSync(join(dir, 'clips'));
  const tone = (file: string, rate: number, channels: number, hz: number, seconds = 1.2, amp = 0.5): void => {
    const n = Math.round(seconds * rate);
    const x = Float32Array.from({ length: n * channels }, (_, i) => amp * Math.sin((2 * Math.PI * hz * (i % n)) / rate));
    const t = torch.tensor(x, { shape: [channels, n] });
    writeWav(join(dir, 'clips', file), t, rate);
    t.dispose();
  };
  ['a', 'b', 'c', 'd', 'e', 'f'].forEach((s, k) => {
    tone(`${s}-low.wav`, [8000, 22050, 16000][k % 3], k % 3 === 0 ? 2 : 1, 220);
    tone(`${s}-high.wav`, 16000, 1, 880);
  });
  tone('short.wav', 16000, 1, 440, 0.5);
  tone('silent.wav', 16000, 1, 440, 1.2, 0);
  writeFileSync(join(dir, 'clips', 'broken.wav'), 'RIFF....WAVE');
  return dir;
}

const SPLIT: Record<string, string> = { a: 'train', b: 'train', c: 'validation', d: 'validation', e: 'test', f: 'test' };
const rows = (speakers = 'abcdef'): string[] =>
  [...speakers].flatMap((s) => ['low', 'high'].map((l) => `clips/${s}-${l}.wav,${l},${s},${SPLIT[s]}`));

test('manifestTask: CSV and JSONL round trip; any rate and channel count read as mono 16 kHz', () => {
  const dir = folder();
  try {
    writeFileSync(
      join(dir, 'pitch.csv'),
      ['speaker,path,label,split,note', ...rows().map((r) => r.replace(/^(.*?),(.*?),(.*?),/, '$3,$1,$2,') + ',x')].join('\n'),
    );
    const t = manifestTask(join(dir, 'pitch.csv'));
    assert.deepEqual([t.name, t.intraSpeaker, t.clips.length], ['pitch', false, 12]);
    assert.deepEqual(
      t.clips.slice(0, 2).map((c) => [c.name, c.label, c.speaker, c.split, c.audio.length]),
      [
        ['clips/a-low.wav', 'low', 'a', 'train', 19200],
        ['clips/a-high.wav', 'high', 'a', 'train', 19200],
      ],
    );
    // the 8 kHz stereo tone resampled: still a 220 Hz sine of amplitude 0.5
    const a = t.clips[0].audio;
    let err = 0;
    for (let s = 2000; s < 17000; s++) err = Math.max(err, Math.abs(a[s] - 0.5 * Math.sin((2 * Math.PI * 220 * s) / 16000)));
    assert.ok(err < 0.01, `max error ${err}`);
    const json = rows().map((r) => {
      const [path, label, speaker, split] = r.split(',');
      return JSON.stringify({ path, label, speaker, split });
    });
    writeFileSync(join(dir, 'pitch.jsonl'), json.join('\n') + '\n');
    const j = manifestTask(join(dir, 'pitch.jsonl'));
    assert.deepEqual(
      j.clips.map((c) => [c.name, c.label, c.speaker, c.split]),
      t.clips.map((c) => [c.name, c.label, c.speaker, c.split]),
    );
    assert.deepEqual(j.clips[5].audio, t.clips[5].audio);
    // intra-speaker: every speaker with both classes in every split
    const intra = [...'abc'].flatMap((s) =>
      ['train', 'validation', 'test'].flatMap((split) => ['low', 'high'].map((l) => `clips/${s}-${l}.wav,${l},${s},${split}`)),
    );
    writeFileSync(join(dir, 'intra.csv'), ['path,label,speaker,split', ...intra].join('\n'));
    assert.equal(manifestTask(join(dir, 'intra.csv'), { speakers: 'intra' }).intraSpeaker, true);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('manifestTask: bad input names the file, line and field', () => {
  const dir = folder();
  const csv = (name: string, lines: string[]): string => {
    writeFileSync(join(dir, name), ['path,label,speaker,split', ...lines].join('\n'));
    return join(dir, name);
  };
  try {
    const ok = rows();
    assertThrows(() => manifestTask(join(dir, 'none.csv')), /manifestTask: cannot read .*none\.csv: ENOENT/);
    writeFileSync(join(dir, 'header.csv'), 'file,label\nclips/a-low.wav,low\n');
    assertThrows(
      () => manifestTask(join(dir, 'header.csv')),
      /header\.csv: expected a header with the columns path, label, speaker, split but received "file,label"/,
    );
    assertThrows(() => manifestTask(csv('empty.csv', [])), /empty\.csv: no clips/);
    assertThrows(
      () => manifestTask(csv('missing.csv', ['clips/zz.wav,low,a,train', ...ok])),
      /missing\.csv:2: path: .*clips\/zz\.wav: cannot read/,
    );
    assertThrows(
      () => manifestTask(csv('broken.csv', [...ok, 'clips/broken.wav,low,a,train'])),
      /broken\.csv:14: path: .*broken\.wav: no 'fmt ' chunk/,
    );
    assertThrows(
      () => manifestTask(csv('short.csv', [...ok, 'clips/short.wav,low,a,train'])),
      /short\.csv:14: .*short\.wav is 0\.500 s long, shorter than the 0\.96 s a clip needs/,
    );
    assertThrows(
      () => manifestTask(csv('silent.csv', ['clips/silent.wav,low,a,train', ...ok])),
      /silent\.csv:2: .*silent\.wav is silent \(peak -Infinity dBFS/,
    );
    assertThrows(
      () => manifestTask(csv('dev.csv', [...ok.slice(0, 3), 'clips/b-high.wav,high,b,dev'])),
      /dev\.csv:5: split: expected train, validation, test but received "dev"/,
    );
    assertThrows(() => manifestTask(csv('blank.csv', ['clips/a-low.wav,,a,train'])), /blank\.csv:2: empty label/);
    assertThrows(() => manifestTask(csv('fields.csv', ['clips/a-low.wav,low,a'])), /fields\.csv:2: expected 4 fields but received 3/);
    assertThrows(
      () =>
        manifestTask(
          csv(
            'one.csv',
            ok.filter((r) => !r.includes('e-high') && !r.includes('f-high')),
          ),
        ),
      /one\.csv: split "test" has one class \("low"\); every split needs at least two/,
    );
    assertThrows(
      () =>
        manifestTask(
          csv(
            'noval.csv',
            ok.filter((r) => !r.includes('validation')),
          ),
        ),
      /noval\.csv: split "validation" has no clips/,
    );
    assertThrows(
      () => manifestTask(csv('shared.csv', [...ok, 'clips/e-low.wav,low,a,test'])),
      /shared\.csv: speaker "a" is in train \(line 2\) and test \(line 14\); speakers must not share splits/,
    );
    assertThrows(
      () => manifestTask(csv('intra.csv', ok), { speakers: 'intra' }),
      /intra\.csv: speaker "a" \(line 2\) has no validation clips/,
    );
    writeFileSync(join(dir, 'bad.jsonl'), '{"path": "clips/a-low.wav", "label": "low", "speaker": "a", "split": "train"}\n{"path": 3}\n');
    assertThrows(() => manifestTask(join(dir, 'bad.jsonl')), /bad\.jsonl:2: expected a string field "path" but received 3/);
    writeFileSync(join(dir, 'bad2.jsonl'), '{"path": \n');
    assertThrows(() => manifestTask(join(dir, 'bad2.jsonl')), /bad2\.jsonl:1: not JSON/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});
