import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { assertClose, assertThrows, golden, gradcheck } from '../helpers.js';

type Tensor = torch.Tensor;
const g = golden('shape');
const x = g('x'); // [2, 3, 4]
const m = g('m'); // [3, 4]
const m2 = g('m2');
const v = g('v'); // [4]
const y = g('y'); // [1, 3, 1, 2]
const x2 = g('x2'); // [2, 1, 4]
const col = g('col'); // [3, 1]
const { slice } = torch;
const exact = { rtol: 0, atol: 0 };
const L = (a: number[]): Tensor => torch.tensor(a, { dtype: 'int64' });

/** Compares a list of outputs with goldens `${name}.0`, `${name}.1`, ... */
function assertParts(parts: Tensor[], name: string, count: number): void {
  assert.equal(parts.length, count, `${name}: number of parts`);
  parts.forEach((p, k) => assertClose(p, g(`${name}.${k}`), { ...exact, msg: `${name}.${k}` }));
}

test('views and rearranging match PyTorch', () => {
  const cases: [Tensor, string][] = [
    [x.reshape([4, 6]), 'reshape.4x6'],
    [x.reshape([-1, 2]), 'reshape.-1x2'],
    [torch.tensor([5]).reshape([]), 'reshape.scalar'],
    [x.view([6, 4]), 'view.6x4'],
    [x.view([-1]), 'view.-1'],
    [x.permute([2, 0, 1]), 'permute'],
    [x.transpose(0, 2), 'transpose'],
    [m.t(), 't'],
    [v.t(), 't.1d'],
    [y.squeeze(), 'squeeze'],
    [y.squeeze(2), 'squeeze.2'],
    [y.squeeze(1), 'squeeze.1'],
    [x.unsqueeze(-1), 'unsqueeze.-1'],
    [v.unsqueeze(0), 'unsqueeze.0'],
    [x.flatten(), 'flatten'],
    [x.flatten(1), 'flatten.1'],
    [x.flatten(0, 1), 'flatten.0.1'],
    [x.unflatten(2, [2, 2]), 'unflatten'],
    [m.unflatten(1, [-1, 2]), 'unflatten.-1'],
    [col.expand([2, 3, 4]), 'expand'],
    [col.expand([-1, 5]), 'expand.-1'],
    [v.expandAs(x), 'expandAs'],
    [m.repeat([2, 1, 2]), 'repeat'],
    [v.repeatInterleave(2), 'repeatInterleave'],
    [m.repeatInterleave(2, 0), 'repeatInterleave.dim0'],
    [m.repeatInterleave(L([1, 0, 2]), 0), 'repeatInterleave.counts'],
    [x.movedim(0, -1), 'movedim'],
    [x.movedim([0, 1], [2, 0]), 'movedim.list'],
    [torch.flip(x, [0, 2]), 'flip.0.2'],
    [m.flip(1), 'flip.1'],
    [m.roll(1, 0), 'roll.1.0'],
    [m.roll([1, -2], [0, 1]), 'roll.multi'],
    [m.roll(3), 'roll.flat'],
    [m.tril(), 'tril'],
    [m.tril(-1), 'tril.-1'],
    [m.triu(1), 'triu.1'],
    [x.tril(1), 'tril.batch'],
    [v.diag(), 'diag.v'],
    [v.diag(1), 'diag.v.1'],
    [m.diag(), 'diag.m'],
    [m.diag(-1), 'diag.m.-1'],
    [x.diagonal(0, 1, 2), 'diagonal'],
    [m.diagonal(1), 'diagonal.1'],
  ];
  for (const [actual, name] of cases) assertClose(actual, g(name), { ...exact, msg: name });
});

test('views share storage; contiguous() copies a permuted layout', () => {
  const base = torch.zeros([2, 3]);
  const views = [
    base.view([6]),
    base.reshape([3, 2]),
    base.t(),
    base.unsqueeze(0),
    base.narrow(1, 1, 2),
    base.select(0, 1),
    base.expand([4, 2, 3]),
    base.diagonal(),
    base.index(slice(null, null, 2)),
    base.movedim(0, 1),
  ];
  base.fill_(3);
  for (const w of views)
    assert.ok(
      w.toArray().every((e) => e === 3),
      'a view sees writes to its base',
    );
  const p = x.permute([2, 0, 1]);
  assert.equal(p.isContiguous(), false);
  const c = p.contiguous();
  assert.equal(c.isContiguous(), true);
  assertClose(c, g('permute'), exact);
  assert.deepEqual(c.stride(), [6, 3, 1]);
  assertClose(c.view([-1]), g('permute').reshape([-1]), exact);
});

test('cat, stack, split, chunk, unbind, narrow and select match PyTorch', () => {
  assertClose(torch.cat([x, x2], 1), g('cat.1'), exact);
  assertClose(torch.cat([m, m2], -1), g('cat.-1'), exact);
  assertClose(torch.stack([m, m2]), g('stack.0'), exact);
  assertClose(torch.stack([m, m2], 2), g('stack.2'), exact);
  assertParts(x.split(3, 2), 'split.size', 2);
  assertParts(torch.split(x, [1, 2], 1), 'split.sizes', 2);
  assertParts(x.chunk(2, 1), 'chunk', 2);
  assertParts(x.unbind(1), 'unbind', 3);
  assertClose(x.narrow(2, 1, 2), g('narrow'), exact);
  assertClose(x.narrow(-1, -3, 2), g('narrow.neg'), exact);
  assertClose(x.select(1, -1), g('select'), exact);
  const [a, b] = torch.meshgrid([g('mesh.a'), g('mesh.b')]);
  assertParts([a, b], 'meshgrid.ij', 2);
  assertParts(torch.meshgrid([g('mesh.a'), g('mesh.b')], 'xy'), 'meshgrid.xy', 2);
});

test('index() matches PyTorch t[...] for ints, slices, null, "...", tensors and masks', () => {
  const i3 = g('idx.i3');
  const i2 = g('idx.i2');
  const ia = g('idx.ia');
  const ib = g('idx.ib');
  const mask2 = g('idx.mask2');
  const mask4 = g('idx.mask4');
  const cases: [Tensor, string][] = [
    [x.index(1), 'index.int'],
    [x.index(-1), 'index.neg'],
    [x.index(1, -2), 'index.int.int'],
    [x.index(slice(), slice(1, 3)), 'index.slice'],
    [x.index('...', slice(null, null, 2)), 'index.step'],
    [x.index(slice(), slice(null, null, 2), slice(1)), 'index.slices'],
    [x.index(slice(), slice(-2), slice(null, -1)), 'index.negslice'],
    [x.index(slice(), slice(1, 100)), 'index.clamped'],
    [x.index(null, 0), 'index.none'],
    [x.index(slice(), null, slice(), -1), 'index.none.mid'],
    [x.index(1, '...', null), 'index.ellipsis.none'],
    [x.index(i3), 'index.tensor'],
    [x.index(slice(), i2), 'index.tensor.dim1'],
    [x.index(ia, slice(), ib), 'index.tensor.split'],
    [x.index(slice(), ia, ib), 'index.tensor.adjacent'],
    [x.index(1, slice(), ib), 'index.int.tensor'],
    [x.index(slice(), g('idx.grid')), 'index.tensor.2d'],
    [x.index(mask2), 'index.mask'],
    [x.index(x.gt(0)), 'index.mask.full'],
    [x.index('...', mask4), 'index.mask.last'],
    [x.index([0, 1]), 'index.list'],
    [x.index(true), 'index.true'],
    [x.index(torch.tensor(1, { dtype: 'int64' })), 'index.scalar.tensor'],
    [x.index(i3, slice(1), slice(null, null, 3)), 'index.tensor.slice'],
  ];
  for (const [actual, name] of cases) assertClose(actual, g(name), { ...exact, msg: name });
  // arrays of booleans are masks; false adds an empty axis
  assertClose(x.index([true, false]), x.index(L([0])), exact);
  assert.deepEqual(x.index(false).shape, [0, 2, 3, 4]);
  // ints and slices are views, tensor indices copy
  const base = torch.zeros([3, 4]);
  const viewed = base.index(1, slice(1, 3));
  const copied = base.index(L([1]));
  base.fill_(1);
  assert.deepEqual(viewed.toArray(), [1, 1]);
  assert.deepEqual(copied.toArray(), [0, 0, 0, 0]);
  // no index at all: an alias
  assertClose(x.index(), x, exact);
});

test('gather, scatter, index_add, index_put_, masks and nonzero match PyTorch', () => {
  const base = g('scatter.base');
  const si = g('scatter.index');
  const src = g('scatter.src');
  assertClose(x.indexSelect(2, L([3, 0, 3])), g('indexSelect'), exact);
  assertClose(m.gather(1, g('gather.index')), g('gather'), exact);
  assertClose(base.scatter(0, si, src), g('scatter'), exact);
  assertClose(base.scatter(0, si, 2.5), g('scatter.value'), exact);
  assertClose(base.scatterAdd(0, si, src), g('scatterAdd'));
  for (const red of ['sum', 'prod', 'mean', 'amax', 'amin'] as const) {
    assertClose(base.scatterReduce(0, si, src, red), g(`scatterReduce.${red}`), { msg: red });
    assertClose(base.scatterReduce(0, si, src, red, false), g(`scatterReduce.${red}.noself`), { msg: `${red} noself` });
  }
  assertClose(base.indexAdd(0, g('indexAdd.index'), g('indexAdd.src')), g('indexAdd'));
  const p = base.clone();
  assert.equal(p.indexPut_([L([0, 2]), L([1, 3])], torch.tensor([10, 20])), p, 'indexPut_ returns its input');
  assertClose(p, g('indexPut'), exact);
  assertClose(base.clone().indexPut_([L([1, 1, 0])], torch.ones([4]), true), g('indexPut.acc'));
  assertClose(base.clone().indexPut_([null, L([0, 2])], -1), g('indexPut.skip'), exact);
  assertClose(x.maskedFill(x.lt(0), 0), g('maskedFill'), exact);
  assertClose(x.maskedFill(g('idx.mask4'), -9), g('maskedFill.bcast'), exact);
  assertClose(x.maskedSelect(x.gt(0.5)), g('maskedSelect'), exact);
  assertClose(x.gt(0.5).nonzero(), g('nonzero'), exact);
  assertClose(L([0, 3, 0, -1]).nonzero(), g('nonzero.int'), exact);
  assertClose(torch.where(x.gt(0), x, 0), x.clampMin(0), exact);
});

test('gradients of shape and indexing ops pass finite differences (float64)', () => {
  const xd = x.double();
  const md = m.double();
  const vd = v.double();
  const si = g('scatter.index');
  gradcheck((u) => u.reshape([4, 6]).mul(u.reshape([4, 6])), [xd], { msg: 'reshape' });
  gradcheck((u) => u.permute([2, 0, 1]).flatten(1), [xd], { msg: 'permute/flatten' });
  gradcheck((u) => u.unsqueeze(0).expand([3, 4, 4]), [vd], { msg: 'expand' });
  gradcheck((u) => u.repeat([2, 1, 2]), [md], { msg: 'repeat' });
  gradcheck((u, w) => torch.cat([u, w.mul(2)], 1), [md, m2.double()], { msg: 'cat' });
  gradcheck((u, w) => torch.stack([u, w], 2), [md, m2.double()], { msg: 'stack' });
  gradcheck(
    (u) => {
      const [a, b] = u.split([1, 2], 0);
      return a.mul(b.sum(0));
    },
    [md],
    { msg: 'split' },
  );
  gradcheck((u) => u.narrow(2, 1, 2).mul(u.select(2, -1).unsqueeze(2)), [xd], { msg: 'narrow/select' });
  gradcheck((u) => u.index(slice(), slice(null, null, 2), slice(1)), [xd], { msg: 'index slices' });
  gradcheck((u) => u.index(g('idx.i3'), slice(), g('idx.ib').index(slice(0, 1))), [xd], { msg: 'index tensor' });
  gradcheck((u) => u.index(u.detach().gt(0)), [xd], { msg: 'index mask' });
  gradcheck((u) => u.indexSelect(0, L([2, 0, 2])), [md], { msg: 'indexSelect' });
  gradcheck((u) => u.gather(1, g('gather.index')), [md], { msg: 'gather' });
  gradcheck((u, s) => u.scatter(0, si, s), [g('scatter.base').double(), g('scatter.src').double()], { msg: 'scatter' });
  gradcheck((u) => u.maskedFill(u.detach().lt(0), 0), [md], { msg: 'maskedFill' });
  gradcheck((u) => u.flip([0, 1]).mul(u), [md], { msg: 'flip' });
  gradcheck((u) => u.roll([1, -2], [0, 1]).mul(u), [md], { msg: 'roll' });
  gradcheck((u) => u.tril(-1).add(u.triu(1).mul(3)), [md], { msg: 'tril/triu' });
});

test("shape errors carry PyTorch's text as TorchError, argument errors name the argument", () => {
  const E = torch.TorchError;
  assertThrows(() => x.index(5), /^index: index 5 is out of bounds for dim 0 with size 2$/, RangeError);
  assertThrows(() => m.index(5), /^index: index 5 is out of bounds for dim 0 with size 3$/, RangeError);
  assertThrows(() => x.index(null, 0, -4), /^index: index -4 is out of bounds for dim 1 with size 3$/, RangeError);
  assertThrows(() => x.index(0, 0, 0, 0), /^index: too many indices \(4\) for a tensor of 3 dims$/, RangeError);
  assertThrows(() => x.index('...', 0, '...'), /at most one "\.\.\." is allowed/, RangeError);
  assertThrows(() => x.index(slice(null, null, -1)), /slice step must be a positive integer but received -1 of type number/, RangeError);
  assertThrows(
    () => x.index('a' as unknown as null),
    /^Expected an integer, slice, null, "\.\.\.", boolean, array or Tensor for indices\[0\] but received "a" of type string$/,
    TypeError,
  );
  assertThrows(() => x.index([0.5]), /array of integers or of booleans for indices\[0\]/, TypeError);
  assertThrows(() => m.index(L([0, 5])), /^index: index 5 is out of bounds for dimension 0 with size 3/, E);
  assertThrows(() => m.index(torch.tensor([0, 1])), /^index: tensors used as indices must be long, byte or bool tensors/, E);
  assertThrows(
    () => m.index(torch.tensor([true, false])),
    /^index: The shape of the mask \[2\] at index 0 does not match the shape of the indexed tensor \[3, 4\]/,
    E,
  );
  assertThrows(() => x.select(0, 5), /^select: select\(\): index 5 out of range for tensor of size \[2, 3, 4\] at dimension 0/, E);
  assertThrows(() => m.gather(1, L([4]).reshape([1, 1])), /^gather: index 4 is out of bounds for dimension 1 with size 4/, E);
  assertThrows(() => m.gather(1, torch.tensor([[0]])), /^gather: gather\(\): Expected dtype int64 for index/, E);
  assertThrows(() => m.indexSelect(0, L([7])), /^indexSelect: index out of range in self/, E);
  assertThrows(() => m.scatter(1, L([9]).reshape([1, 1]), 1), /^scatterValue: index 9 is out of bounds for dimension 1 with size 4/, E);
  assertThrows(() => x.transpose(0, 3), /^transpose: Dimension out of range \(expected to be in range of \[-3, 2\], but got 3\)/, E);
  assertThrows(() => x.t(), /^t: t\(\) expects a tensor with <= 2 dimensions, but self is 3D/, E);
  assertThrows(() => x.view([5, 5]), /^view: shape '\[5, 5\]' is invalid for input of size 24/, E);
  assertThrows(
    () => m.t().view([12]),
    /^view: view size is not compatible with input tensor's size and stride.*Use \.reshape\(\.\.\.\) instead/,
    E,
  );
  assertThrows(() => x.reshape([7, -1]), /^reshape: shape '\[7, -1\]' is invalid for input of size 24/, E);
  assertThrows(() => x.reshape([-1, -1]), /^reshape: only one dimension can be inferred/, E);
  assertThrows(
    () => x.reshape([0.5]),
    /^Expected an array of integers >= -1 for shape but received \[0\.5 of type number\] of type array$/,
    RangeError,
  );
  assertThrows(() => torch.cat([m, x]), /^cat: Tensors must have same number of dimensions: got 2 and 3/, E);
  assertThrows(
    () => torch.cat([m, v.unsqueeze(0).repeat([1, 2])], 0),
    /^cat: Sizes of tensors must match except in dimension 0\. Expected size 4 but got size 8 for tensor number 1/,
    E,
  );
  assertThrows(() => torch.cat([]), /^Expected a non-empty array of Tensors for tensors but received \[\] of type array$/, TypeError);
  assertThrows(
    () => torch.stack([m, 3 as unknown as Tensor]),
    /for tensors but received \[an object of type Tensor, 3 of type number\]/,
    TypeError,
  );
  assertThrows(() => torch.stack([m, v]), /^stack: stack expects each tensor to be equal size/, E);
  assertThrows(() => m.chunk(-3), /^Expected a positive integer for chunks but received -3 of type number$/, RangeError);
  assertThrows(() => m.split(-1), /^Expected a non-negative integer for splitSize but received -1 of type number$/, RangeError);
  assertThrows(() => m.split([1, 1]), /^splitSizes: split_with_sizes expects split_sizes to sum exactly to 3/, E);
  assertThrows(() => m.narrow(0, 2, 5), /^narrow: start \(2\) \+ length \(5\) exceeds dimension size \(3\)/, E);
  assertThrows(() => m.expand([2, 4]), /^expand: The expanded size of the tensor \(2\) must match the existing size \(3\)/, E);
  assertThrows(
    () => m.repeat([2]),
    /^repeat: Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor/,
    E,
  );
  assertThrows(() => m.flip(0.5), /^Expected an integer for dims but received 0\.5 of type number$/, RangeError);
  assertThrows(() => m.unsqueeze(3), /^unsqueeze: Dimension out of range/, E);
  assertThrows(
    () => m.gather(1, [[0]] as unknown as Tensor),
    /^Expected a Tensor for index but received \[\[0 of type number\] of type array\] of type array$/,
    TypeError,
  );
  assertThrows(
    () => m.scatterReduce(0, L([0]).reshape([1, 1]), m, 'max' as 'amax'),
    /^Expected one of sum, prod, mean, amax, amin for reduce but received "max" of type string$/,
    TypeError,
  );
  assertThrows(
    () => torch.meshgrid([v], 'zz' as 'ij'),
    /^Expected one of ij, xy for indexing but received "zz" of type string$/,
    TypeError,
  );
  assertThrows(
    () => m.clone().indexPut_([L([0, 1])], torch.ones([3])),
    /^indexPut_: shape mismatch: value tensor of shape \[3\] cannot be broadcast to indexing result of shape \[2, 4\]/,
    E,
  );
  assertThrows(
    () => m.maskedFill(torch.ones([2], { dtype: 'bool' }), 0),
    /^maskedFill: The size of tensor a \(2\) must match the size of tensor b \(4\)/,
    E,
  );
});
