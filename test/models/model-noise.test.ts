/** Model noise of Noisy Student's students: stochastic depth in the residual blocks and dropout before the classifier. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { BatchNorm2d, DropPath, Module } from '../../src/nn/index.js';
import * as F from '../../src/torch/functional/index.js';
import {
  BasicBlock,
  Bottleneck,
  Classifier,
  InvertedResidual,
  createEncoder,
  mobilenetV3Small,
  resnet18,
  resnet50,
  type Encoder,
} from '../../src/models/index.js';
import { assertClose, assertThrows } from '../helpers.js';

type Tensor = torch.Tensor;

const P = 0.3;
const N = 2000;

/** The drop probabilities of a model's DropPath modules, in module order. */
const dropRates = (m: Module): number[] => [...m.modules()].filter((c) => c instanceof DropPath).map((c) => (c as DropPath).p);

/** Copies `from`'s state into `to` and returns `to`. */
const sameState = <M extends Module>(to: M, from: Module): M => {
  to.loadStateDict(from.stateDict());
  return to;
};

/**
 * A block with stochastic depth P against two twins without it: one with the last BN's
 * γ, β scaled by 1/(1−P) (its output is the block's with a kept, rescaled branch) and one
 * unchanged (eval mode). BN runs in eval mode so that samples are independent; only the
 * DropPath trains. Each sample must equal either the shortcut alone (dropped) or the
 * rescaled twin (kept), in value and input gradient.
 */
function checkBlock(name: string, make: (p: number) => Module, shape: number[], relu: boolean): void {
  torch.manualSeed(3);
  const noisy = make(P).to('float64');
  const scaled = sameState(make(0).to('float64'), noisy).eval();
  const plain = sameState(make(0).to('float64'), noisy).eval();
  const bns = [...scaled.modules()].filter((m) => m instanceof BatchNorm2d);
  const last = bns[bns.length - 1] as BatchNorm2d;
  torch.noGrad(() => [last.weight!, last.bias!].forEach((t) => t.mul_(1 / (1 - P))));
  noisy.eval();
  for (const m of noisy.modules()) if (m instanceof DropPath) m.train();

  const x = torch.randn([N, ...shape], { dtype: 'float64' });
  const run = (m: Module): [Tensor, Tensor] => {
    const leaf = x.clone().requiresGrad_();
    const y = (m as unknown as { forward(x: Tensor): Tensor }).forward(leaf);
    y.sum().backward();
    return [y.detach().flatten(1), leaf.grad!.flatten(1)];
  };
  const [y, gx] = run(noisy);
  const [yKept, gKept] = run(scaled);
  const yDropped = (relu ? F.relu(x) : x).flatten(1);
  const gDropped = relu ? x.gt(0).double().flatten(1) : torch.onesLike(x).flatten(1);
  const rowMax = (t: Tensor): number[] => t.abs().amax(1).toArray() as number[];
  const offDropped = rowMax(y.sub(yDropped));
  const offKept = rowMax(y.sub(yKept));
  const gOffDropped = rowMax(gx.sub(gDropped));
  const gOffKept = rowMax(gx.sub(gKept));
  const tol = 1e-12 * yKept.abs().max().item();
  let kept = 0;
  for (let i = 0; i < N; i++) {
    const dropped = offDropped[i] === 0;
    assert.ok(dropped !== offKept[i] < tol, `${name} sample ${i}: all-dropped (${offDropped[i]}) xor all-kept (${offKept[i]})`);
    assert.ok((dropped ? gOffDropped[i] : gOffKept[i]) < 1e-10, `${name} sample ${i}: the input gradient follows the mask`);
    if (!dropped) kept++;
  }
  // Kept fraction ~ Binomial(N, 1 − P)/N (sd ≈ 0.010) and E[mask/(1 − P)] = 1 (sd ≈ 0.015): within 5 sd.
  assert.ok(Math.abs(kept / N - (1 - P)) < 5 * Math.sqrt((P * (1 - P)) / N), `${name}: kept ${kept} of ${N}`);
  assert.ok(Math.abs(kept / N / (1 - P) - 1) < 5 * Math.sqrt(P / (1 - P) / N), `${name}: mean branch scale`);

  noisy.eval();
  const evalOut = torch.noGrad(() => (noisy as unknown as Encoder).forward(x));
  assert.deepEqual(
    evalOut.toArray(),
    torch.noGrad(() => (plain as unknown as Encoder).forward(x)).toArray(),
    `${name}: eval is dropPath 0`,
  );
}

test('BasicBlock, Bottleneck and InvertedResidual drop whole residual branches per sample at rate p, scale kept ones by 1/(1−p), and pass gradients', () => {
  checkBlock('BasicBlock', (p) => new BasicBlock(8, 8, 1, p), [8, 4, 4], true);
  checkBlock('Bottleneck', (p) => new Bottleneck(16, 4, 1, p), [16, 4, 4], true);
  checkBlock('InvertedResidual', (p) => new InvertedResidual(16, [3, 32, 16, true, 'HS', 1], p), [16, 4, 4], false);
});

test('dropPath rises linearly to its value at the last block (Huang et al. l/L) in ResNets, MobileNetV3 residual bnecks and createEncoder', () => {
  assert.deepEqual(
    dropRates(resnet18({ dropPath: 0.2 })),
    [1, 2, 3, 4, 5, 6, 7, 8].map((l) => (0.2 * l) / 8),
  );
  const r50 = dropRates(resnet50({ dropPath: 0.2 }));
  assert.equal(r50.length, 16);
  assert.equal(r50[15], 0.2);
  // mobilenet_v3_small's residual bnecks are rows 3, 5, 6, 8, 10, 11 of 11 (stride 1, equal widths).
  assert.deepEqual(
    dropRates(mobilenetV3Small({ dropPath: 0.2 })),
    [3, 5, 6, 8, 10, 11].map((l) => (0.2 * l) / 11),
  );
  assert.deepEqual(
    dropRates(createEncoder({ dropPath: 0.1 })),
    [1, 2, 3, 4, 5, 6, 7, 8].map((l) => (0.1 * l) / 8),
  );
  assert.equal(dropRates(createEncoder({ arch: 'mobilenetV3Small', dropPath: 0.1 })).length, 6);
  assert.deepEqual(dropRates(createEncoder({})), [], 'no DropPath modules by default');
  assert.deepEqual(Object.keys(resnet18({ dropPath: 0.2 }).stateDict()), Object.keys(resnet18().stateDict()), 'state-dict keys unchanged');
});

test('whole models with dropPath: eval is bit-identical to dropPath 0; training draws masks from the global generator and trains every parameter', () => {
  for (const [name, make] of [
    ['resnet18', (p: number) => resnet18({ numClasses: 10, widthMultiplier: 0.25, smallImageStem: true, dropPath: p })],
    ['mobilenetV3Small', (p: number) => mobilenetV3Small({ numClasses: 10, widthMultiplier: 0.5, dropPath: p })],
  ] as const) {
    torch.manualSeed(5);
    const noisy = make(0.5);
    const plain = sameState(make(0), noisy);
    const x = torch.randn([8, 3, 32, 32]);
    const evalOut = torch.noGrad(() => noisy.eval().forward(x));
    assert.deepEqual(evalOut.toArray(), torch.noGrad(() => plain.eval().forward(x)).toArray(), `${name}: eval`);
    noisy.train();
    plain.train();
    torch.manualSeed(9);
    const state = torch.getRngState(); // what fit's checkpoint saves and restores
    const a = noisy.forward(x);
    const b = plain.forward(x);
    assert.ok(a.sub(b).abs().max().item() > 1e-3, `${name}: training output differs from dropPath 0`);
    torch.setRngState(state);
    assert.deepEqual(noisy.forward(x).toArray(), a.toArray(), `${name}: the masks replay from the global generator's state`);
    a.square().mean().backward();
    for (const [key, p] of noisy.namedParameters()) {
      const grad = p.grad;
      assert.ok(grad && Number.isFinite(grad.abs().sum().item()), `${name} ${key}: a finite gradient`);
    }
  }
});

test('dropPath outside [0, 1) is named by the model', () => {
  assertThrows(
    () => resnet18({ dropPath: 1 }),
    /^ResNet\(BasicBlock, \[2,2,2,2\]\): expected a number in \[0, 1\) for dropPath but received 1$/,
    RangeError,
  );
  assertThrows(
    () => createEncoder({ arch: 'mobilenetV3Small', dropPath: -0.1 }),
    /^mobilenet_v3_small: expected a number in \[0, 1\) for dropPath but received -0.1$/,
    RangeError,
  );
});

/** An encoder that passes its [N, D] input through: the classifier's input is x itself. */
class Passthrough extends Module implements Encoder {
  constructor(readonly featureDim: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x;
  }
}

test('Classifier dropout zeroes features at rate p in training, scales the rest by 1/(1−p), passes gradients and is the identity in eval', () => {
  const d = 64;
  const clf = new Classifier(new Passthrough(d), d, { dropout: 0.4 });
  torch.noGrad(() => {
    clf.fc.weight.copy_(torch.eye(d));
    clf.fc.bias!.zero_();
  });
  torch.manualSeed(1);
  const x = torch.ones([500, d], { requiresGrad: true });
  const y = clf.train().forward(x);
  const values = y.detach().flatten();
  const zeros = values.eq(0).sum().item() / values.numel();
  // 32,000 Bernoulli(0.4) zeros: sd ≈ 0.0027; the mean of mask/(1 − p): sd ≈ 0.0046. Within 5 sd.
  assert.ok(Math.abs(zeros - 0.4) < 0.014, `zero fraction ${zeros}`);
  assert.ok(Math.abs(values.mean().item() - 1) < 0.023, `mean ${values.mean().item()}`);
  assertClose(values.amax(), torch.tensor(1 / 0.6), { rtol: 1e-6, msg: 'kept features are scaled by 1/(1−p)' });
  y.sum().backward();
  assertClose(x.grad!, y.detach(), { rtol: 1e-6, msg: 'the gradient is the same mask' });
  assert.deepEqual(clf.eval().forward(x).toArray(), x.detach().toArray(), 'eval: no dropout');

  torch.manualSeed(2);
  const noisy = new Classifier(createEncoder({ width: 0.25 }), 10, { dropout: 0.5 });
  const plain = sameState(new Classifier(createEncoder({ width: 0.25 }), 10), noisy);
  assert.deepEqual(Object.keys(noisy.stateDict()), Object.keys(plain.stateDict()), 'state-dict keys unchanged');
  const images = torch.randn([4, 3, 32, 32]);
  const evalOut = torch.noGrad(() => noisy.eval().forward(images)).toArray();
  assert.deepEqual(evalOut, torch.noGrad(() => plain.eval().forward(images)).toArray(), 'eval is bit-identical to no dropout');
  assertThrows(
    () => new Classifier(new Passthrough(4), 2, { dropout: 2 }),
    /^Classifier: expected a number in \[0, 1\] for dropout but received 2 of type number$/,
    RangeError,
  );
});
