/**
 * Error safety: no input may crash the process. Every category gives a catchable
 * error with a message naming the op and the problem, and the engine keeps working.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { torch } from '../../src/index.js';
import { assertThrows, root } from '../helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = Record<string, (...args: any[]) => any>;
/** The addon itself, loaded by path: the same module instance the library uses. */
const raw = createRequire(import.meta.url)(join(root, 'build', 'Release', 'selfsup_native.node')) as Raw;
const TorchError = torch.TorchError;

/** After each category: the engine still computes. */
function stillWorks(): void {
  assert.deepEqual(torch.ones([2]).add(1).toArray(), [2, 2]);
}

test('TorchError carries the op name', () => {
  const e = (() => {
    try {
      torch.zeros([2, 3]).select(0, 99);
    } catch (err) {
      return err;
    }
  })();
  assert.ok(e instanceof TorchError);
  assert.ok(e instanceof Error);
  assert.equal(e.name, 'TorchError');
  assert.equal(e.op, 'select');
  assert.match(String(e), /^TorchError: select: /);
});

test('wrong shapes: matmul, add, cat, reshape, view', () => {
  const a = torch.zeros([2, 3]);
  assertThrows(
    () => torch.matmul(a, torch.zeros([4, 5])),
    /^matmul: mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)$/,
    TorchError,
  );
  assertThrows(() => a.matmul(torch.zeros([2])), /^matmul: .*size mismatch|^matmul: .*cannot be multiplied|^matmul: .*shape/, TorchError);
  assertThrows(
    () => a.add(torch.zeros([4])),
    /^add: The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 1$/,
    TorchError,
  );
  assertThrows(() => a.add_(torch.zeros([3, 3])), /^add_: .*size/, TorchError);
  assertThrows(
    () => torch.cat([a, torch.zeros([2, 4])], 0),
    /^cat: Sizes of tensors must match except in dimension 0\. Expected size 3 but got size 4 for tensor number 1 in the list\.$/,
    TorchError,
  );
  assertThrows(() => a.reshape([4]), /^reshape: shape '\[4\]' is invalid for input of size 6$/, TorchError);
  assertThrows(() => a.t().view([6]), /^view: view size is not compatible with input tensor's size and stride/, TorchError);
  assertThrows(() => a.sum(7), /^sum: Dimension out of range \(expected to be in range of \[-2, 1\], but got 7\)$/, TorchError);
  stillWorks();
});

test('wrong dtypes: float index tensors, requiresGrad on integers, in-place casts', () => {
  const a = torch.zeros([2, 3]);
  assertThrows(
    () => a.indexSelect(0, torch.tensor([0])),
    /^indexSelect: index_select\(\): Expected dtype int32 or int64 for index$/,
    TorchError,
  );
  assertThrows(() => a.gather(1, torch.tensor([[0]])), /^gather: gather\(\): Expected dtype int64 for index$/, TorchError);
  assertThrows(() => a.index(torch.tensor([0.5])), /^index: tensors used as indices must be long, byte or bool tensors$/, TorchError);
  assertThrows(
    () => torch.tensor([1, 2], { dtype: 'int32' }).requiresGrad_(),
    /^setRequiresGrad: Only Tensors of floating point and complex dtype can require gradients$/,
    TorchError,
  );
  assertThrows(
    () => torch.zeros([2], { dtype: 'int64' }).div_(2),
    /^divScalar_: result type Float can't be cast to the desired output type Long$/,
    TorchError,
  );
  assertThrows(
    () => torch.zeros([2], { dtype: 'float8' as torch.DType }),
    /^Expected one of uint8, .* for dtype but received "float8" of type string$/,
    TypeError,
  );
  stillWorks();
});

test('out-of-range indices: select, gather, indexSelect with index 99', () => {
  const a = torch.zeros([2, 3]);
  const i99 = torch.tensor([99], { dtype: 'int64' });
  assertThrows(() => a.select(0, 99), /^select: select\(\): index 99 out of range for tensor of size \[2, 3\] at dimension 0$/, TorchError);
  assertThrows(
    () => a.select(1, -99),
    /^select: select\(\): index -99 out of range for tensor of size \[2, 3\] at dimension 1$/,
    TorchError,
  );
  assertThrows(() => a.select(5, 0), /^select: Dimension out of range \(expected to be in range of \[-2, 1\], but got 5\)$/, TorchError);
  assertThrows(
    () => a.gather(1, torch.tensor([[99]], { dtype: 'int64' })),
    /^gather: index 99 is out of bounds for dimension 1 with size 3$/,
    TorchError,
  );
  assertThrows(() => a.indexSelect(0, i99), /^indexSelect: index out of range in self$/, TorchError);
  assertThrows(() => a.indexSelect(1, i99), /^indexSelect: .*(out of range|out of DATA bounds, id=99)/, TorchError);
  assertThrows(
    () => a.scatter(1, torch.tensor([[99]], { dtype: 'int64' }), torch.ones([1, 1])),
    /^scatter: index 99 is out of bounds for dimension 1 with size 3$/,
    TorchError,
  );
  stillWorks();
});

test("absent or unknown devices: 'cuda', 'cuda:3', 'tpu'", () => {
  const a = torch.zeros([2]);
  assertThrows(
    () => torch.zeros([2], { device: 'tpu' }),
    /^Expected "cpu", "cuda" or "cuda:N" for device but received "tpu" of type string$/,
    TypeError,
  );
  assertThrows(() => a.to('tpu'), /^Expected "cpu", "cuda" or "cuda:N" for device but received "tpu" of type string$/, TypeError);
  // the raw layer parses devices with libtorch: still a TorchError
  assertThrows(
    () => raw.zeros([2], null, 'tpu'),
    /^zeros: Expected one of cpu, cuda, .* device type at start of device string: tpu$/,
    TorchError,
  );
  if (!torch.cuda.isAvailable()) {
    for (const dev of ['cuda', 'cuda:3']) {
      assertThrows(
        () => torch.zeros([2], { device: dev }),
        new RegExp(`^Device ${dev} is not available: torch\\.cuda\\.isAvailable\\(\\) is false`),
      );
      assertThrows(() => a.to(dev), new RegExp(`^Device ${dev} is not available`));
      assertThrows(
        () => raw.zeros([2], null, dev),
        /^zeros: Could not run 'aten::empty\.memory_format' with arguments from the 'CUDA' backend/,
        TorchError,
      );
    }
    assertThrows(() => a.cuda(), /^Device cuda:0 is not available/);
  } else {
    // with a GPU: a device index past the last one, and mixed devices in one op
    const n = torch.cuda.deviceCount();
    assertThrows(
      () => torch.zeros([2], { device: `cuda:${n}` }),
      new RegExp(`^Device cuda:${n} is not available: ${n} CUDA device\\(s\\) visible`),
    );
    assertThrows(() => a.add(torch.zeros([2], { device: 'cuda' })), /^add: Expected all tensors to be on the same device/, TorchError);
  }
  stillWorks();
});

test('disposed tensors, as receiver or argument, give TorchErrors', () => {
  const d = torch.ones([2]);
  d.dispose();
  const live = torch.ones([2]);
  assertThrows(
    () => d.add(1),
    /^addScalar: argument 0: tensor was disposed \(used after dispose\(\), or after the scope\(\) that created it ended\)$/,
    TorchError,
  );
  assertThrows(
    () => live.add(d),
    /^add: argument 1: tensor was disposed \(used after dispose\(\), or after the scope\(\) that created it ended\)$/,
    TorchError,
  );
  assertThrows(
    () => torch.cat([live, d]),
    /^cat: argument 0: tensor was disposed \(used after dispose\(\), or after the scope\(\) that created it ended\)$/,
    TorchError,
  );
  assertThrows(
    () => torch.matmul(live, d),
    /^matmul: argument 1: tensor was disposed \(used after dispose\(\), or after the scope\(\) that created it ended\)$/,
    TorchError,
  );
  assertThrows(
    () => d.item(),
    /^dtype: argument 0: tensor was disposed \(used after dispose\(\), or after the scope\(\) that created it ended\)$/,
    TorchError,
  );
  assertThrows(
    () => d.requiresGrad_(),
    /^setRequiresGrad: argument 0: tensor was disposed \(used after dispose\(\), or after the scope\(\) that created it ended\)$/,
    TorchError,
  );
  assertThrows(() => torch.safetensors.serialize({ d }), /^safetensors: tensor "d" was disposed$/, TypeError);
  assert.deepEqual(live.toArray(), [1, 1]);
});

test('wrong JS argument types passed straight to the native layer throw, never crash', () => {
  const a = torch.zeros([2, 3]);
  const cases: [() => unknown, RegExp][] = [
    [() => raw.add('x', {}, null), /^add: argument \d: expected (Tensor|number or boolean) but received (string|object|null)$/],
    [() => raw.add(a._h, {}, 1), /^add: argument 1: expected Tensor but received object$/],
    [() => raw.add(a._h, a._h, 'x'), /^add: argument 2: expected number or boolean but received string$/],
    [() => raw.add(a._h, 1.5, 1), /^add: argument 1: expected a tensor handle but received the number 1\.5/],
    [() => raw.add(a._h, NaN, 1), /^add: argument 1: expected a tensor handle but received the number nan/],
    [
      () => raw.add(a._h, -1, 1),
      /^add: argument 1: tensor was disposed \(used after dispose\(\), or after the scope\(\) that created it ended\)$/,
    ],
    [
      () => raw.toBytes(12345678),
      /^toBytes: argument 0: tensor was disposed \(used after dispose\(\), or after the scope\(\) that created it ended\)$/,
    ],
    [() => raw.matmul(), /^matmul: argument \d: expected Tensor but received undefined$/],
    [() => raw.zeros('abc', null, 'cpu'), /^zeros: argument 0: expected array but received string$/],
    [() => raw.zeros([1, 'a'], null, 'cpu'), /^zeros: argument 0: expected integer but received string$/],
    [() => raw.zeros([1.5], null, 'cpu'), /^zeros: argument 0: expected integer but received number$/],
    [() => raw.zeros([2], 999, 'cpu'), /^zeros: argument 1: unknown dtype code 999$/],
    [() => raw.zeros([2], 12, 'cpu'), /^zeros: Could not run 'aten::zero_' with arguments from the 'QuantizedCPU' backend/],
    [() => raw.zeros([2], null, 42), /^zeros: argument 2: expected string but received number$/],
    [() => raw.zeros([-1], null, 'cpu'), /^zeros: Trying to create tensor with negative dimension -1: \[-1\]$/],
    [() => raw.fromBytes(new Uint8Array(3), 6, [1], null, 'cpu'), /^fromBytes: data holds 3 bytes but shape needs 4$/],
    [() => raw.fromBytes({}, 6, [1], null, 'cpu'), /^fromBytes: argument 0: expected TypedArray or ArrayBuffer but received object$/],
    [() => raw.fromBytes(new Uint8Array(0), 6, [2 ** 40, 2 ** 40], null, 'cpu'), /^fromBytes: Storage size calculation overflowed/],
    [() => raw.cat([a._h, 'x'], 0), /^cat: argument 0: expected Tensor but received string$/],
    [() => raw.cat(a._h, 0), /^cat: argument 0: expected array but received number$/],
    [() => raw.setRequiresGrad(a._h, 'yes'), /^setRequiresGrad: argument 1: expected boolean but received string$/],
    [() => raw.generatorSetState(99999, a._h), /^generatorSetState: argument 0: unknown generator$/],
    [() => raw.generatorSetState(null, a._h), /^generatorSetState: RNG state must be a torch\.ByteTensor$/],
    [() => raw.item(torch.zeros([0])._h), /^item: a Tensor with 0 elements cannot be converted to Scalar$/],
    [() => raw.backward(a._h, null, null, false), /^backward: element 0 of tensors does not require grad and does not have a grad_fn$/],
    [() => raw.autogradGrad([], [], [], null, false, false), /^autogradGrad: expected at least one output tensor$/],
    [() => raw.autogradBackward([a._h], [null, null], null, false, []), /^autogradBackward: got 2 gradients for 1 outputs$/],
  ];
  for (const [fn, pattern] of cases) assertThrows(fn, pattern, TorchError);
  // free ignores anything that is not a live handle
  assert.deepEqual(
    [raw.free('x'), raw.free(), raw.free(-5), raw.free(1e300), raw.free(NaN)],
    [undefined, undefined, undefined, undefined, undefined],
  );
  // the error class cannot be replaced by a non-constructor (that would crash the next error)
  assertThrows(() => raw.setErrorClass(42), /^setErrorClass: expected an Error subclass \(a constructor function\)$/, TypeError);
  assertThrows(() => raw.setErrorClass(), /^setErrorClass: expected an Error subclass/, TypeError);
  assertThrows(() => raw.zeros([-1], null, 'cpu'), /^zeros: Trying to create tensor with negative dimension/, TorchError);
  assert.deepEqual(a.shape, [2, 3]);
  stillWorks();
});

test('huge and negative shapes: RangeError naming shape, or TorchError, never a crash', () => {
  assertThrows(
    () => torch.zeros([-1]),
    /^Expected an array of non-negative integers for shape but received \[-1 of type number\] of type array$/,
    RangeError,
  );
  assertThrows(
    () => torch.ones([2, 1.5]),
    /^Expected an array of non-negative integers for shape but received \[2 of type number, 1\.5 of type number\]/,
    RangeError,
  );
  assertThrows(() => torch.zeros([NaN]), /for shape but received \[NaN of type number\]/, RangeError);
  assertThrows(() => torch.zeros('3' as unknown as number[]), /for shape but received "3" of type string$/, TypeError);
  assertThrows(
    () => torch.zeros([1e12, 1e12]),
    /^Expected a shape of fewer than 2\^63 elements for shape but received \[1000000000000 of type number, 1000000000000 of type number\] of type array$/,
    RangeError,
  );
  // representable in int64 but beyond this machine's memory: refused before libtorch allocates
  const beyond = (op: string, bytes: string, numel: string, dtype: string): RegExp =>
    new RegExp(
      `^${op}: the result needs ${bytes} bytes \\(${numel} elements of ${dtype}\\), more than this machine's memory \\(\\d+ bytes\\)$`,
    );
  assertThrows(
    () => torch.empty([2 ** 31, 2 ** 31]),
    beyond('empty', '18446744073709552000', '4611686018427388000', 'float32'),
    RangeError,
  );
  assertThrows(() => torch.ones([2 ** 62]), beyond('ones', '18446744073709552000', '4611686018427388000', 'float32'), RangeError);
  assertThrows(
    () => torch.zeros([1e6, 1e6], { dtype: 'float64' }),
    beyond('zeros', '8000000000000', '1000000000000', 'float64'),
    RangeError,
  );
  assertThrows(
    () => torch.zeros([2, 3]).reshape([-2, 3]),
    /^Expected an array of integers >= -1 for shape but received \[-2 of type number, 3 of type number\] of type array$/,
    RangeError,
  );
  stillWorks();
});

test('errors inside autograd and scopes leave the engine usable', () => {
  const s0 = torch.memoryStats().tensors;
  assert.throws(
    () =>
      torch.scope(() => {
        const x = torch.ones([3]).requiresGrad_();
        const y = x.mul(2);
        y.backward(); // non-scalar without a seed
      }),
    /^TorchError: backward: grad can be implicitly created only for scalar outputs$/,
  );
  assert.equal(torch.memoryStats().tensors, s0);
  assert.equal(torch.isGradEnabled(), true);
  stillWorks();
});

test('RNG: state round trips reproduce draws; bad states and generators are catchable errors', () => {
  torch.manualSeed(123);
  assert.equal(torch.getRngState().dtype, 'uint8');
  const state = torch.getRngState();
  const a = torch.rand([5]).toArray();
  torch.setRngState(state);
  assert.deepEqual(torch.rand([5]).toArray(), a, 'restoring the global state repeats the draws');
  const g = new torch.Generator(7);
  assert.equal(g.initialSeed(), 7);
  const gs = g.getState();
  const b = torch.randn([4], { generator: g }).toArray();
  g.setState(gs);
  assert.deepEqual(torch.randn([4], { generator: g }).toArray(), b);
  g.manualSeed(7);
  assert.deepEqual(torch.randn([4], { generator: g }).toArray(), b, 'reseeding repeats the draws');
  assertThrows(() => torch.setRngState(torch.zeros([3])), /^generatorSetState: RNG state must be a torch\.ByteTensor$/, TorchError);
  assertThrows(() => torch.setRngState(torch.zeros([3], { dtype: 'uint8' })), /^generatorSetState: .*(size|length)/i, TorchError);
  assertThrows(
    () => g.setState('state' as unknown as torch.Tensor),
    /^Expected a uint8 Tensor from getState\(\)\/getRngState\(\) for state but received "state" of type string$/,
    TypeError,
  );
  assertThrows(() => torch.manualSeed(-1), /^Expected a non-negative integer for seed but received -1 of type number$/, RangeError);
  assertThrows(
    () => torch.rand([2], { generator: {} as torch.Generator }),
    /^Expected a torch\.Generator for generator but received an object of type Object$/,
    TypeError,
  );
  assert.deepEqual(torch.rand([5]).toArray().length, 5);
});
