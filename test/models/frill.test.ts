import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, models } from '../../src/index.js';
import * as nn from '../../src/nn/index.js';
import { assertClose, assertThrows } from '../helpers.js';

const base = { widthMultiplier: 0.5, bottleneck: 16, rank: 0, qat: false, targetDim: 24 } as const;
const windows = (n: number): torch.Tensor => torch.randn([n, 1, 96, 64], { generator: new torch.Generator(1) });

test('FrillNet: each size, pooling on/off and rank give the documented layer shapes and keys', () => {
  for (const size of ['tiny', 'small', 'large'] as const)
    for (const globalPool of [true, false])
      for (const rank of [0, 4]) {
        const net = new models.FrillNet({ ...base, size, globalPool, rank });
        const c = net.mobilenet.featureDim; // 6 × the last bneck's channels
        assert.equal(c, size === 'large' ? 480 : 288, size);
        const [f, b, t] = torch.noGrad(() => net.featuresAt(windows(2), net.layerNames));
        assert.deepEqual(
          [f.shape, b.shape, t.shape],
          [
            [2, globalPool ? c : 6 * c],
            [2, 16],
            [2, 24],
          ],
          `${size} ${globalPool} ${rank}`,
        );
        const keys = Object.keys(net.stateDict());
        const bottleneck = rank ? ['distilled_output.down.weight', 'distilled_output.up.weight'] : ['distilled_output.dense.weight'];
        for (const k of [...bottleneck, 'embedding_to_target.weight', 'mobilenet.features.0.0.weight']) assert.ok(keys.includes(k), k);
        if (rank) assert.deepEqual(net.stateDict()['distilled_output.down.weight'].shape, [4, f.shape[1]]);
      }
  assert.equal(
    new models.MobileNetV3('tiny', { numClasses: 0 }).trunk.stateDict() &&
      [...new models.MobileNetV3('tiny', { numClasses: 0 }).trunk.children()].length,
    8,
    'stem, 6 bnecks, last conv',
  );
  const net = new models.FrillNet({ ...base, size: 'tiny', globalPool: true });
  assertThrows(
    () => net.featuresAt(torch.zeros([2, 1, 90, 64]), ['features']),
    /FrillNet: expected x as log-mel windows \[N, 1, 96, 64\] but received \[2, 1, 90, 64\]/,
  );
  assertThrows(
    () => net.featureDim('pooled'),
    /FrillNet: unknown layer "pooled" \(valid: features, distilled_output, embedding_to_target\)/,
  );
});

test('fakeQuantize: forward equals quantize → dequantize; the STE gradient equals finite differences one step wide', () => {
  const p = nn.activationQuantParams(-1.3, 2.2); // s = 3.5/255, z = round(1.3/s) − 128
  assert.equal(p.zeroPoint, Math.round(1.3 / p.scale) - 128);
  const values = [-2, -1.3, -0.40001, 0, 0.0071, 0.5, 1.97, 2.2, 3];
  const x = torch.tensor(Float64Array.from(values), { dtype: 'float64' });
  const expected = values.map((v) => (Math.min(127, Math.max(-128, Math.round(v / p.scale) + p.zeroPoint)) - p.zeroPoint) * p.scale);
  assertClose(nn.fakeQuantize(x, p), torch.tensor(Float64Array.from(expected), { dtype: 'float64' }), { rtol: 0, atol: 1e-12 });
  // points at 0.3 of a step from the grid: a difference of ±1 step moves the rounded value by exactly ±1 step
  const grid = [-140, -128, -100, -3, 0, 41, 126, 127, 150].map((q) => (q - p.zeroPoint + 0.3) * p.scale);
  const at = torch.tensor(Float64Array.from(grid), { dtype: 'float64' }).requiresGrad_();
  nn.fakeQuantize(at, p).sum().backward();
  const fd = grid.map((v) => {
    const f = (u: number): number => nn.fakeQuantize(torch.tensor([u], { dtype: 'float64' }), p).item();
    return (f(v + p.scale) - f(v - p.scale)) / (2 * p.scale);
  });
  assert.deepEqual(at.grad!.toArray(), [0, 1, 1, 1, 1, 1, 1, 0, 0], 'straight through inside [qmin, qmax], zero outside');
  fd.forEach((d, i) => assert.ok(Math.abs(d - (at.grad!.toArray() as number[])[i]) < 1e-9 || i === 1 || i === 7, `fd ${i}: ${d}`));
  const w = torch.tensor([0.5, -1.27, 0.02]);
  const wp = nn.weightQuantParams(w);
  assert.ok(Math.abs(wp.scale - 1.27 / 127) < 1e-9, `weight scale ${wp.scale}`);
  assert.deepEqual([wp.zeroPoint, wp.qmin, wp.qmax], [0, -127, 127]);
  assertThrows(() => nn.fakeQuantize(x, { ...p, scale: 0 }), /fakeQuantize: expected a finite scale > 0 but received 0/, RangeError);
});

test('FakeQuant follows a running range in training, freezes it in eval; the QAT bottleneck trains through it', () => {
  const q = new nn.FakeQuant(0.5);
  assertThrows(() => q.quantParams(), /FakeQuant: the range is unset/);
  q.forward(torch.tensor([-1, 3]));
  assert.deepEqual(q.range.toArray(), [-1, 3], 'the first batch sets the range');
  q.forward(torch.tensor([0, 1]));
  assert.deepEqual(q.range.toArray(), [-0.5, 2], 'then a moving average');
  q.eval();
  const y = q.forward(torch.tensor([5, -5, 0.3]));
  assert.deepEqual(q.range.toArray(), [-0.5, 2], 'eval leaves the range');
  const s = 2.5 / 255;
  assertClose(y, torch.tensor([(127 - (Math.round(0.5 / s) - 128)) * s, -Math.round(0.5 / s) * s, Math.round(0.3 / s) * s]), {
    atol: 1e-6,
  });
  const net = new models.FrillNet({ ...base, size: 'tiny', globalPool: true, rank: 4, qat: true });
  const out = net.featuresAt(windows(3), ['distilled_output'])[0];
  const { scale, zeroPoint } = net.distilled.outputQuant!.quantParams();
  const levels = torch.noGrad(() => out.div(scale).add(zeroPoint));
  assertClose(levels, levels.round(), { atol: 1e-3, msg: 'the bottleneck output lies on the int8 grid' });
  out.square().sum().backward();
  assert.ok(net.distilled.layers[0].weight.grad!.abs().sum().item() > 0, 'gradients reach the quantized weights');
});

test('QAT warm-up: with quantizing off, training passes the float bottleneck through and observes the range; eval quantizes', () => {
  const q = new nn.FakeQuant();
  assert.equal(q.momentum, 0.01, "PyTorch's averaging constant");
  q.fakeQuantEnabled = false;
  const x = torch.tensor([-1, 0.123456, 3]);
  assert.deepEqual(q.forward(x).toArray(), x.toArray(), 'disabled: x passes unchanged');
  assert.deepEqual(q.range.toArray(), [-1, 3], 'but the range is observed');
  const net = new models.FrillNet({ ...base, size: 'tiny', globalPool: true, rank: 0, qat: true });
  const twin = new models.FrillNet({ ...base, size: 'tiny', globalPool: true, rank: 0, qat: false });
  twin.loadStateDict(Object.fromEntries(Object.entries(net.stateDict()).filter(([k]) => !k.includes('output_quant'))));
  net.distilled.quantizing = false;
  const w = windows(3);
  assertClose(net.featuresAt(w, ['distilled_output'])[0], twin.featuresAt(w, ['distilled_output'])[0], {
    atol: 0,
    rtol: 0,
    msg: 'warm-up = the float student',
  });
  net.eval();
  const out = net.featuresAt(w, ['distilled_output'])[0];
  const { scale, zeroPoint } = net.distilled.outputQuant!.quantParams();
  const levels = torch.noGrad(() => out.div(scale).add(zeroPoint));
  assertClose(levels, levels.round(), { atol: 1e-3, msg: 'eval quantizes even after a warm-up step' });
});
