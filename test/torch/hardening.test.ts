/**
 * Issue 9, section 2: calls that crashed the process (SIGFPE), hung, or silently
 * gave wrong results because libtorch 1.13 truncates some integers to 32 bits, and
 * bad arguments that were accepted. Each now throws a named error before libtorch
 * is called, and the engine keeps working.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { torch } from '../../src/index.js';
import { assertThrows } from '../helpers.js';

const F = torch.nn.functional;
const TorchError = torch.TorchError;
const INT32 = 'a positive integer <= 2147483647';

test('32-bit truncation: groups, factors, kernels, strides and dilations beyond 2^31 − 1 are RangeErrors naming the argument', () => {
  const img = torch.ones([1, 1, 3, 3]);
  const w = torch.ones([1, 1, 1, 1]);
  for (const groups of [2 ** 31, 2 ** 32, 2 ** 40]) {
    const re = new RegExp(`^Expected ${INT32} for groups but received ${groups} of type number$`);
    assertThrows(() => F.conv2d(img, w, null, { groups }), re, RangeError);
    assertThrows(() => F.conv1d(torch.ones([1, 1, 3]), torch.ones([1, 1, 1]), null, { groups }), re, RangeError);
    assertThrows(() => F.convTranspose1d(torch.ones([1, 1, 3]), torch.ones([1, 1, 1]), null, { groups }), re, RangeError);
    assertThrows(() => F.convTranspose2d(img, w, null, { groups }), re, RangeError);
  }
  assertThrows(
    () => F.pixelShuffle(torch.ones([1, 4, 2, 2]), 2 ** 32),
    new RegExp(`^Expected ${INT32} for upscaleFactor but received 4294967296 of type number$`),
    RangeError,
  );
  assertThrows(() => F.pixelUnshuffle(torch.ones([1, 1, 4, 4]), 2 ** 32), /for downscaleFactor but received 4294967296/, RangeError);
  const size = (name: string, v: number): RegExp =>
    new RegExp(`^Expected ${INT32} or an array of (1|2) such integers for ${name} but received ${v} of type number$`);
  assertThrows(() => F.fold(torch.ones([1, 8, 9]), 4, 2 ** 32), size('kernelSize', 2 ** 32), RangeError);
  assertThrows(() => F.unfold(torch.ones([1, 2, 4, 4]), 2 ** 32), size('kernelSize', 2 ** 32), RangeError);
  assertThrows(() => F.avgPool1d(torch.ones([1, 2, 4]), 2 ** 32 + 1), size('kernelSize', 2 ** 32 + 1), RangeError);
  assertThrows(() => F.avgPool2d(torch.ones([1, 2, 4, 4]), 2 ** 32 + 1), size('kernelSize', 2 ** 32 + 1), RangeError);
  assertThrows(() => F.maxPool1d(torch.ones([1, 2, 4]), 2, { dilation: 2 ** 40 }), size('dilation', 2 ** 40), RangeError);
  assertThrows(() => F.maxPool1d(torch.ones([1, 2, 4]), 2 ** 40), size('kernelSize', 2 ** 40), RangeError);
  assertThrows(() => F.conv2d(img, w, null, { stride: 2 ** 32 }), size('stride', 2 ** 32), RangeError);
  assert.deepEqual(torch.ones([1, 2, 4]).shape, [1, 2, 4], 'the engine still works');
});

test("windows must fit the input: what libtorch would loop over or truncate is a TorchError with PyTorch's text", () => {
  assertThrows(
    () => F.maxPool1d(torch.ones([1, 2, 4]), 2 ** 31 - 1),
    /^maxPool1d: Given input size \(4\), calculated output size \(0\) along spatial dim 0 is too small$/,
    TorchError,
  );
  assertThrows(
    () => F.unfold(torch.ones([1, 2, 4, 4]), 5),
    /^unfold: Calculated padded input size per channel: \(4\)\. Kernel size: \(5\)\. Kernel size can't be greater than actual input size$/,
    TorchError,
  );
  assertThrows(
    () => F.conv1d(torch.ones([1, 1, 3]), torch.ones([1, 1, 1]), null, { padding: 2 ** 30 }),
    /^conv1d: padding 1073741824 makes spatial dim 0 of size 3 2147483651 long; at most 2147483647 is supported$/,
    TorchError,
  );
  assertThrows(
    () => F.fold(torch.ones([1, 8, 9]), 4, 5),
    /^fold: Calculated padded input size per channel: \(4\)\. Kernel size: \(5\)/,
    TorchError,
  );
  // PyTorch's ceil mode lets a window start inside the input and run past it: still one output
  assert.deepEqual(F.maxPool1d(torch.ones([1, 1, 4]), 5, { stride: 2, ceilMode: true }).shape, [1, 1, 1]);
  assert.deepEqual(F.unfold(torch.ones([1, 2, 4, 4]), 2).shape, [1, 8, 9]);
});

test('results beyond memory are RangeErrors naming the op and the bytes, before libtorch allocates', () => {
  // requests of 2^44 bytes and more, beyond any machine's memory
  const beyond = (op: string): RegExp =>
    new RegExp(`^${op}: the result needs \\d+ bytes \\(\\d+ elements of \\w+\\), more than this machine's memory \\(\\d+ bytes\\)$`);
  assertThrows(
    () => F.convTranspose1d(torch.ones([1, 1, 3]), torch.ones([1, 1, 1]), null, { stride: 2 ** 31 - 1 }),
    /^convTranspose1d: calculated output size 4294967295 along spatial dim 0 exceeds 2147483647$/,
    TorchError,
  );
  assertThrows(() => F.interpolate(torch.ones([1, 1, 4, 4]), { size: 2 ** 31 - 1 }), beyond('interpolate'), RangeError);
  assertThrows(() => F.pad(torch.ones([1024, 1, 4]), [2 ** 31 - 5, 0]), beyond('pad'), RangeError);
  assertThrows(() => F.oneHot(torch.tensor([2 ** 40], { dtype: 'int64' })), beyond('oneHot'), RangeError);
  assertThrows(() => torch.bincount(torch.tensor([2 ** 40], { dtype: 'int64' })), beyond('bincount'), RangeError);
  assertThrows(() => torch.ones([2]).repeat([2 ** 31, 2 ** 31]), beyond('repeat'), RangeError);
  assertThrows(() => torch.arange(2 ** 50), beyond('arange'), RangeError);
  assertThrows(() => torch.randperm(2 ** 45), beyond('randperm'), RangeError);
  assertThrows(() => torch.eye(2 ** 22, 2 ** 22), beyond('eye'), RangeError);
  assertThrows(() => torch.hannWindow(2 ** 45), beyond('hannWindow'), RangeError);
  assertThrows(() => torch.fft.fft(torch.ones([2 ** 16, 4]), 2 ** 31 - 1), beyond('fft'), RangeError);
});

test('setNumThreads accepts at most 4 threads per core', () => {
  const before = torch.getNumThreads();
  const max = torch.maxNumThreads();
  assert.equal(max, 4 * availableParallelism());
  assertThrows(
    () => torch.setNumThreads(max + 1),
    new RegExp(
      `^setNumThreads: expected at most ${max} threads \\(4 per core; this process may run on ${availableParallelism()} cores\\) but received ${max + 1}$`,
    ),
    RangeError,
  );
  assertThrows(() => torch.setNumThreads(256), /^setNumThreads: expected at most/, RangeError);
  assertThrows(() => torch.setNumThreads(0), /^Expected a positive integer for n but received 0 of type number$/, RangeError);
  assert.equal(torch.getNumThreads(), before, 'a rejected call changes nothing');
});

test('scalar arguments must be numbers: sub_ no longer fills with NaN or parses strings', () => {
  const t = torch.tensor([5, 7]);
  for (const bad of [{}, undefined, '2', null]) {
    assertThrows(() => t.sub_(bad as never), /^Expected a Tensor, a number or a boolean for other but received /, TypeError);
    assertThrows(() => t.add_(bad as never), /^Expected a Tensor, a number or a boolean for other but received /, TypeError);
  }
  assert.deepEqual(t.toArray(), [5, 7], 'rejected calls leave the tensor unchanged');
  assert.deepEqual(t.sub_(2).toArray(), [3, 5]);
  assert.deepEqual(torch.tensor([1, 2], { dtype: 'int64' }).sub_(0).dtype, 'int64', 'subtracting 0 keeps an integer tensor integer');
  assertThrows(() => t.fill_('1' as never), /^Expected a number or a boolean for value but received "1" of type string$/, TypeError);
  assertThrows(() => t.add(1, 'x' as never), /^Expected a number or a boolean for alpha but received "x" of type string$/, TypeError);
  assertThrows(
    () => torch.full([2], {} as never),
    /^Expected a number or a boolean for fillValue but received an object of type Object$/,
    TypeError,
  );
  assertThrows(
    () => t.clamp('0' as never),
    /^Expected a Tensor, a number or a boolean for min but received "0" of type string$/,
    TypeError,
  );
});

test('where with scalar branches promotes as PyTorch', () => {
  const cond = torch.tensor([true, false]);
  const w = torch.where(cond, 2.5, 0);
  assert.deepEqual([w.dtype, w.toArray()], ['float32', [2.5, 0]]);
  const i = torch.where(cond, 1, 0);
  assert.deepEqual([i.dtype, i.toArray()], ['int64', [1, 0]]);
  const b = torch.where(cond, true, false);
  assert.deepEqual([b.dtype, b.toArray()], ['bool', [1, 0]]);
  const mixed = torch.where(cond, torch.tensor([1, 2], { dtype: 'int32' }), 2.5);
  assert.deepEqual([mixed.dtype, mixed.toArray()], ['float32', [1, 2.5]]);
  const wide = torch.where(cond, 2.5, torch.tensor([1, 2], { dtype: 'float64' }));
  assert.deepEqual([wide.dtype, wide.toArray()], ['float64', [2.5, 2]]);
  assertThrows(
    () => torch.where(cond, '1' as never, 0),
    /^Expected a Tensor, a number or a boolean for input but received "1" of type string$/,
    TypeError,
  );
  assertThrows(() => torch.where(null as never, 1, 0), /^Expected a Tensor for condition but received null$/, TypeError);
});

test('size(dim) takes an integer dim', () => {
  const t = torch.zeros([2, 3]);
  assert.equal(t.size(-1), 3);
  assertThrows(() => t.size(1.5), /^Expected an integer for dim but received 1\.5 of type number$/, RangeError);
  assertThrows(() => t.size('1' as never), /^Expected an integer for dim but received "1" of type string$/, TypeError);
});

test('options of creation functions, to() and backward() are checked', () => {
  assertThrows(
    () => torch.zeros([2], { dtpye: 'float64' } as never),
    /^Expected options of zeros among dtype, device, requiresGrad but received unknown option "dtpye"$/,
    TypeError,
  );
  assertThrows(
    () => torch.zeros([2], { requiresGrad: 'false' as never }),
    /^Expected a boolean for requiresGrad but received "false" of type string$/,
    TypeError,
  );
  assertThrows(
    () => torch.randn([2], { generater: null } as never),
    /^Expected options of randn among dtype, device, requiresGrad, generator but received unknown option "generater"$/,
    TypeError,
  );
  assertThrows(
    () => torch.tensor([0, 3], { dtype: undefined }),
    /^Expected a dtype such as torch\.float32 or 'int64' .* for dtype but received undefined/,
    TypeError,
  );
  assertThrows(
    () => torch.ones([2]).to({ dtype: 'float64', devise: 'cpu' } as never),
    /^Expected options of to among device, dtype, copy but received unknown option "devise"$/,
    TypeError,
  );
  assertThrows(
    () => torch.ones([2]).to(undefined as never),
    /^Expected a dtype, a device or \{ device, dtype, copy \} for target but received undefined/,
    TypeError,
  );
  assertThrows(
    () =>
      torch
        .ones([2], { requiresGrad: true })
        .sum()
        .backward(undefined, { retain: true } as never),
    /^backward: expected options of backward among retainGraph, createGraph/,
    TypeError,
  );
  const x = torch.ones([2], { requiresGrad: true });
  assertThrows(
    () => {
      x.requiresGrad = 'false' as never;
    },
    /^Expected a boolean for requiresGrad but received "false" of type string$/,
    TypeError,
  );
  assert.equal(x.requiresGrad, true);
});

test('null and undefined tensor arguments are TypeErrors naming the argument, not raw JavaScript errors', () => {
  const x = torch.ones([2, 2]);
  const cases: [() => unknown, RegExp][] = [
    [() => torch.add(null as never, 1), /^Expected a Tensor for input but received null$/],
    [() => torch.exp(undefined as never), /^Expected a Tensor for input but received undefined of type undefined$/],
    [() => torch.matmul(x, null as never), /^Expected a Tensor for other but received null$/],
    [() => torch.sum(null as never), /^Expected a Tensor for input but received null$/],
    [() => torch.cat([x, null as never]), /^Expected a non-empty array of Tensors for tensors but received/],
    [() => x.gather(0, null as never), /^Expected a Tensor for index but received null$/],
    [() => F.relu(null as never), /^Expected a Tensor for input but received null$/],
    [() => F.conv2d(torch.ones([1, 1, 3, 3]), null as never), /^Expected a Tensor for weight but received null$/],
    [() => torch.linalg.solve(x, null as never), /^Expected a Tensor for B but received null$/],
    [() => torch.fft.fft(null as never), /^Expected a Tensor for input but received null$/],
    [() => torch.nn.init.uniform_(null as never), /^Expected a Tensor for tensor but received null$/],
    [() => torch.zerosLike(null as never), /^Expected a Tensor for input but received null$/],
  ];
  for (const [fn, re] of cases) assertThrows(fn, re, TypeError);
});

test("addcmul_ and addcdiv_ with mixed dtypes: a named TypeError instead of libtorch's internal assert", () => {
  const a = torch.ones([2]);
  const f64 = torch.ones([2], { dtype: 'float64' });
  const i64 = torch.ones([2], { dtype: 'int64' });
  assertThrows(
    () => a.addcmul_(f64, i64),
    /^addcmul_: expected tensor1 and tensor2 of the input's dtype float32 but received float64 and int64$/,
    TypeError,
  );
  assertThrows(
    () => a.addcdiv_(a, f64),
    /^addcdiv_: expected tensor1 and tensor2 of the input's dtype float32 but received float32 and float64$/,
    TypeError,
  );
  assert.deepEqual(a.addcmul_(torch.tensor([2, 3]), torch.tensor([4, 5]), 0.5).toArray(), [5, 8.5]);
});

test('expand and broadcastTo refuse -1 for a new leading dim (libtorch 1.13 made a tensor of size -1)', () => {
  const s = torch.ones([]);
  assertThrows(
    () => s.expand([-1, 0, 4]),
    /^expand: The expanded size of the tensor \(-1\) isn't allowed in a leading, non-existing dimension 0$/,
    TorchError,
  );
  assertThrows(
    () => s.broadcastTo([2, -1]),
    /^broadcastTo: The expanded size of the tensor \(-1\) isn't allowed in a leading, non-existing dimension 1$/,
    TorchError,
  );
  assert.deepEqual(torch.ones([1, 3]).expand([2, -1, -1]).shape, [2, 1, 3], '-1 keeps an existing dim');
});
