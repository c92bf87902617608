/**
 * Argument and option checking shared by the `torch.nn.functional` files. Bad
 * options raise `TypeError: Expected <what> for <option> but received <value>`;
 * shape problems found here raise `TorchError` prefixed with the op name, like
 * the ones libtorch reports.
 */
import { Tensor } from '../tensor.js';
import { TorchError, describe } from '../errors.js';
import { type DType, dtypeCode, dtypeNames } from '../dtype.js';

export const T = (h: number): Tensor => new Tensor(h);

export function fail(what: string, name: string, value: unknown): never {
  throw new TypeError(`Expected ${what} for ${name} but received ${describe(value)}`);
}

/** Handle of a required tensor argument. */
export function ten(x: unknown, name = 'input'): number {
  if (!(x instanceof Tensor)) fail('a Tensor', name, x);
  return x._h;
}

/** Handle of an optional tensor argument (null when absent). */
export function optTen(x: unknown, name: string): number | null {
  return x === undefined || x === null ? null : ten(x, name);
}

/** Checks an options object and that it names only `keys` (catches typos such as `kernel_size`). */
export function opts<O extends object>(o: O | undefined, fn: string, keys: readonly string[]): Partial<O> {
  if (o === undefined || o === null) return {};
  if (typeof o !== 'object' || Array.isArray(o) || o instanceof Tensor) fail(`an options object`, `${fn} options`, o);
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) {
      throw new TypeError(`Expected options of ${fn} among ${keys.join(', ')} but received unknown option "${k}"`);
    }
  }
  return o;
}

/** A string option restricted to `valid`. */
export function oneOf<V extends string>(value: unknown, valid: readonly V[], name: string): V {
  if (typeof value !== 'string' || !(valid as readonly string[]).includes(value)) fail(`one of ${valid.join(', ')}`, name, value);
  return value as V;
}

export function bool(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') fail('a boolean', name, value);
  return value;
}

/** A finite number, optionally within [min, max]. */
export function num(value: unknown, name: string, min = -Infinity, max = Infinity): number {
  const ok = typeof value === 'number' && !Number.isNaN(value) && value >= min && value <= max;
  if (!ok) {
    const range = min === -Infinity && max === Infinity ? 'a number' : max === Infinity ? `a number >= ${min}` : `a number in [${min}, ${max}]`;
    fail(range, name, value);
  }
  return value as number;
}

export function int(value: unknown, name: string, min = -Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    fail(min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : 'an integer', name, value);
  }
  return value;
}

/**
 * An int-or-tuple option (PyTorch's `_pair`/`_single`): a number becomes n copies,
 * an array must have n (or 1) integers >= min.
 */
export function tuple(value: unknown, n: number, name: string, min = 0): number[] {
  const okInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
  if (okInt(value)) return Array(n).fill(value);
  if (Array.isArray(value) && (value.length === n || value.length === 1) && value.every(okInt)) {
    return value.length === n ? [...value] : Array(n).fill(value[0]);
  }
  const what = min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : 'an integer';
  return fail(`${what} or an array of ${n} such integers`, name, value);
}

export type Reduction = 'none' | 'mean' | 'sum';
const REDUCTIONS = ['none', 'mean', 'sum'] as const;

/** libtorch's reduction code (0 none, 1 mean, 2 sum). */
export function reduction(value: unknown = 'mean'): number {
  return REDUCTIONS.indexOf(oneOf(value, REDUCTIONS, 'reduction'));
}

export function dtypeOpt(value: unknown, name = 'dtype'): number | null {
  if (value === undefined || value === null) return null;
  return dtypeCode[oneOf(value, dtypeNames, name) as DType];
}

/** Runs fn, re-labelling a TorchError from native op `from` as coming from `op` (PyTorch-facing name). */
export function relabel<R>(op: string, from: string, fn: () => R): R {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TorchError && e.op === from) throw new TorchError(`${op}${e.message.slice(from.length)}`);
    throw e;
  }
}

/** Raises a TorchError `"<op>: <message>"` (shape errors detected in TypeScript). */
export function shapeError(op: string, message: string): never {
  throw new TorchError(`${op}: ${message}`);
}

export const fmt = (shape: number[]): string => `[${shape.join(', ')}]`;

/** Raises a TorchError unless target has exactly input's shape. */
export function sameShape(op: string, input: Tensor, target: Tensor, message: (t: string, i: string) => string): void {
  const a = input.shape;
  const b = target.shape;
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) shapeError(op, message(fmt(b), fmt(a)));
}
