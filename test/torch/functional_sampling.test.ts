import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { assertClose, assertThrows, golden, gradcheck } from '../helpers.js';

const F = torch.nn.functional;
const g = golden('nn');
const gen = new torch.Generator(9);
const rnd = (shape: number[]): torch.Tensor => torch.randn(shape, { dtype: 'float64', generator: gen });
const close = { atol: 1e-5, rtol: 1e-5 };

test('pad matches PyTorch for constant, reflect, replicate and circular (3-D and 4-D)', () => {
  const [x3, x4] = [g('pad.x3'), g('pad.x4')];
  assertClose(F.pad(x3, [1, 2]), g('pad.const3'));
  assertClose(F.pad(x4, [1, 0, 2, 1], { value: 1.5 }), g('pad.const4.value'));
  assertClose(F.pad(x4, [-1, 1, 0, 0, 1, 0]), g('pad.const.neg'));
  for (const mode of ['reflect', 'replicate', 'circular'] as const) {
    assertClose(F.pad(x3, [2, 1], { mode }), g(`pad.${mode}3`), { msg: `${mode} 3-D` });
    assertClose(F.pad(x4, [1, 2, 2, 1], { mode }), g(`pad.${mode}4`), { msg: `${mode} 4-D` });
  }
  assert.deepEqual(g('pad.reflect4').shape, [1, 2, 7, 8]);
});

test('interpolate matches PyTorch (nearest, linear, bilinear, bicubic, area; size, scaleFactor, alignCorners)', () => {
  const [i3, i4] = [g('in.x3'), g('in.x4')];
  assertClose(F.interpolate(i3, { size: 8 }), g('in.nearest3.size'));
  assertClose(F.interpolate(i4, { scaleFactor: 1.7 }), g('in.nearest4.scale'));
  assertClose(F.interpolate(i4, { size: [3, 7] }), g('in.nearest4.size'));
  assertClose(F.interpolate(i4, { size: [7, 3], mode: 'nearest-exact' }), g('in.nearestExact4'));
  assertClose(F.interpolate(i3, { size: 9, mode: 'linear' }), g('in.linear3'), close);
  assertClose(F.interpolate(i3, { scaleFactor: 1.5, mode: 'linear', alignCorners: true }), g('in.linear3.ac'), close);
  assertClose(F.interpolate(i4, { size: [6, 7], mode: 'bilinear' }), g('in.bilinear'), close);
  assertClose(F.interpolate(i4, { size: [6, 7], mode: 'bilinear', alignCorners: true }), g('in.bilinear.ac'), close);
  assertClose(F.interpolate(i4, { scaleFactor: [1.5, 0.7], mode: 'bilinear' }), g('in.bilinear.scale'), close);
  assertClose(F.interpolate(i4, { scaleFactor: 1.7, mode: 'bilinear', recomputeScaleFactor: true }), g('in.bilinear.recompute'), close);
  assertClose(F.interpolate(i4, { size: [6, 8], mode: 'bicubic' }), g('in.bicubic'), close);
  assertClose(F.interpolate(i4, { scaleFactor: 2, mode: 'bicubic', alignCorners: true }), g('in.bicubic.ac'), close);
  assertClose(F.interpolate(i4, { size: [2, 3], mode: 'area' }), g('in.area'), close);
  assertClose(F.interpolate(i3, { scaleFactor: 0.5, mode: 'area' }), g('in.area3.scale'), close);
});

test('gridSample matches PyTorch for every mode, padding mode and alignCorners', () => {
  const [x, grid] = [g('gs.x'), g('gs.grid')];
  for (const mode of ['bilinear', 'nearest', 'bicubic'] as const) {
    for (const paddingMode of ['zeros', 'border', 'reflection'] as const) {
      for (const alignCorners of [false, true]) {
        assertClose(F.gridSample(x, grid, { mode, paddingMode, alignCorners }), g(`gs.${mode}.${paddingMode}.${Number(alignCorners)}`), {
          ...close,
          msg: `${mode} ${paddingMode} ${alignCorners}`,
        });
      }
    }
  }
});

test('affineGrid matches PyTorch, and identity theta with gridSample reproduces the input', () => {
  const th = g('ag.theta');
  assertClose(F.affineGrid(th, [2, 3, 4, 5]), g('ag'), close);
  assertClose(F.affineGrid(th, [2, 1, 3, 2], { alignCorners: true }), g('ag.ac'), close);
  const x = g('gs.x');
  const identity = torch.tensor([
    [
      [1, 0, 0],
      [0, 1, 0],
    ],
  ]);
  const grid = F.affineGrid(identity, [1, 2, 4, 5], { alignCorners: false });
  assertClose(F.gridSample(x, grid, { alignCorners: false }), x, close);
});

test('unfold and fold match PyTorch', () => {
  const xu = g('unf.x');
  assertClose(F.unfold(xu, 2), g('unfold.k2'));
  assertClose(F.unfold(xu, [2, 3], { dilation: [2, 1], padding: 1, stride: [2, 1] }), g('unfold.k23.d2p1s2'));
  assertClose(F.fold(g('fold.cols'), [5, 6], [2, 3], { stride: [1, 2], padding: [0, 1] }), g('fold'), close);
  assertClose(F.fold(F.unfold(xu, 2, { padding: 1 }), [5, 6], 2, { padding: 1 }), g('fold.unfold'), close);
  assertClose(g('fold.unfold'), xu.mul(4), { ...close, msg: 'each pixel is covered by 4 blocks' });
});

test('sampling gradients match finite differences', () => {
  torch.scope(() => {
    const x3 = rnd([1, 2, 4]);
    const x4 = rnd([1, 1, 3, 4]);
    for (const mode of ['constant', 'reflect', 'replicate', 'circular'] as const) {
      gradcheck((u) => F.pad(u, [2, 1], { mode }), [x3], { msg: `pad ${mode} 3-D` });
      gradcheck((u) => F.pad(u, [1, 2, 1, 1], { mode }), [x4], { msg: `pad ${mode} 4-D` });
    }
    gradcheck((u) => F.interpolate(u, { size: [5, 6], mode: 'bilinear' }), [x4], { msg: 'bilinear' });
    gradcheck((u) => F.interpolate(u, { scaleFactor: 1.5, mode: 'bilinear', alignCorners: true }), [x4], { msg: 'bilinear ac' });
    gradcheck((u) => F.interpolate(u, { size: 7, mode: 'linear' }), [x3], { msg: 'linear' });
    gradcheck((u) => F.interpolate(u, { size: [4, 5], mode: 'bicubic' }), [x4], { msg: 'bicubic' });
    const grid = torch.rand([1, 2, 3, 2], { dtype: 'float64', generator: gen }).mul(2.2).sub(1.1);
    for (const paddingMode of ['zeros', 'border', 'reflection'] as const) {
      gradcheck((u, gr) => F.gridSample(u, gr, { paddingMode }), [x4, grid], { msg: `gridSample bilinear ${paddingMode}` });
    }
    gradcheck((u, gr) => F.gridSample(u, gr, { alignCorners: true }), [x4, grid], { msg: 'gridSample ac' });
    gradcheck((t) => F.affineGrid(t, [1, 1, 2, 3]), [rnd([1, 2, 3])], { msg: 'affineGrid' });
    gradcheck((u) => F.unfold(u, 2, { stride: [1, 2] }), [x4], { msg: 'unfold' });
    gradcheck((c) => F.fold(c, [3, 4], 2), [rnd([1, 4, 6])], { msg: 'fold' });
  });
});

test('sampling errors', () => {
  const [x3, x4] = [g('pad.x3'), g('pad.x4')];
  assertThrows(
    () => F.pad(x4, [1, 2, 3]),
    /Expected an even-length array of integers for pad but received \[1 of type number, 2 of type number, 3 of type number\]/,
    TypeError,
  );
  assertThrows(
    () => F.pad(x4, [1, 1], { mode: 'mirror' as 'reflect' }),
    /^Expected one of constant, reflect, replicate, circular for mode but received "mirror"/,
    TypeError,
  );
  assertThrows(() => F.pad(x4, [1, 1], { mode: 'reflect', value: 2 }), /Expected no value for pad with mode "reflect"/, TypeError);
  assertThrows(
    () => F.pad(x3, [5, 5], { mode: 'reflect' }),
    /^pad: Argument #4: Padding size should be less than the corresponding input dimension/,
    torch.TorchError,
  );
  assertThrows(
    () => F.interpolate(x3, { size: [4, 4], mode: 'bilinear' }),
    /^interpolate: Got 3D input, but bilinear mode needs 4D input/,
    torch.TorchError,
  );
  assertThrows(
    () => F.interpolate(x4, { size: 4, mode: 'linear' }),
    /^interpolate: Got 4D input, but linear mode needs 3D input/,
    torch.TorchError,
  );
  assertThrows(
    () => F.interpolate(x4, { size: 4, mode: 'cubic' as 'bicubic' }),
    /Expected one of nearest, nearest-exact, linear, bilinear, bicubic, area for mode/,
    TypeError,
  );
  assertThrows(() => F.interpolate(x4, { size: 4, alignCorners: true }), /Expected no alignCorners for mode "nearest"/, TypeError);
  assertThrows(() => F.interpolate(x4, {}), /Expected exactly one of size or scaleFactor for interpolate but received neither/, TypeError);
  assertThrows(() => F.interpolate(x4, { size: 4, scaleFactor: 2 }), /received both/, TypeError);
  assertThrows(
    () => F.interpolate(x4, { scaleFactor: [2, 2, 2] }),
    /Expected a positive number or an array of 2 positive numbers for scaleFactor/,
    TypeError,
  );
  assertThrows(
    () => F.gridSample(x4, g('gs.grid'), { paddingMode: 'wrap' as 'zeros' }),
    /Expected one of zeros, border, reflection for paddingMode/,
    TypeError,
  );
  assertThrows(
    () => F.gridSample(x4, torch.ones([1, 3, 4, 3])),
    /^gridSample: grid_sampler\(\): expected grid to have size 2 in last dimension/,
    torch.TorchError,
  );
  assertThrows(
    () => F.affineGrid(torch.ones([2, 3, 3]), [2, 3, 4, 5]),
    /^affineGrid: Expected a batch of 2D affine matrices of shape Nx2x3 for size \[2, 3, 4, 5\]. Got \[2, 3, 3\]/,
    torch.TorchError,
  );
  assertThrows(
    () => F.affineGrid(torch.ones([2, 2, 3]), [2, 3, 0, 5]),
    /^affineGrid: Expected non-zero, positive output size/,
    torch.TorchError,
  );
  assertThrows(() => F.unfold(torch.ones([2, 5]), 2), /^unfold: Dimension out of range/, torch.TorchError);
  assertThrows(
    () => F.fold(g('fold.cols'), [5, 6], 2),
    /^fold: Given output_size=\(5, 6\), kernel_size=\(2, 2\).* calculated number of sliding blocks 4 \* 5 = 20/,
    torch.TorchError,
  );
});
