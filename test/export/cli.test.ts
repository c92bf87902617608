/**
 * `selfsup export RUN --format onnx` on tiny real runs (SimCLR on Fashion-MNIST,
 * then fine-tuning from it): the files decode as opset-17 models with a dynamic
 * batch and the run's metadata, onnxruntime-node gives libtorch's outputs on
 * real images, `--int8` writes a quantized classifier close to the float one,
 * and the errors (no weights, a bad format, a bad calibration) are one clear line;
 * an int8 TRILL export calibrates on the run's own speech windows (each
 * track's consecutive 0.96 s windows).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { torch, data } from '../../src/index.js';
import { Classifier } from '../../src/models/classifier.js';
import { createEncoder } from '../../src/models/encoders.js';
import type { Module } from '../../src/nn/index.js';
import { FASHION_MNIST_CLASSES } from '../../src/data/fashion-mnist.js';
import { runOrt } from './ort.js';
import { selfsup, tinyRuns } from './runs.js';
import { exportRun } from '../../src/export/run.js';
import { audioMethodOfRun, pretrainAudio } from '../../src/pipeline/pretrain-audio.js';
import type { Trill } from '../../src/methods/trill.js';
import { loadAudioSet } from '../../src/data/registry.js';
import { cutItems } from '../../src/methods/log-mel-windows.js';

/** The decoded model: opset, input and output dims (a string for a dynamic one), metadata. */
function decode(file: string) {
  const m = onnxProto.onnx.ModelProto.decode(readFileSync(file));
  const dims = (v: onnxProto.onnx.IValueInfoProto): (number | string)[] =>
    v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
  return {
    opset: Number(m.opsetImport[0].version),
    input: dims(m.graph!.input![0]),
    output: dims(m.graph!.output![0]),
    metadata: Object.fromEntries(m.metadataProps.map((p) => [p.key, p.value])),
  };
}

/** Largest |onnxruntime − libtorch| of `model` on x. */
async function diffOn(file: string, model: Module, x: torch.Tensor): Promise<number> {
  const got = Object.values(await runOrt(readFileSync(file), x))[0].data;
  const want = torch.noGrad(() => (model.forward(x) as torch.Tensor).data() as Float32Array);
  assert.equal(got.length, want.length);
  return want.reduce((m, w, i) => Math.max(m, Math.abs(w - got[i])), 0);
}

test('selfsup export: a pretraining run gives its encoder, a fine-tuning run its classifier, equal in onnxruntime', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-export-'));
  const [pre, ft] = [join(dir, 'pre'), join(dir, 'ft')];
  try {
    tinyRuns(pre, ft);

    const e = selfsup('export', pre, '--format', 'onnx');
    assert.equal(e.status, 0, e.stderr);
    assert.equal(e.stdout.trim(), join(pre, 'encoder.onnx'));
    assert.match(e.stderr, /export: encoder → input \[batch, 1, 28, 28\] → output \[batch, 64\], ONNX opset 17/);
    assert.match(e.stderr, /preprocessing":"pixel \/ 255/);
    const enc = decode(join(pre, 'encoder.onnx'));
    assert.deepEqual([enc.opset, enc.input, enc.output], [17, ['batch', 1, 28, 28], ['batch', 64]]);
    assert.equal(enc.metadata.method, 'simclr');
    assert.equal(JSON.parse(enc.metadata.input).preprocessing, 'pixel / 255 (no mean/std normalisation)');

    const images = data.loadFashionMnist('test', { limit: 3 }).images.float().div(255); // [3, 1, 28, 28]
    const encoder = createEncoder({ arch: 'resnet18', width: 0.125, smallStem: false, inChannels: 1 });
    encoder.loadStateDict(torch.safetensors.loadFile(join(pre, 'encoder.safetensors')));
    encoder.eval();
    assert.ok((await diffOn(join(pre, 'encoder.onnx'), encoder, images)) <= 1e-4);

    const out = join(dir, 'deploy', 'fashion.onnx');
    mkdirSync(join(dir, 'deploy'));
    const c = selfsup('export', ft, '--output', out);
    assert.equal(c.status, 0, c.stderr);
    const cls = decode(out);
    assert.deepEqual(
      [cls.input, cls.output],
      [
        ['batch', 1, 28, 28],
        ['batch', 10],
      ],
    );
    assert.deepEqual(JSON.parse(cls.metadata.classes), [...FASHION_MNIST_CLASSES]);
    const classifier = new Classifier(encoder, 10);
    classifier.loadStateDict(torch.safetensors.loadFile(join(ft, 'classifier.safetensors')));
    classifier.eval();
    assert.ok((await diffOn(out, classifier, images)) <= 1e-4);

    const i8 = selfsup('export', ft, '--int8', '--calibration', '50');
    assert.equal(i8.status, 0, i8.stderr);
    assert.equal(i8.stdout.trim(), join(ft, 'classifier.int8.onnx'));
    const [size, ratio] = i8.stderr
      .match(/export: int8 (\d+) bytes, (0\.\d+) of the float model's \d+/)!
      .slice(1)
      .map(Number);
    assert.ok(ratio < 0.35 && size === readFileSync(join(ft, 'classifier.int8.onnx')).length, i8.stderr);
    const quantized = decode(join(ft, 'classifier.int8.onnx'));
    assert.deepEqual(JSON.parse(cls.metadata.classes), JSON.parse(quantized.metadata.classes));
    assert.equal(JSON.parse(quantized.metadata.quantization).calibration, 50);
    const logits = torch.noGrad(() => classifier.forward(images).data() as Float32Array); // [3, 10]
    const int8 = Object.values(await runOrt(readFileSync(join(ft, 'classifier.int8.onnx')), images))[0].data;
    const scale = logits.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    assert.ok(
      logits.every((v, i) => Math.abs(v - int8[i]) <= 0.05 * scale),
      `int8 ${[...int8]} vs float ${[...logits]}`,
    );
    assert.match(selfsup('export', ft, '--calibration', '5').stderr, /export: calibration applies with int8 only/);
    assert.match(
      selfsup('export', ft, '--int8', '--calibration', '0').stderr,
      /export: expected calibration as a positive integer but received 0/,
    );

    copyFileSync(join(pre, 'config.json'), join(dir, 'config.json'));
    const none = selfsup('export', dir);
    assert.equal(none.status, 1);
    assert.match(none.stderr.trim(), /^selfsup: export: .* has no encoder.safetensors \(the trained encoder; has the run finished\?/);
    assert.match(selfsup('export', pre, '--format', 'tflite').stderr, /argument 'tflite' is invalid. Allowed choices are onnx/);
    assert.match(selfsup('export', join(dir, 'nothing')).stderr, /export: .*nothing holds no run \(no config.json\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('exportRun int8: a TRILL run calibrates on its own speech windows; int8 embeddings keep cosine > 0.99', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-export-trill-'));
  try {
    const data = { name: 'speech-pool', clips: 6, real: true, limit: 10 };
    const method = { name: 'trill', width: 4, embeddingDim: 16, tauSeconds: 1 };
    await pretrainAudio({ method, data, train: { steps: 4, batchSize: 8, logEvery: 2 }, threads: 1 }, dir);
    const float = await exportRun(dir, { layer: 'embedding' });
    const int8 = await exportRun(dir, { int8: true, calibration: 500, layer: 'embedding' });
    assert.deepEqual([float.file, int8.file], [join(dir, 'trill-embedding.onnx'), join(dir, 'trill-embedding.int8.onnx')]);
    const trill = audioMethodOfRun(dir) as Trill;
    const tracks = (await loadAudioSet(data)).tracks.map((t) => t.audio);
    const windows = cutItems(trill.frontEnd, tracks, 96).items.unsqueeze(1); // [M, 1, 96, 64]: each track's consecutive windows
    assert.ok(windows.shape[0] < 500 && windows.shape[0] > 20, `${windows.shape[0]} windows`);
    assert.equal(JSON.parse(int8.metadata.quantization).calibration, windows.shape[0], 'every window calibrates when fewer than asked');
    const [a, b] = [
      (await runOrt(readFileSync(float.file), windows)).embedding,
      (await runOrt(readFileSync(int8.file), windows)).embedding,
    ];
    for (let i = 0; i < windows.shape[0]; i++) {
      const [x, y] = [a.data.subarray(i * 16, (i + 1) * 16), b.data.subarray(i * 16, (i + 1) * 16)];
      const cos = x.reduce((s, v, j) => s + v * y[j], 0) / Math.hypot(...x) / Math.hypot(...y);
      assert.ok(cos > 0.99, `window ${i}: cosine ${cos}`);
    }
    assert.ok(int8.size < 0.5 * int8.floatSize!, `${int8.size} vs ${int8.floatSize}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
