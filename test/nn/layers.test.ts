/** Layer parity with PyTorch: each golden case stores a module's state dict, an input, its output and gradients. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { torch } from '../../src/index.js';
import { assertClose, golden, root } from '../helpers.js';

const nn = torch.nn;
type Tensor = torch.Tensor;
type Module = torch.nn.Module;
type Layer = torch.nn.TensorModule;
const g = golden('layers');
const fixture = torch.safetensors.loadFile(join(root, 'fixtures', 'goldens', 'layers.safetensors'));
const TOL = { rtol: 1e-5, atol: 1e-5 };

/** The golden state dict stored under `<name>.sd.`. */
const state = (name: string): Record<string, Tensor> =>
  Object.fromEntries(
    Object.entries(fixture)
      .filter(([k]) => k.startsWith(`${name}.sd.`))
      .map(([k, t]) => [k.slice(name.length + 4), t]),
  );
/** A JSON text stored as uint8. */
const json = (name: string): unknown => JSON.parse(Buffer.from(g(name).data() as Uint8Array).toString());

/** Loads `<name>.sd.*` strictly (so the key sets must equal PyTorch's), runs `<name>.x`, compares `<name>.y` and, with grad, the gradients. */
function parity(name: string, m: Layer, grad = false): void {
  m.loadStateDict(state(name), true, name);
  const x0 = g(`${name}.x`);
  const x = grad ? x0.detach().clone().requiresGrad_() : x0;
  const y = m.forward(x);
  assertClose(y, g(`${name}.y`), { ...TOL, msg: name });
  if (!grad) return;
  y.mul(g(`${name}.gy`))
    .sum()
    .backward();
  assertClose(x.grad!, g(`${name}.grad.x`), { ...TOL, msg: `${name} grad x` });
  const names = [...m.namedParameters()].map(([k]) => k);
  assert.ok(names.length > 0);
  for (const [k, p] of m.namedParameters()) assertClose(p.grad!, g(`${name}.grad.${k}`), { ...TOL, msg: `${name} grad ${k}` });
}

test('Linear with and without bias matches PyTorch, with gradients', () => {
  parity('linear', new nn.Linear(5, 4), true);
  parity('linear.nobias', new nn.Linear(5, 4, { bias: false }));
  assert.deepEqual(Object.keys(new nn.Linear(5, 4, { bias: false }).stateDict()), ['weight']);
});

test('Conv1d and Conv2d with stride, padding, dilation, groups and "same" match PyTorch', () => {
  parity('conv1d', new nn.Conv1d(4, 6, 3, { stride: 2, padding: 1, dilation: 2, groups: 2 }));
  parity('conv1d.same', new nn.Conv1d(4, 3, 4, { padding: 'same' }));
  parity('conv2d', new nn.Conv2d(4, 6, [3, 2], { stride: [2, 1], padding: [2, 1], dilation: [1, 2], groups: 2 }), true);
  parity('conv2d.same', new nn.Conv2d(3, 4, [2, 3], { padding: 'same', dilation: [2, 1], bias: false }));
});

test('ConvTranspose2d with outputPadding, groups and dilation matches PyTorch', () => {
  parity('convT2d', new nn.ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }));
  parity('convT2d.d2', new nn.ConvTranspose2d(3, 2, [2, 3], { stride: [1, 3], dilation: 2, outputPadding: [0, 1] }));
});

test('LayerNorm (with gradients) and GroupNorm match PyTorch', () => {
  parity('layernorm', new nn.LayerNorm([3, 4], { eps: 1e-3 }), true);
  parity('groupnorm', new nn.GroupNorm(3, 6));
});

test('Embedding with paddingIdx matches PyTorch; the padding row gets no gradient', () => {
  const m = new nn.Embedding(7, 3, { paddingIdx: 2 });
  parity('embedding', m);
  m.forward(g('embedding.x')).pow(2).sum().backward();
  assertClose(m.weight.grad!, g('embedding.grad.weight'), TOL);
  assert.deepEqual(m.weight.grad!.select(0, 2).toArray(), [0, 0, 0]);
  const neg = new nn.Embedding(5, 2, { paddingIdx: -1 });
  assert.equal(neg.paddingIdx, 4);
  parity('embedding.negpad', neg);
});

test('Flatten matches PyTorch', () => {
  parity('flatten', new nn.Flatten(1, 2));
  parity('flatten.default', new nn.Flatten());
});

const BN: [string, () => torch.nn.BatchNorm1d | torch.nn.BatchNorm2d][] = [
  ['bn2d', () => new nn.BatchNorm2d(3, { momentum: 0.2 })],
  ['bn1d', () => new nn.BatchNorm1d(4)],
  ['bn1d.3d', () => new nn.BatchNorm1d(2, { eps: 1e-3 })],
  ['bn2d.cma', () => new nn.BatchNorm2d(2, { momentum: null })],
];

test('BatchNorm in training: outputs and running statistics after each of 3 steps, then eval, match PyTorch', () => {
  for (const [name, make] of BN) {
    const m = make();
    m.loadStateDict(state(name), true, name);
    for (const step of [1, 2, 3]) {
      const x = g(`${name}.x${step}`).detach().clone().requiresGrad_();
      const y = m.forward(x);
      assertClose(y, g(`${name}.y${step}`), { ...TOL, msg: `${name} step ${step}` });
      if (step === 2 && name === 'bn2d') {
        y.mul(g(`${name}.gy`))
          .sum()
          .backward();
        assertClose(x.grad!, g(`${name}.grad.x`), { ...TOL, msg: 'bn2d grad x' });
        assertClose(m.weight!.grad!, g(`${name}.grad.weight`), { ...TOL, msg: 'bn2d grad weight' });
        assertClose(m.bias!.grad!, g(`${name}.grad.bias`), { ...TOL, msg: 'bn2d grad bias' });
      }
      for (const [k, t] of Object.entries(m.stateDict()))
        assertClose(t, g(`${name}.after${step}.${k}`), { ...TOL, msg: `${name} step ${step} ${k}` });
    }
    assert.equal(m.numBatchesTracked!.item(), 3);
    m.eval();
    assertClose(m.forward(g(`${name}.eval.x`)), g(`${name}.eval.y`), { ...TOL, msg: `${name} eval` });
    assertClose(m.numBatchesTracked!, g(`${name}.after3.num_batches_tracked`), { msg: 'eval does not count batches' });
  }
});

test('BatchNorm without running statistics uses batch statistics in eval and has no buffers', () => {
  const m = new nn.BatchNorm2d(3, { trackRunningStats: false }).eval();
  assert.deepEqual(Object.keys(m.stateDict()), ['weight', 'bias']);
  parity('bn2d.nostats', m);
});

test('activation layers match PyTorch', () => {
  const x = g('act.x');
  const layers: Record<string, Layer> = {
    ReLU: new nn.ReLU(),
    ReLU6: new nn.ReLU6(),
    GELU: new nn.GELU(),
    'GELU.tanh': new nn.GELU('tanh'),
    SiLU: new nn.SiLU(),
    Mish: new nn.Mish(),
    Hardswish: new nn.Hardswish(),
    Hardsigmoid: new nn.Hardsigmoid(),
    Sigmoid: new nn.Sigmoid(),
    Tanh: new nn.Tanh(),
    Softplus: new nn.Softplus(2, 1),
    LeakyReLU: new nn.LeakyReLU(0.2),
    ELU: new nn.ELU(0.5),
    Softmax: new nn.Softmax(0),
    LogSoftmax: new nn.LogSoftmax(-1),
  };
  for (const [k, m] of Object.entries(layers)) {
    assertClose(m.forward(x), g(`act.${k}`), { ...TOL, msg: k });
    assert.deepEqual(Object.keys(m.stateDict()), [], `${k} has no state`);
  }
});

test('pooling layers match PyTorch', () => {
  const x1 = g('pool.x1');
  const x2 = g('pool.x2');
  const cases: [string, Layer, Tensor][] = [
    ['MaxPool1d', new nn.MaxPool1d(3, { stride: 2, padding: 1, dilation: 2 }), x1],
    ['MaxPool2d', new nn.MaxPool2d(3, { stride: 2, padding: 1 }), x2],
    ['MaxPool2d.ceil', new nn.MaxPool2d([2, 3], { ceilMode: true }), x2],
    ['AvgPool1d', new nn.AvgPool1d(3, { stride: 2, padding: 1, countIncludePad: false }), x1],
    ['AvgPool2d', new nn.AvgPool2d(3, { stride: 2, padding: 1 }), x2],
    ['AvgPool2d.div', new nn.AvgPool2d(2, { ceilMode: true, divisorOverride: 3 }), x2],
    ['AdaptiveAvgPool1d', new nn.AdaptiveAvgPool1d(4), x1],
    ['AdaptiveAvgPool2d', new nn.AdaptiveAvgPool2d([3, null]), x2],
    ['AdaptiveMaxPool2d', new nn.AdaptiveMaxPool2d(2), x2],
  ];
  for (const [k, m, x] of cases) assertClose(m.forward(x), g(`pool.${k}`), { ...TOL, msg: k });
});

/** [key, shape] pairs of a stateDict, in order. */
const keysOf = (m: Module): [string, number[]][] => Object.entries(m.stateDict()).map(([k, t]) => [k, t.shape]);

test('Sequential(Conv2d, BatchNorm2d, ReLU, Flatten, Linear): stateDict keys, order, shapes and parameter order equal PyTorch', () => {
  const seq = new nn.Sequential(
    new nn.Conv2d(3, 4, 3, { padding: 1 }),
    new nn.BatchNorm2d(4),
    new nn.ReLU(),
    new nn.Flatten(),
    new nn.Linear(36, 5),
  );
  assert.deepEqual(keysOf(seq), json('seq.keys'));
  assert.deepEqual(
    [...seq.namedParameters()].map(([k]) => k),
    json('seq.params'),
  );
  parity('seq', seq);
  seq.eval();
  assertClose(seq.forward(g('seq.x')), g('seq.eval.y'), { ...TOL, msg: 'eval after one training step' });
});

/** PyTorch's `Net` in g_layers.py: containers, a parameter and buffers registered after the children, a shared child. */
class Net extends nn.Module {
  readonly features = this.registerModule(
    'features',
    new nn.Sequential(new nn.Conv2d(3, 8, 3, { bias: false }), new nn.BatchNorm2d(8), new nn.ReLU()),
  );
  readonly blocks = this.registerModule('blocks', new nn.ModuleList([new nn.Linear(8, 4), new nn.LayerNorm(4)]));
  readonly heads = this.registerModule(
    'heads',
    new nn.ModuleDict({ head: new nn.Linear(4, 2), drop: new nn.Dropout(0.1), emb: new nn.Embedding(3, 2) }),
  );
  readonly shared = this.registerModule('shared', this.blocks.at(0));
  readonly scale = this.registerParameter('scale', torch.ones([1]));
  readonly center = this.registerBuffer('center', torch.zeros([4]));
  readonly scratch = this.registerBuffer('scratch', torch.zeros([2]), false);
  forward(x: Tensor): Tensor {
    return x;
  }
}

test('nested containers: own tensors first, non-persistent buffers out, shared children under both keys but one parameter each, as PyTorch', () => {
  const net = new Net();
  assert.deepEqual(keysOf(net), json('nested.keys'));
  assert.deepEqual(
    [...net.namedParameters()].map(([k]) => k),
    json('nested.params'),
  );
  assert.equal(net.stateDict()['shared.weight'], net.stateDict()['blocks.0.weight']);
  assert.deepEqual([...net.namedBuffers()].map(([k]) => k).slice(0, 2), ['center', 'scratch']);
  assert.deepEqual(
    [...net.namedModules()].map(([k]) => k),
    [
      '',
      'features',
      'features.0',
      'features.1',
      'features.2',
      'blocks',
      'blocks.0',
      'blocks.1',
      'heads',
      'heads.head',
      'heads.drop',
      'heads.emb',
    ],
  );
});
