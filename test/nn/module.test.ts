/** Module API: registration, traversal, modes, moves, gradients, state dicts, scopes, DropPath and summary. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { assertClose, assertThrows } from '../helpers.js';

const nn = torch.nn;
type Tensor = torch.Tensor;

/** A small CNN: features (Sequential) → flatten → head, with a parameter of its own. */
class Net extends nn.Module {
  readonly features = this.registerModule(
    'features',
    new nn.Sequential(new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.MaxPool2d(2)),
  );
  readonly head = this.registerModule('head', new nn.Sequential(new nn.Flatten(), new nn.Dropout(0.5), new nn.Linear(8 * 4 * 4, 10)));
  readonly scale = this.registerParameter('scale', torch.ones([1]));
  forward(x: Tensor): Tensor {
    return this.head.forward(this.features.forward(x)).mul(this.scale); // [N, 10]
  }
}

class Bare extends nn.Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

test('registration rejects duplicate, invalid names and wrong values with named errors', () => {
  const m = new Bare();
  m.registerParameter('w', torch.zeros([2]));
  assertThrows(() => m.registerParameter('w', torch.zeros([2])), /Bare\.registerParameter: "w" is already registered as a parameter/);
  assertThrows(() => m.registerBuffer('w', torch.zeros([2])), /Bare\.registerBuffer: "w" is already registered as a parameter/);
  m.registerModule('child', new Bare());
  assertThrows(() => m.registerParameter('child', null), /"child" is already registered as a module/);
  assertThrows(
    () => m.registerBuffer('', torch.zeros([1])),
    /expected a non-empty name without "\." but received "" of type string/,
    TypeError,
  );
  assertThrows(
    () => m.registerModule('a.b', new Bare()),
    /registerModule: expected a non-empty name without "\." but received "a\.b"/,
    TypeError,
  );
  assertThrows(() => m.registerModule('x', 3 as unknown as Bare), /expected a Module or null for "x"/, TypeError);
  assertThrows(() => m.registerParameter('y', [1] as unknown as Tensor), /expected a Tensor or null for "y"/, TypeError);
  const a = torch.ones([2], { requiresGrad: true });
  assertThrows(() => m.registerParameter('z', a.mul(2)), /"z" must be a leaf tensor/, TypeError);
  const p = m.registerParameter('p', torch.zeros([3]));
  assert.equal(p.requiresGrad, true, 'parameters require grad');
  assert.deepEqual(
    [...m.namedParameters()].map(([k]) => k),
    ['w', 'p'],
  );
  assert.equal(m.registerParameter('none', null), null);
  assert.deepEqual(Object.keys(m.stateDict()), ['w', 'p'], 'null parameters are not in the state dict');
});

test('namedModules, children, getSubmodule and shared modules follow PyTorch', () => {
  const net = new Net();
  assert.deepEqual(
    [...net.namedChildren()].map(([k]) => k),
    ['features', 'head'],
  );
  assert.deepEqual([...net.children()], [net.features, net.head]);
  assert.deepEqual(
    [...net.namedModules()].map(([k, m]) => `${k}:${m.constructor.name}`),
    [
      ':Net',
      'features:Sequential',
      'features.0:Conv2d',
      'features.1:BatchNorm2d',
      'features.2:ReLU',
      'features.3:MaxPool2d',
      'head:Sequential',
      'head.0:Flatten',
      'head.1:Dropout',
      'head.2:Linear',
    ],
  );
  assert.equal(net.getSubmodule('features.1'), net.features.at(1));
  assert.equal(net.getSubmodule(''), net);
  assertThrows(() => net.getSubmodule('features.9'), /Sequential has no child named "9" \(looking up "features\.9"\)/);
  const lin = new nn.Linear(2, 2);
  const tied = new nn.Sequential(lin, new nn.ReLU(), lin);
  assert.deepEqual(
    [...tied.namedModules()].map(([k]) => k),
    ['', '0', '1'],
    'a shared module is listed once',
  );
  assert.deepEqual(
    [...tied.namedParameters()].map(([k]) => k),
    ['0.weight', '0.bias'],
  );
  assert.deepEqual(Object.keys(tied.stateDict()), ['0.weight', '0.bias', '2.weight', '2.bias']);
  assert.deepEqual(
    [...net.namedParameters('', false)].map(([k]) => k),
    ['scale'],
  );
  assert.equal(tied.length, 3);
  assert.equal(tied.at(-1), lin);
  assertThrows(() => tied.at(3), /Sequential\.at: index 3 out of range for 3 layers/, RangeError);
});

test('train()/eval() propagate and change Dropout and BatchNorm behaviour', () => {
  const net = new Net();
  assert.ok([...net.modules()].every((m) => m.training));
  net.eval();
  assert.ok([...net.modules()].every((m) => !m.training));
  torch.manualSeed(3);
  const x = torch.ones([10000]);
  const drop = new nn.Dropout(0.25);
  assert.equal(drop.eval().forward(x).sum().item(), 10000, 'eval: identity');
  const y = drop.train().forward(x);
  const kept = y.gt(0).sum().item();
  assert.ok(Math.abs(kept / 10000 - 0.75) < 0.03, `keeps about 75% (kept ${kept})`);
  assertClose(y.sum().div(kept), torch.tensor(4 / 3), { rtol: 1e-6, msg: 'kept scaled by 1/(1-p)' });
  const bn = new nn.BatchNorm1d(2);
  const xb = torch.tensor([
    [1, 10],
    [3, 30],
  ]);
  assertClose(bn.eval().forward(xb), xb.div(Math.sqrt(1 + 1e-5)), { rtol: 1e-6, msg: 'eval uses running stats (0, 1)' });
  assert.equal(bn.numBatchesTracked!.item(), 0);
  assertClose(
    bn.train().forward(xb),
    torch.tensor([
      [-1, -1],
      [1, 1],
    ]),
    { atol: 1e-4, msg: 'train uses batch stats' },
  );
  assertClose(bn.runningMean!, torch.tensor([0.2, 2]), { rtol: 1e-6 });
  assertThrows(() => net.train('yes' as unknown as boolean), /Net\.train: expected a boolean for mode but received "yes"/, TypeError);
});

test('to(float64) keeps the same parameter objects, casts gradients, leaves int buffers, and an earlier optimizer still updates them', () => {
  const net = new Net();
  const before = net.parameters();
  const opt = new torch.optim.SGD(before, { lr: 0.1 });
  net
    .forward(torch.randn([2, 3, 8, 8]))
    .sum()
    .backward();
  net.to('float64');
  const after = net.parameters();
  assert.ok(
    after.every((p, i) => p === before[i]),
    'same Tensor objects',
  );
  assert.ok(after.every((p) => p.dtype === 'float64' && p.requiresGrad && p.grad?.dtype === 'float64'));
  assert.equal(net.features.at(1).stateDict().num_batches_tracked.dtype, 'int64');
  assert.equal(net.features.at(1).stateDict().running_mean.dtype, 'float64');
  const w0 = net.head.at(2).stateDict().weight.clone();
  const g0 = net.head.at(2).stateDict().weight.grad!.clone();
  opt.step();
  assertClose(net.head.at(2).stateDict().weight, w0.sub(g0.mul(0.1)), { rtol: 1e-12, msg: 'SGD step on the cast parameter' });
  opt.zeroGrad();
  net
    .forward(torch.randn([2, 3, 8, 8], { dtype: 'float64' }))
    .sum()
    .backward();
  assert.equal(net.scale.grad!.dtype, 'float64', 'float64 forward and backward after the cast');
  assertThrows(() => net.to('int64'), /Net\.to: expected a floating point or complex dtype but received "int64"/, TypeError);
});

test('zeroGrad drops gradients (default) or zeroes them in place', () => {
  const lin = new nn.Linear(3, 2);
  lin
    .forward(torch.ones([4, 3]))
    .sum()
    .backward();
  assertClose(lin.bias!.grad!, torch.tensor([4, 4]));
  lin.zeroGrad(false);
  assertClose(lin.weight.grad!, torch.zeros([2, 3]));
  assertClose(lin.bias!.grad!, torch.zeros([2]));
  lin
    .forward(torch.ones([1, 3]))
    .sum()
    .backward();
  assertClose(lin.bias!.grad!, torch.tensor([1, 1]), { msg: 'accumulates into the zeroed gradient' });
  lin.zeroGrad();
  assert.equal(lin.weight.grad, null);
  assert.equal(lin.bias!.grad, null);
});

test('apply visits children before parents; numParameters and requiresGrad_ count and freeze', () => {
  const net = new Net();
  const order: string[] = [];
  net.apply((m) => order.push(m.constructor.name));
  assert.deepEqual(order, [
    'Conv2d',
    'BatchNorm2d',
    'ReLU',
    'MaxPool2d',
    'Sequential',
    'Flatten',
    'Dropout',
    'Linear',
    'Sequential',
    'Net',
  ]);
  net.apply((m) => {
    if (m instanceof nn.Linear) nn.init.zeros_(m.weight);
  });
  assert.equal(net.head.at(2).stateDict().weight.abs().sum().item(), 0);
  const conv = 8 * 3 * 9 + 8;
  const total = conv + 16 + 128 * 10 + 10 + 1;
  assert.equal(net.numParameters(), total);
  net.features.requiresGrad_(false);
  assert.equal(net.numParameters(true), total - conv - 16);
  assert.equal(net.numParameters(), total);
});

test('DropPath drops whole samples with probability p, scales kept ones by 1/(1-p), and is the identity in eval', () => {
  torch.manualSeed(7);
  const dp = new nn.DropPath(0.3);
  const x = torch.ones([10000, 3, 2], { requiresGrad: true });
  const y = dp.forward(x);
  const perSample = y.detach().view([10000, 6]);
  const first = perSample.select(1, 0).view([10000, 1]);
  assert.equal(perSample.sub(first).abs().max().item(), 0, 'each sample is all-kept or all-dropped');
  const kept = first.gt(0).sum().item();
  assert.ok(Math.abs(kept / 10000 - 0.7) < 0.03, `keeps about 70% of samples (kept ${kept})`);
  assertClose(first.amax(), torch.tensor(1 / 0.7), { rtol: 1e-6 });
  y.sum().backward();
  assertClose(x.grad!, y.detach(), { rtol: 1e-6, msg: 'gradient is the same mask' });
  dp.eval();
  assert.equal(dp.forward(x), x, 'eval returns the input');
  assert.equal(new nn.DropPath(0).forward(x), x, 'p = 0 returns the input');
  assertThrows(() => new nn.DropPath(1), /^DropPath: expected a number in \[0, 1\) for p but received 1 of type number$/, RangeError);
});

test('loadStateDict: strict lists missing and unexpected keys; non-strict returns them; shape mismatches name the key and both shapes', () => {
  const src = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4));
  const dst = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4));
  const state = { ...src.stateDict() } as Record<string, Tensor>;
  delete state['1.running_var'];
  state['2.weight'] = torch.zeros([1]);
  assertThrows(
    () => dst.loadStateDict(state, true, 'ckpt.safetensors'),
    /Sequential\.loadStateDict \(ckpt\.safetensors\): missing keys: 1\.running_var; unexpected keys: 2\.weight/,
  );
  assert.notDeepEqual(dst.at(0).stateDict().weight.toArray(), src.at(0).stateDict().weight.toArray(), 'nothing copied on error');
  const res = dst.loadStateDict(state, false);
  assert.deepEqual(res, { missingKeys: ['1.running_var'], unexpectedKeys: ['2.weight'] });
  assertClose(dst.at(0).stateDict().weight, src.at(0).stateDict().weight);
  assert.notEqual(dst.at(0).stateDict().weight, src.at(0).stateDict().weight, 'values are copied, not shared');
  const bad = { ...src.stateDict(), '0.weight': torch.zeros([4, 5]) };
  assertThrows(
    () => dst.loadStateDict(bad, false),
    /size mismatch for 0\.weight: the model has shape \[4,3\] but the checkpoint has \[4,5\]/,
  );
  assertThrows(
    () => dst.loadStateDict({ ...src.stateDict(), '0.bias': 1 as unknown as Tensor }),
    /0\.bias: expected a Tensor but received 1 of type number/,
  );
  assert.deepEqual(dst.loadStateDict({ ...src.stateDict(), constructor: torch.zeros([1]) }, false).unexpectedKeys, ['constructor']);
});

test('parameters and buffers registered inside torch.scope outlive the scope', () => {
  let net: Net | undefined;
  let emb: torch.nn.Embedding | undefined;
  torch.scope(() => {
    net = new Net();
    emb = new nn.Embedding(5, 2, { paddingIdx: 0 });
    net.forward(torch.zeros([1, 3, 8, 8]));
  });
  const all = [...net!.parameters(), ...net!.buffers(), emb!.weight];
  assert.ok(
    all.every((t) => !t.isDisposed),
    'no parameter or buffer was disposed',
  );
  assert.equal(net!.features.at(1).stateDict().num_batches_tracked.item(), 1);
  assert.deepEqual(net!.forward(torch.zeros([2, 3, 8, 8])).shape, [2, 10]);
  const opt = new torch.optim.SGD(net!.parameters(), { lr: 0.1 });
  torch.scope(() => {
    net!
      .forward(torch.randn([2, 3, 8, 8]))
      .sum()
      .backward();
    opt.step();
  });
  assert.ok(net!.parameters().every((p) => !p.isDisposed));
});

test('summary lists leaf layers with output shapes and parameter counts, restoring forwards and modes', () => {
  const net = new Net();
  net.features.at(0).requiresGrad_(false);
  const s = nn.summary(net, [2, 3, 8, 8]);
  const lines = s.split('\n');
  assert.match(lines[0], /^Layer\s+Type\s+Output shape\s+Params$/);
  const row = (name: string): string[] =>
    lines
      .find((l) => l.startsWith(`${name} `))!
      .trim()
      .split(/\s{2,}/);
  assert.deepEqual(row('features.0'), ['features.0', 'Conv2d', '[2, 8, 8, 8]', '224']);
  assert.deepEqual(row('features.1'), ['features.1', 'BatchNorm2d', '[2, 8, 8, 8]', '16']);
  assert.deepEqual(row('features.3'), ['features.3', 'MaxPool2d', '[2, 8, 4, 4]', '0']);
  assert.deepEqual(row('head.0'), ['head.0', 'Flatten', '[2, 128]', '0']);
  assert.deepEqual(row('head.2'), ['head.2', 'Linear', '[2, 10]', '1,290']);
  assert.equal(lines.filter((l) => /^(features|head)\.\d /.test(l)).length, 7, 'one row per leaf');
  assert.deepEqual(lines.slice(-3), ['Total params: 1,531', 'Trainable params: 1,307', 'Non-trainable params: 224']);
  assert.ok(
    [...net.modules()].every((m) => m.training && !Object.prototype.hasOwnProperty.call(m, 'forward')),
    'modes and forwards restored',
  );
  assert.equal(net.features.at(1).stateDict().num_batches_tracked.item(), 0, 'ran in eval mode');
  assert.throws(() => nn.summary(net, [2, 5, 8, 8]));
  assert.ok(
    [...net.modules()].every((m) => m.training && !Object.prototype.hasOwnProperty.call(m, 'forward')),
    'restored after an error',
  );
  assertThrows(
    () => nn.summary(net, [2, -1]),
    /^summary: expected an array of non-negative integers for inputShape but received \[2 of type number, -1 of type number\] of type array$/,
    RangeError,
  );
});

test('Module methods and MultiheadAttention.forward check their arguments with named errors', () => {
  const m = new nn.Linear(2, 2);
  assertThrows(
    () => m.loadStateDict(null as never),
    /^Linear\.loadStateDict: expected an object mapping keys to Tensors for state but received null$/,
    TypeError,
  );
  assertThrows(
    () => m.loadStateDict(m.stateDict(), 'no' as never),
    /^Linear\.loadStateDict: expected a boolean for strict but received "no" of type string$/,
    TypeError,
  );
  assertThrows(
    () => m.getSubmodule(5 as never),
    /^Linear\.getSubmodule: expected a string for target but received 5 of type number$/,
    TypeError,
  );
  assertThrows(
    () => m.to(null as never),
    /^Linear\.to: expected a dtype, a device or \{ device, dtype \} for target but received null$/,
    TypeError,
  );
  assertThrows(
    () => m.to({ dtpye: 'float64' } as never),
    /^Linear\.to: expected options of Linear\.to among device, dtype but received unknown option "dtpye"$/,
    TypeError,
  );
  assertThrows(
    () => m.zeroGrad('x' as never),
    /^Linear\.zeroGrad: expected a boolean for setToNone but received "x" of type string$/,
    TypeError,
  );
  assertThrows(() => m.apply(null as never), /^Linear\.apply: expected a function for fn but received null$/, TypeError);
  assertThrows(
    () => m.numParameters('x' as never),
    /^Linear\.numParameters: expected a boolean for trainableOnly but received "x" of type string$/,
    TypeError,
  );
  const mha = new nn.MultiheadAttention(4, 2);
  const x = torch.ones([2, 1, 4]);
  assertThrows(() => mha.forward(null as never, x, x), /^MultiheadAttention: expected a Tensor for query but received null$/, TypeError);
  assertThrows(
    () => mha.forward(x, x, x, { attnMask: 5 as never }),
    /^MultiheadAttention: expected a Tensor for attnMask but received 5 of type number$/,
    TypeError,
  );
  assertThrows(
    () => mha.forward(x, x, x, { needWeight: false } as never),
    /^MultiheadAttention: expected options of MultiheadAttention\.forward among keyPaddingMask, attnMask, needWeights, averageAttnWeights but received unknown option "needWeight"$/,
    TypeError,
  );
  assertThrows(
    () => nn.generateSquareSubsequentMask(2 ** 40),
    /^generateSquareSubsequentMask: expected a positive integer <= 2147483647 for size but received 1099511627776 of type number$/,
    RangeError,
  );
});
