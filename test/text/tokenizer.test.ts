import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBrown } from '../../src/data/text-corpora.js';
import { preTokenize, trainBpe, bpeWord } from '../../src/text/bpe.js';
import { Tokenizer, SPECIAL_TOKENS } from '../../src/text/tokenizer.js';
import { assertThrows } from '../helpers.js';

const docs = loadBrown().items;
const train = docs.filter((_, i) => i % 2 === 1).map((d) => d.text); // 250 documents, every genre
const heldOut = docs.filter((_, i) => i % 10 === 0).map((d) => d.text); // 50 documents
const tok = Tokenizer.train(train, { vocabSize: 4000 });

test('pre-tokens concatenate back to the text', () => {
  const text = 'Mr. O\'Neil paid $1,961.50 —  "twice"\n\tthen   left ';
  assert.equal(preTokenize(text).join(''), text);
  assert.deepEqual(preTokenize('The jury said 12 times.'), ['The', ' jury', ' said', ' 12', ' times', '.']);
});

test('BPE training merges the most frequent pair first, ties to the more frequent symbols', () => {
  // Pair counts: es 9, st 9, we 8, ' l' 7, lo 7, ow 7, ' n' 6, … After e+s: es+t 9, then ' l' 7 and ow 7.
  const counts = new Map([
    [' low', 5],
    [' lower', 2],
    [' newest', 6],
    [' widest', 3],
  ]);
  const model = trainBpe(counts, { vocabSize: 5 + 11 + 4, reserved: 5 });
  assert.deepEqual(model.alphabet, ['e', ' ', 'w', 's', 't', 'l', 'o', 'n', 'd', 'i', 'r'], 'by frequency, ties by character');
  assert.deepEqual(model.merges, [
    ['e', 's'],
    ['es', 't'],
    [' ', 'l'],
    ['o', 'w'],
  ]);
  const ranks = new Map(model.merges.map(([a, b], r) => [`${a}\u0000${b}`, r]));
  assert.deepEqual(bpeWord(' newest', ranks), [' ', 'n', 'e', 'w', 'est']);
  assert.deepEqual(bpeWord(' lowest', ranks), [' l', 'ow', 'est']);
  assert.deepEqual(trainBpe(counts, { vocabSize: 100, reserved: 5, minFrequency: 7 }).merges.length, 5, 'stops below minFrequency');
});

test('a tokenizer trained on Brown honours the vocabulary size and round-trips held-out text', () => {
  assert.equal(tok.vocabSize, 4000);
  assert.deepEqual(tok.vocab.slice(0, 5), [...SPECIAL_TOKENS]);
  assert.deepEqual([tok.padId, tok.unkId, tok.clsId, tok.sepId, tok.maskId], [0, 1, 2, 3, 4]);
  assert.equal(new Set(tok.vocab).size, 4000, 'distinct tokens');
  assert.equal(Tokenizer.train(train.slice(0, 20), { vocabSize: 300 }).vocabSize, 300);
  let tokens = 0;
  let words = 0;
  for (const text of heldOut) {
    const ids = tok.encode(text);
    assert.equal(tok.decode(ids), text);
    assert.ok(
      ids.every((id) => id >= 5 && id < 4000),
      'no [UNK] or specials in Brown text',
    );
    tokens += ids.length;
    words += text.split(/\s+/).length;
  }
  const ratio = tokens / words;
  assert.ok(ratio > 1.2 && ratio < 1.7, `${ratio.toFixed(3)} tokens per word on held-out Brown`);
  assert.deepEqual(tok.tokenize('The court said that'), ['The', ' court', ' said', ' that']);
  assert.equal(tok.tokenToId(' the'), tok.encode(' the')[0]);
  const ids = tok.encode('naïve ☃ café', { addSpecialTokens: true });
  assert.equal(ids[0], tok.clsId);
  assert.equal(ids.at(-1), tok.sepId);
  assert.ok(ids.includes(tok.unkId), '☃ is outside the Brown alphabet');
  assert.equal(tok.decode(ids, { skipSpecialTokens: false }).startsWith('[CLS]'), true);
  assertThrows(() => tok.decode([4000]), /id 4000 is outside the vocabulary \[0, 4000\)/, RangeError);
  assertThrows(
    () => Tokenizer.train(train, { vocabSize: 5 }),
    /expected an integer vocabSize > 5 \(the special tokens\) but received 5/,
    RangeError,
  );
});

test('batch encoding pads, truncates and masks attention', () => {
  const texts = ['The jury said', heldOut[0], ''];
  const lens = texts.map((t) => tok.encode(t).length + 2);
  const { inputIds, attentionMask, truncated } = tok.encodeBatch(texts, { maxLength: 32 });
  assert.ok(lens[1] > 32 && lens[0] <= 32);
  assert.equal(truncated, 1, 'the held-out sentence is cut, the others are not');
  assert.equal(inputIds.dtype, 'int64');
  assert.deepEqual(inputIds.shape, [3, 32]);
  const rows = inputIds.tolist() as number[][];
  assert.deepEqual(rows[0].slice(0, lens[0]), [tok.clsId, ...tok.encode('The jury said'), tok.sepId]);
  assert.deepEqual(rows[0].slice(lens[0]), Array(32 - lens[0]).fill(tok.padId));
  assert.deepEqual(rows[1], [tok.clsId, ...tok.encode(heldOut[0]).slice(0, 30), tok.sepId], 'truncated, [SEP] kept');
  assert.deepEqual(rows[2].slice(0, 3), [tok.clsId, tok.sepId, tok.padId]);
  assert.deepEqual(attentionMask.sum(1).toArray(), [lens[0], 32, 2]);
  assert.deepEqual(tok.encodeBatch(['a b', 'a'], { padding: 'longest' }).inputIds.shape, [2, tok.encode('a b').length + 2]);
  assert.deepEqual(tok.encodeBatch(['a'], { padding: 'maxLength', maxLength: 16 }).attentionMask.shape, [1, 16]);
  assertThrows(() => tok.encodeBatch(['a'], { maxLength: 2 }), /expected an integer maxLength >= 3 but received 2/, RangeError);
});

test('save and load keep the vocabulary and the encodings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-tok-'));
  try {
    const path = join(dir, 'vocab.json');
    tok.save(path);
    assert.deepEqual(readdirSync(dir), ['vocab.json'], 'atomic write leaves no temp file');
    const json = JSON.parse(readFileSync(path, 'utf8'));
    assert.deepEqual([json.type, json.version, json.specialTokens], ['bpe', 1, [...SPECIAL_TOKENS]]);
    const back = Tokenizer.load(path);
    assert.deepEqual(back.vocab, tok.vocab);
    assert.deepEqual(back.encode(heldOut[1]), tok.encode(heldOut[1]));
    writeFileSync(path, JSON.stringify({ ...json, specialTokens: ['<pad>'] }));
    assertThrows(() => Tokenizer.load(path), /vocab\.json has special tokens \["<pad>"\], expected \["\[PAD\]"/);
    writeFileSync(path, '{"type": "wordpiece"}');
    assertThrows(() => Tokenizer.load(path), /vocab\.json is not a selfsup BPE tokenizer \(type "wordpiece", version undefined\)/);
    assertThrows(() => Tokenizer.load(join(dir, 'none.json')), /cannot read .*none\.json: ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
