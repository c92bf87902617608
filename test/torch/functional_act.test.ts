import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { assertClose, assertThrows, golden, gradcheck } from '../helpers.js';

const F = torch.nn.functional;
const g = golden('nn');
const gen = new torch.Generator(5);
const rnd = (shape: number[]): torch.Tensor => torch.randn(shape, { dtype: 'float64', generator: gen }).mul(2);

const PLAIN = [
  'relu',
  'relu6',
  'gelu',
  'silu',
  'mish',
  'elu',
  'selu',
  'celu',
  'hardswish',
  'hardsigmoid',
  'hardtanh',
  'sigmoid',
  'tanh',
  'softplus',
  'softsign',
  'leakyRelu',
  'logSigmoid',
] as const;
type Act = (x: torch.Tensor) => torch.Tensor;

test('activations with default options match PyTorch', () => {
  const x = g('act.x');
  for (const name of PLAIN) assertClose((F[name] as Act)(x), g(`act.${name}`), { atol: 1e-6, msg: name });
});

test('activation options match PyTorch', () => {
  const x = g('act.x');
  assertClose(F.gelu(x, { approximate: 'tanh' }), g('act.gelu.tanh'));
  assertClose(F.gelu(x, { approximate: 'none' }), g('act.gelu'));
  assertClose(F.elu(x, { alpha: 0.5 }), g('act.elu.a05'));
  assertClose(F.celu(x, { alpha: 2 }), g('act.celu.a2'));
  assertClose(F.hardtanh(x, { minVal: -2, maxVal: 3 }), g('act.hardtanh.m2p3'));
  assertClose(F.softplus(x, { beta: 2, threshold: 3 }), g('act.softplus.b2t3'));
  assertClose(F.leakyRelu(x, { negativeSlope: 0.2 }), g('act.leakyRelu.02'));
  assertClose(F.glu(x.narrow(1, 0, 4)), g('act.glu'));
  assertClose(F.glu(x.narrow(0, 0, 2), { dim: 0 }), g('act.glu.dim0'));
});

test('softmax, logSoftmax and softmin match PyTorch along each dim', () => {
  const s = g('sm.x');
  for (const d of [0, 1, -1]) {
    assertClose(F.softmax(s, d), g(`softmax.${d}`), { msg: `softmax ${d}` });
    assertClose(F.logSoftmax(s, d), g(`logSoftmax.${d}`), { msg: `logSoftmax ${d}` });
  }
  const f64 = F.softmax(s, 1, { dtype: 'float64' });
  assert.equal(f64.dtype, 'float64');
  assertClose(f64, g('softmax.f64'));
  assertClose(F.softmin(s, 2), g('softmin.2'));
  assertClose(F.softmax(s, 2).sum(2), torch.ones([2, 3]), { msg: 'rows sum to 1' });
});

test('activation gradients match finite differences', () => {
  torch.scope(() => {
    // Inputs kept away from the kinks of relu-like functions (|x| > 1e-3 and away from ±3, ±1, 6).
    const x = torch.tensor(
      [
        [-4.2, -2.1, -0.7, -0.2, 0.3],
        [0.8, 1.6, 2.4, 3.7, 7.1],
      ],
      { dtype: 'float64' },
    );
    for (const name of PLAIN) gradcheck(F[name] as Act, [x], { msg: name });
    gradcheck((u) => F.gelu(u, { approximate: 'tanh' }), [x], { msg: 'gelu tanh' });
    gradcheck((u) => F.elu(u, { alpha: 0.5 }), [x], { msg: 'elu alpha' });
    gradcheck((u) => F.softplus(u, { beta: 2, threshold: 3 }), [x], { msg: 'softplus beta/threshold' });
    gradcheck((u) => F.leakyRelu(u, { negativeSlope: 0.2 }), [x], { msg: 'leakyRelu slope' });
    gradcheck((u) => F.hardtanh(u, { minVal: -2, maxVal: 3 }), [x], { msg: 'hardtanh bounds' });
    gradcheck((u) => F.glu(u, { dim: 0 }), [x], { msg: 'glu' });
    const s = rnd([2, 3, 4]);
    gradcheck((u) => F.softmax(u, 1), [s], { msg: 'softmax' });
    gradcheck((u) => F.logSoftmax(u, -1), [s], { msg: 'logSoftmax' });
    gradcheck((u) => F.softmin(u, 0), [s], { msg: 'softmin' });
  });
});

test('activation option errors name the option', () => {
  const x = g('act.x');
  assertThrows(
    () => F.gelu(x, { approximate: 'fast' as 'tanh' }),
    /^Expected one of none, tanh for approximate but received "fast" of type string$/,
    TypeError,
  );
  assertThrows(() => F.softmax(x, undefined as unknown as number), /Expected an integer for dim but received undefined/, TypeError);
  assertThrows(
    () => F.softmax(x, 2),
    /^softmax: Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)/,
    torch.TorchError,
  );
  assertThrows(
    () => F.logSoftmax(x, 0, { dtype: 'float128' as 'float64' }),
    /Expected one of .*float64.* for dtype but received "float128"/,
    TypeError,
  );
  assertThrows(() => F.leakyRelu(x, { slope: 0.1 } as never), /unknown option "slope"/, TypeError);
  assertThrows(() => F.elu(x, { alpha: '1' as unknown as number }), /Expected a number for alpha but received "1"/, TypeError);
  assertThrows(() => F.relu(5 as unknown as torch.Tensor), /Expected a Tensor for input but received 5 of type number/, TypeError);
  assertThrows(() => F.glu(g('act.x'), { dim: 1 }), /^glu: Halving dimension must be even/, torch.TorchError);
});
