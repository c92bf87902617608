import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PRETRAINING_SOURCES, WORDNET_BATCH, pretrainingTexts, textFiles } from '../../src/data/pretraining-text.js';
import { firstInvalidUtf8, readTextFile } from '../../src/data/text-file.js';
import { assertThrows } from '../helpers.js';

test('pretrainingTexts: the four corpora, one document per Brown document, speech, chapter and gloss batch', () => {
  assert.deepEqual(DEFAULT_PRETRAINING_SOURCES, ['brown', 'sotu', 'moby-dick', 'wordnet']);
  const counts: Record<string, number> = {};
  const first: Record<string, string> = {};
  let lastWordnet = '';
  for (const d of pretrainingTexts()) {
    const corpus = d.source.slice(0, d.source.indexOf(':'));
    counts[corpus] = (counts[corpus] ?? 0) + 1;
    first[corpus] ??= d.source;
    if (corpus === 'wordnet') lastWordnet = d.text;
    assert.ok(d.text.length > 0, d.source);
  }
  assert.deepEqual(counts, { brown: 500, sotu: 233, 'moby-dick': 135, wordnet: Math.ceil(117659 / WORDNET_BATCH) });
  assert.deepEqual(first, { brown: 'brown:ca01', sotu: 'sotu:1790_george_washington_n', 'moby-dick': 'moby-dick:1', wordnet: 'wordnet:0' });
  assert.equal(lastWordnet.split('\n').length, 117659 % WORDNET_BATCH);
  const [entity] = pretrainingTexts(['wordnet']);
  assert.ok(entity.text.startsWith('entity: that which is perceived or known'));
});

function folder(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-text-'));
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  return dir;
}

test('pretrainingTexts: a folder of .txt files, recursively, in sorted order, others ignored', () => {
  const dir = folder({
    'b.txt': 'second',
    'a/z.txt': 'first\n',
    'c/d/e.TXT': 'third',
    'notes.md': 'skipped',
    'img.png': new Uint8Array([0, 1]),
  });
  try {
    const docs = [...pretrainingTexts([dir])];
    assert.deepEqual(
      docs.map((d) => [d.source.slice(dir.length), d.text]),
      [
        ['/a/z.txt', 'first\n'],
        ['/b.txt', 'second'],
        ['/c/d/e.TXT', 'third'],
      ],
    );
    assert.equal(textFiles(dir).length, 3);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('pretrainingTexts: a binary, invalid-UTF-8 or empty file stops the stream with an error naming it', () => {
  const cases: [string, string | Uint8Array, RegExp][] = [
    [
      'bin.txt',
      new Uint8Array([0x68, 0x69, 0x0a, 0x00, 0x01]),
      /bin\.txt looks binary: NUL byte at offset 3 \(line 2\); expected UTF-8 text/,
    ],
    [
      'latin1.txt',
      new Uint8Array([...Buffer.from('ok\nline two\ncaf'), 0xe9, 0x0a]),
      /latin1\.txt is not valid UTF-8: byte 0xe9 at offset 15 \(line 3\)/,
    ],
    ['empty.txt', '', /empty\.txt is empty$/],
    ['blank.txt', ' \n\t\n', /blank\.txt is empty \(only whitespace\)/],
  ];
  for (const [name, body, pattern] of cases) {
    const dir = folder({ 'a-good.txt': 'fine text', [name]: body });
    try {
      const stream = pretrainingTexts([dir]);
      assert.deepEqual(stream.next().value, { source: join(dir, 'a-good.txt'), text: 'fine text' });
      assertThrows(() => stream.next(), pattern);
      assertThrows(
        () => readTextFile(join(dir, name)),
        new RegExp(`^text file: ${join(dir, name).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`),
      );
    } finally {
      rmSync(dir, { recursive: true });
    }
  }
  assertThrows(() => readTextFile('/nonexistent/x.txt'), /text file: cannot read \/nonexistent\/x\.txt: ENOENT/);
});

test('pretrainingTexts: an unknown source, an empty list or a folder without .txt files is an error', () => {
  assertThrows(
    () => pretrainingTexts(['brwn']).next(),
    /unknown source "brwn": expected a corpus \(brown, sotu, moby-dick, wordnet\) or a folder of \.txt files/,
    RangeError,
  );
  assertThrows(() => pretrainingTexts([]).next(), /expected at least one source but received none/, RangeError);
  const dir = folder({ 'readme.md': 'no text files here' });
  try {
    assertThrows(() => pretrainingTexts([dir]).next(), /no \.txt files under/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('firstInvalidUtf8: the offset of the first byte that breaks UTF-8 (RFC 3629), agreeing with TextDecoder', () => {
  const cases: [number[], number][] = [
    [[0x61, 0xc3, 0xa9, 0x62], -1], // aéb
    [[0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], -1], // € 😀
    [[0x61, 0xc3], 1], // truncated
    [[0x61, 0xc0, 0xaf], 1], // overlong '/'
    [[0x61, 0x62, 0xed, 0xa0, 0x80], 2], // surrogate U+D800
    [[0xf4, 0x90, 0x80, 0x80], 0], // above U+10FFFF
    [[0x61, 0x80], 1], // lone continuation
  ];
  for (const [bytes, at] of cases) {
    assert.equal(firstInvalidUtf8(Uint8Array.from(bytes)), at, JSON.stringify(bytes));
    let decoderOk = true;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
    } catch {
      decoderOk = false;
    }
    assert.equal(decoderOk, at === -1);
  }
});
