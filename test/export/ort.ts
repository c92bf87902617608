/** Runs an exported model in onnxruntime-node and compares it with libtorch (the ONNX parity tests). */
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { torch } from '../../src/index.js';
import * as nn from '../../src/nn/index.js';
import { exportOnnx, onnxReference, type OnnxExportOptions, type OnnxModel } from '../../src/export/onnx/index.js';
import { ortFeeds } from '../../src/export/onnx/feeds.js';

/** Runs ONNX `bytes` on x (float32, or a text model's int64 inputs by name) in onnxruntime-node on one thread: output name → { data, dims }. */
export async function runOrt(
  bytes: Uint8Array,
  x: torch.Tensor | Record<string, torch.Tensor>,
): Promise<Record<string, { data: Float32Array; dims: number[] }>> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const out = await session.run(ortFeeds(session.inputNames, x));
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { data: t.data as Float32Array, dims: t.dims.map(Number) }]));
  } finally {
    await session.release();
  }
}

/** Largest |onnxruntime − libtorch| over every output of `model` on x, and the outputs' largest |value|; `exported`: this export of it. */
export async function maxDiff(
  model: nn.Module,
  x: torch.Tensor | Record<string, torch.Tensor>,
  o: OnnxExportOptions,
  exported: Pick<OnnxModel, 'bytes' | 'outputs'> = exportOnnx(model, o),
): Promise<{ diff: number; scale: number }> {
  const { bytes, outputs } = exported;
  const got = await runOrt(bytes, x);
  const want = onnxReference(model, x, o.layer);
  assert.deepEqual(Object.keys(got).sort(), outputs.map((v) => v.name).sort(), 'output names');
  let diff = 0;
  let scale = 0;
  for (const [name, t] of Object.entries(want)) {
    const o2 = got[name];
    assert.ok(o2, `onnxruntime gave no output ${name}`);
    assert.deepEqual(o2.dims, t.shape, `${name}: shape`);
    const w = t.contiguous().data() as Float32Array;
    for (let i = 0; i < w.length; i++) {
      assert.ok(Number.isFinite(o2.data[i]) && Number.isFinite(w[i]), `${name}[${i}]: finite`);
      diff = Math.max(diff, Math.abs(o2.data[i] - w[i]));
      scale = Math.max(scale, Math.abs(w[i]));
    }
  }
  return { diff, scale };
}

/**
 * Random batch-norm statistics and affine parameters, so the export of eval-mode BN
 * is exercised, and PyTorch's default init for Linear layers (MobileNetV3's N(0, 0.01)
 * gives logits too small to test); returns the model in eval mode.
 */
export function randomize<M extends nn.Module>(model: M): M {
  torch.noGrad(() => {
    for (const m of model.modules())
      if (m instanceof nn.Linear) m.resetParameters();
      else if (m instanceof nn.BatchNorm1d || m instanceof nn.BatchNorm2d) {
        m.runningMean!.copy_(torch.randn([m.numFeatures]).mul(0.1));
        m.runningVar!.copy_(torch.rand([m.numFeatures]).add(0.5));
        m.weight?.copy_(torch.rand([m.numFeatures]).add(0.5));
        m.bias?.copy_(torch.randn([m.numFeatures]).mul(0.1));
      }
  });
  return model.eval();
}

/** int8 text encoders against float: every real token's hidden state within this cosine, the pooled output within this fraction of its scale. */
export const [INT8_COSINE, INT8_POOLED] = [0.99, 0.1];

/** The metadata_props of an ONNX file. */
export const decodeMeta = (bytes: Uint8Array): Record<string, string> =>
  Object.fromEntries(onnxProto.onnx.ModelProto.decode(bytes).metadataProps.map((x) => [x.key!, x.value!]));

/** int8 against libtorch's float: the least cosine of a real token's hidden state, the largest |pooled difference| over the largest |pooled|. */
export async function int8Drift(
  bytes: Uint8Array,
  model: nn.Module,
  feeds: Record<string, torch.Tensor>,
): Promise<{ cosine: number; pooled: number }> {
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
