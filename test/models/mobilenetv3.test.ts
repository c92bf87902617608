import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { InvertedResidual, MobileNetV3, makeDivisible, mobilenetV3Large, mobilenetV3Small } from '../../src/models/index.js';
import { assertClose, assertThrows } from '../helpers.js';
import { assertLayout, fillStateDict, g, layoutOf, makeInput, stdOf } from './parity.js';

const close = { rtol: 1e-4, atol: 1e-4 };

test('makeDivisible equals torchvision _make_divisible(v, 8), including the 90 % rule', () => {
  const cases: [number, number][] = [
    [8, 8],
    [10, 16],
    [12, 16],
    [36, 40],
    [66, 64],
    [100, 104],
    [512, 512],
    [114.4, 112],
    [4, 8],
    [21, 24],
    [300, 304],
  ];
  for (const [v, expected] of cases) assert.equal(makeDivisible(v), expected, `makeDivisible(${v})`);
});

test('state-dict keys, order, shapes and dtypes equal torchvision mobilenet_v3_small/large and small(width_mult=0.5)', () => {
  assertLayout(mobilenetV3Small(), 'mobilenet_v3_small');
  assertLayout(mobilenetV3Large(), 'mobilenet_v3_large');
  assertLayout(mobilenetV3Small({ widthMultiplier: 0.5 }), 'mobilenet_v3_small_w0.5');
});

test('eval-mode logits match torchvision under the formula state dict (small, large; 96×96)', () => {
  for (const [name, make] of [
    ['mobilenet_v3_small', mobilenetV3Small],
    ['mobilenet_v3_large', mobilenetV3Large],
  ] as const) {
    const model = fillStateDict(make()).eval();
    const out = torch.noGrad(() => model.forward(makeInput([2, 3, 96, 96])));
    assertClose(out, g(`${name}.logits`), { ...close, msg: name });
  }
});

test('SE sits on the depthwise output with squeeze = makeDivisible(expanded / 4); residuals only when shapes match', () => {
  const model = mobilenetV3Small();
  const blocks = [...model.trunk.children()].filter((m): m is InvertedResidual => m instanceof InvertedResidual);
  assert.equal(blocks.length, 11);
  assert.deepEqual(
    blocks.map((b) => b.useResidual),
    [false, false, true, false, true, true, false, true, false, true, true],
  );
  const sd = model.stateDict();
  assert.deepEqual(sd['features.4.block.2.fc1.weight'].shape, [24, 96, 1, 1]);
  assert.deepEqual(sd['features.9.block.2.fc2.weight'].shape, [288, 72, 1, 1]);
  assert.deepEqual(sd['classifier.0.weight'].shape, [1024, 576]);
});

test('globalPool false returns the last feature map; numClasses 0 returns pooled features', () => {
  const x = makeInput([2, 3, 96, 96]);
  const maps = mobilenetV3Small({ globalPool: false }).eval();
  assert.equal(maps.classifier, null);
  assert.ok(!layoutOf(maps).some(([k]) => k.startsWith('classifier')));
  const map = torch.noGrad(() => maps.forward(x));
  assert.deepEqual(map.shape, [2, 576, 3, 3]);
  const pooled = mobilenetV3Small({ numClasses: 0 }).eval();
  pooled.loadStateDict(maps.stateDict());
  assert.equal(pooled.featureDim, 576);
  assertClose(
    torch.noGrad(() => pooled.forward(x)),
    map.mean([2, 3]),
    { rtol: 1e-5, atol: 1e-6, msg: 'pooled = mean of the map' },
  );
  const large = mobilenetV3Large({ numClasses: 10, widthMultiplier: 0.75, inChannels: 1 }).eval();
  assert.equal(large.featureDim, 6 * makeDivisible(160 * 0.75));
  assert.deepEqual(large.stateDict()['features.0.0.weight'].shape, [16, 1, 3, 3]);
  assert.deepEqual(large.stateDict()['classifier.3.weight'].shape, [10, makeDivisible(1280 * 0.75)]);
  assert.deepEqual(torch.noGrad(() => large.forward(makeInput([2, 1, 64, 64]))).shape, [2, 10]);
});

test('width 0.5 narrows every layer by _make_divisible and still runs', () => {
  const model = mobilenetV3Small({ widthMultiplier: 0.5 }).eval();
  assert.equal(model.featureDim, 6 * 48);
  assert.deepEqual(torch.noGrad(() => model.forward(makeInput([2, 3, 64, 64]))).shape, [2, 1000]);
});

test('default init follows torchvision: convs kaiming_normal(fan_out), Linear N(0, 0.01), zero biases, BN(eps 1e-3, momentum 0.01)', () => {
  torch.manualSeed(0);
  const model = mobilenetV3Large();
  const sd = model.stateDict();
  const pw = sd['features.16.0.weight']; // [960, 160, 1, 1]
  assert.ok(Math.abs(stdOf(pw) / Math.sqrt(2 / 960) - 1) < 0.01, `1×1 conv std ${stdOf(pw)}`);
  const dw = sd['features.13.block.1.0.weight']; // [672, 1, 5, 5], fan_out = 672·25
  assert.ok(Math.abs(stdOf(dw) / Math.sqrt(2 / (672 * 25)) - 1) < 0.03, `depthwise std ${stdOf(dw)}`);
  assert.ok(Math.abs(stdOf(sd['classifier.0.weight']) / 0.01 - 1) < 0.01, 'classifier.0 ~ N(0, 0.01)');
  assert.ok('features.13.block.2.fc1.bias' in sd && 'classifier.3.bias' in sd);
  for (const [k, t] of Object.entries(sd)) if (k.endsWith('bias')) assert.ok(t.eq(0).all().item(), `${k} is zero`);
  const bns = [...model.modules()].filter((x): x is torch.nn.BatchNorm2d => x instanceof torch.nn.BatchNorm2d);
  assert.equal(bns.length, 2 + 15 * 2 + 14); // stem + last conv, depthwise + project per bneck, expand in all but the first
  for (const bn of bns) {
    assert.ok(bn.weight!.eq(1).all().item(), 'BN γ = 1');
    assert.deepEqual([bn.eps, bn.momentum], [1e-3, 0.01]);
  }
});

test('a train step runs end to end and gives gradients to every parameter', () => {
  const model = mobilenetV3Small({ numClasses: 5 });
  const loss = torch.nn.functional.crossEntropy(model.forward(makeInput([4, 3, 64, 64])), torch.tensor([0, 1, 2, 3], { dtype: 'int64' }));
  loss.backward();
  const missing = [...model.namedParameters()].filter(([, p]) => !p.grad).map(([k]) => k);
  assert.deepEqual(missing, []);
  assert.ok(Number.isFinite(loss.item()) && loss.item() > 0);
});

test('invalid options name the option, the value and the model', () => {
  assertThrows(
    () => mobilenetV3Small({ globalPool: false, numClasses: 10 }),
    /mobilenet_v3_small: globalPool false returns the feature map, so numClasses must be 0 but received 10/,
    RangeError,
  );
  assertThrows(
    () => mobilenetV3Large({ inChannels: 0 }),
    /mobilenet_v3_large: expected an integer >= 1 for inChannels but received 0/,
    RangeError,
  );
  assertThrows(
    () => mobilenetV3Small({ widthMultiplier: -1 }),
    /expected a positive number for widthMultiplier but received -1/,
    RangeError,
  );
  assertThrows(() => new MobileNetV3('huge' as 'small'), /MobileNetV3: expected arch tiny, small or large but received "huge"/, RangeError);
});
