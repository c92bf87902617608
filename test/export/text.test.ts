/**
 * ONNX export of the BERT-style text encoder (src/export/onnx/text.ts): small
 * random encoders (weights N(0, 0.2²), random LayerNorm affines, eval mode) and
 * a text classifier run in onnxruntime-node give libtorch's outputs within 1e-4
 * (fp32) on padded batches (attention_mask 0 on [PAD]) at two sequence lengths
 * and two batch sizes through one exported file; the model proto (int64 inputs,
 * dynamic batch and sequence, opset 17, state-dict names); int8 (MatMul weights
 * per channel) near the float encoder; the errors. text-cli.test.ts exports a
 * trained run with the CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import onnxProto from 'onnx-proto';
import { torch } from '../../src/index.js';
import * as nn from '../../src/nn/index.js';
import { Bert, bertInit_, type BertConfig } from '../../src/models/bert.js';
import { TextClassifier } from '../../src/models/text-classifier.js';
import { exportOnnx, OPSET, quantizeOnnx } from '../../src/export/onnx/index.js';
import { assertThrows } from '../helpers.js';
import { INT8_COSINE, INT8_POOLED, int8Drift, maxDiff } from './ort.js';

const TOLERANCE = 1e-4;
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
