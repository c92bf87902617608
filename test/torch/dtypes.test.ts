/**
 * Issue 9, section 4: PyTorch's dtype constants and aliases, the sign of -0 in
 * `full`, booleans from `item()`, and int64 values beyond ±(2^53 − 1), which a
 * number would round: a RangeError, or exact BigInts with `{ bigint: true }`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { assertThrows } from '../helpers.js';

test("dtype constants with PyTorch's names and aliases work wherever a dtype does", () => {
  const names: [torch.DType, torch.DType[]][] = [
    [torch.float32, [torch.float]],
    [torch.float64, [torch.double]],
    [torch.float16, [torch.half]],
    [torch.bfloat16, []],
    [torch.int64, [torch.long]],
    [torch.int32, [torch.int]],
    [torch.int16, [torch.short]],
    [torch.int8, []],
    [torch.uint8, []],
    [torch.bool, []],
    [torch.complex64, [torch.cfloat]],
    [torch.complex128, [torch.cdouble]],
  ];
  assert.deepEqual(names.map(([d]) => d).sort(), [...torch.dtypeNames].sort(), 'one constant per dtype');
  for (const [d, aliases] of names) {
    for (const alias of aliases) assert.equal(alias, d);
    assert.equal(torch.tensor([0, 3], { dtype: d }).dtype, d, `tensor ${d}`);
    assert.equal(torch.zeros([2], { dtype: d }).dtype, d, `zeros ${d}`);
    assert.equal(torch.ones([2]).to(d).dtype, d, `to ${d}`);
  }
  const labels = torch.tensor([0, 3], { dtype: torch.int64 });
  assert.deepEqual([labels.dtype, labels.tolist()], ['int64', [0, 3]]);
  assert.equal(torch.ones([2, 3]).sum(null, false, torch.double).dtype, 'float64');
  assert.equal(torch.nn.functional.softmax(torch.ones([2]), 0, { dtype: torch.float64 }).dtype, 'float64');
});

test('an undefined dtype or device (a misspelt constant) is an error, not the default', () => {
  const misspelt = (torch as unknown as Record<string, torch.DType>).int46;
  assertThrows(
    () => torch.tensor([0, 3], { dtype: misspelt }),
    /^Expected a dtype such as torch\.float32 or 'int64' \(one of uint8, int8, .*\) for dtype but received undefined of type undefined$/,
    TypeError,
  );
  assertThrows(() => torch.arange(3, { dtype: misspelt }), /for dtype but received undefined/, TypeError);
  assertThrows(() => torch.ones([2]).to({ dtype: misspelt }), /for dtype but received undefined/, TypeError);
  assertThrows(
    () => torch.zeros([2], { device: undefined }),
    /^Expected a device such as "cpu" for device but received undefined of type undefined$/,
    TypeError,
  );
  assertThrows(() => torch.hannWindow(4, { dtype: misspelt }), /for dtype but received undefined/, TypeError);
  assertThrows(() => torch.fft.fftfreq(4, 1, { device: undefined }), /for device but received undefined/, TypeError);
});

test('full keeps the sign of -0 in floating dtypes', () => {
  for (const dtype of [torch.float32, torch.float64, torch.float16]) {
    const z = torch.full([3], -0, { dtype });
    assert.ok(
      z.toArray().every((v) => Object.is(v, -0)),
      `${dtype}: ${z.toArray()}`,
    );
    assert.equal(
      torch
        .ones([1], { dtype })
        .div(z.narrow(0, 0, 1))
        .item(),
      -Infinity,
      `${dtype}: 1 / -0`,
    );
  }
  assert.ok(
    torch
      .fullLike(torch.ones([2]), -0)
      .toArray()
      .every((v) => Object.is(v, -0)),
    'fullLike',
  );
  assert.ok(Object.is(torch.full([1], 0).item(), 0), '+0 stays +0');
  assert.deepEqual(torch.full([2], -0, { dtype: torch.int64 }).toArray(), [0, 0], 'integers have one zero');
  assert.deepEqual(torch.full([1], -0, { dtype: torch.complex64 }).data(), Float32Array.from([-0, -0]));
});

test('item() on a bool tensor gives a boolean', () => {
  assert.equal(torch.tensor(true).item(), true);
  assert.equal(torch.tensor([1, 2]).gt(1).any().item(), true);
  assert.equal(torch.tensor([1, 2]).gt(5).all().item(), false);
  assert.equal(torch.tensor([1, 2]).gt(1).sum().item(), 1, 'a count is still a number');
});

test('int64 beyond ±(2^53 − 1): RangeError, or exact BigInts with { bigint: true }', () => {
  const big = 2n ** 53n + 1n;
  const t = torch.tensor(BigInt64Array.from([big, -big, 5n]));
  const one = t.narrow(0, 0, 1).reshape([]);
  assertThrows(
    () => one.item(),
    /^item: the int64 value 9007199254740993 is beyond ±\(2\^53 - 1\), where a number would round it; use item\(\{ bigint: true \}\)$/,
    RangeError,
  );
  assert.equal(one.item({ bigint: true }), big);
  assert.equal(t.narrow(0, 1, 1).item({ bigint: true }), -big);
  assert.equal(t.narrow(0, 2, 1).item({ bigint: true }), 5n, 'with bigint every int64 is a BigInt');
  assert.equal(t.narrow(0, 2, 1).item(), 5);
  assertThrows(
    () => t.tolist(),
    /^tolist: the int64 value 9007199254740993 is beyond ±\(2\^53 - 1\), where a number would round it; use tolist\(\{ bigint: true \}\)$/,
    RangeError,
  );
  assert.deepEqual(t.tolist({ bigint: true }), [big, -big, 5n]);
  assertThrows(
    () => t.toArray(),
    /^toArray: the int64 value 9007199254740993 is beyond ±\(2\^53 - 1\).*; use data\(\) for a BigInt64Array$/,
    RangeError,
  );
  const edge = torch.tensor(BigInt64Array.from([2n ** 53n - 1n, -(2n ** 53n - 1n)]));
  assert.deepEqual(edge.tolist(), [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER], 'the largest exact integers are numbers');
  assert.equal(torch.tensor(1.5).item({ bigint: true }), 1.5, 'bigint applies to int64 only');
  assertThrows(
    () => one.item({ bigInt: true } as never),
    /^Expected options of item among bigint but received unknown option "bigInt"$/,
    TypeError,
  );
  assertThrows(() => one.item({ bigint: 1 } as never), /^Expected a boolean for bigint but received 1 of type number$/, TypeError);
});
