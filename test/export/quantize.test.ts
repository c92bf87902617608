/**
 * int8 post-training quantization (src/export/onnx/quantize.ts, qdq.ts): the
 * weight and activation quantizers' values, the QDQ layout of a quantized
 * ResNet and that onnxruntime fuses it into QLinearConv, embeddings of real
 * Fashion-MNIST images close to the float model's, and a classifier trained
 * here on Fashion-MNIST whose test accuracy drops by at most 1.5 points in int8.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { torch, data } from '../../src/index.js';
import { createEncoder } from '../../src/models/encoders.js';
import { Classifier } from '../../src/models/classifier.js';
import { Adam } from '../../src/optim/index.js';
import { ReLU, Sequential } from '../../src/nn/index.js';
import { exportOnnx, quantizeOnnx } from '../../src/export/onnx/index.js';
import { activationParams, quantizeWeight } from '../../src/export/onnx/qdq.js';
import { runOrt } from './ort.js';

const DT = onnxProto.onnx.TensorProto.DataType;
const images = (split: 'train' | 'test', limit: number): torch.Tensor => data.loadFashionMnist(split, { limit }).images.float().div(255);

/** Cosine similarity of each row pair of a and b [N, D]. */
function cosines(a: Float32Array, b: Float32Array, d: number): number[] {
  return Array.from({ length: a.length / d }, (_, i) => {
    let [ab, aa, bb] = [0, 0, 0];
    for (let j = i * d; j < (i + 1) * d; j++) [ab, aa, bb] = [ab + a[j] * b[j], aa + a[j] * a[j], bb + b[j] * b[j]];
    return ab / Math.sqrt(aa * bb);
  });
}

test('quantizeWeight: per-channel symmetric int8, each channel’s largest |w| at ±127, error ≤ half a step', () => {
  const w = { dims: [2, 3], data: Float32Array.of(0.6, -1, 0.25, 0.03, 0.01, -0.04) };
  const { q, scales } = quantizeWeight(w, 0);
  assert.deepEqual(
    [...scales].map((s) => s * 127),
    [1, 0.04].map((v) => Math.fround(v / 127) * 127),
  );
  assert.deepEqual([...q], [76, -127, 32, 95, 32, -127]);
  w.data.forEach((v, i) => assert.ok(Math.abs(q[i] * scales[Math.floor(i / 3)] - v) <= scales[Math.floor(i / 3)] / 2 + 1e-9));
  const byColumn = quantizeWeight({ dims: [2, 2], data: Float32Array.of(0.9, -0.5, -2, 0.3) }, 1); // Gemm without transB: [in, out]
  assert.deepEqual([...byColumn.q], [57, -127, -127, 76]);
  assert.deepEqual([...quantizeWeight({ dims: [1, 2], data: new Float32Array(2) }, 0).scales], [1]);
});

test('activationParams: uint8 over the range widened to include 0', () => {
  assert.deepEqual(activationParams({ lo: -1, hi: 3 }), { scale: 4 / 255, zeroPoint: 64 });
  assert.deepEqual(activationParams({ lo: 0.5, hi: 2 }), { scale: 2 / 255, zeroPoint: 0 });
  assert.deepEqual(activationParams({ lo: -6, hi: -2 }), { scale: 6 / 255, zeroPoint: 255 });
  assert.deepEqual(activationParams({ lo: 0, hi: 0 }), { scale: 1, zeroPoint: 0 });
});

test('quantizeOnnx: QDQ layout (int8 per-channel weights, int32 biases, uint8 inputs), fused by onnxruntime into QLinearConv', async () => {
  torch.manualSeed(0);
  const net = createEncoder({ arch: 'resnet18', width: 0.125, smallStem: false, inChannels: 1 }).eval();
  const float = exportOnnx(net, { inputShape: [1, 28, 28] });
  const q = await quantizeOnnx(float.bytes, { calibration: images('train', 64) });
  const m = onnxProto.onnx.ModelProto.decode(q.bytes);
  const g = m.graph!;
  const init = new Map(g.initializer!.map((t) => [t.name!, t]));
  const producer = new Map(g.node!.map((n) => [n.output![0], n]));
  const convs = g.node!.filter((n) => n.opType === 'Conv' || n.opType === 'Gemm');
  assert.equal(convs.length, 20);
  assert.equal(q.quantizedNodes, 20);
  assert.ok(!g.node!.some((n) => n.opType === 'BatchNormalization'), 'batch norm folded');
  for (const n of convs) {
    const [x, w, b] = n.input!.map((v) => producer.get(v));
    assert.equal(x?.opType, 'DequantizeLinear', `${n.name}: input dequantized`);
    assert.equal(producer.get(x!.input![0])?.opType, 'QuantizeLinear');
    assert.equal(init.get(x!.input![2])!.dataType, DT.UINT8);
    assert.equal(w?.opType, 'DequantizeLinear', `${n.name}: weight dequantized`);
    const [wq, ws, wz] = w!.input!.map((v) => init.get(v)!);
    const out = Number(wq.dims![0]);
    assert.deepEqual([wq.dataType, ws.dims!.map(Number), wz.dataType], [DT.INT8, [out], DT.INT8]);
    assert.equal(Number(w!.attribute!.find((a) => a.name === 'axis')!.i), 0);
    assert.equal(init.get(b!.input![0])!.dataType, DT.INT32, `${n.name}: int32 bias`);
  }
  assert.ok(!g.initializer!.some((t) => t.dataType === DT.FLOAT && (t.dims ?? []).length > 1), 'no float weight matrix is left');
  assert.ok(JSON.parse(q.metadata.quantization).calibration === 64);
  assert.ok(q.bytes.length < 0.3 * float.bytes.length, `int8 ${q.bytes.length} B vs float ${float.bytes.length} B`);

  const dir = mkdtempSync(join(tmpdir(), 'selfsup-int8-'));
  try {
    const ort = await import('onnxruntime-node');
    const file = join(dir, 'optimized.onnx');
    const session = await ort.InferenceSession.create(q.bytes, { intraOpNumThreads: 1, optimizedModelFilePath: file, logSeverityLevel: 3 });
    await session.release();
    const ops = onnxProto.onnx.ModelProto.decode(readFileSync(file)).graph!.node!.map((n) => n.opType);
    assert.equal(ops.filter((o) => o === 'QLinearConv').length, 20, ops.join(' '));
    assert.ok(!ops.includes('Conv'), ops.join(' '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('quantizeOnnx: embeddings of real images keep a mean cosine > 0.99 with the float model’s (ResNet-18, MobileNetV3-Small)', async () => {
  const calibration = images('train', 256);
  const x = images('test', 200);
  for (const arch of ['resnet18', 'mobilenetV3Small']) {
    torch.manualSeed(1);
    const net = createEncoder({ arch, width: 0.25, smallStem: true, inChannels: 1 }).eval();
    const float = exportOnnx(net, { inputShape: [1, 28, 28] });
    const q = await quantizeOnnx(float.bytes, { calibration });
    const [a, b] = [(await runOrt(float.bytes, x)).output, (await runOrt(q.bytes, x)).output];
    const cos = cosines(a.data, b.data, a.dims[1]);
    const mean = cos.reduce((s, c) => s + c, 0) / cos.length;
    console.log(`${arch}: cosine mean ${mean.toFixed(5)}, min ${Math.min(...cos).toFixed(5)}; ${float.bytes.length} → ${q.bytes.length} B`);
    assert.ok(mean > 0.99 && Math.min(...cos) > 0.95, `${arch}: mean ${mean}, min ${Math.min(...cos)}`);
  }
});

test('quantizeOnnx: a Fashion-MNIST classifier loses ≤ 1.5 points of test accuracy in int8, agrees on ≥ 95 % of images', async () => {
  torch.manualSeed(0);
  const train = data.loadFashionMnist('train', { limit: 20000 });
  const net = new Classifier(createEncoder({ arch: 'resnet18', width: 0.25, smallStem: false, inChannels: 1 }), 10);
  const optimizer = new Adam(net.parameters(), { lr: 2e-3 });
  const generator = new torch.Generator(1);
  for (let step = 0; step < 300; step++)
    torch.scope(() => {
      const idx = torch.randint(0, 20000, [64], { generator }); // [64]
      optimizer.zeroGrad();
      torch.nn.functional
        .crossEntropy(net.forward(train.images.indexSelect(0, idx).float().div(255)), train.labels.indexSelect(0, idx))
        .backward();
      optimizer.step();
    });
  net.eval();
  const test = data.loadFashionMnist('test', { limit: 2000 });
  const x = test.images.float().div(255); // [2000, 1, 28, 28]
  const labels = test.labels.data() as BigInt64Array;
  const float = exportOnnx(net, { inputShape: [1, 28, 28] });
  const q = await quantizeOnnx(float.bytes, { calibration: images('train', 256) }); // the first 256 training images, unlabelled
  const predict = async (bytes: Uint8Array): Promise<number[]> => {
    const { data: logits } = (await runOrt(bytes, x)).output; // [2000, 10]
    return Array.from({ length: labels.length }, (_, i) => {
      const row = logits.subarray(i * 10, (i + 1) * 10);
      return row.indexOf(Math.max(...row));
    });
  };
  const [pf, pq] = [await predict(float.bytes), await predict(q.bytes)];
  const accuracy = (p: number[]): number => p.filter((c, i) => BigInt(c) === labels[i]).length / p.length;
  const agreement = pf.filter((c, i) => c === pq[i]).length / pf.length;
  const [af, aq] = [accuracy(pf), accuracy(pq)];
  console.log(
    `fp32 ${(100 * af).toFixed(2)} %, int8 ${(100 * aq).toFixed(2)} %, agreement ${(100 * agreement).toFixed(2)} %; ${float.bytes.length} → ${q.bytes.length} B (${(q.bytes.length / float.bytes.length).toFixed(3)})`,
  );
  assert.ok(af > 0.75, `the float classifier learned (${af})`);
  assert.ok(aq >= af - 0.015, `int8 accuracy ${aq} vs fp32 ${af}`);
  assert.ok(agreement >= 0.95, `agreement ${agreement}`);
  assert.ok(q.bytes.length < 0.3 * float.bytes.length);
});

test('quantizeOnnx: bad input is a clear error', async () => {
  const net = createEncoder({ arch: 'resnet18', width: 0.125, smallStem: true, inChannels: 1 }).eval();
  const { bytes } = exportOnnx(net, { inputShape: [1, 8, 8] });
  await assert.rejects(
    quantizeOnnx(bytes, { calibration: torch.zeros([4, 3, 8, 8]) }),
    /quantizeOnnx: expected calibration inputs \[N ≥ 1, 1, 8, 8\] but received \[4, 3, 8, 8\]/,
  );
  await assert.rejects(
    quantizeOnnx(bytes, { calibration: torch.zeros([0, 1, 8, 8]) }),
    /expected calibration inputs \[N ≥ 1, 1, 8, 8\] but received \[0, 1, 8, 8\]/,
  );
  await assert.rejects(
    quantizeOnnx(Uint8Array.of(1, 2, 3), { calibration: torch.zeros([1, 8]) }),
    /quantizeOnnx: expected the bytes of an ONNX model/,
  );
  const relu = exportOnnx(new Sequential(new ReLU()).eval(), { inputShape: [4] });
  await assert.rejects(
    quantizeOnnx(relu.bytes, { calibration: torch.zeros([2, 4]) }),
    /quantizeOnnx: the model "Sequential" has no Conv, Gemm or MatMul by a weight to quantize/,
  );
});
