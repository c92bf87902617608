import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { assertClose, assertThrows, golden, gradcheck } from '../helpers.js';

const F = torch.nn.functional;
const g = golden('nn');
const gen = new torch.Generator(7);
const rnd = (shape: number[]): torch.Tensor => torch.randn(shape, { dtype: 'float64', generator: gen });

test('conv1d and conv2d match PyTorch (stride, padding, dilation, groups, same/valid)', () => {
  const [x1, w1, b1] = [g('x1d'), g('w1d'), g('b1d')];
  assertClose(F.conv1d(x1, w1, b1), g('conv1d'), { atol: 1e-5 });
  assertClose(F.conv1d(x1, w1, b1, { stride: 2, padding: 1 }), g('conv1d.s2p1'), { atol: 1e-5 });
  assertClose(F.conv1d(x1, g('w1d.g2'), null, { dilation: 2, groups: 2 }), g('conv1d.g2d2'), { atol: 1e-5 });
  assertClose(F.conv1d(x1, w1, b1, { padding: 'same', dilation: 2 }), g('conv1d.same'), { atol: 1e-5 });
  assertClose(F.conv1d(x1, w1, null, { padding: 'valid' }), g('conv1d.valid'), { atol: 1e-5 });
  const [x, w, b] = [g('x2d'), g('w2d'), g('b2d')];
  assertClose(F.conv2d(x, w, b), g('conv2d'), { atol: 1e-5 });
  assertClose(F.conv2d(x, w, b, { stride: [2, 1], padding: [1, 2] }), g('conv2d.s21p12'), { atol: 1e-5 });
  assertClose(F.conv2d(x, g('w2d.g2'), b, { dilation: 2, groups: 2 }), g('conv2d.g2d2'), { atol: 1e-5 });
  assertClose(F.conv2d(x, g('w2d.even'), b, { padding: 'same' }), g('conv2d.same.even'), { atol: 1e-5 });
  assert.deepEqual(g('conv2d.same.even').shape, [2, 6, 7, 7]);
  assertClose(F.conv2d(x, w, null, { padding: 'valid' }), g('conv2d.valid'), { atol: 1e-5 });
  assertClose(F.conv2d(x.select(0, 0), w, b), g('conv2d.unbatched'), { atol: 1e-5 });
});

test('convTranspose1d/2d match PyTorch', () => {
  const x = g('x2d');
  assertClose(F.convTranspose2d(x, g('wT'), g('bT')), g('convT2d'), { atol: 1e-5 });
  assertClose(F.convTranspose2d(x, g('wT'), g('bT'), { stride: 2, padding: 1, outputPadding: 1 }), g('convT2d.s2p1op1'), { atol: 1e-5 });
  assert.deepEqual(g('convT2d.s2p1op1').shape, [2, 3, 14, 14]);
  assertClose(F.convTranspose2d(x, g('wT.g2'), null, { groups: 2, dilation: 2, stride: [1, 2] }), g('convT2d.g2d2'), { atol: 1e-5 });
  assertClose(F.convTranspose1d(g('x1d'), g('wT1d'), null, { stride: 2, padding: 1 }), g('convT1d.s2'), { atol: 1e-5 });
});

test('max and average pooling match PyTorch', () => {
  const [x1, x] = [g('x1d'), g('x2d')];
  assertClose(F.maxPool1d(x1, 3), g('maxPool1d.k3'));
  assertClose(F.maxPool1d(x1, 3, { stride: 1, padding: 1, dilation: 2 }), g('maxPool1d.k3s2p1d2'));
  const [v1, i1] = F.maxPool1d(x1, 2, { ceilMode: true, returnIndices: true });
  assertClose(v1, g('maxPool1d.ceil.values'));
  assertClose(i1, g('maxPool1d.ceil.indices'));
  assertClose(F.maxPool2d(x, 2), g('maxPool2d.k2'));
  assertClose(F.maxPool2d(x, 3, { stride: 2, padding: 1 }), g('maxPool2d.k3s2p1'));
  assertClose(F.maxPool2d(x, [2, 3], { stride: [2, 1], dilation: 2, ceilMode: true }), g('maxPool2d.k23d2ceil'));
  const [v, i] = F.maxPool2d(x, 2, { returnIndices: true });
  assertClose(v, g('maxPool2d.values'));
  assertClose(i, g('maxPool2d.indices'));
  assert.equal(i.dtype, 'int64');
  assertClose(F.avgPool1d(x1, 3), g('avgPool1d.k3'));
  assertClose(F.avgPool1d(x1, 3, { stride: 1, padding: 1, countIncludePad: false }), g('avgPool1d.k3s1p1.nopad'));
  assertClose(F.avgPool1d(x1, 2, { ceilMode: true }), g('avgPool1d.ceil'));
  assertClose(F.avgPool2d(x, 2), g('avgPool2d.k2'));
  assertClose(F.avgPool2d(x, 3, { stride: 2, padding: 1 }), g('avgPool2d.k3s2p1'));
  assertClose(F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }), g('avgPool2d.k3s2p1.nopad'));
  assertClose(F.avgPool2d(x, [2, 3], { ceilMode: true, divisorOverride: 5 }), g('avgPool2d.div5.ceil'));
});

test('adaptive pooling matches PyTorch (null keeps a dim)', () => {
  const [x1, x] = [g('x1d'), g('x2d')];
  assertClose(F.adaptiveAvgPool1d(x1, 4), g('adaptiveAvgPool1d.4'));
  assertClose(F.adaptiveAvgPool2d(x, [3, 2]), g('adaptiveAvgPool2d.3x2'));
  assertClose(F.adaptiveAvgPool2d(x, [null, 4]), g('adaptiveAvgPool2d.none4'));
  assertClose(F.adaptiveAvgPool2d(x, 1), g('adaptiveAvgPool2d.1'));
  assertClose(F.adaptiveMaxPool1d(x1, 4), g('adaptiveMaxPool1d.4'));
  const [v, i] = F.adaptiveMaxPool2d(x, [3, 4], { returnIndices: true });
  assertClose(v, g('adaptiveMaxPool2d.values'));
  assertClose(i, g('adaptiveMaxPool2d.indices'));
  assertClose(F.adaptiveMaxPool2d(x, [5, null]), g('adaptiveMaxPool2d.5none'));
});

test('conv gradients match finite differences (stride, dilation, groups, transpose)', () => {
  torch.scope(() => {
    const x1 = rnd([1, 4, 7]);
    gradcheck((x, w, b) => F.conv1d(x, w, b, { stride: 2, padding: 1 }), [x1, rnd([2, 4, 3]), rnd([2])], { msg: 'conv1d' });
    gradcheck((x, w) => F.conv1d(x, w, null, { dilation: 2, groups: 2 }), [x1, rnd([2, 2, 2])], { msg: 'conv1d groups' });
    const x = rnd([1, 2, 5, 5]);
    gradcheck((u, w, b) => F.conv2d(u, w, b, { stride: 2, padding: 1 }), [x, rnd([3, 2, 3, 3]), rnd([3])], { msg: 'conv2d stride' });
    gradcheck((u, w) => F.conv2d(u, w, null, { dilation: 2, groups: 2 }), [x, rnd([2, 1, 2, 2])], { msg: 'conv2d groups/dilation' });
    gradcheck((u, w) => F.conv2d(u, w, null, { padding: 'same' }), [x, rnd([1, 2, 2, 3])], { msg: 'conv2d same' });
    gradcheck(
      (u, w, b) => F.convTranspose2d(u, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
      [rnd([1, 2, 3, 3]), rnd([2, 2, 3, 3]), rnd([2])],
      { msg: 'convTranspose2d' },
    );
    gradcheck((u, w) => F.convTranspose2d(u, w, null, { groups: 2, dilation: 2 }), [rnd([1, 2, 3, 3]), rnd([2, 1, 2, 2])], {
      msg: 'convTranspose2d groups',
    });
  });
});

test('pool gradients match finite differences', () => {
  torch.scope(() => {
    const x = rnd([1, 2, 5, 5]);
    const x1 = rnd([1, 2, 7]);
    gradcheck((u) => F.maxPool2d(u, 2, { stride: 1 }), [x], { msg: 'maxPool2d' });
    gradcheck((u) => F.maxPool1d(u, 3, { stride: 2, padding: 1 }), [x1], { msg: 'maxPool1d' });
    gradcheck((u) => F.avgPool2d(u, 3, { stride: 2, padding: 1, countIncludePad: false }), [x], { msg: 'avgPool2d' });
    gradcheck((u) => F.avgPool1d(u, 2, { ceilMode: true }), [x1], { msg: 'avgPool1d' });
    gradcheck((u) => F.adaptiveAvgPool2d(u, [2, 3]), [x], { msg: 'adaptiveAvgPool2d' });
    gradcheck((u) => F.adaptiveMaxPool2d(u, 2), [x], { msg: 'adaptiveMaxPool2d' });
    gradcheck((u) => F.adaptiveAvgPool1d(u, 3), [x1], { msg: 'adaptiveAvgPool1d' });
    gradcheck((u) => F.adaptiveMaxPool1d(u, 3), [x1], { msg: 'adaptiveMaxPool1d' });
  });
});

test('conv and pool errors name the op or the option', () => {
  const x = g('x2d');
  const w = g('w2d');
  assertThrows(
    () => F.conv2d(torch.ones([4, 7]), w),
    /^conv2d: Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d/,
    torch.TorchError,
  );
  assertThrows(
    () => F.conv2d(torch.ones([1, 3, 7, 7]), w),
    /^conv2d: Given groups=1, weight of size \[6, 4, 3, 3\], expected input\[1, 3, 7, 7\] to have 4 channels, but got 3 channels/,
    torch.TorchError,
  );
  assertThrows(
    () => F.conv1d(g('x1d'), w),
    /^conv1d: Expected 4-dimensional input for 4-dimensional weight \[6, 4, 3, 3\]/,
    torch.TorchError,
  );
  assertThrows(
    () => F.conv2d(x, w, null, { padding: 'same', stride: 2 }),
    /^conv2d: padding='same' is not supported for strided convolutions/,
    torch.TorchError,
  );
  assertThrows(
    () => F.conv2d(x, w, null, { padding: 'full' as 'same' }),
    /Expected one of same, valid for padding but received "full"/,
    TypeError,
  );
  assertThrows(
    () => F.conv2d(x, w, null, { stride: [1, 2, 3] }),
    /Expected a positive integer <= 2147483647 or an array of 2 such integers for stride/,
    TypeError,
  );
  assertThrows(
    () => F.conv2d(x, w, null, { groups: 0 }),
    /Expected a positive integer <= 2147483647 for groups but received 0/,
    RangeError,
  );
  assertThrows(() => F.conv2d(x, 'w' as unknown as torch.Tensor), /Expected a Tensor for weight but received "w"/, TypeError);
  assertThrows(() => F.maxPool2d(x, 2, { kernel_size: 3 } as never), /unknown option "kernel_size"/, TypeError);
  assertThrows(() => F.maxPool2d(x, 0), /for kernelSize but received 0/, RangeError);
  assertThrows(
    () => F.maxPool2d(x, 2, { padding: 2 }),
    /^maxPool2d: pad should be (at most|smaller than or equal to) half/,
    torch.TorchError,
  );
  assertThrows(
    () => F.avgPool2d(x, 2, { ceilMode: 'yes' as unknown as boolean }),
    /Expected a boolean for ceilMode but received "yes"/,
    TypeError,
  );
  assertThrows(() => F.avgPool2d(x, 2, { divisorOverride: 0 }), /for divisorOverride but received 0/, RangeError);
  assertThrows(
    () => F.adaptiveAvgPool2d(torch.ones([3]), 2),
    /^adaptiveAvgPool2d: expected a 3-D or 4-D input but got input of size \[3\]/,
    torch.TorchError,
  );
});
