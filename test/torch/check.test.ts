/**
 * The input-checking module (src/torch/check.ts): one argument order (value, name,
 * constraints), one message shape, TypeError for the wrong kind of value and
 * RangeError for the right kind out of range.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import * as check from '../../src/torch/check.js';
import { assertThrows } from '../helpers.js';

test('int: kind, integrality and bounds, with the bounds in the message', () => {
  assert.equal(check.int(3, 'n'), 3);
  assert.equal(check.int(-(2 ** 53) + 1, 'n'), -(2 ** 53) + 1);
  assertThrows(() => check.int('3', 'n'), /^Expected an integer for n but received "3" of type string$/, TypeError);
  assertThrows(() => check.int(1.5, 'n'), /^Expected an integer for n but received 1\.5 of type number$/, RangeError);
  assertThrows(() => check.int(NaN, 'n'), /^Expected an integer for n but received NaN of type number$/, RangeError);
  assertThrows(() => check.int(2 ** 53, 'n'), /^Expected an integer for n but received 9007199254740992 of type number$/, RangeError);
  assertThrows(() => check.int(0, 'k', 1), /^Expected a positive integer for k but received 0 of type number$/, RangeError);
  assertThrows(() => check.int(-1, 'k', 0), /^Expected a non-negative integer for k but received -1 of type number$/, RangeError);
  assertThrows(
    () => check.int(2 ** 32, 'groups', 1, check.INT32_MAX),
    /^Expected a positive integer <= 2147483647 for groups but received 4294967296 of type number$/,
    RangeError,
  );
  assertThrows(() => check.int(7, 'dim', -3, 2), /^Expected an integer in \[-3, 2\] for dim but received 7 of type number$/, RangeError);
  assertThrows(() => check.int(10n, 'n'), /^Expected an integer for n but received 10 of type bigint$/, TypeError);
});

test('num, finite, bool, oneOf, scalar', () => {
  assert.equal(check.num(Infinity, 'x'), Infinity);
  assertThrows(() => check.num(NaN, 'x'), /^Expected a number \(not NaN\) for x but received NaN of type number$/, RangeError);
  assertThrows(() => check.num(2, 'p', 0, 1), /^Expected a number in \[0, 1\] for p but received 2 of type number$/, RangeError);
  assertThrows(() => check.num({}, 'p'), /^Expected a number for p but received an object of type Object$/, TypeError);
  assertThrows(() => check.finite(Infinity, 'end'), /^Expected a finite number for end but received Infinity of type number$/, RangeError);
  assertThrows(() => check.finite(-1, 'lr', 0), /^Expected a finite number >= 0 for lr but received -1 of type number$/, RangeError);
  assertThrows(
    () => check.bool('false', 'requiresGrad'),
    /^Expected a boolean for requiresGrad but received "false" of type string$/,
    TypeError,
  );
  assertThrows(
    () => check.oneOf('avg', 'reduction', ['none', 'mean', 'sum']),
    /^Expected one of none, mean, sum for reduction but received "avg" of type string$/,
    TypeError,
  );
  assert.equal(check.scalar(true, 'value'), true);
  for (const bad of [null, undefined, '2', {}, [1], 2n])
    assertThrows(() => check.scalar(bad, 'value'), /^Expected a number or a boolean for value but received /, TypeError);
});

test('tensor arguments: null, undefined and non-tensors are named TypeErrors', () => {
  const x = torch.ones([2]);
  assert.equal(check.handle(x), x._h);
  assert.equal(check.optHandle(null, 'bias'), null);
  assertThrows(() => check.handle(null), /^Expected a Tensor for input but received null$/, TypeError);
  assertThrows(
    () => check.handle(undefined, 'weight'),
    /^Expected a Tensor for weight but received undefined of type undefined$/,
    TypeError,
  );
  assertThrows(
    () => check.tensorOrScalar({}, 'other'),
    /^Expected a Tensor, a number or a boolean for other but received an object of type Object$/,
    TypeError,
  );
  assertThrows(
    () => check.tensorList([x, null], 'tensors'),
    /^Expected a non-empty array of Tensors for tensors but received \[an object of type Tensor, null\] of type array$/,
    TypeError,
  );
});

test('options: unknown keys list the valid ones; dtype and device may not be given as undefined', () => {
  assert.deepEqual(check.options(undefined, 'f', ['a']), {});
  assertThrows(
    () => check.options({ dtpye: 'float64' }, 'zeros', ['dtype', 'device', 'requiresGrad']),
    /^Expected options of zeros among dtype, device, requiresGrad but received unknown option "dtpye"$/,
    TypeError,
  );
  assertThrows(
    () => check.options(3 as never, 'zeros', ['dtype']),
    /^Expected an options object for zeros options but received 3 of type number$/,
    TypeError,
  );
  assertThrows(
    () => check.options({ dtype: undefined }, 'zeros', ['dtype']),
    /^Expected a dtype such as torch\.float32 or 'int64' \(one of uint8, .*\) for dtype but received undefined of type undefined$/,
    TypeError,
  );
  assertThrows(
    () => check.options({ device: undefined }, 'zeros', ['device']),
    /^Expected a device such as "cpu" for device but received undefined of type undefined$/,
    TypeError,
  );
  const proto = JSON.parse('{"__proto__": {"dtype": "int64"}}') as object;
  assertThrows(() => check.options(proto, 'zeros', ['dtype']), /unknown option "__proto__"/, TypeError);
});

test('ints, tuple, shape and allocation', () => {
  assert.deepEqual(check.tuple(3, 'kernelSize', 2, 1), [3, 3]);
  assert.deepEqual(check.tuple([2], 'stride', 2, 1), [2, 2]);
  assertThrows(
    () => check.tuple(2 ** 32, 'kernelSize', 2, 1),
    /^Expected a positive integer <= 2147483647 or an array of 2 such integers for kernelSize but received 4294967296 of type number$/,
    RangeError,
  );
  assertThrows(() => check.tuple([1, 2, 3], 'stride', 2, 1), /or an array of 2 such integers for stride/, TypeError);
  assertThrows(
    () => check.ints([1, -2], 'sizes', -1),
    /^Expected an array of integers >= -1 for sizes but received \[1 of type number, -2 of type number\] of type array$/,
    RangeError,
  );
  assertThrows(() => check.shape([2 ** 40, 2 ** 40]), /^Expected a shape of fewer than 2\^63 elements for shape but received/, RangeError);
  assertThrows(() => check.shape(Array(65).fill(1)), /^Expected a shape of at most 64 dims for shape/, RangeError);
  assert.doesNotThrow(() => check.allocation(1024, 'zeros', 'float32'));
  const numel = Math.ceil(check.MAX_BYTES / 8) + 1;
  assertThrows(
    () => check.allocation(numel, 'zeros', 'float64'),
    new RegExp(
      `^zeros: the result needs ${numel * 8} bytes \\(${numel} elements of float64\\), more than this machine's memory \\(${check.MAX_BYTES} bytes\\)$`,
    ),
    RangeError,
  );
});

test('within prefixes check errors with the op and leaves other errors alone', () => {
  assertThrows(
    () => check.within('Conv2d', () => check.int(0, 'groups', 1)),
    /^Conv2d: expected a positive integer for groups but received 0 of type number$/,
    RangeError,
  );
  assertThrows(
    () => check.within('SGD', () => check.bool(1, 'nesterov'), ' (parameter group 1)'),
    /^SGD: expected a boolean for nesterov but received 1 of type number \(parameter group 1\)$/,
    TypeError,
  );
  assertThrows(
    () =>
      check.within('f', () => {
        throw new torch.TorchError('add: bad');
      }),
    /^add: bad$/,
    torch.TorchError,
  );
});

test('describe never throws and keeps messages short', () => {
  const cyclic: unknown[] = [1];
  cyclic.push(cyclic);
  assert.equal(check.describe(10n), '10 of type bigint');
  assert.equal(check.describe(Symbol('s')), 's of type symbol');
  assert.equal(
    check.describe(function named() {}),
    'a function named',
  );
  assert.equal(check.describe(Object.create(null)), 'an object of type object');
  assert.equal(
    check.describe(cyclic),
    '[1 of type number, [1 of type number, [1 of type number, an array] of type array] of type array] of type array',
  );
  assert.match(check.describe(Array.from({ length: 100 }, (_, i) => i)), /, … \(100 items\)\] of type array$/);
  assert.equal(check.describe('x'.repeat(100)), `"${'x'.repeat(60)}…" of type string`);
  const t = torch.ones([1]);
  t.dispose();
  assert.equal(check.describe(t), 'a disposed Tensor');
});
