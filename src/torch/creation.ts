/** Tensor creation: from data, constant fills, ranges and random draws. */
import { native } from './native.js';
import { Tensor } from './tensor.js';
import { type DType, dtypeCode, dtypeOfTypedArray, isComplex, isFloating } from './dtype.js';
import type { Device } from './device.js';
import {
  allocation,
  bool,
  describe as describeValue,
  device,
  dtype as checkDtype,
  finite,
  int,
  num,
  options,
  scalar,
  shape as checkShape,
  tensor as checkTensor,
} from './check.js';
import { type Generator, generatorHandle } from './random.js';

export interface TensorOptions {
  /** Default: float32 for floating creators, int64 for randint/randperm. */
  dtype?: DType;
  /** Default "cpu". */
  device?: Device;
  requiresGrad?: boolean;
}

export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

/** Nested arrays of numbers or booleans. */
export type NestedArray = number | boolean | NestedArray[];

const TENSOR_KEYS = ['dtype', 'device', 'requiresGrad'];
const RANDOM_KEYS = [...TENSOR_KEYS, 'generator'];
const DATA_KEYS = [...TENSOR_KEYS, 'shape'];

/** Checked creation options: the dtype (or the fallback), its libtorch code, the device and requiresGrad. */
interface Resolved {
  dtype: DType | null;
  code: number | null;
  device: string;
  requiresGrad: boolean;
  generator: number | null;
}

function resolve(o: RandomOptions | undefined, fn: string, fallback: DType | null, keys = TENSOR_KEYS): Resolved {
  const { dtype, device: dev, requiresGrad = false, generator } = options(o, fn, keys);
  const d = dtype === undefined ? fallback : checkDtype(dtype);
  return {
    dtype: d,
    code: d === null ? null : dtypeCode[d],
    device: dev === undefined ? 'cpu' : device(dev),
    requiresGrad: bool(requiresGrad, 'requiresGrad'),
    generator: generatorHandle(generator),
  };
}

function finish(h: number, r: Resolved): Tensor {
  const t = new Tensor(h);
  if (r.requiresGrad) t.requiresGrad = true;
  return t;
}

/** A checked shape whose tensor of r's dtype fits in memory. */
function sized(value: unknown, fn: string, r: Resolved): number[] {
  const s = checkShape(value, 'shape');
  allocation(
    s.reduce((a, b) => a * b, 1),
    fn,
    r.dtype ?? 'float32',
  );
  return s;
}

function inferShape(data: NestedArray, shape: number[] = []): number[] {
  if (!Array.isArray(data)) return shape;
  if (shape.length === 64) throw new RangeError('tensor: nested arrays deeper than 64 levels (libtorch tensors have at most 64 dims)');
  shape.push(data.length);
  return data.length ? inferShape(data[0], shape) : shape;
}

function flatten(data: NestedArray, shape: number[], dim: number, out: (number | boolean)[]): void {
  if (dim === shape.length) {
    if (typeof data !== 'number' && typeof data !== 'boolean')
      throw new TypeError(`tensor: expected a number or boolean at depth ${dim} but received ${describeValue(data)}`);
    out.push(data);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[dim])
    throw new TypeError(`tensor: ragged nested array: expected length ${shape[dim]} at depth ${dim} but received ${describeValue(data)}`);
  for (const d of data) flatten(d, shape, dim + 1, out);
}

/**
 * Makes a tensor from nested arrays or a typed array (data is copied).
 * Numbers default to float32 (JS cannot tell 1 from 1.0): pass `dtype: 'int64'`
 * for integer labels. Typed arrays keep their type unless `dtype` is given;
 * `shape` reshapes a flat typed array.
 */
export function tensor(data: NestedArray | ArrayBufferView, opts?: TensorOptions & { shape?: number[] }): Tensor {
  const o = options(opts, 'tensor', DATA_KEYS);
  let bytes: ArrayBufferView;
  let src: DType;
  let shape: number[];
  if (ArrayBuffer.isView(data)) {
    src = dtypeOfTypedArray(data);
    bytes = data;
    const n = data.byteLength / (data as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    shape = o.shape === undefined ? [n] : checkShape(o.shape);
    const need = shape.reduce((a, b) => a * b, 1);
    if (need !== n) throw new RangeError(`tensor: shape [${shape.join(', ')}] holds ${need} elements but the data has ${n}`);
  } else {
    shape = inferShape(data);
    const flat: (number | boolean)[] = [];
    flatten(data, shape, 0, flat);
    const isBool = flat.length > 0 && flat.every((v) => typeof v === 'boolean');
    if (isBool) {
      src = 'bool';
      bytes = Uint8Array.from(flat, (v) => (v ? 1 : 0));
    } else {
      if (flat.some((v) => typeof v !== 'number')) throw new TypeError('tensor: mixed booleans and numbers; use one kind');
      src = 'float64';
      bytes = Float64Array.from(flat as number[]);
    }
    if (o.shape !== undefined) throw new TypeError('tensor: shape is only for flat typed arrays; nested arrays carry their shape');
  }
  const r = resolve(o, 'tensor', src === 'float64' && !ArrayBuffer.isView(data) ? 'float32' : null, DATA_KEYS);
  return finish(native.fromBytes(bytes, dtypeCode[src], shape, r.code, r.device), r);
}

/** A 0-d tensor holding one number. */
export function scalarTensor(value: number | boolean, opts?: TensorOptions): Tensor {
  return tensor(scalar(value, 'value'), opts);
}

/** A tensor of `shape` filled with 0 (default float32). */
export function zeros(shape: number[], opts?: TensorOptions): Tensor {
  const r = resolve(opts, 'zeros', 'float32');
  return finish(native.zeros(sized(shape, 'zeros', r), r.code, r.device), r);
}

/** A tensor of `shape` filled with 1 (default float32). */
export function ones(shape: number[], opts?: TensorOptions): Tensor {
  const r = resolve(opts, 'ones', 'float32');
  return finish(native.ones(sized(shape, 'ones', r), r.code, r.device), r);
}

/** A tensor of `shape` with uninitialised memory (contents arbitrary; default float32). */
export function empty(shape: number[], opts?: TensorOptions): Tensor {
  const r = resolve(opts, 'empty', 'float32');
  return finish(native.empty(sized(shape, 'empty', r), r.code, r.device), r);
}

/**
 * A tensor of `shape` filled with `value`. Booleans give bool; numbers give float32
 * (JS cannot tell 3 from 3.0, unlike PyTorch which picks int64 for ints): pass `dtype`.
 * -0 stays -0 in floating dtypes.
 */
export function full(shape: number[], value: number | boolean, opts?: TensorOptions): Tensor {
  const r = resolve(opts, 'full', typeof scalar(value, 'fillValue') === 'boolean' ? 'bool' : 'float32');
  const h = native.full(sized(shape, 'full', r), value, r.code, r.device);
  // A JS -0 reaches libtorch as the integer 0; negating the zeros gives IEEE -0.
  if (Object.is(value, -0) && (isFloating(r.dtype!) || isComplex(r.dtype!))) native.neg_(h);
  return finish(h, r);
}

/**
 * 1-D values in [start, end) with `step` (may be negative); `arange(n)` is [0, n).
 * Default dtype int64 when all bounds are integers (as PyTorch), else float32.
 * Options may come last at any position: `arange(5, { dtype: 'float32' })`.
 */
export function arange(start: number, end?: number | TensorOptions, step: number | TensorOptions = 1, opts?: TensorOptions): Tensor {
  if (typeof end === 'object' && end !== null) [end, opts] = [undefined, end];
  if (typeof step === 'object' && step !== null) [step, opts] = [1, step];
  if (end === undefined || end === null) [start, end] = [0, start];
  finite(start, 'start');
  finite(end, 'end');
  finite(step, 'step');
  if (step === 0) throw new RangeError('arange: step must be non-zero');
  const ints = [start, end, step].every(Number.isInteger);
  const r = resolve(opts, 'arange', ints ? 'int64' : 'float32');
  allocation(Math.ceil((end - start) / step), 'arange', r.dtype!);
  return finish(native.arange(start, end, step, r.code, r.device), r);
}

/** 1-D: `steps` evenly spaced values from start to end inclusive (default float32). */
export function linspace(start: number, end: number, steps: number, opts?: TensorOptions): Tensor {
  const r = resolve(opts, 'linspace', 'float32');
  int(steps, 'steps', 0);
  allocation(steps, 'linspace', r.dtype!);
  return finish(native.linspace(num(start, 'start'), num(end, 'end'), steps, r.code, r.device), r);
}

/** [n, m] identity matrix (ones on the diagonal); `eye(n, { dtype })` also works. */
export function eye(n: number, m: number | TensorOptions = n, opts?: TensorOptions): Tensor {
  if (typeof m === 'object' && m !== null) [m, opts] = [n, m];
  const r = resolve(opts, 'eye', 'float32');
  int(n, 'n', 0);
  int(m, 'm', 0);
  allocation(n * m, 'eye', r.dtype!);
  return finish(native.eye(n, m, r.code, r.device), r);
}

/** A tensor of `shape` uniform on [0, 1) (default float32); same numbers as PyTorch for the same seed. */
export function rand(shape: number[], opts?: RandomOptions): Tensor {
  const r = resolve(opts, 'rand', 'float32', RANDOM_KEYS);
  return finish(native.rand(sized(shape, 'rand', r), r.generator, r.code, r.device), r);
}

/** A tensor of `shape` from the standard normal (default float32); same numbers as PyTorch for the same seed. */
export function randn(shape: number[], opts?: RandomOptions): Tensor {
  const r = resolve(opts, 'randn', 'float32', RANDOM_KEYS);
  return finish(native.randn(sized(shape, 'randn', r), r.generator, r.code, r.device), r);
}

/** A tensor of `shape` of integers uniform on [low, high) (default int64); `randint(high, shape)` uses low 0. */
export function randint(high: number, shape: number[], opts?: RandomOptions): Tensor;
export function randint(low: number, high: number, shape: number[], opts?: RandomOptions): Tensor;
export function randint(low: number, high: number | number[], shape?: number[] | RandomOptions, opts?: RandomOptions): Tensor {
  if (Array.isArray(high)) [low, high, shape, opts] = [0, low, high, shape as RandomOptions];
  int(low, 'low');
  int(high, 'high');
  if (high <= low) throw new RangeError(`randint: expected low < high but received low=${low}, high=${high}`);
  const r = resolve(opts, 'randint', 'int64', RANDOM_KEYS);
  return finish(native.randint(low, high, sized(shape, 'randint', r), r.generator, r.code, r.device), r);
}

/** 1-D random permutation of 0..n-1 (default int64). */
export function randperm(n: number, opts?: RandomOptions): Tensor {
  const r = resolve(opts, 'randperm', 'int64', RANDOM_KEYS);
  int(n, 'n', 0);
  allocation(n, 'randperm', r.dtype!);
  return finish(native.randperm(n, r.generator, r.code, r.device), r);
}

/** Options defaulting to t's dtype and device (requiresGrad is not inherited, as in PyTorch). */
function like<O extends TensorOptions>(t: Tensor, opts: O | undefined, fn: string): O {
  checkTensor(t);
  const o = options(opts, fn, RANDOM_KEYS) as O;
  return { ...o, dtype: o.dtype === undefined ? t.dtype : o.dtype, device: o.device === undefined ? t.device : o.device };
}

/** Zeros with t's shape (and dtype/device unless given). */
export const zerosLike = (t: Tensor, opts?: TensorOptions): Tensor => zeros(checkTensor(t).shape, like(t, opts, 'zerosLike'));
/** Ones with t's shape (and dtype/device unless given). */
export const onesLike = (t: Tensor, opts?: TensorOptions): Tensor => ones(checkTensor(t).shape, like(t, opts, 'onesLike'));
/** Uninitialised tensor with t's shape (and dtype/device unless given). */
export const emptyLike = (t: Tensor, opts?: TensorOptions): Tensor => empty(checkTensor(t).shape, like(t, opts, 'emptyLike'));
/** `value` everywhere, with t's shape (and dtype/device unless given). */
export const fullLike = (t: Tensor, v: number | boolean, opts?: TensorOptions): Tensor =>
  full(checkTensor(t).shape, v, like(t, opts, 'fullLike'));
/** Uniform [0, 1) with t's shape (and dtype/device unless given). */
export const randLike = (t: Tensor, opts?: RandomOptions): Tensor => rand(checkTensor(t).shape, like(t, opts, 'randLike'));
/** Standard normal with t's shape (and dtype/device unless given). */
export const randnLike = (t: Tensor, opts?: RandomOptions): Tensor => randn(checkTensor(t).shape, like(t, opts, 'randnLike'));
/** Integers uniform on [low, high) with t's shape and dtype; `randintLike(t, high)` uses low 0. */
export function randintLike(t: Tensor, low: number, high?: number | RandomOptions, opts?: RandomOptions): Tensor {
  if (typeof high === 'object' && high !== null) [high, opts] = [undefined, high];
  if (high === undefined || high === null) [low, high] = [0, low];
  return randint(low, high, checkTensor(t).shape, like(t, opts, 'randintLike'));
}
