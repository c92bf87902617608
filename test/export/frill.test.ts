/**
 * FRILL students in ONNX (src/export/onnx/models.ts, layers.ts). A
 * quantization-aware bottleneck exports as QDQ — int8 weights at the
 * fake-quant's per-tensor scale, the output through QuantizeLinear →
 * DequantizeLinear at the learned range — and onnxruntime-node reproduces the
 * fake-quantized eval output code for code: both sides compute the same
 * integer code round(h/s) + z (round half to even, saturating to int8) of the
 * same scale, so they can differ only where libtorch's and onnxruntime's fp32
 * Gemm outputs h (equal to ~1e-6 relative) fall on either side of a rounding
 * boundary — one step s, on a fraction ~1e-4 of the elements; we allow 1 %.
 * Float students are in ./onnx.test.ts. `--int8` keeps the learned Q/DQ pair
 * and onnxruntime runs the bottleneck as integer QGemm;
 * `selfsup export` on a QAT, low-rank FRILL run trained here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { torch, pipeline } from '../../src/index.js';
import { FrillNet, type FrillNetOptions } from '../../src/models/frill.js';
import { weightQuantParams, type QuantParams } from '../../src/nn/index.js';
import { exportOnnx, onnxReference, quantizeOnnx } from '../../src/export/onnx/index.js';
import { exportRun } from '../../src/export/run.js';
import { studentLatency } from '../../src/export/latency.js';
import type { Frill } from '../../src/methods/frill.js';
import { cutItems } from '../../src/methods/log-mel-windows.js';
import { loadAudioSet } from '../../src/data/registry.js';
import { assertThrows } from '../helpers.js';
import { quietErr } from '../methods/resume.js';
import { randomize, runOrt } from './ort.js';
import { selfsup } from './runs.js';

const DT = onnxProto.onnx.TensorProto.DataType;
const WINDOW = [1, 96, 64];

/** A random QAT student whose output range is what FakeQuant's first training batch sets: the min and max of 16 windows' bottleneck. */
function qatStudent(o: Partial<FrillNetOptions>): FrillNet {
  torch.manualSeed(0);
  const net = randomize(
    new FrillNet({ size: 'tiny', widthMultiplier: 0.25, globalPool: true, bottleneck: 64, rank: 0, qat: true, targetDim: 12, ...o }),
  );
  const quant = net.distilled.outputQuant!;
  torch.noGrad(() =>
    torch.scope(() => {
      const features = net.featuresAt(torch.randn([16, ...WINDOW]), ['features'])[0]; // [16, C]
      quant.train();
      net.distilled.forward(features);
      quant.eval();
    }),
  );
  return net;
}

/**
 * Asserts that `got` (onnxruntime) and `want` (libtorch) are fake-quantized
 * values of `p` — integer codes in [−128, 127] — equal but for one-step
 * differences on at most 1 % of the elements (the module comment); returns how many.
 */
function assertSameCodes(got: Float32Array, want: Float32Array, p: QuantParams): { steps: number; distinct: number } {
  assert.equal(got.length, want.length);
  const code = (v: number, side: string, i: number): number => {
    const c = v / Math.fround(p.scale) + p.zeroPoint;
    assert.ok(Math.abs(c - Math.round(c)) < 1e-3 && c > -128.5 && c < 127.5, `${side}[${i}] = ${v} is not on the int8 grid`);
    return Math.round(c);
  };
  let steps = 0;
  const distinct = new Set<number>();
  for (let i = 0; i < got.length; i++) {
    const [a, b] = [code(got[i], 'onnxruntime', i), code(want[i], 'libtorch', i)];
    assert.ok(Math.abs(a - b) <= 1, `element ${i}: codes ${a} (onnxruntime) vs ${b} (libtorch)`);
    if (a !== b) steps++;
    distinct.add(b);
  }
  assert.ok(steps <= 0.01 * got.length, `${steps} of ${got.length} elements differ by one step`);
  return { steps, distinct: distinct.size };
}

const QAT_CASES: [string, Partial<FrillNetOptions>][] = [
  ['tiny, pooled, full bottleneck', {}],
  ['small α 0.5, no pooling, rank 8', { size: 'small', widthMultiplier: 0.5, globalPool: false, rank: 8 }],
];

for (const [name, o] of QAT_CASES)
  test(`FRILL QAT ${name}: int8 QDQ bottleneck; onnxruntime gives libtorch's fake-quantized codes`, async () => {
    const net = qatStudent(o);
    const p = net.distilled.outputQuant!.quantParams();
    const { bytes, outputs } = exportOnnx(net, { inputShape: WINDOW });
    assert.deepEqual(outputs, [{ name: 'distilled_output', shape: ['batch', 64] }]);
    const g = onnxProto.onnx.ModelProto.decode(bytes).graph!;
    const init = new Map(g.initializer!.map((t) => [t.name!, t]));
    const scalar = (name: string): number => new Float32Array(new Uint8Array(init.get(name)!.rawData!).buffer)[0];
    for (const l of net.distilled.layers) {
      const key = `distilled_output.${o.rank ? (l === net.distilled.layers[0] ? 'down' : 'up') : 'dense'}.weight`;
      assert.equal(init.has(key), false, `${key} is not stored as float`);
      assert.deepEqual([init.get(`${key}.int8`)?.dataType, init.get(`${key}.int8`)?.dims?.map(Number)], [DT.INT8, l.weight.shape]);
      assert.equal(scalar(`${key}.scale`), Math.fround(weightQuantParams(l.weight).scale), `${key}: the fake-quant's scale`);
    }
    assert.equal(scalar('distilled_output.output_quant.scale'), Math.fround(p.scale));
    assert.equal(new Int8Array(new Uint8Array(init.get('distilled_output.output_quant.zero_point')!.rawData!).buffer)[0], p.zeroPoint);

    const x = torch.randn([32, ...WINDOW]);
    const got = (await runOrt(bytes, x)).distilled_output.data;
    const want = onnxReference(net, x).distilled_output.contiguous().data() as Float32Array;
    const { steps, distinct } = assertSameCodes(got, want, p);
    assert.ok(distinct > 40, `${distinct} distinct codes: the range is not exercised`);
    console.log(`# ${name}: ${steps} of ${got.length} codes one step apart, ${distinct} distinct codes, scale ${p.scale.toExponential(3)}`);
  });

test('FRILL QAT, int8 export: the learned output Q/DQ stays, the rest is calibrated, onnxruntime fuses QGemm; cosine > 0.98', async () => {
  const net = qatStudent({ rank: 16 });
  const p = net.distilled.outputQuant!.quantParams();
  for (const layer of ['distilled_output', 'embedding_to_target']) {
    const float = exportOnnx(net, { inputShape: WINDOW, layer });
    const q = await quantizeOnnx(float.bytes, { calibration: torch.randn([32, ...WINDOW]) });
    const g = onnxProto.onnx.ModelProto.decode(q.bytes).graph!;
    const reading = (op: string, x: string): number => g.node!.filter((n) => n.opType === op && n.input![0] === x).length;
    assert.equal(reading('QuantizeLinear', 'distilled_output.up'), 1, 'one quantizer on the bottleneck: the learned one');
    assert.equal(q.ranges['distilled_output.up'], undefined, 'no calibrated range over the learned one');
    assert.equal(q.ranges['distilled_output.down']?.lo !== undefined, true, 'the low-rank middle is calibrated');
    const x = torch.randn([8, ...WINDOW]);
    const [a, b] = [(await runOrt(float.bytes, x))[layer].data, (await runOrt(q.bytes, x))[layer].data];
    const d = a.length / 8;
    for (let i = 0; i < 8; i++) {
      const [u, v] = [a.subarray(i * d, (i + 1) * d), b.subarray(i * d, (i + 1) * d)];
      const cos = u.reduce((s, w, j) => s + w * v[j], 0) / Math.hypot(...u) / Math.hypot(...v);
      assert.ok(cos > 0.98, `${layer}, window ${i}: cosine ${cos}`);
    }
    if (layer === 'distilled_output') assertSameCodes(b, b, p); // the int8 model's embedding is on the learned grid
    const dir = mkdtempSync(join(tmpdir(), 'selfsup-frill-int8-'));
    try {
      const file = join(dir, 'optimized.onnx');
      const session = await ort.InferenceSession.create(q.bytes, {
        intraOpNumThreads: 1,
        optimizedModelFilePath: file,
        logSeverityLevel: 3,
      });
      await session.release();
      const nodes = onnxProto.onnx.ModelProto.decode(readFileSync(file)).graph!.node!;
      const fused = nodes.filter((n) => n.opType === 'QGemm').map((n) => n.name);
      const gemms = ['distilled_output.down', 'distilled_output.up', ...(layer === 'distilled_output' ? [] : ['embedding_to_target'])];
      assert.deepEqual(fused, gemms, 'onnxruntime runs the bottleneck (and the layer after) as integer QGemm');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('FRILL export errors: an unset QAT range, an unknown layer', () => {
  const net = new FrillNet({ size: 'tiny', widthMultiplier: 0.25, globalPool: true, bottleneck: 8, rank: 0, qat: true, targetDim: 4 });
  net.eval();
  assertThrows(() => exportOnnx(net, { inputShape: WINDOW }), /does not run on inputs .*FakeQuant: the range is unset/, RangeError);
  assertThrows(
    () => exportOnnx(net, { inputShape: WINDOW, layer: 'layer19' }),
    /FrillNet: unknown layer "layer19" \(valid: features, distilled_output, embedding_to_target\)/,
    RangeError,
  );
});

test('selfsup export on a FRILL run (QAT, rank 4): its embedding in onnxruntime gives the run’s codes on real speech', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-export-frill-'));
  const restore = quietErr();
  try {
    const data = { clips: 6, seconds: 3, real: false };
    const teacher = join(dir, 'teacher');
    await pipeline.pretrain(
      { method: { name: 'trill', width: 4, embeddingDim: 16, tauSeconds: 0.5 }, data, train: { steps: 4, batchSize: 8 } },
      teacher,
    );
    const run = join(dir, 'frill');
    const method = { name: 'frill', teacher, size: 'tiny', widthMultiplier: 0.25, bottleneck: 16, rank: 4, qat: true };
    await pipeline.pretrain({ method, data, train: { steps: 4, batchSize: 8 } }, run);
    restore();
    const e = selfsup('export', run);
    assert.equal(e.status, 0, e.stderr);
    assert.equal(e.stdout.trim(), join(run, 'frill-distilled_output.onnx'));
    assert.match(e.stderr, /export: frill-distilled_output → input \[batch, 1, 96, 64\] → distilled_output \[batch, 16\], ONNX opset 17/);

    const frill = pipeline.audioMethodOfRun(run) as Frill;
    const { items } = cutItems(
      frill.frontEnd,
      (await loadAudioSet({ name: 'speech-pool', ...data })).tracks.map((t) => t.audio),
      96,
    );
    const windows = items.unsqueeze(1); // [M, 1, 96, 64]
    const got = (await runOrt(readFileSync(join(run, 'frill-distilled_output.onnx')), windows)).distilled_output.data;
    const want = torch.noGrad(() => frill.representation(windows).contiguous().data() as Float32Array);
    assertSameCodes(got, want, frill.net.distilled.outputQuant!.quantParams());

    const target = await exportRun(run, { layer: 'embedding_to_target', int8: true, calibration: 10 });
    assert.equal(target.file, join(run, 'frill-embedding_to_target.int8.onnx'));
    assert.deepEqual(target.outputs, [{ name: 'embedding_to_target', shape: ['batch', 128] }]);
    assert.equal(JSON.parse(target.metadata.quantization).calibration, 10);
  } finally {
    restore();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('studentLatency: fp32 and, for a QAT student, int8 onnxruntime latency per window from the deploy protocol', async () => {
  const timing = { rounds: 2, per: 5, warmup: 1 };
  const qat = await studentLatency(qatStudent({}), { timing });
  for (const l of [qat.fp32, qat.int8!]) {
    assert.deepEqual([l.runs, l.threads], [10, 1]);
    assert.ok(l.medianMs > 0 && l.medianMs <= l.p90Ms && l.p90Ms < 1000, JSON.stringify(l));
  }
  assert.ok(qat.bytes.int8! < 0.8 * qat.bytes.fp32, JSON.stringify(qat.bytes));
  torch.manualSeed(0);
  const float = new FrillNet({ size: 'tiny', widthMultiplier: 0.25, globalPool: true, bottleneck: 64, rank: 0, qat: false, targetDim: 12 });
  const f = await studentLatency(float.eval(), { timing });
  assert.deepEqual([f.int8, f.bytes.int8, f.fp32.runs], [undefined, undefined, 10]);
  await assert.rejects(studentLatency(float, { timing: { ...timing, per: 0 } }), /timeCalls: expected .* for per but received 0/);
});
