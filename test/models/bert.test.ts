import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { Bert, type BertConfig } from '../../src/models/index.js';
import { assertClose, assertThrows, golden, goldenState } from '../helpers.js';

const g = golden('transformer');
type Tensor = torch.Tensor;

/** The golden state dict stored under `<prefix>.sd.`. */
const state = (prefix: string): Record<string, Tensor> => goldenState('transformer', prefix);

/** The configs of tools/goldens/g_transformer.py. */
const configs: Record<string, BertConfig> = {
  bert: { vocabSize: 50, hiddenSize: 32, numLayers: 2, numHeads: 4, intermediateSize: 64, maxPositions: 16, embeddingSize: 16 },
  bert16: { vocabSize: 20, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, maxPositions: 8, typeVocabSize: 3 },
};

function loaded(name: string): Bert {
  const model = new Bert(configs[name]);
  model.loadStateDict(state(name));
  return model.eval();
}

const ids = (rows: number[][]): Tensor => torch.tensor(rows, { dtype: 'int64' });

for (const name of Object.keys(configs)) {
  test(`${name}: matches the PyTorch model built from torch.nn pieces, with padding and token types`, () => {
    const model = loaded(name);
    const out = model.forward(g(`${name}.ids`), { attentionMask: g(`${name}.mask`), tokenTypeIds: g(`${name}.types`) });
    assertClose(out, g(`${name}.out`), { atol: 1e-5, rtol: 1e-5 });
  });
}

test('state-dict keys: BERT embeddings, ELECTRA projection only when embeddingSize ≠ hiddenSize, PyTorch encoder layers', () => {
  const keys = Object.keys(new Bert(configs.bert).stateDict());
  for (const k of [
    'embeddings.word_embeddings.weight',
    'embeddings.position_embeddings.weight',
    'embeddings.token_type_embeddings.weight',
    'embeddings.LayerNorm.weight',
    'embeddings_project.weight',
    'encoder.layers.1.self_attn.in_proj_weight',
    'encoder.layers.0.norm2.bias',
  ])
    assert.ok(keys.includes(k), k);
  assert.ok(!Object.keys(new Bert(configs.bert16).stateDict()).some((k) => k.startsWith('embeddings_project')));
});

test('the parameter count follows the formula', () => {
  const count = (c: Required<BertConfig>): number => {
    const [V, H, E, I, P, Tt, L] = [
      c.vocabSize,
      c.hiddenSize,
      c.embeddingSize,
      c.intermediateSize,
      c.maxPositions,
      c.typeVocabSize,
      c.numLayers,
    ];
    const embeddings = (V + P + Tt) * E + 2 * E;
    const projection = E === H ? 0 : E * H + H;
    const layer = 4 * H * H + 4 * H + 2 * H * I + I + H + 4 * H; // attention, feed-forward, two LayerNorms
    return embeddings + projection + L * layer;
  };
  for (const c of Object.values(configs)) {
    const model = new Bert(c);
    assert.equal(model.numParameters(), count(model.config));
  }
  assert.equal(new Bert(configs.bert).numParameters(), 1_120 + 544 + 2 * 8_544); // embeddings, projection, layers
});

test('initialisation as BERT: weights N(0, 0.02²), biases 0, LayerNorm 1 and 0', () => {
  torch.manualSeed(0);
  const sd = new Bert({ ...configs.bert, vocabSize: 2000 }).stateDict();
  const word = sd['embeddings.word_embeddings.weight'];
  assert.ok(Math.abs(word.std().item() - 0.02) < 1e-3, `word embedding std ${word.std().item()}`);
  assert.ok(Math.abs(sd['encoder.layers.0.self_attn.in_proj_weight'].std().item() - 0.02) < 2e-3);
  assert.ok(Math.abs(sd['encoder.layers.0.linear1.weight'].std().item() - 0.02) < 2e-3);
  for (const k of [
    'encoder.layers.0.self_attn.in_proj_bias',
    'encoder.layers.1.linear2.bias',
    'embeddings_project.bias',
    'embeddings.LayerNorm.bias',
  ])
    assert.equal(sd[k].abs().sum().item(), 0, k);
  assert.deepEqual(sd['encoder.layers.1.norm1.weight'].toArray(), Array(32).fill(1));
});

test('padding positions do not change the unpadded outputs', () => {
  const model = loaded('bert');
  const mask = ids([
    [1, 1, 1, 1, 0, 0],
    [1, 1, 1, 1, 1, 1],
  ]);
  const a = model.forward(
    ids([
      [3, 7, 1, 9, 0, 0],
      [4, 4, 2, 8, 5, 6],
    ]),
    { attentionMask: mask },
  );
  const b = model.forward(
    ids([
      [3, 7, 1, 9, 41, 17],
      [4, 4, 2, 8, 5, 6],
    ]),
    { attentionMask: mask },
  );
  assertClose(a.narrow(1, 0, 4), b.narrow(1, 0, 4), { atol: 1e-6, msg: 'other tokens under the padding' });
  const alone = model.forward(ids([[3, 7, 1, 9]])); // the first sequence without padding
  assertClose(a.select(0, 0).narrow(0, 0, 4), alone.select(0, 0), { atol: 1e-5, msg: 'same as the unpadded sequence alone' });
  assertClose(a.select(0, 1), b.select(0, 1), { atol: 1e-6, msg: 'other batch rows unaffected' });
});

test('token types change the output; dropout is active only in training', () => {
  torch.manualSeed(4);
  const model = new Bert({ ...configs.bert16, dropout: 0.3 }).eval();
  const x = ids([[1, 2, 3, 4]]);
  const base = model.forward(x);
  assertClose(model.forward(x, { tokenTypeIds: torch.zerosLike(x) }), base, { msg: 'default token types are zeros' });
  assert.ok(
    model
      .forward(x, { tokenTypeIds: ids([[0, 1, 2, 1]]) })
      .sub(base)
      .abs()
      .max()
      .item() > 1e-3,
  );
  assert.ok(model.train().forward(x).sub(base).abs().max().item() > 1e-3, 'training output differs');
  assertClose(model.eval().forward(x), base, { msg: 'eval is deterministic' });
});

test('errors: out-of-range token ids, too-long sequences, malformed inputs', () => {
  const model = new Bert(configs.bert16);
  assertThrows(() => model.forward(ids([[1, 20]])), /^embedding: index out of range/, torch.TorchError);
  assertThrows(() => model.forward(ids([[1, 2]]), { tokenTypeIds: ids([[0, 3]]) }), /^embedding:/, torch.TorchError);
  assertThrows(() => model.forward(torch.zeros([1, 9], { dtype: 'int64' })), /sequence length 9 exceeds maxPositions 8/, RangeError);
  assertThrows(
    () => model.forward(torch.zeros([1, 4])),
    /int64 inputIds of shape \[batch, length\] but received float32 \[1,4\]/,
    TypeError,
  );
  assertThrows(
    () => model.forward(ids([[1, 2]]), { attentionMask: ids([[1, 1, 1]]) }),
    /attentionMask of shape \[1, 2\] like inputIds but received \[1,3\]/,
    RangeError,
  );
  assertThrows(() => new Bert({ ...configs.bert16, numHeads: 0 }), /positive integer for config.numHeads but received 0/, RangeError);
});
