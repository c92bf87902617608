import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { BasicBlock, Bottleneck, resnet18, resnet34, resnet50, resnet101, resnet152 } from '../../src/models/index.js';
import { assertClose, assertThrows } from '../helpers.js';
import { assertLayout, fillStateDict, g, layoutOf, makeInput, stdOf } from './parity.js';

const close = { rtol: 1e-4, atol: 1e-4 };

test('state-dict keys, order, shapes and dtypes equal torchvision resnet18/34/50/101/152', () => {
  const factories = { resnet18, resnet34, resnet50, resnet101, resnet152 };
  for (const [name, make] of Object.entries(factories)) assertLayout(make(), name);
});

test('eval-mode logits match torchvision under the formula state dict (resnet18, resnet50)', () => {
  for (const [name, make] of [
    ['resnet18', resnet18],
    ['resnet50', resnet50],
  ] as const) {
    const model = fillStateDict(make()).eval();
    const out = torch.noGrad(() => model.forward(makeInput([2, 3, 64, 64])));
    assertClose(out, g(`${name}.logits`), { ...close, msg: name });
  }
});

test('train-mode resnet18 matches torchvision: batch statistics, running-stat updates, gradients', () => {
  // In float64 (see g_models.py): at this formula init the 17 train-mode BN layers amplify
  // rounding by ~1e7, chaotic in float32 but ~1e-9 of each quantity's scale in float64 for
  // any summation order. A fault (BN eps 1e-4 for 1e-5, momentum 0.11 for 0.1, one BN left
  // in eval mode) moves one of these by ≥ 1e-3 of its scale (measured with PyTorch); the
  // tolerance, 1e-6 of each quantity's largest element, sits far from both.
  const model = fillStateDict(resnet18()).train().to('float64');
  const out = model.forward(makeInput([2, 3, 64, 64]).double());
  const byScale = (actual: torch.Tensor, name: string): void => {
    const expected = g(`resnet18.train.${name}`);
    assertClose(actual, expected, { rtol: 0, atol: 1e-6 * expected.abs().max().item(), msg: name });
  };
  byScale(out, 'logits');
  byScale(model.bn1.runningMean!, 'bn1.running_mean');
  const lastBn = (model.layers[3].at(1) as BasicBlock).bn2;
  byScale(lastBn.runningVar!, 'layer4.1.bn2.running_var');
  const k = Object.keys(model.stateDict()).indexOf('layer4.1.bn2.num_batches_tracked');
  assert.equal(lastBn.numBatchesTracked!.item(), k + 1, 'num_batches_tracked counts on from the formula value');
  out.mul(makeInput(out.shape).double()).sum().backward();
  byScale((model.layers[3].at(1) as BasicBlock).conv2.weight.grad!.select(0, 0).narrow(0, 0, 16), 'grad.layer4.1.conv2.weight[0,:16]');
  byScale(model.conv1.weight.grad!.select(0, 0), 'grad.conv1.weight[0]');
});

test('SimCLR variant: small-image stem and width ×2 give [N, 1024] features on 32×32', () => {
  const model = resnet18({ smallImageStem: true, widthMultiplier: 2, numClasses: 0 });
  assert.equal(model.featureDim, 1024);
  const layout = Object.fromEntries(layoutOf(model).map(([k, s]) => [k, s]));
  assert.deepEqual(layout['conv1.weight'], [128, 3, 3, 3]);
  assert.deepEqual(layout['layer2.0.downsample.0.weight'], [256, 128, 1, 1]);
  assert.deepEqual(layout['layer4.1.conv2.weight'], [1024, 1024, 3, 3]);
  assert.ok(!Object.keys(layout).some((k) => k.startsWith('fc')), 'numClasses 0 leaves no fc keys');
  assert.equal(layoutOf(model).length, layoutOf(resnet18()).length - 2);
  const x = makeInput([2, 3, 32, 32]);
  const feats = torch.noGrad(() => model.eval().features(x));
  assert.deepEqual(feats.shape, [2, 1024]);
  assertClose(
    torch.noGrad(() => model.forward(x)),
    feats,
    { msg: 'forward = features without a head' },
  );
  assert.ok(feats.abs().sum().item() > 0);
});

test('small stem keeps the resolution until layer2; conv1 is 3×3 stride 1 and there is no max-pool', () => {
  const model = resnet18({ smallImageStem: true, inChannels: 1, numClasses: 10 }).eval();
  assert.deepEqual(model.conv1.weight.shape, [64, 1, 3, 3]);
  const x = makeInput([2, 1, 28, 28]);
  assert.deepEqual(torch.noGrad(() => model.layers[0].forward(model.bn1.forward(model.conv1.forward(x)))).shape, [2, 64, 28, 28]);
  assert.deepEqual(torch.noGrad(() => model.forward(x)).shape, [2, 10]);
  const narrow = resnet50({ widthMultiplier: 0.5, numClasses: 0 });
  assert.equal(narrow.featureDim, 1024);
  assert.deepEqual((narrow.layers[3].at(2) as Bottleneck).conv3.weight.shape, [1024, 256, 1, 1]);
});

test('default init follows torchvision: kaiming_normal fan_out for convs, BN γ=1 β=0, Linear U(±1/√in)', () => {
  torch.manualSeed(0);
  const model = resnet50();
  const w = (model.layers[3].at(0) as Bottleneck).conv2.weight; // [512, 512, 3, 3]
  const expected = Math.sqrt(2 / (512 * 9));
  assert.ok(Math.abs(stdOf(w) / expected - 1) < 0.01, `conv std ${stdOf(w)} vs √(2/fan_out) = ${expected}`);
  assert.ok(Math.abs(stdOf(model.conv1.weight) / Math.sqrt(2 / (64 * 49)) - 1) < 0.05, 'conv1 std');
  for (const [k, t] of Object.entries(model.stateDict())) {
    if (/bn\d\.weight$|downsample\.1\.weight$/.test(k)) assert.ok(t.eq(1).all().item(), `${k} is ones`);
    if (/bn\d\.bias$|running_mean$/.test(k)) assert.ok(t.eq(0).all().item(), `${k} is zeros`);
  }
  const fcBound = 1 / Math.sqrt(2048);
  assert.ok(model.fc.stateDict().weight.abs().max().item() <= fcBound);
  assert.ok(Math.abs(stdOf(model.fc.stateDict().weight) / (fcBound / Math.sqrt(3)) - 1) < 0.01, 'fc ~ U(±1/√in)');
});

test('zeroInitResidual zeroes the last BN γ of every block, so each block starts as identity + ReLU', () => {
  for (const [make, last] of [
    [resnet18, /^layer\d\.\d\.bn2\.weight$/],
    [resnet50, /^layer\d\.\d\.bn3\.weight$/],
  ] as const) {
    const sd = make({ zeroInitResidual: true }).stateDict();
    const lasts = Object.keys(sd).filter((k) => last.test(k));
    assert.equal(lasts.length, make === resnet18 ? 8 : 16);
    for (const k of lasts) assert.equal(sd[k].abs().sum().item(), 0, k);
    assert.ok(sd['layer1.0.bn1.weight'].eq(1).all().item(), 'other BNs keep γ = 1');
  }
  const model = resnet18({ zeroInitResidual: true, smallImageStem: true }).eval();
  const x = torch.noGrad(() => torch.nn.functional.relu(makeInput([1, 64, 8, 8])));
  assertClose(
    torch.noGrad(() => model.layers[0].forward(x)),
    x,
    { msg: 'layer1 is the identity on non-negative input' },
  );
});

test('invalid options name the option, the value and the model', () => {
  assertThrows(
    () => resnet18({ numClasses: -1 }),
    /ResNet\(BasicBlock, \[2,2,2,2\]\): expected an integer >= 0 for numClasses but received -1/,
    RangeError,
  );
  assertThrows(
    () => resnet50({ inChannels: 0 }),
    /ResNet\(Bottleneck, \[3,4,6,3\]\): expected an integer >= 1 for inChannels but received 0/,
    RangeError,
  );
  assertThrows(
    () => resnet18({ widthMultiplier: 0.3 }),
    /expected a positive widthMultiplier with 64·widthMultiplier an integer \(e\.g\. 1, 2, 4\) but received 0\.3/,
    RangeError,
  );
  const model = resnet18();
  const sd = { ...model.stateDict(), 'fc.weight': torch.zeros([10, 512]) };
  assertThrows(
    () => model.loadStateDict(sd),
    /size mismatch for fc\.weight: the model has shape \[1000,512\] but the checkpoint has \[10,512\]/,
  );
});
