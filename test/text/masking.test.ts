import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { loadBrown } from '../../src/data/text-corpora.js';
import { Tokenizer } from '../../src/text/tokenizer.js';
import { IGNORE_INDEX, maskTokens, specialTokensMask } from '../../src/text/masking.js';
import { assertThrows } from '../helpers.js';

const docs = loadBrown({ limit: 60 }).items;
const tok = Tokenizer.train(
  docs.map((d) => d.text),
  { vocabSize: 1500 },
);
const sentences = docs.flatMap((d) => d.sentences.map((s) => s.join(' '))).slice(0, 1024);
const { inputIds } = tok.encodeBatch(sentences, { maxLength: 48 }); // [1024, ≤48] with [CLS] [SEP] [PAD]

/** Counts over the batch, as JS numbers. */
function stats(ids: torch.Tensor, labels: torch.Tensor) {
  return torch.scope(() => {
    const special = specialTokensMask(inputIds, tok.specialIds);
    const selected = labels.ne(IGNORE_INDEX);
    const count = (t: torch.Tensor): number => t.sum().item();
    return {
      eligible: count(special.logicalNot()),
      selected: count(selected),
      masked: count(selected.logicalAnd(ids.eq(tok.maskId))),
      kept: count(selected.logicalAnd(ids.eq(inputIds))),
      selectedSpecial: count(selected.logicalAnd(special)),
      changedUnselected: count(selected.logicalNot().logicalAnd(ids.ne(inputIds))),
      labelsWrong: count(selected.logicalAnd(labels.ne(inputIds))),
    };
  });
}

test('ELECTRA default: ≈15 % of non-special tokens selected, 85 % of those [MASK], the rest unchanged', () => {
  const { inputIds: ids, labels } = maskTokens(inputIds, tok, { generator: new torch.Generator(0) });
  assert.deepEqual(ids.shape, inputIds.shape);
  assert.equal(labels.dtype, 'int64');
  const s = stats(ids, labels);
  assert.ok(s.eligible > 20000, `${s.eligible} eligible tokens`);
  const rate = s.selected / s.eligible;
  assert.ok(Math.abs(rate - 0.15) < 0.01, `selected ${rate.toFixed(4)} of eligible tokens`);
  const maskShare = s.masked / s.selected;
  assert.ok(Math.abs(maskShare - 0.85) < 0.03, `[MASK] share ${maskShare.toFixed(4)}`);
  assert.equal(s.masked + s.kept, s.selected, 'every selected token is [MASK] or unchanged');
  assert.equal(s.selectedSpecial, 0, 'special tokens ([CLS], [SEP], [PAD]) are never selected');
  assert.equal(s.changedUnselected, 0, 'unselected tokens are untouched');
  assert.equal(s.labelsWrong, 0, 'labels hold the original ids');
});

test('BERT 80/10/10 split with random replacements from non-special tokens', () => {
  const { inputIds: ids, labels } = maskTokens(inputIds, tok, { maskRate: 0.8, randomRate: 0.1, generator: new torch.Generator(1) });
  const s = stats(ids, labels);
  const replaced = s.selected - s.masked - s.kept;
  assert.ok(Math.abs(s.masked / s.selected - 0.8) < 0.03, `[MASK] share ${s.masked / s.selected}`);
  assert.ok(Math.abs(replaced / s.selected - 0.1) < 0.02, `random share ${replaced / s.selected}`);
  assert.equal(s.selectedSpecial + s.changedUnselected + s.labelsWrong, 0);
  const randomIds = torch.scope(() =>
    ids.maskedSelect(labels.ne(IGNORE_INDEX).logicalAnd(ids.ne(tok.maskId)).logicalAnd(ids.ne(inputIds))),
  );
  const r = randomIds.toArray();
  assert.ok(
    r.every((id) => id >= 5 && id < tok.vocabSize),
    'random tokens are real tokens',
  );
  assert.ok(new Set(r).size > 100, 'random tokens spread over the vocabulary');
});

test('masking is seeded and configurable; bad rates are named', () => {
  const a = maskTokens(inputIds, tok, { generator: new torch.Generator(7) });
  const b = maskTokens(inputIds, tok, { generator: new torch.Generator(7) });
  assert.ok(torch.equal(a.inputIds, b.inputIds) && torch.equal(a.labels, b.labels), 'same seed, same masks');
  const c = maskTokens(inputIds, tok, { generator: new torch.Generator(8) });
  assert.ok(!torch.equal(a.labels, c.labels), 'another seed, other masks');
  const all = maskTokens(inputIds, tok, { maskProb: 1, maskRate: 1 });
  const s = stats(all.inputIds, all.labels);
  assert.deepEqual([s.selected, s.masked], [s.eligible, s.eligible]);
  const none = maskTokens(inputIds, tok, { maskProb: 0 });
  assert.equal(stats(none.inputIds, none.labels).selected, 0);
  assertThrows(() => maskTokens(inputIds, tok, { maskProb: 1.5 }), /expected maskProb in \[0, 1\] but received 1\.5/, RangeError);
  assertThrows(
    () => maskTokens(inputIds, tok, { maskRate: 0.8, randomRate: 0.3 }),
    /expected maskRate \+ randomRate <= 1 but received 0\.8 \+ 0\.3/,
    RangeError,
  );
  assertThrows(
    () => maskTokens(inputIds.float(), tok),
    /expected inputIds as an int64 Tensor \[B, T\] but received dtype float32/,
    TypeError,
  );
});
