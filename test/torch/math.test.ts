import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { assertClose, assertThrows, golden, gradcheck } from '../helpers.js';

const g = golden('math');
const a = g('a');
const b = g('b');
const p = g('p');
const ia = g('ia');
const ib = g('ib');

const UNARY = [
  'neg',
  'abs',
  'sign',
  'exp',
  'expm1',
  'log',
  'log1p',
  'log2',
  'log10',
  'sqrt',
  'rsqrt',
  'reciprocal',
  'sin',
  'cos',
  'tan',
  'asin',
  'acos',
  'atan',
  'sinh',
  'cosh',
  'tanh',
  'sigmoid',
  'erf',
  'floor',
  'ceil',
  'round',
  'trunc',
  'frac',
  'square',
] as const;
const POSITIVE = new Set(['log', 'log1p', 'log2', 'log10', 'sqrt', 'rsqrt', 'asin', 'acos', 'reciprocal']);

test('unary ops match PyTorch', () => {
  for (const name of UNARY) {
    const x = POSITIVE.has(name) ? p : a;
    assertClose((torch[name] as (t: torch.Tensor) => torch.Tensor)(x), g(`unary.${name}`), { msg: name });
    assertClose((x[name] as () => torch.Tensor)(), g(`unary.${name}`), { msg: `method ${name}` });
  }
});

test('binary ops broadcast and match PyTorch', () => {
  assertClose(a.add(b, 2), g('add'));
  assertClose(a.add(2.5), g('add.scalar'));
  assertClose(a.sub(b), g('sub'));
  assertClose(a.rsub(3), g('rsub'));
  assertClose(a.mul(b), g('mul'));
  assertClose(a.div(b), g('div'));
  assertClose(ia.div(ib, 'floor'), g('div.floor'));
  assertClose(ia.div(ib, 'trunc'), g('div.trunc'));
  assertClose(ia.add(2), g('int.add'), { msg: 'integer tensor + integer scalar stays int64' });
  assertClose(ia.mul(ib), g('int.mul'));
  assertClose(ia.remainder(ib), g('remainder'));
  assertClose(p.pow(b.abs()), g('pow'));
  assertClose(a.pow(2), g('pow.scalar'));
  assertClose(torch.atan2(a, b), g('atan2'));
  assertClose(torch.maximum(a, b), g('maximum'));
  assertClose(a.clamp(-0.5, 0.5), g('clamp'));
  assertClose(a.clampMin(0.1), g('clampMin'));
  assertClose(torch.where(a.gt(0), a, b), g('where'));
  assertClose(torch.where(a.gt(0), a, 0), g('where.scalar'));
  assertClose(torch.logicalAnd(a.gt(0), b.gt(0)), g('logicalAnd'));
});

test('comparisons give bool tensors equal to PyTorch', () => {
  for (const name of ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const) {
    assertClose(a[name](b), g(`cmp.${name}`), { msg: name });
    assertClose(a[name](0.25), g(`cmp.${name}.scalar`), { msg: `${name} scalar` });
  }
});

test('reductions match PyTorch', () => {
  assertClose(a.sum(), g('sum.all'));
  assertClose(a.sum(1), g('sum.dim1'));
  assertClose(a.sum([0, 1], true), g('sum.dims.keep'));
  assertClose(ia.sum(), g('sum.int'));
  assertClose(a.mean(0), g('mean.dim0'));
  assertClose(a.prod(1), g('prod.dim1'));
  assertClose(a.var(), g('var.all'));
  assertClose(a.var(1, 0), g('var.dim1.biased'));
  assertClose(a.std(0, 1, true), g('std.dim0.keep'));
  const { values, indices } = a.max(1);
  assertClose(values, g('max.values'));
  assertClose(indices, g('max.indices'));
  assertClose(a.min(), g('min.all'));
  assertClose(a.argmax(0), g('argmax.dim0'));
  assertClose(a.argmin(), g('argmin.all'));
  assertClose(a.amax([0, 1]), g('amax.dims'));
  assertClose(a.logsumexp(1), g('logsumexp.dim1'));
  assertClose(a.norm(2, 1), g('norm.dim1'));
  assertClose(a.cumsum(1), g('cumsum.dim1'));
  assertClose(a.cumprod(0), g('cumprod.dim0'), { rtol: 1e-5 });
  assertClose(a.gt(-1).all(1), g('all.dim1'));
  assertClose(a.gt(2).any(), g('any.all'));
});

test('in-place optimizer updates match PyTorch and return the same object', () => {
  const x = a.clone();
  const r = x.add_(b, 0.5).mul_(0.9).addcmul_(a, a, 0.1).addcdiv_(a, p, -0.2).clamp_(-1, 1);
  assert.equal(r, x);
  assertClose(x, g('inplace.chain'));
  const z = a.clone().zero_();
  assert.equal(z.abs().sum().item(), 0);
  const c = torch.zeros([3, 4]).copy_(a);
  assertClose(c, a);
});

test('dtype promotion and reduced precision follow PyTorch', () => {
  assertClose(a.double().add(b.double()), g('double.add'));
  assertClose(a.half().add(b.half()), g('half.add'));
  assertClose(a.to('bfloat16').mul(2), g('bf16.mul'));
});

test('gradients of elementwise ops and reductions pass finite differences (float64)', () => {
  const x = a.double();
  const y = b.double();
  const pos = p.double();
  gradcheck((u, v) => u.mul(v).add(u.div(v.abs().add(1))), [x, y], { msg: 'mul/div/add' });
  gradcheck((u) => u.exp().tanh().sigmoid().sin(), [x], { msg: 'exp/tanh/sigmoid/sin' });
  gradcheck((u) => u.log().neg().sqrt().reciprocal(), [pos], { msg: 'log/sqrt/reciprocal' });
  gradcheck((u) => u.pow(3).sum(1), [x], { msg: 'pow/sum' });
  gradcheck((u) => u.logsumexp(1), [x], { msg: 'logsumexp' });
  gradcheck((u) => u.var(0).add(u.mean()), [x], { msg: 'var/mean' });
  gradcheck((u) => u.norm(2, 1), [x], { msg: 'norm' });
  gradcheck((u) => u.cumsum(1).amax(1), [x], { msg: 'cumsum/amax' });
});

test('errors name the op and carry libtorch text', () => {
  assertThrows(() => a.add(torch.ones([5])), /^add: The size of tensor a \(4\) must match the size of tensor b \(5\)/, torch.TorchError);
  assertThrows(
    () => a.add('x' as unknown as number),
    /Expected a Tensor, a number or a boolean for other but received "x" of type string/,
    TypeError,
  );
  assertThrows(() => a.clamp(), /clamp: at least one of min or max/, TypeError);
  assertThrows(() => a.sum(5), /^sum: Dimension out of range/, torch.TorchError);
});

test('non-finite numbers are scalars, never integers', async () => {
  const { native } = await import('../../src/torch/native.js');
  const x = torch.tensor([1, 2, 3]);
  assert.deepEqual(x.maskedFill(x.gt(1), -Infinity).toArray(), [1, -Infinity, -Infinity]);
  assert.deepEqual(x.add(Infinity).toArray(), [Infinity, Infinity, Infinity]);
  assert.ok(x.mul(NaN).toArray().every(Number.isNaN));
  for (const bad of [Infinity, -Infinity, NaN, 1e19, 2.5])
    assertThrows(() => native.narrow(x._h, 0, bad, 1), /^narrow: argument 2: expected integer but received number$/, torch.TorchError);
});
