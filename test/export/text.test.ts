/**
 * ONNX export of the BERT-style text encoder (src/export/onnx/text.ts): small
 * random encoders (weights N(0, 0.2²), random LayerNorm affines, eval mode) and
 * a text classifier run in onnxruntime-node give libtorch's outputs within 1e-4
 * (fp32) on padded batches (attention_mask 0 on [PAD]) at two sequence lengths
 * and two batch sizes through one exported file; the model proto (int64 inputs,
 * dynamic batch and sequence, opset 17, state-dict names); int8 (MatMul weights
 * per channel) near the float encoder; the errors; and `selfsup export` on a
 * tiny ELECTRA run trained here: real text tokenised by the run's tokenizer
 * (selfsup's and Hugging Face's give the same ids), `--int8` calibrated on the
 * run's sequences, and `--layer`, `--web` and a run without weights rejected
 * with one clear line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { torch } from '../../src/index.js';
import * as nn from '../../src/nn/index.js';
import { Bert, bertInit_, type BertConfig } from '../../src/models/bert.js';
import { TextClassifier } from '../../src/models/text-classifier.js';
import { Tokenizer } from '../../src/text/tokenizer.js';
import { exportOnnx, onnxReference, OPSET, quantizeOnnx } from '../../src/export/onnx/index.js';
import { assertThrows } from '../helpers.js';
import { maxDiff, runOrt } from './ort.js';
import { selfsup } from './runs.js';

const TOLERANCE = 1e-4;
/** int8 against float: every real token's hidden state within this cosine, the pooled output within this fraction of its scale. */
const [INT8_COSINE, INT8_POOLED] = [0.99, 0.1];
const SMALL: BertConfig = {
  vocabSize: 60,
  hiddenSize: 32,
  embeddingSize: 16,
  numLayers: 2,
  numHeads: 4,
  intermediateSize: 64,
  maxPositions: 16,
};

/** A random encoder in eval mode: BERT's init at std 0.2 (attention far from uniform) and LayerNorm γ ∈ [0.5, 1.5), β ~ N(0, 0.1²). */
function randomBert(config: BertConfig): Bert {
  const m = new Bert(config);
  m.initWeights(0.2);
  torch.noGrad(() => {
    for (const l of m.modules())
      if (l instanceof nn.LayerNorm) {
        l.weight!.copy_(torch.rand(l.weight!.shape).add(0.5));
        l.bias!.copy_(torch.randn(l.bias!.shape).mul(0.1));
      }
  });
  return m.eval();
}

/** A classifier over `bert` with its head initialised at std 0.3 (BERT's 0.02 gives logits too small to test), in eval mode. */
function randomClassifier(bert: Bert, classes: number): TextClassifier {
  const c = new TextClassifier(bert, classes);
  bertInit_(c.classifier, 0.3);
  return c.eval();
}

/** Ids [B, T] of real tokens (≥ 5) with row i padded ([PAD] = 0, mask 0) after `real[i]` tokens. */
function paddedBatch(vocab: number, T: number, real: number[]): { input_ids: torch.Tensor; attention_mask: torch.Tensor } {
  const mask = torch.tensor(
    real.map((n) => Array.from({ length: T }, (_, t) => (t < n ? 1 : 0))),
    { dtype: 'int64' },
  ); // [B, T]
  const ids = torch.randint(5, vocab, [real.length, T], { dtype: 'int64' }).mul(mask); // [B, T]
  return { input_ids: ids, attention_mask: mask };
}

/** One export of `model`, run at lengths 5 and 16 (the longest) and batches 1 and 3, padded; returns the worst difference. */
async function textParity(model: nn.Module, vocab: number): Promise<{ diff: number; scale: number }> {
  const exported = exportOnnx(model, { inputShape: [16] });
  const worst = { diff: 0, scale: 0 };
  for (const [T, real] of [
    [5, [5, 3, 1]],
    [16, [16, 9, 2]],
    [16, [11]],
  ] as [number, number[]][]) {
    const { diff, scale } = await maxDiff(model, paddedBatch(vocab, T, real), { inputShape: [16] }, exported);
    assert.ok(scale > 0.1, `outputs of scale ${scale}: not a test of the weights`);
    assert.ok(
      diff <= TOLERANCE * Math.max(1, scale),
      `T ${T}, real ${real}: max |onnxruntime − libtorch| = ${diff} (outputs up to ${scale})`,
    );
    worst.diff = Math.max(worst.diff, diff);
    worst.scale = Math.max(worst.scale, scale);
  }
  return worst;
}

/** The metadata_props of an ONNX file. */
const decodeMeta = (bytes: Uint8Array): Record<string, string> =>
  Object.fromEntries(onnxProto.onnx.ModelProto.decode(bytes).metadataProps.map((x) => [x.key!, x.value!]));

/** int8 against libtorch's float: the least cosine of a real token's hidden state, the largest |pooled difference| over the largest |pooled|. */
async function int8Drift(bytes: Uint8Array, model: Bert, feeds: Record<string, torch.Tensor>): Promise<{ cosine: number; pooled: number }> {
  const got = await runOrt(bytes, feeds);
  const want = onnxReference(model, feeds);
  const [B, T, H] = want.last_hidden_state.shape;
  const [h, q] = [want.last_hidden_state.contiguous().data() as Float32Array, got.last_hidden_state.data];
  const mask = feeds.attention_mask.toArray();
  let cosine = 1;
  for (let r = 0; r < B * T; r++) {
    if (!mask[r]) continue;
    let [dot, a, b] = [0, 0, 0];
    for (let j = r * H; j < (r + 1) * H; j++) [dot, a, b] = [dot + h[j] * q[j], a + h[j] ** 2, b + q[j] ** 2];
    cosine = Math.min(cosine, dot / Math.sqrt(a * b));
  }
  const [p, pq] = [want.pooled.contiguous().data() as Float32Array, got.pooled.data];
  const diff = p.reduce((m, v, i) => Math.max(m, Math.abs(v - pq[i])), 0);
  return { cosine, pooled: diff / p.reduce((m, v) => Math.max(m, Math.abs(v)), 0) };
}

const MODELS: [string, () => nn.Module, number][] = [
  ['BERT encoder, E ≠ H (ELECTRA projection), GELU, 4 heads', () => randomBert(SMALL), SMALL.vocabSize],
  [
    'BERT encoder, E = H, ReLU, 1 head, 3 layers',
    () => randomBert({ ...SMALL, hiddenSize: 24, embeddingSize: 24, numHeads: 1, numLayers: 3, activation: 'relu', vocabSize: 40 }),
    40,
  ],
  ['TextClassifier (encoder + [CLS] head), 3 classes', () => randomClassifier(randomBert(SMALL), 3), SMALL.vocabSize],
];

for (const [name, make, vocab] of MODELS)
  test(`ONNX parity with onnxruntime-node, padded batches at two lengths: ${name}`, async () => {
    torch.manualSeed(0);
    const { diff, scale } = await textParity(make(), vocab);
    console.log(`# ${name}: max |diff| ${diff.toExponential(2)}, outputs up to ${scale.toFixed(2)}`);
  });

test('ONNX text model: int64 input_ids and attention_mask [batch, sequence], outputs, opset 17, state-dict names, no dropout', () => {
  torch.manualSeed(0);
  const model = randomBert(SMALL);
  const { bytes, inputs, outputs } = exportOnnx(model, { inputShape: [16], metadata: { method: 'electra' } });
  assert.deepEqual(
    inputs.map((v) => [v.name, v.dtype, v.shape]),
    [
      ['input_ids', 'int64', ['batch', 'sequence']],
      ['attention_mask', 'int64', ['batch', 'sequence']],
    ],
  );
  assert.deepEqual(outputs, [
    { name: 'last_hidden_state', shape: ['batch', 'sequence', 32] },
    { name: 'pooled', shape: ['batch', 32] },
  ]);
  const m = onnxProto.onnx.ModelProto.decode(bytes);
  assert.equal(Number(m.opsetImport[0].version), OPSET);
  const input = m.graph!.input![0].type!.tensorType!;
  assert.equal(input.elemType, onnxProto.onnx.TensorProto.DataType.INT64);
  assert.deepEqual(
    input.shape!.dim!.map((d) => d.dimParam),
    ['batch', 'sequence'],
  );
  const names = new Set(m.graph!.initializer!.map((t) => t.name));
  for (const key of ['embeddings.word_embeddings.weight', 'embeddings.LayerNorm.weight', 'encoder.layers.1.self_attn.in_proj_bias'])
    assert.ok(names.has(key), `initializer ${key}`);
  const ops = new Set(m.graph!.node!.map((n) => n.opType));
  for (const op of ['Gather', 'LayerNormalization', 'Softmax', 'Erf', 'Where']) assert.ok(ops.has(op), `a ${op} node`);
  assert.ok(!ops.has('Dropout'), 'no Dropout node in eval');
});

test('int8 text encoder: MatMul weights per output channel, calibrated on padded batches, close to the float encoder', async () => {
  torch.manualSeed(0);
  const model = randomBert(SMALL);
  const float = exportOnnx(model, { inputShape: [16] });
  const q = await quantizeOnnx(float.bytes, {
    calibration: paddedBatch(
      SMALL.vocabSize,
      16,
      Array.from({ length: 64 }, (_, i) => 2 + (i % 15)),
    ),
  });
  assert.equal(q.quantizedNodes, 1 + 4 * SMALL.numLayers, "embeddings_project and each layer's in-, out-projection and feed-forward");
  const drift = await int8Drift(q.bytes, model, paddedBatch(SMALL.vocabSize, 16, [16, 9, 2]));
  console.log(`# random encoder, int8: ${q.bytes.length} / ${float.bytes.length} bytes; ${JSON.stringify(drift)}`);
  assert.ok(drift.cosine >= INT8_COSINE && drift.pooled <= INT8_POOLED, `int8 drift ${JSON.stringify(drift)}`);
  const ids = torch.ones([4, 16], { dtype: 'int64' });
  await assert.rejects(
    quantizeOnnx(float.bytes, { calibration: ids }),
    /quantizeOnnx: expected calibration inputs named input_ids, attention_mask but received one tensor/,
  );
  await assert.rejects(
    quantizeOnnx(float.bytes, { calibration: { input_ids: ids, attention_mask: ids.narrow(0, 0, 2) } }),
    /expected calibration inputs attention_mask \[N ≥ 1, sequence\] \(one N for all\) but received \[2, 16\]/,
  );
});

test('ONNX text export errors: training mode, the probe shape and length, a layer, a model inside another', () => {
  torch.manualSeed(0);
  assertThrows(() => exportOnnx(new Bert(SMALL), { inputShape: [8] }), /module "\(root\)" \(Bert\) is in training mode/);
  const bert = randomBert(SMALL);
  assertThrows(
    () => exportOnnx(bert, { inputShape: [8, 4] }),
    /expected inputShape \[sequence\] for a text model but received \[8,4\]/,
    RangeError,
  );
  assertThrows(
    () => exportOnnx(bert, { inputShape: [17] }),
    /the model does not run on inputs \[batch, 17\]: Bert: sequence length 17 exceeds maxPositions 16/,
    RangeError,
  );
  assertThrows(
    () => exportOnnx(bert, { inputShape: [8], layer: 'pooled' }),
    /layer is a TrillNet and FrillNet option but the model is a Bert/,
    TypeError,
  );
  assertThrows(
    () => exportOnnx(new nn.Sequential(bert).eval(), { inputShape: [8] }),
    /the model does not run on inputs \[batch, 8\]: Bert: expected int64 inputIds of shape \[batch, length\] but received float32 \[2,8\]/,
    RangeError,
  );
});

test('selfsup export of a tiny ELECTRA run: real text through the run tokenizer, onnxruntime equals libtorch, int8 close; layer, web, missing weights rejected', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-export-text-'));
  try {
    const run = join(dir, 'electra');
    const size = ['--model.hidden-size', '16', '--model.embedding-size', '8', '--model.layers', '1', '--model.heads', '2'];
    const data = ['--data.vocab-size', '300', '--data.max-tokens', '20000', '--data.max-length', '32'];
    const train = ['--train.steps', '4', '--train.batch-size', '4', '--train.snapshots', '1'];
    const p = selfsup('pretrain', '--method', 'electra', ...size, '--model.intermediate-size', '32', ...data, ...train, '--out', run);
    assert.equal(p.status, 0, p.stderr);
    const e = selfsup('export', run);
    assert.equal(e.status, 0, e.stderr);
    const file = join(run, 'encoder.onnx');
    assert.equal(e.stdout.trim(), file);
    assert.match(
      e.stderr,
      /encoder → input_ids \[batch, sequence\], attention_mask \[batch, sequence\] → last_hidden_state \[batch, sequence, 16\], pooled \[batch, 16\]/,
    );
    const bytes = readFileSync(file);
    const meta = decodeMeta(bytes);
    const tok = Tokenizer.load(join(run, 'tokenizer.json'));
    assert.deepEqual([meta.method, meta.vocab_size, meta.max_length], ['electra', String(tok.vocabSize), '32']);
    assert.equal(JSON.parse(meta.tokenizer!).specialTokens['[PAD]'], 0);

    const texts = ['The jury said it did find that many of the registration practices were handled well.', 'Hello there.', 'A dog.'];
    const batch = tok.encodeBatch(texts, { maxLength: 32 });
    const hf = new HfTokenizer(
      JSON.parse(readFileSync(join(run, 'hf', 'tokenizer.json'), 'utf8')),
      JSON.parse(readFileSync(join(run, 'hf', 'tokenizer_config.json'), 'utf8')),
    );
    texts.forEach((t, i) => assert.deepEqual(hf.encode(t).ids, tok.encode(t, { addSpecialTokens: true }), `Hugging Face ids of text ${i}`));
    assert.ok(batch.attentionMask.sum().item() < batch.attentionMask.numel(), 'the batch holds padding');
    const bert = new Bert({
      vocabSize: tok.vocabSize,
      hiddenSize: 16,
      embeddingSize: 8,
      numLayers: 1,
      numHeads: 2,
      intermediateSize: 32,
      maxPositions: 32,
    });
    bert.loadStateDict(torch.safetensors.loadFile(join(run, 'encoder.safetensors')));
    bert.eval();
    const feeds = { input_ids: batch.inputIds, attention_mask: batch.attentionMask };
    const { diff, scale } = await maxDiff(
      bert,
      feeds,
      { inputShape: [32] },
      {
        bytes,
        outputs: [
          { name: 'last_hidden_state', shape: [] },
          { name: 'pooled', shape: [] },
        ],
      },
    );
    assert.ok(scale > 0.1 && diff <= TOLERANCE * Math.max(1, scale), `trained run: max diff ${diff} at scale ${scale}`);
    console.log(`# trained ELECTRA run, real text: max |diff| ${diff.toExponential(2)}, outputs up to ${scale.toFixed(2)}`);

    const q = selfsup('export', run, '--int8', '--calibration', '64');
    assert.equal(q.status, 0, q.stderr);
    const int8 = readFileSync(join(run, 'encoder.int8.onnx'));
    const quantization = JSON.parse(decodeMeta(int8).quantization!) as { nodes: number; calibration: number };
    assert.deepEqual(
      [quantization.nodes, quantization.calibration],
      [5, 64],
      "embeddings_project and the layer's 4 matrices, 64 sequences",
    );
    const weights = new Map(onnxProto.onnx.ModelProto.decode(int8).graph!.initializer!.map((t) => [t.name, t.dataType]));
    assert.equal(weights.get('encoder.layers.0.linear1.weight_t.int8'), onnxProto.onnx.TensorProto.DataType.INT8, 'an int8 weight');
    assert.ok(!weights.has('encoder.layers.0.linear1.weight_t'), 'and not its float one');
    const drift = await int8Drift(int8, bert, feeds);
    console.log(`# trained ELECTRA run, int8: ${int8.length} / ${bytes.length} bytes; ${JSON.stringify(drift)}`);
    assert.ok(drift.cosine >= INT8_COSINE && drift.pooled <= INT8_POOLED, `int8 drift ${JSON.stringify(drift)}`);
    const l = selfsup('export', run, '--layer', 'pooled');
    assert.notEqual(l.status, 0);
    assert.match(l.stderr, /export: layer applies to TRILL and FRILL runs only/);
    const w = selfsup('export', run, '--web', join(dir, 'page'));
    assert.notEqual(w.status, 0);
    assert.match(w.stderr, /export --web: \S+ is a text run; the page serves image and audio runs \(leave out --web\)/);
    const bare = join(dir, 'bare');
    mkdirSync(bare);
    for (const f of ['config.json', 'tokenizer.json']) copyFileSync(join(run, f), join(bare, f));
    const b = selfsup('export', bare);
    assert.notEqual(b.status, 0);
    assert.match(b.stderr, /export: \S+bare has no encoder.safetensors \(the trained encoder; has the run finished\?/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
