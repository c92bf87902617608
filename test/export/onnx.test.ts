/**
 * ONNX export: every exported architecture (small widths, random weights and
 * batch-norm statistics, eval mode) run in onnxruntime-node at batch sizes 1
 * and 3 equals libtorch's output within 1e-4 (fp32, inputs ~ N(0, 1)), times
 * the outputs' largest magnitude where it passes 1 (ResNet-50's random residual
 * stream grows to ~100, where fp32 rounding alone is ~1e-5); the layer rules one
 * by one; the model proto; the errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, models } from '../../src/index.js';
import * as nn from '../../src/nn/index.js';
import onnxProto from 'onnx-proto';
import { exportOnnx, OPSET, selfsupVersion } from '../../src/export/onnx/index.js';
import { assertThrows } from '../helpers.js';
import { maxDiff, randomize } from './ort.js';

const TOLERANCE = 1e-4;

/** Exports `make()` and checks onnxruntime against libtorch at batch sizes 1 and 3; returns the largest difference. */
async function parity(make: () => nn.Module, inputShape: number[], layer?: string): Promise<{ diff: number; scale: number }> {
  torch.manualSeed(0);
  const model = randomize(make());
  const worst = { diff: 0, scale: 0 };
  for (const batch of [1, 3]) {
    const x = torch.randn([batch, ...inputShape]);
    const { diff, scale } = await maxDiff(model, x, { inputShape, layer });
    assert.ok(scale > 1e-2, `outputs of scale ${scale}: not a test of the weights`);
    assert.ok(diff <= TOLERANCE * Math.max(1, scale), `batch ${batch}: max |onnxruntime − libtorch| = ${diff} (outputs up to ${scale})`);
    worst.diff = Math.max(worst.diff, diff);
    worst.scale = Math.max(worst.scale, scale);
  }
  return worst;
}

/** A float FrillNet student: width 0.25, bottleneck 24, target 12 unless `o` says otherwise. */
const frill = (o: Partial<models.FrillNetOptions>): models.FrillNet =>
  new models.FrillNet({ size: 'tiny', widthMultiplier: 0.25, globalPool: true, bottleneck: 24, rank: 0, qat: false, targetDim: 12, ...o });

const ARCHITECTURES: [string, () => nn.Module, number[], string?][] = [
  ['ResNet-18, small stem, encoder', () => models.resnet18({ numClasses: 0, widthMultiplier: 0.125, smallImageStem: true }), [3, 32, 32]],
  ['ResNet-18, ImageNet stem, 10 classes', () => models.resnet18({ numClasses: 10, widthMultiplier: 0.125 }), [3, 64, 64]],
  ['ResNet-50, grey, encoder', () => models.resnet50({ numClasses: 0, widthMultiplier: 0.125, inChannels: 1 }), [1, 32, 32]],
  ['MobileNetV3-Small, encoder', () => models.mobilenetV3Small({ numClasses: 0, widthMultiplier: 0.25 }), [3, 32, 32]],
  ['MobileNetV3-Large, 5 classes', () => models.mobilenetV3Large({ numClasses: 5, widthMultiplier: 0.25 }), [3, 32, 32]],
  ['MobileNetV3-Small, feature map', () => models.mobilenetV3Small({ globalPool: false, widthMultiplier: 0.25 }), [3, 64, 64]],
  ['ConvNet', () => new models.ConvNet({ channels: [8, 16], hidden: 32 }), [1, 28, 28]],
  [
    'Classifier (ResNet-18 encoder + fc)',
    () => new models.Classifier(models.createEncoder({ arch: 'resnet18', width: 0.125, inChannels: 1 }), 4),
    [1, 28, 28],
  ],
  ['TrillNet embedding', () => new models.TrillNet({ width: 8, depth: 1, embeddingDim: 32 }), [1, 96, 64]],
  ['TrillNet pooled', () => new models.TrillNet({ width: 8, depth: 2, embeddingDim: 32 }), [1, 96, 64], 'pooled'],
  ['TrillNet stage2', () => new models.TrillNet({ width: 8, depth: 1, embeddingDim: 32 }), [1, 96, 64], 'stage2'],
  ['FrillNet tiny, distilled_output', () => frill({ size: 'tiny', widthMultiplier: 0.5 }), [1, 96, 64]],
  ['FrillNet small, no pooling, rank 8', () => frill({ size: 'small', globalPool: false, rank: 8 }), [1, 96, 64]],
  ['FrillNet large, embedding_to_target', () => frill({ size: 'large' }), [1, 96, 64], 'embedding_to_target'],
  ['FrillNet tiny, no pooling, features', () => frill({ size: 'tiny', globalPool: false }), [1, 96, 64], 'features'],
  ['SpiceNet heads', () => new models.SpiceNet({ bins: 128, width: 4, decoderWidth: 2, hidden: 8 }), [128]],
  ['SpiceNet heads, coordinates', () => new models.SpiceNet({ bins: 64, width: 4, decoderWidth: 2, hidden: 8, coordinates: true }), [64]],
];

for (const [name, make, shape, layer] of ARCHITECTURES)
  test(`ONNX parity with onnxruntime-node: ${name}`, async () => {
    const { diff, scale } = await parity(make, shape, layer);
    console.log(`# ${name}: max |diff| ${diff.toExponential(2)}, outputs up to ${scale.toFixed(2)}`);
  });

test('ONNX parity: convolutions (groups, stride, dilation, same padding), activations and pooling one by one', async () => {
  const layers: [string, () => nn.Module][] = [
    ['grouped strided dilated conv', () => new nn.Conv2d(4, 6, 3, { groups: 2, stride: 2, dilation: 2, padding: [1, 2] })],
    ['same-padded conv', () => new nn.Conv2d(4, 3, [4, 3], { padding: 'same', dilation: [1, 2] })],
    ['SiLU', () => new nn.SiLU()],
    ['GELU', () => new nn.GELU()],
    ['GELU tanh', () => new nn.GELU('tanh')],
    ['ReLU6', () => new nn.ReLU6()],
    ['LeakyReLU', () => new nn.LeakyReLU(0.2)],
    ['ELU', () => new nn.ELU(1)],
    ['Hardswish', () => new nn.Hardswish()],
    ['Hardsigmoid', () => new nn.Hardsigmoid()],
    ['Tanh', () => new nn.Tanh()],
    ['Softmax', () => new nn.Softmax(1)],
    ['LogSoftmax', () => new nn.LogSoftmax(-1)],
    ['AvgPool2d without padding in the divisor', () => new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false })],
    ['AvgPool2d, ceil mode', () => new nn.AvgPool2d(2, { ceilMode: true })],
    ['MaxPool2d, dilation, padding', () => new nn.MaxPool2d(3, { stride: 2, padding: 1, dilation: 2 })],
    ['AdaptiveAvgPool2d(1)', () => new nn.AdaptiveAvgPool2d(1)],
    ['BatchNorm2d without affine', () => new nn.BatchNorm2d(4, { affine: false })],
  ];
  for (const [name, make] of layers) {
    torch.manualSeed(1);
    const model = randomize(make());
    const x = torch.randn([2, 4, 9, 7]).mul(2);
    const { diff, scale } = await maxDiff(model, x, { inputShape: [4, 9, 7] });
    assert.ok(scale > 0.1 && diff <= TOLERANCE * Math.max(1, scale), `${name}: max diff ${diff} at scale ${scale}`);
  }
});

test('ONNX model: opset 17, IR 8, a dynamic batch, initializers named by state-dict keys, metadata', () => {
  torch.manualSeed(0);
  const model = models.resnet18({ numClasses: 3, widthMultiplier: 0.125 }).eval();
  const { bytes, inputs, outputs, metadata } = exportOnnx(model, { inputShape: [3, 32, 32], metadata: { method: 'simclr' } });
  const m = onnxProto.onnx.ModelProto.decode(bytes);
  assert.deepEqual([Number(m.irVersion), m.opsetImport[0].domain, Number(m.opsetImport[0].version)], [8, '', OPSET]);
  assert.equal(OPSET, 17);
  assert.deepEqual(inputs, [{ name: 'input', shape: ['batch', 3, 32, 32] }]);
  assert.deepEqual(outputs, [{ name: 'output', shape: ['batch', 3] }]);
  assert.equal(m.graph!.input![0].type!.tensorType!.shape!.dim![0].dimParam, 'batch');
  const names = m.graph!.initializer!.map((t) => t.name);
  assert.deepEqual(
    names.filter((n) => n!.startsWith('layer2.0.downsample')),
    ['layer2.0.downsample.0.weight', ...['weight', 'bias', 'running_mean', 'running_var'].map((k) => `layer2.0.downsample.1.${k}`)],
  );
  const state = model.stateDict();
  const floats = Object.keys(state).filter((k) => !k.endsWith('num_batches_tracked'));
  assert.deepEqual([...names].sort(), floats.sort(), 'one float32 initializer per floating state-dict entry');
  const props = Object.fromEntries(m.metadataProps.map((p) => [p.key, p.value]));
  assert.deepEqual(props, { ...metadata, method: 'simclr', opset: '17', selfsup_version: selfsupVersion() });
});

test('ONNX export errors name the module path and class, the mode, the shape', () => {
  const eval_ = <M extends nn.Module>(m: M): M => m.eval();
  assertThrows(
    () =>
      exportOnnx(eval_(new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.Sequential(new nn.ReLU(), new nn.Mish()))), {
        inputShape: [1, 8, 8],
      }),
    /exportOnnx: no ONNX rule for module "1\.1" of class Mish \(supported: .*Conv2d.*\)/,
    TypeError,
  );
  assertThrows(
    () => exportOnnx(new nn.Sequential(new nn.ReLU()), { inputShape: [4] }),
    /module "\(root\)" \(Sequential\) is in training mode; call model\.eval\(\) first/,
  );
  assertThrows(
    () => exportOnnx(eval_(new nn.ReLU()), { inputShape: [0, 2] }),
    /expected inputShape as positive integers .* received \[0,2\]/,
    RangeError,
  );
  assertThrows(
    () => exportOnnx(eval_(new models.ConvNet()), { inputShape: [1, 32, 32] }),
    /exportOnnx: the model does not run on inputs \[batch, 1,32,32\]/,
    RangeError,
  );
  assertThrows(
    () => exportOnnx(eval_(new nn.AdaptiveAvgPool2d(2)), { inputShape: [1, 4, 4] }),
    /AdaptiveAvgPool2d "\(root\)"|AdaptiveAvgPool2d "" pools to 2; only an output size of 1 is exported/,
    TypeError,
  );
  const trill = eval_(new models.TrillNet({ width: 4, depth: 1, embeddingDim: 8 }));
  assertThrows(
    () => exportOnnx(trill, { inputShape: [1, 96, 64], layer: 'layer19' }),
    /unknown layer "layer19" \(valid: stage1, .*embedding\)/,
    RangeError,
  );
  assertThrows(
    () => exportOnnx(eval_(new nn.ReLU()), { inputShape: [2], layer: 'pooled' }),
    /layer is a TrillNet and FrillNet option but the model is a ReLU/,
    TypeError,
  );
  const bn = eval_(new nn.BatchNorm2d(2, { trackRunningStats: false }));
  assertThrows(() => exportOnnx(bn, { inputShape: [2, 3, 3] }), /BatchNorm2d "" keeps no running statistics/, TypeError);
});
