import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { assertClose, assertThrows, golden, gradcheck } from '../helpers.js';

const F = torch.nn.functional;
const g = golden('nn');
const gen = new torch.Generator(11);
const rnd = (shape: number[]): torch.Tensor => torch.randn(shape, { dtype: 'float64', generator: gen });

test('batchNorm matches PyTorch in eval and training, and updates running stats in place', () => {
  const [x, w, b] = [g('bn.x'), g('bn.w'), g('bn.b')];
  const rm = g('bn.rm').clone();
  const rv = g('bn.rv').clone();
  assertClose(F.batchNorm(x, rm, rv, { weight: w, bias: b }), g('bn.eval'), { atol: 1e-5 });
  assertClose(F.batchNorm(x, rm, rv, { eps: 0.1 }), g('bn.eval.noaffine.eps'), { atol: 1e-5 });
  assertClose(rm, g('bn.rm'), { msg: 'eval leaves running mean alone' });
  assertClose(F.batchNorm(x, rm, rv, { weight: w, bias: b, training: true, momentum: 0.3 }), g('bn.train'), { atol: 1e-5 });
  assertClose(rm, g('bn.train.rm'), { msg: 'running mean updated in place' });
  assertClose(rv, g('bn.train.rv'), { msg: 'running var updated in place (unbiased)' });
  assert.ok(Math.abs(rm.sub(g('bn.rm')).abs().sum().item()) > 1e-3, 'running mean really moved');
  assertClose(F.batchNorm(g('bn.x2d'), null, null, { training: true }), g('bn.train.2d'), { atol: 1e-5 });
});

test('layerNorm, groupNorm and normalize match PyTorch', () => {
  const xl = g('ln.x');
  assertClose(F.layerNorm(xl, [4]), g('ln.last'), { atol: 1e-5 });
  assertClose(F.layerNorm(xl, 4), g('ln.last'), { atol: 1e-5 });
  assertClose(F.layerNorm(xl, [3, 4], { weight: g('ln.w'), bias: g('ln.b'), eps: 1e-3 }), g('ln.two.affine'), { atol: 1e-5 });
  const xg = g('gn.x');
  assertClose(F.groupNorm(xg, 3, { weight: g('gn.w'), bias: g('gn.b') }), g('gn.3'), { atol: 1e-5 });
  assertClose(F.groupNorm(xg, 1, { eps: 0.5 }), g('gn.1.eps'), { atol: 1e-5 });
  const xn = g('normalize.x');
  assertClose(F.normalize(xn), g('normalize'));
  assertClose(F.normalize(xn, { p: 1, dim: 0 }), g('normalize.p1.dim0'));
  assertClose(F.normalize(xn.mul(1e-3), { dim: 1, eps: 0.01 }), g('normalize.eps'), { msg: 'eps clamps the norm' });
  assertClose(F.normalize(xn, { p: Infinity, dim: -1 }), g('normalize.pinf'));
});

test('linear, bilinear, embedding, oneHot and pixelShuffle match PyTorch', () => {
  const [x, w, b] = [g('lin.x'), g('lin.w'), g('lin.b')];
  assertClose(F.linear(x, w, b), g('linear'), { atol: 1e-5 });
  assertClose(F.linear(x, w), g('linear.nobias'), { atol: 1e-5 });
  assertClose(F.bilinear(x, g('bil.x2'), g('bil.w'), b), g('bilinear'), { atol: 1e-5 });
  const [W, idx] = [g('emb.w'), g('emb.idx')];
  assertClose(F.embedding(idx, W), g('embedding'));
  assertClose(F.embedding(idx, W, { paddingIdx: 0 }), g('embedding.pad0'));
  const W2 = W.clone();
  assertClose(F.embedding(idx, W2, { maxNorm: 1 }), g('embedding.maxnorm'), { atol: 1e-6 });
  assertClose(W2, g('embedding.maxnorm.weight'), { msg: 'maxNorm renormalizes the weight rows in place' });
  const W3 = W.clone().requiresGrad_();
  F.embedding(idx, W3, { paddingIdx: -1 }).pow(2).sum().backward();
  assertClose(W3.grad!, g('embedding.padm1.grad'), { msg: 'paddingIdx -1 (row 9) gets no gradient' });
  assertClose(F.oneHot(g('onehot.t')), g('oneHot'));
  assertClose(F.oneHot(g('onehot.t').view([2, 2]), 6), g('oneHot.6'));
  assertClose(F.pixelShuffle(g('ps.x'), 2), g('pixelShuffle'));
  assert.deepEqual(g('pixelShuffle').shape, [1, 2, 4, 6]);
  assertClose(F.pixelUnshuffle(F.pixelShuffle(g('ps.x'), 2), 2), g('pixelUnshuffle'));
});

test('dropout: statistics in training, identity when p = 0 or not training, validation of p', () => {
  torch.scope(() => {
    torch.manualSeed(3);
    const x = torch.ones([200000]);
    for (const p of [0.2, 0.5]) {
      const y = F.dropout(x, { p });
      const zeroFrac = y.eq(0).float().mean().item();
      assert.ok(Math.abs(zeroFrac - p) < 0.01, `p=${p}: fraction zeroed ${zeroFrac}`);
      assert.ok(Math.abs(y.mean().item() - 1) < 0.01, `p=${p}: mean ${y.mean().item()} preserved`);
      const kept = y.max().item();
      assert.ok(Math.abs(kept - 1 / (1 - p)) < 1e-5, `p=${p}: kept values scaled to ${kept}`);
      assert.equal(
        y
          .ne(0)
          .logicalAnd(y.ne(1 / (1 - p)))
          .any()
          .item(),
        false,
        'only zeros and scaled values',
      );
    }
    const r = torch.randn([50]);
    assertClose(F.dropout(r, { p: 0 }), r, { msg: 'p = 0 is the identity' });
    assertClose(F.dropout(r, { p: 0.9, training: false }), r, { msg: 'training false is the identity' });
    assertClose(F.dropout(r, { p: 1 }), torch.zeros([50]), { msg: 'p = 1 zeroes everything' });
    assertThrows(() => F.dropout(r, { p: 1.5 }), /Expected a number in \[0, 1\] for p but received 1.5/, RangeError);
    assertThrows(() => F.dropout(r, { p: -0.1 }), /for p but received -0.1/, RangeError);
    assertThrows(() => F.dropout(r, { training: 1 as unknown as boolean }), /Expected a boolean for training/, TypeError);
  });
});

test('linear, embedding and normalization gradients match finite differences', () => {
  torch.scope(() => {
    gradcheck((x, w, b) => F.linear(x, w, b), [rnd([2, 3]), rnd([4, 3]), rnd([4])], { msg: 'linear' });
    gradcheck((a, c, w, b) => F.bilinear(a, c, w, b), [rnd([2, 3]), rnd([2, 2]), rnd([2, 3, 2]), rnd([2])], { msg: 'bilinear' });
    const idx = torch.tensor(
      [
        [0, 2, 2],
        [4, 1, 0],
      ],
      { dtype: 'int64' },
    );
    gradcheck((i, w) => F.embedding(i, w), [idx, rnd([5, 3])], { msg: 'embedding weight' });
    gradcheck((x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }), [rnd([3, 2, 2]), rnd([2]), rnd([2])], {
      msg: 'batchNorm training',
    });
    gradcheck(
      (x, w, b) => F.batchNorm(x, torch.zeros([2], { dtype: 'float64' }), torch.ones([2], { dtype: 'float64' }), { weight: w, bias: b }),
      [rnd([3, 2]), rnd([2]), rnd([2])],
      { msg: 'batchNorm eval' },
    );
    gradcheck((x, w, b) => F.layerNorm(x, [3], { weight: w, bias: b }), [rnd([2, 2, 3]), rnd([3]), rnd([3])], { msg: 'layerNorm' });
    gradcheck((x, w, b) => F.groupNorm(x, 2, { weight: w, bias: b }), [rnd([2, 4, 2]), rnd([4]), rnd([4])], { msg: 'groupNorm' });
    gradcheck((x) => F.normalize(x, { dim: 1 }), [rnd([3, 4])], { msg: 'normalize' });
    gradcheck((x) => F.normalize(x, { p: 1, dim: 0 }), [rnd([3, 4])], { msg: 'normalize p1' });
  });
});

test('normalization and embedding errors', () => {
  const x = g('bn.x');
  assertThrows(
    () => F.batchNorm(torch.ones([1, 3]), null, null, { training: true }),
    /^batchNorm: Expected more than 1 value per channel when training, got input size \[1, 3\]/,
    torch.TorchError,
  );
  assertThrows(
    () => F.batchNorm(x, torch.zeros([4]), torch.ones([4])),
    /^batchNorm: running_mean should contain 3 elements not 4/,
    torch.TorchError,
  );
  assertThrows(() => F.batchNorm(x, null, null, { momentun: 0.1 } as never), /unknown option "momentun"/, TypeError);
  assertThrows(
    () => F.layerNorm(g('ln.x'), [5]),
    /^layerNorm: Given normalized_shape=\[5\], expected input with shape \[\*, 5\]/,
    torch.TorchError,
  );
  assertThrows(
    () => F.groupNorm(g('gn.x'), 4),
    /^groupNorm: Expected number of channels in input to be divisible by num_groups/,
    torch.TorchError,
  );
  assertThrows(() => F.groupNorm(g('gn.x'), 0), /Expected a positive integer <= 2147483647 for numGroups but received 0/, RangeError);
  assertThrows(
    () => F.embedding(g('emb.idx'), g('emb.w'), { paddingIdx: 10 }),
    /Expected an integer in \[-10, 9\] for paddingIdx but received 10/,
    TypeError,
  );
  assertThrows(() => F.embedding(torch.tensor([12], { dtype: 'int64' }), g('emb.w')), /^embedding: index out of range/, torch.TorchError);
  assertThrows(
    () => F.linear(g('lin.x'), torch.ones([5, 3])),
    /^linear: mat1 and mat2 shapes cannot be multiplied \(6x4 and 3x5\)/,
    torch.TorchError,
  );
  assertThrows(
    () => F.oneHot(torch.tensor([0, 3], { dtype: 'int64' }), 2),
    /^oneHot: Class values must be smaller than num_classes/,
    torch.TorchError,
  );
  assertThrows(() => F.pixelShuffle(g('ps.x'), 3), /^pixelShuffle: .*divisible by the square of upscale_factor/, torch.TorchError);
});
