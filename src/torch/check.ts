/**
 * Input checking for every public function of the engine, nn and optim: one
 * module, one argument order (the value, its name, then the constraints), one
 * message shape, `Expected <what> for <name> but received <value>`. A value of
 * the wrong kind raises TypeError, a value of the right kind out of range
 * RangeError. Each check returns what it accepted, so checks sit inline in the
 * native call they guard:
 *
 *     native.pixelShuffle(handle(x), int(factor, 'upscaleFactor', 1, INT32_MAX))
 *
 * The bounds keep libtorch clear of undefined behaviour (design decision 13):
 * integers are exact (|n| <= 2^53 - 1, inside int64), arguments that libtorch
 * 1.13 stores in 32-bit ints (kernel sizes, strides, groups, factors) are at
 * most 2^31 - 1, and a result must fit in int64 elements and in this machine's
 * memory.
 */
import { totalmem } from 'node:os';
import { native } from './native.js';
import { Tensor } from './tensor.js';
import { type DType, dtypeCode, dtypeNames, itemSize } from './dtype.js';
import type { Device } from './device.js';

/** Largest value of libtorch 1.13's 32-bit window arguments. */
export const INT32_MAX = 2 ** 31 - 1;
/** Largest integer a JS number holds exactly: the default bound of integer arguments. */
const SAFE = Number.MAX_SAFE_INTEGER;
/** The number of elements a tensor may have (libtorch counts them in int64). */
const MAX_NUMEL = 2 ** 63;
/** The most bytes one result may need: this machine's physical memory. */
export const MAX_BYTES = totalmem();

/** Describes a received value for error messages: `-3 of type number`, `[1, 2] of type array`. */
export function describe(value: unknown): string {
  return show(value, 0);
}

/** `describe` with nested arrays cut at depth 3 and 8 entries (arrays may be huge or cyclic). */
function show(value: unknown, depth: number): string {
  if (value === null) return 'null';
  if (typeof value === 'function') return `a function${value.name ? ` ${value.name}` : ''}`;
  if (typeof value === 'symbol') return `${value.description ?? 'a symbol'} of type symbol`;
  if (Array.isArray(value)) {
    if (depth > 2) return 'an array';
    const shown = value.slice(0, 8).map((v) => show(v, depth + 1));
    if (value.length > 8) shown.push(`… (${value.length} items)`);
    return `[${shown.join(', ')}] of type array`;
  }
  if (value instanceof Tensor && value.isDisposed) return 'a disposed Tensor';
  if (typeof value === 'object') return `an object of type ${value.constructor?.name ?? 'object'}`;
  if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 60)}…` : value}" of type string`;
  return `${String(value)} of type ${typeof value}`;
}

/**
 * Runs `fn`; a check error it raises gets `op` in front (`Conv2d: expected a positive
 * integer for groups but received 0 of type number`), and `where` after.
 */
export function within<R>(op: string, fn: () => R, where = ''): R {
  try {
    return fn();
  } catch (e) {
    if ((e instanceof TypeError || e instanceof RangeError) && e.message.startsWith('Expected ')) {
      const Err = e instanceof TypeError ? TypeError : RangeError;
      throw new Err(`${op}: e${e.message.slice(1)}${where}`);
    }
    throw e;
  }
}

/** Throws `<Err>: Expected <what> for <name> but received <value>`. */
export function fail(value: unknown, name: string, what: string, Err: ErrorConstructor = TypeError): never {
  throw new Err(`Expected ${what} for ${name} but received ${describe(value)}`);
}

function intWhat(min: number, max: number): string {
  const low =
    min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : min <= -SAFE ? 'an integer' : `an integer >= ${min}`;
  if (max >= SAFE) return low;
  return min <= -SAFE || min === 0 || min === 1 ? `${low} <= ${max}` : `an integer in [${min}, ${max}]`;
}

/** An integer in [min, max] (default: any exactly representable integer). */
export function int(value: unknown, name: string, min = -SAFE, max = SAFE): number {
  if (typeof value !== 'number') fail(value, name, intWhat(min, max));
  if (!Number.isInteger(value) || value < min || value > max) fail(value, name, intWhat(min, max), RangeError);
  return value;
}

/** A number in [min, max], not NaN (infinities only where the range holds them). */
export function num(value: unknown, name: string, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number') fail(value, name, 'a number');
  if (!(value >= min && value <= max)) {
    const what =
      min === -Infinity && max === Infinity
        ? 'a number (not NaN)'
        : max === Infinity
          ? `a number >= ${min}`
          : min === -Infinity
            ? `a number <= ${max}`
            : `a number in [${min}, ${max}]`;
    fail(value, name, what, RangeError);
  }
  return value;
}

/** A finite number in [min, max]. */
export function finite(value: unknown, name: string, min = -Infinity, max = Infinity): number {
  const what =
    min === -Infinity && max === Infinity
      ? 'a finite number'
      : max === Infinity
        ? `a finite number >= ${min}`
        : `a number in [${min}, ${max}]`;
  if (typeof value !== 'number') fail(value, name, what);
  if (!Number.isFinite(value) || value < min || value > max) fail(value, name, what, RangeError);
  return value;
}

/** A finite number > 0. */
export function positive(value: unknown, name: string): number {
  if (typeof value !== 'number') fail(value, name, 'a positive number');
  if (!(Number.isFinite(value) && value > 0)) fail(value, name, 'a positive number', RangeError);
  return value;
}

export function bool(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') fail(value, name, 'a boolean');
  return value;
}

export function str(value: unknown, name: string): string {
  if (typeof value !== 'string') fail(value, name, 'a string');
  return value;
}

/** A string among `valid`. */
export function oneOf<V extends string>(value: unknown, name: string, valid: readonly V[]): V {
  if (typeof value !== 'string' || !(valid as readonly string[]).includes(value)) fail(value, name, `one of ${valid.join(', ')}`);
  return value as V;
}

/** A number or boolean where libtorch takes a Scalar (NaN and infinities are values too). */
export function scalar(value: unknown, name: string): number | boolean {
  if (typeof value !== 'number' && typeof value !== 'boolean') fail(value, name, 'a number or a boolean');
  return value;
}

/** A Tensor (a disposed one is reported by the native layer, naming the op). */
export function tensor(value: unknown, name = 'input'): Tensor {
  if (!(value instanceof Tensor)) fail(value, name, 'a Tensor');
  return value;
}

/** The native handle of a Tensor. */
export const handle = (value: unknown, name = 'input'): number => tensor(value, name)._h;

/** The handle of an optional tensor (null or undefined give null). */
export function optHandle(value: unknown, name: string): number | null {
  return value === undefined || value === null ? null : handle(value, name);
}

/** A Tensor, a number or a boolean (an operand that may be a scalar). */
export function tensorOrScalar(value: unknown, name: string): Tensor | number | boolean {
  if (value instanceof Tensor) return tensor(value, name);
  if (typeof value !== 'number' && typeof value !== 'boolean') fail(value, name, 'a Tensor, a number or a boolean');
  return value;
}

/** A non-empty array of Tensors. */
export function tensorList(value: unknown, name: string): Tensor[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((t) => t instanceof Tensor))
    fail(value, name, 'a non-empty array of Tensors');
  return value;
}

/** Option keys where an explicit `undefined` is a mistake (an unknown constant such as `torch.int46`), not "the default". */
const DEFINED_KEYS = ['dtype', 'device'];

/**
 * An options object naming only `keys` (catches typos such as `dtpye` or
 * `kernel_size`); null and undefined give {}. `fn` names the function.
 */
export function options<O extends object>(value: O | null | undefined, fn: string, keys: readonly string[]): Partial<O> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof Tensor) fail(value, `${fn} options`, 'an options object');
  for (const k of Object.keys(value)) {
    if (!keys.includes(k)) throw new TypeError(`Expected options of ${fn} among ${keys.join(', ')} but received unknown option "${k}"`);
    if (DEFINED_KEYS.includes(k) && (value as Record<string, unknown>)[k] === undefined)
      fail(
        undefined,
        k,
        k === 'dtype' ? `a dtype such as torch.float32 or 'int64' (one of ${dtypeNames.join(', ')})` : 'a device such as "cpu"',
      );
  }
  return value;
}

/** An array of integers in [min, max]. */
export function ints(value: unknown, name: string, min = -SAFE, max = SAFE): number[] {
  const low = min === 0 ? 'non-negative integers' : min === 1 ? 'positive integers' : 'integers';
  const bounds = [min > 1 || min < 0 ? (min > -SAFE ? `>= ${min}` : '') : '', max < SAFE ? `<= ${max}` : ''].filter(Boolean).join(' and ');
  const what = `an array of ${low}${bounds ? ` ${bounds}` : ''}`;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number')) fail(value, name, what);
  if (!value.every((v) => Number.isInteger(v) && v >= min && v <= max)) fail(value, name, what, RangeError);
  return value;
}

/**
 * An int-or-tuple argument (PyTorch's `_pair`/`_single`): a number becomes n copies,
 * an array must hold n (or 1) integers in [min, max].
 */
export function tuple(value: unknown, name: string, n: number, min = 0, max = INT32_MAX): number[] {
  const ok = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
  if (ok(value)) return Array(n).fill(value);
  if (Array.isArray(value) && (value.length === n || value.length === 1) && value.every(ok))
    return value.length === n ? [...value] : Array(n).fill(value[0]);
  const what = intWhat(min, max);
  const numbers = Array.isArray(value) && (value.length === n || value.length === 1) && value.every((v) => typeof v === 'number');
  const kind = typeof value === 'number' || numbers ? RangeError : TypeError;
  return fail(value, name, `${what} or an array of ${n} such integers`, kind);
}

/** A dim or list of dims as an array (null or undefined give null: all dims). */
export function dims(value: unknown, name = 'dim'): number[] | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'number' ? [int(value, name)] : ints(value, name);
}

/** An optional dim (null or undefined give null). */
export function optInt(value: unknown, name: string, min = -SAFE, max = SAFE): number | null {
  return value === undefined || value === null ? null : int(value, name, min, max);
}

/** A shape: integers >= min (-1 where a size may be inferred) whose product fits in int64. */
export function shape(value: unknown, name = 'shape', min = 0): number[] {
  const s = ints(value, name, min, MAX_NUMEL);
  if (s.length > 64) fail(value, name, 'a shape of at most 64 dims', RangeError);
  if (s.reduce((a, b) => a * Math.max(b, 1), 1) >= MAX_NUMEL) fail(value, name, 'a shape of fewer than 2^63 elements', RangeError);
  return s;
}

/**
 * Checks that a result of `numel` elements of `dtype` fits in this machine's memory
 * before libtorch allocates it (`op` names the function in the RangeError).
 */
export function allocation(numel: number, op: string, dtype: DType): void {
  const bytes = numel * itemSize[dtype];
  if (bytes > MAX_BYTES)
    throw new RangeError(
      `${op}: the result needs ${bytes} bytes (${numel} elements of ${dtype}), more than this machine's memory (${MAX_BYTES} bytes)`,
    );
}

/** A dtype name (the `torch.float32`, … constants are these names). */
export function dtype(value: unknown, name = 'dtype'): DType {
  if (typeof value !== 'string' || !(value in dtypeCode)) fail(value, name, `one of ${dtypeNames.join(', ')}`);
  return value as DType;
}

/** libtorch's code of an optional dtype (null or undefined give null). */
export function optDtypeCode(value: unknown, name = 'dtype'): number | null {
  return value === undefined || value === null ? null : dtypeCode[dtype(value, name)];
}

/** A device string ("cpu", "cuda", "cuda:N") that exists on this machine. */
export function device(value: unknown, name = 'device'): Device {
  if (typeof value !== 'string' || !/^(cpu|cuda(:\d+)?)$/.test(value)) fail(value, name, '"cpu", "cuda" or "cuda:N"');
  if (value !== 'cpu') {
    if (!native.cudaIsAvailable())
      throw new Error(
        `Device ${value} is not available: torch.cuda.isAvailable() is false (this libtorch ${native.version()} has no CUDA support or no GPU is visible). Use "cpu", or build against a CUDA libtorch with LIBTORCH=/path.`,
      );
    const index = value.includes(':') ? Number(value.split(':')[1]) : 0;
    const count = native.cudaDeviceCount() as number;
    if (index >= count) throw new Error(`Device ${value} is not available: ${count} CUDA device(s) visible`);
  }
  return value;
}
