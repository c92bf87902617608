/**
 * safetensors: round trips of every dtype, the Python-written fixture
 * (tools/goldens/g_safetensors_fmt.py; that script's check() also reads our
 * output with Python), byte layout, corrupt input and atomic writes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch } from '../../src/index.js';
import { native } from '../../src/torch/native.js';
import { assertThrows, root } from '../helpers.js';

type Tensor = torch.Tensor;
const st = torch.safetensors;

/** Exact bytes of a tensor (bit-level comparison: NaN payloads, -0). */
const bytesOf = (t: Tensor): Buffer => Buffer.from(native.toBytes(t._h) as ArrayBuffer);

const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);
const F32 = [0, 1.5, -2.25, 3.4028234663852886e38, 1.1754943508222875e-38, 1.401298464324817e-45, Infinity, -Infinity, NaN, -0];
const F64 = [1 / 3, -1e300, 5e-324, Infinity, -Infinity, NaN, 0.1, -0];
const F16 = [0, 1, -2.5, 65504, -65504, 6.103515625e-5, 5.960464477539063e-8, Infinity, -Infinity, NaN, 0.333251953125, -0];
const BF16 = [1.5, -3, 3.3895313892515355e38, 9.183549615799121e-41, 0.0078125, -Infinity, NaN, -0];
const I64 = [0n, 1n, -1n, 2n ** 62n, -(2n ** 63n), 2n ** 63n - 1n, 123456789012345n];
const I32 = [-(2 ** 31), 2 ** 31 - 1, 0, 7];
const I16 = [-32768, 32767, -1, 0, 1, 12345];
const BOOL = [1, 0, 1, 0, 0, 1];

/** name -> [dtype, shape, values]; the same table as g_safetensors_fmt.py's SAMPLE. */
const SAMPLE: Record<string, [torch.DType, number[], number[] | bigint[]]> = {
  f32: ['float32', [2, 5], F32],
  f64: ['float64', [2, 2, 2], F64],
  f16: ['float16', [12], F16],
  bf16: ['bfloat16', [2, 4], BF16],
  i64: ['int64', [7], I64],
  i32: ['int32', [2, 2], I32],
  i16: ['int16', [3, 2], I16],
  i8: ['int8', [16, 16], range(-128, 128)],
  u8: ['uint8', [256], range(0, 256)],
  bool: ['bool', [2, 3], BOOL],
  'scalar.f32': ['float32', [], [3.5]],
  'scalar.i64': ['int64', [], [-7n]],
  'scalar.bool': ['bool', [], [1]],
  'empty.f32': ['float32', [0], []],
  'empty.i64': ['int64', [2, 0, 3], []],
  'empty.bool': ['bool', [0], []],
  transposed: ['float32', [3, 2], [0, 3, 1, 4, 2, 5]],
};

function build(dtype: torch.DType, shape: number[], values: number[] | bigint[]): Tensor {
  if (dtype === 'int64') return torch.tensor(BigInt64Array.from(values as bigint[]), { shape });
  if (dtype === 'bool') return torch.tensor(Uint8Array.from(values as number[]), { shape }).to('bool');
  if (dtype === 'float64') return torch.tensor(Float64Array.from(values as number[]), { shape });
  return torch.tensor(Float32Array.from(values as number[]), { shape, dtype });
}

function makeSample(): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, [dtype, shape, values]] of Object.entries(SAMPLE)) out[name] = build(dtype, shape, values);
  // a non-contiguous view is written in logical order
  out.transposed.dispose();
  out.transposed = torch.arange(6, undefined, 1, { dtype: 'float32' }).reshape([2, 3]).t();
  return out;
}

/** Element values as numbers/bigints, compared with Object.is (NaN = NaN, -0 != 0). */
function values(t: Tensor): unknown[] {
  const d = t.data();
  return Array.from(d as ArrayLike<unknown>);
}

function assertSame(actual: Tensor, expected: Tensor, msg: string): void {
  assert.equal(actual.dtype, expected.dtype, `${msg}: dtype`);
  assert.deepEqual(actual.shape, expected.shape, `${msg}: shape`);
  const a = values(actual);
  const e = values(expected);
  assert.equal(a.length, e.length, `${msg}: numel`);
  a.forEach((x, i) => assert.ok(Object.is(x, e[i]), `${msg}: element ${i} is ${String(x)}, expected ${String(e[i])}`));
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'selfsup-st-'));
}

const META = { writer: 'selfsup', note: 'unicode \u00fc\u2713 pads by bytes', empty: '' };

test('round trip of every dtype, 0-d and empty tensors, with metadata (buffer and file)', () =>
  torch.scope(() => {
    const sample = makeSample();
    const buf = st.serialize(sample, META);
    const back = st.deserialize(buf);
    assert.deepEqual({ ...back.metadata }, META);
    assert.equal(Object.getPrototypeOf(back.metadata), null, 'metadata keys cannot collide with Object.prototype');
    assert.deepEqual(Object.keys(back.tensors).sort(), Object.keys(SAMPLE).sort());
    for (const [name, t] of Object.entries(sample)) {
      assertSame(back.tensors[name], t, name);
      assert.ok(bytesOf(back.tensors[name]).equals(bytesOf(t.contiguous())), `${name}: bit-identical`);
    }
    assert.deepEqual(back.tensors.transposed.tolist(), [
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    assert.deepEqual(back.tensors['scalar.f32'].item(), 3.5);
    assert.deepEqual(back.tensors['scalar.bool'].tolist(), true);
    assert.deepEqual(Array.from(back.tensors.i64.data() as BigInt64Array), I64);
    const dir = tempDir();
    try {
      const path = join(dir, 'all.safetensors');
      st.saveFile(path, sample, META);
      assert.ok(readFileSync(path).equals(buf), 'saveFile writes exactly serialize()');
      const loaded = st.loadFileWithMetadata(path);
      assert.deepEqual({ ...loaded.metadata }, META);
      for (const [name, t] of Object.entries(sample)) assertSame(loaded.tensors[name], t, `file ${name}`);
      for (const t of Object.values(loaded.tensors)) t.dispose();
      // no metadata: none written, {} read back
      st.saveFile(path, { x: sample.f32 });
      const plain = st.loadFileWithMetadata(path);
      assert.deepEqual(Object.keys(plain.metadata), []);
      assert.equal(
        JSON.parse(
          readFileSync(path)
            .subarray(8, 8 + Number(readFileSync(path).readBigUInt64LE(0)))
            .toString(),
        ).__metadata__,
        undefined,
      );
      plain.tensors.x.dispose();
      // tensors that require grad are saved by value
      const p = torch.tensor([1.25, -2]).requiresGrad_();
      const pb = st.deserialize(st.serialize({ p })).tensors.p;
      assert.deepEqual(pb.toArray(), [1.25, -2]);
      assert.equal(pb.requiresGrad, false);
      p.dispose();
      pb.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }));

test('a file written by Python (st.py) loads with identical values and dtypes', () => {
  const { tensors, metadata } = st.loadFileWithMetadata(join(root, 'fixtures', 'goldens', 'safetensors_fmt.safetensors'));
  assert.equal(metadata.generator, 'tools/goldens/make_goldens.py');
  assert.match(metadata.torch, /^1\.13/);
  for (const [name, [dtype, shape, vals]] of Object.entries(SAMPLE)) {
    const t = tensors[name];
    assert.ok(t, `fixture has ${name}`);
    assert.equal(t.dtype, dtype, `${name}: dtype`);
    assert.deepEqual(t.shape, shape, `${name}: shape`);
    if (dtype === 'int64') {
      assert.deepEqual(Array.from(t.data() as BigInt64Array), vals, `${name}: int64 values exact`);
      continue;
    }
    // Python's own float64 copy of the values, and the literal table
    const expect = tensors[`expect.${name}`];
    assert.equal(expect.dtype, 'float64');
    const got = Array.from(t.data() as Float32Array, Number);
    const want = Array.from(expect.data() as Float64Array);
    got.forEach((x, i) => assert.ok(Object.is(x, want[i]), `${name}[${i}]: ${x} vs Python ${want[i]}`));
    got.forEach((x, i) => assert.ok(Object.is(x, (vals as number[])[i]), `${name}[${i}]: ${x} vs table ${(vals as number[])[i]}`));
  }
  // "a.u8" sorts first in st.py's layout, so every later tensor starts at an odd offset
  assert.deepEqual(tensors['a.u8'].toArray(), [7]);
  const raw = readFileSync(join(root, 'fixtures', 'goldens', 'safetensors_fmt.safetensors'));
  const header = JSON.parse(raw.subarray(8, 8 + Number(raw.readBigUInt64LE(0))).toString());
  assert.notEqual(header.f64.data_offsets[0] % 8, 0, 'the fixture really has misaligned float64 data');
  for (const t of Object.values(tensors)) t.dispose();
});

test('our files: little-endian u64 header length, 8-byte aligned data, contiguous aligned offsets', () => {
  const sample = makeSample();
  const buf = st.serialize(sample, META);
  const n = buf.readBigUInt64LE(0);
  assert.equal(buf.readUInt32LE(4), 0, 'high word of the length is zero');
  assert.equal(BigInt(buf.readUInt32LE(0)), n, 'low word first: little-endian');
  const headerEnd = 8 + Number(n);
  assert.equal(headerEnd % 8, 0, 'data starts 8-byte aligned');
  const text = buf.subarray(8, headerEnd).toString('utf8');
  assert.match(text, / *$/);
  assert.ok(Buffer.byteLength(text) !== text.length, 'the header holds multi-byte UTF-8 (padding counted in bytes)');
  const header = JSON.parse(text) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  assert.deepEqual(header.__metadata__, META);
  const size: Record<string, number> = { F64: 8, I64: 8, F32: 4, I32: 4, F16: 2, BF16: 2, I16: 2, I8: 1, U8: 1, BOOL: 1 };
  const dtypes: Record<string, string> = {
    f32: 'F32',
    f64: 'F64',
    f16: 'F16',
    bf16: 'BF16',
    i64: 'I64',
    i32: 'I32',
    i16: 'I16',
    i8: 'I8',
    u8: 'U8',
    bool: 'BOOL',
  };
  for (const [k, f] of Object.entries(dtypes)) assert.equal(header[k].dtype, f, k);
  const entries = Object.entries(header)
    .filter(([k]) => k !== '__metadata__')
    .sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
  let pos = 0;
  for (const [name, e] of entries) {
    assert.equal(e.data_offsets[0], pos, `${name} starts where the previous ended`);
    assert.equal(e.data_offsets[0] % size[e.dtype], 0, `${name} is aligned to its item size`);
    const numel = e.shape.reduce((a, b) => a * b, 1);
    assert.equal(e.data_offsets[1] - e.data_offsets[0], numel * size[e.dtype], `${name} byte length`);
    assert.deepEqual(e.shape, SAMPLE[name][1], `${name} shape`);
    pos = e.data_offsets[1];
  }
  assert.equal(headerEnd + pos, buf.length, 'the offsets cover the data exactly');
  // the float32 data is the raw little-endian bytes
  const f = header.f32.data_offsets;
  const f32 = buf.subarray(headerEnd + f[0], headerEnd + f[1]);
  assert.equal(f32.readFloatLE(4), 1.5);
  assert.equal(f32.readFloatLE(8), -2.25);
  for (const t of Object.values(sample)) t.dispose();
});

/** A valid file's parts, to corrupt. */
function fileWith(header: unknown, data: Buffer, lengthOverride?: bigint): Buffer {
  let json = Buffer.from(JSON.stringify(header));
  if (typeof header === 'string') json = Buffer.from(header);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(lengthOverride ?? BigInt(json.length));
  return Buffer.concat([head, json, data]);
}

test('corrupt files give Errors naming the file and the tensor, and leak nothing', () => {
  const dir = tempDir();
  const s0 = torch.memoryStats().tensors;
  try {
    const alpha = torch.tensor([1, 2, 3, 4]);
    const beta = torch.tensor([5, 6], { dtype: 'int64' });
    const good = st.serialize({ alpha, beta });
    alpha.dispose();
    beta.dispose();
    const cases: [string, Buffer, RegExp][] = [];
    cases.push([
      'truncated',
      good.subarray(0, good.length - 10),
      /truncated\.safetensors: tensor "(alpha|beta)" has data_offsets \[\d+,\d+\] that do not fit shape \[\d\] of (F32|I64) \(\d+ bytes\) within \d+ data bytes/,
    ]);
    cases.push([
      'tiny',
      good.subarray(0, 5),
      /tiny\.safetensors: not a safetensors file \(5 bytes, shorter than the 8-byte header length\)/,
    ]);
    const big = Buffer.from(good);
    big.writeBigUInt64LE(BigInt(good.length));
    cases.push([
      'biglen',
      big,
      /biglen\.safetensors: truncated or not a safetensors file \(header length \d+ exceeds the \d+ bytes after the length field\)/,
    ]);
    const huge = Buffer.from(good);
    huge.writeBigUInt64LE(2n ** 64n - 1n);
    cases.push(['hugelen', huge, /hugelen\.safetensors: truncated or not a safetensors file \(header length 18446744073709551615/]);
    const badJson = Buffer.from(good);
    badJson.write('{"alpha":', 8);
    cases.push(['badjson', badJson, /badjson\.safetensors: corrupt safetensors header \(invalid JSON\)/]);
    cases.push(['array', fileWith([1, 2], Buffer.alloc(0)), /array\.safetensors: corrupt safetensors header: expected a JSON object/]);
    cases.push([
      'dtype',
      fileWith({ gamma: { dtype: 'F8_E4M3', shape: [2], data_offsets: [0, 2] } }, Buffer.alloc(2)),
      /dtype\.safetensors: tensor "gamma" has unsupported dtype "F8_E4M3"/,
    ]);
    cases.push([
      'nodtype',
      fileWith({ gamma: { shape: [2], data_offsets: [0, 2] } }, Buffer.alloc(2)),
      /nodtype\.safetensors: tensor "gamma" has unsupported dtype undefined/,
    ]);
    cases.push([
      'offsets',
      fileWith({ delta: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 20] } }, Buffer.alloc(24)),
      /offsets\.safetensors: tensor "delta" has data_offsets \[0,20\] that do not fit shape \[2,3\] of F32 \(24 bytes\) within 24 data bytes/,
    ]);
    cases.push([
      'beyond',
      fileWith({ delta: { dtype: 'U8', shape: [4], data_offsets: [4, 8] } }, Buffer.alloc(6)),
      /beyond\.safetensors: tensor "delta" has data_offsets \[4,8\] that do not fit/,
    ]);
    cases.push([
      'reversed',
      fileWith(
        { delta: { dtype: 'U8', shape: [0], data_offsets: [4, 4] }, eps: { dtype: 'U8', shape: [1], data_offsets: [3, 2] } },
        Buffer.alloc(6),
      ),
      /reversed\.safetensors: tensor "eps" has data_offsets \[3,2\]/,
    ]);
    cases.push([
      'fracoff',
      fileWith({ delta: { dtype: 'U8', shape: [1], data_offsets: [0.5, 1.5] } }, Buffer.alloc(2)),
      /fracoff\.safetensors: tensor "delta" has invalid data_offsets \[0\.5,1\.5\]/,
    ]);
    cases.push([
      'shape',
      fileWith({ eps: { dtype: 'U8', shape: [-1], data_offsets: [0, 1] } }, Buffer.alloc(1)),
      /shape\.safetensors: tensor "eps" has an invalid shape \[-1\]/,
    ]);
    cases.push(['entry', fileWith({ zeta: 5 }, Buffer.alloc(0)), /entry\.safetensors: tensor "zeta": header entry must be an object/]);
    cases.push([
      'boolbyte',
      fileWith({ flags: { dtype: 'BOOL', shape: [3], data_offsets: [0, 3] } }, Buffer.from([0, 1, 2])),
      /boolbyte\.safetensors: tensor "flags" is BOOL but element 2 holds byte 2/,
    ]);
    cases.push([
      'meta',
      fileWith({ __metadata__: { a: 1 } }, Buffer.alloc(0)),
      /meta\.safetensors: __metadata__ entry "a" must be a string/,
    ]);
    for (const [name, bytes, pattern] of cases) {
      const path = join(dir, `${name}.safetensors`);
      writeFileSync(path, bytes);
      assertThrows(() => st.loadFile(path), pattern);
      assert.throws(
        () => st.loadFile(path),
        (e: Error) => e.message.startsWith(path),
        `${name}: message starts with the full path`,
      );
    }
    // a valid tensor before a broken one is not leaked
    const mixed = fileWith(
      { ok: { dtype: 'U8', shape: [2], data_offsets: [0, 2] }, bad: { dtype: 'BOOL', shape: [1], data_offsets: [2, 3] } },
      Buffer.from([1, 2, 9]),
    );
    assertThrows(() => st.deserialize(mixed, 'mixed.st'), /^mixed\.st: tensor "bad" is BOOL/);
    assertThrows(() => st.deserialize('nope' as unknown as Uint8Array), /^safetensors: expected a Uint8Array or Buffer/, TypeError);
    const missing = join(dir, 'no', 'such.safetensors');
    assertThrows(
      () => st.loadFile(missing),
      new RegExp(`^safetensors: cannot read ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ENOENT`),
    );
    assert.equal(torch.memoryStats().tensors, s0, 'no tensor leaked by a failed load');
    // and the intact file still loads
    const path = join(dir, 'good.safetensors');
    writeFileSync(path, good);
    const back = st.loadFile(path);
    assert.deepEqual(back.alpha.toArray(), [1, 2, 3, 4]);
    assert.deepEqual(back.beta.toArray(), [5, 6]);
    back.alpha.dispose();
    back.beta.dispose();
    assert.equal(torch.memoryStats().tensors, s0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hostile headers: __proto__ is a plain name; overlaps, uncovered bytes and repeated names are rejected as by the reference reader', () => {
  const s0 = torch.memoryStats().tensors;
  const u8 = (begin: number, end: number): object => ({ dtype: 'U8', shape: [end - begin], data_offsets: [begin, end] });
  // A tensor named __proto__ (or constructor) is an own entry, and the result has no prototype to pollute.
  const proto = torch.tensor([1, 2], { dtype: 'uint8' });
  const back = st.deserialize(
    st.serialize(
      Object.fromEntries([
        ['__proto__', proto],
        ['constructor', proto],
      ]),
    ),
  );
  assert.equal(Object.getPrototypeOf(back.tensors), null);
  assert.deepEqual(Object.keys(back.tensors).sort(), ['__proto__', 'constructor']);
  assert.deepEqual(back.tensors.__proto__.toArray(), [1, 2]);
  assert.ok(back.tensors.constructor instanceof torch.Tensor);
  const hostile = st.deserialize(
    fileWith(JSON.parse('{"__proto__": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}}'), Buffer.from([5])),
    'h.st',
  );
  assert.deepEqual(hostile.tensors.__proto__.toArray(), [5]);
  assert.equal(({} as Record<string, unknown>).dtype, undefined, 'Object.prototype untouched');
  assert.equal(Object.getPrototypeOf(hostile.metadata), null);
  // Header order need not follow the data order (the reference sorts by offsets); empty tensors may share an offset.
  const shuffled = st.deserialize(fileWith({ b: u8(2, 3), e1: u8(2, 2), a: u8(0, 2), e2: u8(3, 3) }, Buffer.from([1, 2, 3])), 'ok.st');
  assert.deepEqual([shuffled.tensors.a.toArray(), shuffled.tensors.b.toArray(), shuffled.tensors.e2.shape], [[1, 2], [3], [0]]);
  const bad: [string, Buffer, RegExp][] = [
    [
      'overlap',
      fileWith({ a: u8(0, 4), b: u8(2, 6) }, Buffer.alloc(6)),
      /^overlap\.st: tensor "b" at \[2, 6\) overlaps tensor "a" at \[0, 4\)$/,
    ],
    [
      'alias',
      fileWith({ a: u8(0, 4), b: u8(0, 4) }, Buffer.alloc(4)),
      /^alias\.st: tensor "(a|b)" at \[0, 4\) overlaps tensor "(a|b)" at \[0, 4\)$/,
    ],
    [
      'inside',
      fileWith({ a: u8(0, 4), e: u8(2, 2) }, Buffer.alloc(4)),
      /^inside\.st: tensor "e" at \[2, 2\) overlaps tensor "a" at \[0, 4\)$/,
    ],
    [
      'gap',
      fileWith({ a: u8(0, 2), b: u8(4, 6) }, Buffer.alloc(6)),
      /^gap\.st: data bytes \[2, 4\) belong to no tensor \(before tensor "b" at \[4, 6\)\)$/,
    ],
    [
      'lead',
      fileWith({ a: u8(1, 3) }, Buffer.alloc(3)),
      /^lead\.st: data bytes \[0, 1\) belong to no tensor \(before tensor "a" at \[1, 3\)\)$/,
    ],
    [
      'tail',
      fileWith({ a: u8(0, 2) }, Buffer.alloc(5)),
      /^tail\.st: data bytes \[2, 5\) belong to no tensor \(after tensor "a" at \[0, 2\)\)$/,
    ],
    ['none', fileWith({}, Buffer.alloc(3)), /^none\.st: data bytes \[0, 3\) belong to no tensor \(the header lists none\)$/],
    [
      'twice',
      fileWith(
        '{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"b":{"dtype":"U8","shape":[1],"data_offsets":[1,2]},"\\u0061":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}',
        Buffer.alloc(2),
      ),
      /^twice\.st: tensor "a" appears more than once in the header$/,
    ],
    [
      'meta2',
      fileWith('{"__metadata__":{},"x":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},"__metadata__":{"a":"b"}}', Buffer.alloc(0)),
      /^meta2\.st: __metadata__ appears more than once in the header$/,
    ],
    [
      'order',
      fileWith({ a: u8(0, 2), b: { dtype: 'U8', shape: [0], data_offsets: [2, 1] } }, Buffer.alloc(2)),
      /^order\.st: tensor "b" has data_offsets \[2,1\] out of order \(end before begin\)$/,
    ],
  ];
  for (const [name, bytes, pattern] of bad) assertThrows(() => st.deserialize(bytes, `${name}.st`), pattern);
  // nested objects with the same keys are not top-level repeats
  const nested = fileWith('{"__metadata__":{"a":"1","b":"2"},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', Buffer.alloc(1));
  const nestedBack = st.deserialize(nested, 'nested.st');
  assert.deepEqual({ ...nestedBack.metadata }, { a: '1', b: '2' });
  for (const r of [back, hostile, shuffled, nestedBack]) for (const t of Object.values(r.tensors)) t.dispose();
  proto.dispose();
  assert.equal(torch.memoryStats().tensors, s0, 'rejected files leak no tensor');
});

test('serialize rejects what the format cannot hold before writing anything', () => {
  const ok = torch.ones([2]);
  assertThrows(
    () => st.serialize({ a: ok, b: 'nope' as unknown as Tensor }),
    /^safetensors: entry "b" is not a Tensor \(received "nope" of type string\)/,
    TypeError,
  );
  assertThrows(
    () => st.serialize({ a: null as unknown as Tensor }),
    /^safetensors: entry "a" is not a Tensor \(received null\)/,
    TypeError,
  );
  const c = torch.complex(torch.ones([2]), torch.zeros([2]));
  assertThrows(() => st.serialize({ c }), /^safetensors: tensor "c" has dtype complex64, which the format cannot store/, TypeError);
  assertThrows(() => st.serialize({ __metadata__: ok }), /"__metadata__" is reserved/, TypeError);
  assertThrows(
    () => st.serialize({ a: ok }, { n: 1 } as unknown as Record<string, string>),
    /^safetensors: __metadata__ entry "n" must be a string but received 1 of type number/,
    TypeError,
  );
  const gone = torch.ones([1]);
  gone.dispose();
  assertThrows(() => st.serialize({ gone }), /^safetensors: tensor "gone" was disposed/, TypeError);
  ok.dispose();
  c.dispose();
});

test('atomic writes: a failed save leaves the old file intact and no temp files', () => {
  const dir = tempDir();
  try {
    const path = join(dir, 'model.safetensors');
    const a = torch.tensor([1, 2, 3]);
    st.saveFile(path, { a });
    const before = readFileSync(path);
    // serialize fails (not a Tensor): nothing is written
    assertThrows(() => st.saveFile(path, { a, b: {} as unknown as Tensor }), /entry "b" is not a Tensor/, TypeError);
    assert.ok(readFileSync(path).equals(before), 'old file intact');
    assert.deepEqual(readdirSync(dir), ['model.safetensors']);
    // the rename fails (the target is a non-empty directory): the temp file is removed
    const target = join(dir, 'taken');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'x');
    assertThrows(
      () => st.saveFile(target, { a }),
      new RegExp(`^safetensors: cannot write ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: E(ISDIR|NOTEMPTY|EXIST)`),
    );
    assert.deepEqual(readdirSync(dir).sort(), ['model.safetensors', 'taken']);
    assert.deepEqual(readdirSync(target), ['keep.txt']);
    // the folder does not exist: the error names the path, nothing is created
    const nowhere = join(dir, 'missing', 'm.safetensors');
    assertThrows(() => st.saveFile(nowhere, { a }), /^safetensors: cannot write .*missing\/m\.safetensors: ENOENT/);
    assert.equal(existsSync(join(dir, 'missing')), false);
    // a successful overwrite replaces the content and leaves no temp file
    const b = torch.tensor([9, 8], { dtype: 'int64' });
    st.saveFile(path, { b });
    const loaded = st.loadFile(path);
    assert.deepEqual(Object.keys(loaded), ['b']);
    assert.deepEqual(loaded.b.toArray(), [9, 8]);
    assert.deepEqual(readdirSync(dir).sort(), ['model.safetensors', 'taken']);
    for (const t of [a, b, loaded.b]) t.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
