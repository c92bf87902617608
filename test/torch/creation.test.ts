import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { assertClose, assertThrows, golden } from '../helpers.js';

const g = golden('creation');
type DType = torch.DType;
const DTYPES: DType[] = ['float32', 'float64', 'float16', 'bfloat16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool'];
const FLOATING = new Set<DType>(['float32', 'float64', 'float16', 'bfloat16']);
// Same literals as tools/goldens/g_creation.py.
const NESTED_F = [
  [1.5, -2.0, 3.25],
  [0.1, 1 / 3, -0.5],
];
const NESTED_I = [
  [1, 0, 3],
  [0, 7, 100],
];

/** Exact equality of values, dtype and shape (int64 compared as BigInt). */
function assertExact(actual: torch.Tensor, expected: torch.Tensor, msg: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${msg}: shape`);
  assert.equal(actual.dtype, expected.dtype, `${msg}: dtype`);
  assert.deepEqual(actual.data(), expected.data(), `${msg}: values`);
}

/**
 * Float ranges: linspace and arange fill in vectorised kernels whose rounding depends
 * on the ISA (linspace(-2, 2, 7)'s midpoint is 0 with AVX-512 and 1.1e-16 without), so
 * values must agree within 2 ulps of the range's largest magnitude; integer ranges exactly.
 */
function assertRange(actual: torch.Tensor, expected: torch.Tensor, msg: string): void {
  if (!FLOATING.has(expected.dtype) || expected.numel() === 0) return assertExact(actual, expected, msg);
  const ulp = expected.dtype === 'float64' ? 2 ** -52 : 2 ** -23;
  assert.equal(actual.dtype, expected.dtype, `${msg}: dtype`);
  assertClose(actual, expected, { rtol: 0, atol: 2 * ulp * expected.abs().max().item(), msg });
}

/**
 * Normal draws (Box–Muller) are compared within tolerances; the uniform and integer
 * draws they are made from are bit-exact, and the exact draws that follow each normal
 * one check that it consumed the same part of the stream. z = √(−2 ln u₁)·cos(2πu₂):
 * float32 tensors of ≥ 16 elements are transformed in float32 by an ISA-specific
 * vectorised kernel, where 2πu₂ alone carries up to one ulp(2π) = 4.8e-7 of error and
 * the radius reaches √(2·24·ln 2) = 5.8 (u₁ ≥ 2⁻²⁴): |Δz| ≤ 5.8 · 4.8e-7 = 2.8e-6 plus the
 * cosine's own rounding, within atol 4e-6; the logarithm and square root add ~1e-6
 * relative. Other draws are computed in
 * double (then rounded), where libm's ISA-specific variants differ by an ulp or two:
 * radius ≤ √(2·53·ln 2) = 8.6 times a few 1e-16 gives 1e-14.
 */
function assertNormal(actual: torch.Tensor, expected: torch.Tensor, msg: string): void {
  assert.equal(actual.dtype, expected.dtype, `${msg}: dtype`);
  const tol = expected.dtype === 'float64' ? { rtol: 0, atol: 1e-14 } : { rtol: 1e-6, atol: 4e-6 };
  assertClose(actual, expected, { ...tol, msg });
}

test('tensor() from nested arrays: float32 by default, any dtype on request', () => {
  assertClose(torch.tensor(NESTED_F), g('tensor.nested'), { rtol: 0, atol: 0 });
  for (const d of DTYPES) {
    const t = torch.tensor(FLOATING.has(d) ? NESTED_F : NESTED_I, { dtype: d });
    assertExact(t, g(`tensor.nested.${d}`), `nested ${d}`);
  }
  assertExact(
    torch.tensor([
      [true, false],
      [false, true],
    ]),
    g('tensor.bools'),
    'bools',
  );
  assertExact(torch.tensor(2.5), g('tensor.scalar'), '0-d');
  assertExact(torch.tensor(-7, { dtype: 'int64' }), g('tensor.scalar.int64'), '0-d int64');
  assertExact(torch.tensor([]), g('tensor.empty'), 'empty');
  assertExact(torch.tensor([[], []]), g('tensor.empty2'), 'empty 2-d');
});

test('tensor() from every typed array keeps its dtype and takes a shape', () => {
  const cases: [string, ArrayBufferView, number[] | undefined][] = [
    ['Float32Array', new Float32Array([0.5, -1.25, 3.0, 1e-3, 65504, -7]), [2, 3]],
    ['Float64Array', new Float64Array([1 / 3, -2.5, 1e10, 0, -0.125, 7]), [3, 2]],
    ['BigInt64Array', new BigInt64Array([2n ** 40n, -5n, 0n, 2n ** 53n + 1n, -(2n ** 62n), 3n]), [2, 3]],
    ['Int32Array', new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0, 5]), [2, 2]],
    ['Int16Array', new Int16Array([-32768, 32767, 1, -1]), undefined],
    ['Int8Array', new Int8Array([-128, 127, 0, 1, 2, 3]), [1, 2, 3]],
    ['Uint8Array', new Uint8Array([0, 255, 1, 128]), [2, 2]],
  ];
  for (const [name, data, shape] of cases) assertExact(torch.tensor(data, { shape }), g(`typed.${name}`), name);
  // int64 beyond 2^53 survives exactly
  assert.equal((torch.tensor(cases[2][1]).data() as BigInt64Array)[3], 2n ** 53n + 1n);
  // dtype converts; a subarray view copies only its window
  assertExact(torch.tensor(cases[3][1], { shape: [2, 2], dtype: 'float64' }), g('typed.Int32Array.float64'), 'Int32Array -> float64');
  assertExact(torch.tensor(cases[0][1], { dtype: 'int64' }), g('typed.Float32Array.int64'), 'Float32Array -> int64');
  assert.deepEqual(torch.tensor(new Float32Array([9, 1, 2, 9]).subarray(1, 3)).toArray(), [1, 2]);
  // the data is copied
  const src = new Float32Array([1, 2]);
  const t = torch.tensor(src);
  src[0] = 5;
  assert.deepEqual(t.toArray(), [1, 2]);
});

test('tensor() rejects bad data with named errors', () => {
  assertThrows(
    () => torch.tensor(new Uint8Array(6), { shape: [2, 2] }),
    /^tensor: shape \[2, 2\] holds 4 elements but the data has 6$/,
    RangeError,
  );
  assertThrows(
    () => torch.tensor(new Float32Array(4), { shape: [2, -2] }),
    /Expected an array of non-negative integers for shape but received \[2 of type number, -2 of type number\]/,
    RangeError,
  );
  assertThrows(() => torch.tensor(new Uint16Array(2)), /^tensor: unsupported typed array Uint16Array/, TypeError);
  assertThrows(() => torch.tensor([[1, 2], [3]]), /ragged nested array: expected length 2 at depth 1/, TypeError);
  assertThrows(() => torch.tensor([1, true]), /mixed booleans and numbers/, TypeError);
  assertThrows(() => torch.tensor([1, 2], { shape: [2] }), /shape is only for flat typed arrays/, TypeError);
  assertThrows(
    () => torch.tensor(['a'] as unknown as number[]),
    /expected a number or boolean at depth 1 but received "a" of type string/,
    TypeError,
  );
});

test('zeros, ones, full, empty give PyTorch dtypes and values', () => {
  assertExact(torch.zeros([2, 3]), g('zeros'), 'zeros');
  assertExact(torch.zeros([4], { dtype: 'int32' }), g('zeros.int32'), 'zeros int32');
  assertExact(torch.zeros([]), g('zeros.scalar'), 'zeros 0-d');
  assertExact(torch.ones([3, 1], { dtype: 'float64' }), g('ones.float64'), 'ones float64');
  assertExact(torch.ones([2], { dtype: 'bool' }), g('ones.bool'), 'ones bool');
  assertExact(torch.full([2, 2], 2.5), g('full'), 'full');
  assertExact(torch.full([3], true), g('full.bool'), 'full bool');
  assertExact(torch.full([2], 7, { dtype: 'int64' }), g('full.int64'), 'full int64');
  assertExact(torch.full([], -1.5), g('full.scalar'), 'full 0-d');
  assertExact(torch.full([2], 0.1, { dtype: 'float16' }), g('full.float16'), 'full float16');
  for (const [t, name] of [
    [torch.empty([2, 0, 3]), 'empty'],
    [torch.empty([3, 2], { dtype: 'int16' }), 'empty.int16'],
  ] as const) {
    assert.deepEqual(t.shape, g(name).shape);
    assert.equal(t.dtype, g(name).dtype);
  }
  assertThrows(
    () => torch.zeros([2, -1]),
    /Expected an array of non-negative integers for shape but received \[2 of type number, -1 of type number\]/,
    RangeError,
  );
  assertThrows(() => torch.ones([1.5]), /for shape/, RangeError);
});

test('arange, linspace and eye match PyTorch, including negative steps', () => {
  assertRange(torch.arange(5), g('arange.5'), 'arange(5)');
  assertRange(torch.arange(1, 10, 3), g('arange.1.10.3'), 'arange(1, 10, 3)');
  assertRange(torch.arange(10, 0, -3), g('arange.10.0.-3'), 'arange(10, 0, -3)');
  assertRange(torch.arange(0, 1, 0.1), g('arange.0.1.0.1'), 'arange(0, 1, 0.1)');
  assertRange(torch.arange(5, 0, -1.5), g('arange.5.0.-1.5'), 'arange(5, 0, -1.5)');
  assertRange(torch.arange(5, { dtype: 'float64' }), g('arange.5.float64'), 'arange(5, float64)');
  assertRange(torch.arange(-1, 1, 0.25, { dtype: 'float64' }), g('arange.-1.1.0.25.float64'), 'arange float64');
  assertRange(torch.arange(3, 3), g('arange.empty'), 'empty arange');
  assertRange(torch.linspace(0, 1, 5), g('linspace'), 'linspace');
  assertRange(torch.linspace(-2, 2, 7, { dtype: 'float64' }), g('linspace.float64'), 'linspace float64');
  assertRange(torch.linspace(0, 10, 4, { dtype: 'int64' }), g('linspace.int64'), 'linspace int64');
  assertRange(torch.linspace(3, 3, 1), g('linspace.one'), 'linspace 1 step');
  assertRange(torch.linspace(0, 1, 0), g('linspace.none'), 'linspace 0 steps');
  assertExact(torch.eye(3), g('eye.3'), 'eye(3)');
  assertExact(torch.eye(2, 4), g('eye.2.4'), 'eye(2, 4)');
  assertExact(torch.eye(3, { dtype: 'int64' }), g('eye.3.int64'), 'eye int64');
  assertThrows(() => torch.arange(0, 5, -1), /^arange: upper bound and larger bound inconsistent with step sign/, torch.TorchError);
  assertThrows(() => torch.arange(0, 5, 0), /step must be non-zero/, RangeError);
  assertThrows(() => torch.arange(0, NaN), /Expected a finite number for end but received NaN of type number/, RangeError);
  assertThrows(() => torch.linspace(0, 1, -2), /Expected a non-negative integer for steps but received -2 of type number/, RangeError);
  assertThrows(() => torch.eye(-1), /Expected a non-negative integer for n but received -1 of type number/, RangeError);
});

test("manualSeed gives PyTorch's numbers for the same seed and call order: uniform and integer draws bit for bit", () => {
  torch.manualSeed(7);
  assertExact(torch.rand([2, 3]), g('seed7.rand'), 'rand');
  assertNormal(torch.randn([4]), g('seed7.randn'), 'randn');
  assertExact(torch.randint(0, 10, [3, 3]), g('seed7.randint'), 'randint');
  assertExact(torch.randperm(8), g('seed7.randperm'), 'randperm');
  assertExact(torch.rand([5], { dtype: 'float64' }), g('seed7.rand.float64'), 'rand float64');
  assertNormal(torch.randn([2, 2], { dtype: 'float64' }), g('seed7.randn.float64'), 'randn float64');
  assertExact(torch.randint(-5, 5, [4], { dtype: 'int32' }), g('seed7.randint.int32'), 'randint int32');
  assertNormal(torch.randn([20]), g('seed7.randn.big'), 'randn vectorised');
  assertExact(torch.randperm(40), g('seed7.randperm.big'), 'randperm 40');
  assertExact(torch.rand([3], { dtype: 'float16' }), g('seed7.rand.float16'), 'rand float16');
  assertExact(torch.rand([3], { dtype: 'bfloat16' }), g('seed7.rand.bfloat16'), 'rand bfloat16');
  assertExact(torch.randint(6, [5]), g('seed7.randint.high'), 'randint(high, shape)');
  torch.manualSeed(11);
  assertExact(torch.randLike(torch.zeros([2, 2], { dtype: 'float64' })), g('seed11.randLike'), 'randLike');
  assertNormal(torch.randnLike(torch.zeros([3])), g('seed11.randnLike'), 'randnLike');
  assertExact(torch.randintLike(torch.zeros([2, 3], { dtype: 'int32' }), 3, 9), g('seed11.randintLike'), 'randintLike');
  assertExact(torch.randintLike(torch.zeros([4]), 5), g('seed11.randintLike.high'), 'randintLike(high)');
  // reseeding replays the stream
  torch.manualSeed(7);
  assertExact(torch.rand([2, 3]), g('seed7.rand'), 'rand after reseed');
});

test("Generator draws PyTorch's numbers and leaves the global generator alone", () => {
  torch.manualSeed(5);
  assertExact(torch.rand([2]), g('seed5.first'), 'global first');
  const gen = new torch.Generator(123);
  assertExact(torch.rand([3], { generator: gen }), g('gen123.rand'), 'gen rand');
  assertNormal(torch.randn([3], { generator: gen }), g('gen123.randn'), 'gen randn');
  assertExact(torch.randint(0, 100, [5], { generator: gen }), g('gen123.randint'), 'gen randint');
  assertExact(torch.randperm(6, { generator: gen }), g('gen123.randperm'), 'gen randperm');
  assertExact(torch.rand([2]), g('seed5.second'), 'global stream continues untouched');
  gen.manualSeed(123);
  assertExact(torch.rand([3], { generator: gen }), g('gen123.reseeded.rand'), 'gen reseeded');
  const unseeded = new torch.Generator();
  assert.equal(unseeded.initialSeed(), Number(g('genDefault.seed').data()[0]), 'default seed as PyTorch');
  assertNormal(torch.randn([4], { generator: unseeded }), g('genDefault.randn'), 'unseeded generator');
  assertThrows(() => torch.randint(5, 5, [2]), /randint: expected low < high but received low=5, high=5/, RangeError);
  assertThrows(() => torch.randperm(-1), /Expected a non-negative integer for n but received -1 of type number/, RangeError);
  assertThrows(() => torch.randn([2], { dtype: 'int64' }), /^randn: .*not implemented for 'Long'/, torch.TorchError);
});

test('*Like variants take shape, dtype and device from their input', () => {
  const base = torch.zeros([2, 3], { dtype: 'int32' });
  assertExact(torch.zerosLike(base), g('zerosLike'), 'zerosLike');
  assertExact(torch.onesLike(base, { dtype: 'float64' }), g('onesLike.float64'), 'onesLike dtype override');
  assertExact(torch.fullLike(base, 7), g('fullLike'), 'fullLike');
  const e = torch.emptyLike(base);
  assert.deepEqual([e.shape, e.dtype], [g('emptyLike').shape, g('emptyLike').dtype]);
  const f = torch.zeros([2], { dtype: 'float64', requiresGrad: true });
  assert.equal(torch.onesLike(f).requiresGrad, false, 'requiresGrad is not inherited');
  assertThrows(
    () => torch.onesLike(f, { dtype: undefined }),
    /^Expected a dtype such as torch\.float32 or 'int64' \(one of .*\) for dtype but received undefined of type undefined$/,
    TypeError,
  );
  assertThrows(
    () => torch.zerosLike([1, 2] as unknown as torch.Tensor),
    /Expected a Tensor for input but received \[1 of type number, 2 of type number\]/,
    TypeError,
  );
});

test('every dtype round-trips through data(), toArray(), tolist() and item()', () => {
  const arrays: Record<DType, string> = {
    float32: 'Float32Array',
    float64: 'Float64Array',
    float16: 'Float32Array',
    bfloat16: 'Float32Array',
    int64: 'BigInt64Array',
    int32: 'Int32Array',
    int16: 'Int16Array',
    int8: 'Int8Array',
    uint8: 'Uint8Array',
    bool: 'Uint8Array',
    complex64: '',
    complex128: '',
  };
  for (const d of DTYPES) {
    const t = torch.tensor(
      [
        [0, 1, 2],
        [3, 4, 5],
      ],
      { dtype: d },
    );
    assertExact(t, g(`dtype.${d}`), d);
    const data = t.data();
    assert.equal(data.constructor.name, arrays[d], `${d} data() class`);
    const expected = d === 'bool' ? [0, 1, 1, 1, 1, 1] : [0, 1, 2, 3, 4, 5];
    assert.deepEqual(t.toArray(), expected, `${d} toArray`);
    const nested =
      d === 'bool'
        ? [
            [false, true, true],
            [true, true, true],
          ]
        : [
            [0, 1, 2],
            [3, 4, 5],
          ];
    assert.deepEqual(t.tolist(), nested, `${d} tolist`);
    const s = torch.tensor(d === 'bool' ? true : 3, { dtype: d });
    assert.deepEqual(s.shape, [], `${d} 0-d shape`);
    assert.equal(s.item(), d === 'bool' ? true : 3, `${d} item`);
    assert.equal(s.tolist(), d === 'bool' ? true : 3, `${d} 0-d tolist`);
    assert.equal(s.data().length, 1, `${d} 0-d data`);
  }
  assert.equal(torch.tensor(0.1, { dtype: 'float64' }).item(), 0.1);
  assert.equal(torch.tensor(0.1).item(), Math.fround(0.1));
  assert.deepEqual(torch.tensor([0.1], { dtype: 'float16' }).toArray(), [0.0999755859375]);
  assert.deepEqual(torch.zeros([2, 0]).tolist(), [[], []]);
  assertThrows(() => torch.ones([2]).item(), /^item: a Tensor with 2 elements cannot be converted to Scalar/, torch.TorchError);
});

test('devices: CUDA is reported as unavailable, bad names are TypeErrors naming the argument', () => {
  assert.equal(torch.zeros([1]).device, 'cpu');
  assert.equal(torch.zeros([1], { device: 'cpu' }).device, 'cpu');
  if (!torch.cuda.isAvailable()) {
    for (const dev of ['cuda', 'cuda:1']) {
      assertThrows(
        () => torch.zeros([2], { device: dev }),
        new RegExp(`^Device ${dev} is not available: torch.cuda.isAvailable\\(\\) is false`),
      );
      assertThrows(() => torch.tensor([1, 2], { device: dev }), /is not available/);
      assertThrows(() => torch.randn([2], { device: dev }), /is not available/);
    }
  } else {
    assert.equal(torch.zeros([2], { device: 'cuda' }).device, 'cuda:0');
  }
  assertThrows(
    () => torch.zeros([2], { device: 'gpu' }),
    /^Expected "cpu", "cuda" or "cuda:N" for device but received "gpu" of type string$/,
    TypeError,
  );
  assertThrows(() => torch.ones([2], { device: 'cuda:x' }), /for device but received "cuda:x"/, TypeError);
  assertThrows(
    () => torch.zeros([2], { dtype: 'float' as DType }),
    /^Expected one of .* for dtype but received "float" of type string$/,
    TypeError,
  );
});

test('requiresGrad option makes a leaf that collects gradients', () => {
  const x = torch.ones([3], { dtype: 'float64', requiresGrad: true });
  assert.equal(x.requiresGrad, true);
  assert.equal(x.isLeaf, true);
  x.mul(x).sum().backward();
  assert.deepEqual(x.grad!.toArray(), [2, 2, 2]);
});
