/**
 * Hugging Face export (src/text/huggingface.ts): tokenizers trained on Brown (cased
 * and lowercase), exported as tokenizer.json and loaded by Tokenizers.js
 * (@huggingface/tokenizers), give our ids, with and without [CLS] … [SEP], and decode
 * as ours on held-out Brown sentences, SpamAssassin bodies and odd strings. When the
 * Rust library's Node bindings (npm `tokenizers`) are installed, the same holds there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { emailBody, loadBrown, loadSpamAssassin } from '../../src/data/text-corpora.js';
import { onigurumaPattern } from '../../src/text/huggingface.js';
import { Tokenizer, MASK_ID, UNK_ID } from '../../src/text/tokenizer.js';
import { assertThrows } from '../helpers.js';

const docs = loadBrown().items;
const train = docs.filter((_, i) => i % 2 === 1).map((d) => d.text); // 250 documents
const sentences = docs.filter((_, i) => i % 10 === 0).flatMap((d) => d.text.split('\n').filter((_, j) => j % 8 === 0));
const emails = loadSpamAssassin({ groups: ['hard-ham-1', 'spam-2'] })
  .items.filter((_, i) => i % 8 === 0)
  .map((e) => emailBody(e.text));
/** Every code point that JS's \s or Unicode's White_Space holds (they differ on U+0085 and U+FEFF). */
const spaces: string[] = [];
for (let c = 0; c < 0x110000; c++) {
  const s = c >= 0xd800 && c < 0xe000 ? '' : String.fromCodePoint(c);
  if (s && /[\s\p{White_Space}]/u.test(s)) spaces.push(s);
}
/** Every ordered pair of spaces s, t in letter, symbol and space contexts: pieces differ if \s is misread. */
const spaceMix = (sp: string[]): string => sp.flatMap((s) => sp.map((t) => `${s}${t}x${s}.${t} ${s}${s}`)).join('');
/** Brown cased and lowercase; and one with every space in its alphabet and merges (emails and spaceMix). */
const toks: Record<string, Tokenizer> = {
  'Brown cased': Tokenizer.train(train, { vocabSize: 2000 }),
  'Brown lowercase': Tokenizer.train(train, { vocabSize: 2000, lowercase: true }),
  'Brown + emails + spaces': Tokenizer.train(
    [
      ...train.slice(0, 100),
      ...loadSpamAssassin({ groups: ['easy-ham-1'] })
        .items.slice(0, 100)
        .map((e) => emailBody(e.text)),
      spaceMix(spaces),
      spaceMix(spaces),
    ],
    { vocabSize: 2000 },
  ),
};
const odd = [
  '',
  ' ',
  ' '.repeat(40),
  '  leading and trailing  ',
  'tab\there\n\nnew\r\nline \t \n',
  'a' + spaces.join('a') + 'a',
  spaces.join(''),
  spaces.map((s) => `${s}${s}x`).join(''),
  spaceMix([...spaces].reverse()),
  'emoji 😀👍🏽 family 👨‍👩‍👧 and ☃',
  '日本語のテキスト、中文。 한국어',
  'combining e\u0301 a\u0308\u0304 \u0301alone ΟΔΟΣ İstanbul ǅ ß',
  'zero\u200bwidth\u200c\u200d \u180e \u00ad',
  'http://example.com/a?b=1&c=%20 $1,961.50 3.14e-10 ---==>>> ||| ~~~',
];
const texts = [...sentences, ...emails, ...odd];

/** Asserts that a Hugging Face implementation's encode gives our ids on every text and its decode our text; returns the [UNK] count. */
async function assertSame(tok: Tokenizer, encode: (t: string, special: boolean) => Promise<number[]>, decode: Decode): Promise<number> {
  let unknown = 0;
  for (const text of texts) {
    const plain = tok.encode(text);
    const wrapped = tok.encode(text, { addSpecialTokens: true });
    assert.deepEqual(await encode(text, false), plain, `ids of ${JSON.stringify(text.slice(0, 60))}`);
    assert.deepEqual(await encode(text, true), wrapped, `ids with specials of ${JSON.stringify(text.slice(0, 60))}`);
    for (const skip of [true, false]) {
      assert.equal(await decode(wrapped, skip), tok.decode(wrapped, { skipSpecialTokens: skip }));
      if (plain.length) assert.equal(await decode(plain, skip), tok.decode(plain, { skipSpecialTokens: skip }));
    }
    unknown += plain.filter((id) => id === UNK_ID).length;
  }
  return unknown;
}
type Decode = (ids: number[], skipSpecialTokens: boolean) => Promise<string>;

for (const [name, tok] of Object.entries(toks)) {
  test(`Tokenizers.js loads the export (${name}) and encodes and decodes as ours`, async () => {
    const hf = new HfTokenizer(tok.toHuggingFace(), tok.toHuggingFaceConfig());
    assert.equal(tok.vocabSize, 2000);
    tok.vocab.forEach((s, id) => assert.equal(hf.id_to_token(id), s));
    const unknown = await assertSame(
      tok,
      async (t, special) => hf.encode(t, { add_special_tokens: special }).ids,
      async (ids, skip) => hf.decode(ids, { skip_special_tokens: skip }),
    );
    assert.ok(unknown > 50, `${unknown} [UNK]s: characters outside the alphabet were exercised`);
    // Known difference: Hugging Face matches special-token strings in the raw text; we spell them out.
    assert.ok(hf.encode('a [MASK] b').ids.includes(MASK_ID));
    assert.ok(!tok.encode('a [MASK] b').includes(MASK_ID));
  });
}

test('a word that is a vocabulary entry still goes through the merges (ignore_merges false)', () => {
  // 'abc' is in the vocabulary, but b+c ranks first and a+bc is no merge: a | bc.
  const tok = new Tokenizer({
    alphabet: ['a', 'b', 'c'],
    merges: [
      ['b', 'c'],
      ['a', 'b'],
      ['ab', 'c'],
    ],
  });
  const hf = new HfTokenizer(tok.toHuggingFace(), tok.toHuggingFaceConfig());
  assert.deepEqual(tok.tokenize('abc'), ['a', 'bc']);
  assert.deepEqual(hf.encode('abc abcab', { add_special_tokens: false }).ids, tok.encode('abc abcab'));
});

test('the pre-tokenizer regex spells out JS whitespace for Oniguruma', () => {
  const space = String.raw`\t\n\v\f\r\x{2028}\x{2029}\x{FEFF}\p{Zs}`;
  assert.equal(onigurumaPattern(String.raw`a\s+[^\s\d]\S\\s`), String.raw`a[${space}]+[^${space}\d][^${space}]\\s`);
  assertThrows(() => onigurumaPattern(String.raw`[\S]`), /\\S inside a character class is not supported/);
});

test('the export of a saved and loaded tokenizer equals the original; saveHuggingFace writes it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hftok-'));
  try {
    for (const tok of Object.values(toks)) {
      tok.save(join(dir, 'tok.json'));
      assert.deepEqual(Tokenizer.load(join(dir, 'tok.json')).toHuggingFace(), tok.toHuggingFace());
      tok.saveHuggingFace(join(dir, 'tokenizer.json'));
      assert.deepEqual(JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')), tok.toHuggingFace());
    }
    assertThrows(
      () => toks['Brown cased'].saveHuggingFace(join(dir, 'missing', 'tokenizer.json')),
      /Tokenizer\.saveHuggingFace: cannot write .*missing/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The part of the Rust library's Node bindings (npm `tokenizers`) used here. */
interface RustTokenizer {
  encode(text: string, pair: null, o: { addSpecialTokens: boolean }): Promise<{ getIds(): number[] }>;
  decode(ids: number[], skipSpecialTokens: boolean): Promise<string>;
  save(path: string): void;
}
/** The Rust library (what Python's `tokenizers` is built on), through its Node bindings: a devDependency. */
const rust = (createRequire(import.meta.url)('tokenizers') as { Tokenizer: { fromString(json: string): RustTokenizer } }).Tokenizer;

test('the Rust tokenizers library reads the export as its own schema and encodes and decodes as ours', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hftok-'));
  try {
    for (const tok of Object.values(toks)) {
      const hf = rust.fromString(JSON.stringify(tok.toHuggingFace()));
      hf.save(join(dir, 'tokenizer.json'));
      assert.deepEqual(JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')), tok.toHuggingFace(), 'written back unchanged');
      await assertSame(
        tok,
        async (t, special) => (await hf.encode(t, null, { addSpecialTokens: special })).getIds(),
        (ids, skip) => hf.decode(ids, skip),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
