/** Tensor creation: from data, constant fills, ranges and random draws. */
import { native } from './native.js';
import { Tensor } from './tensor.js';
import { type DType, checkDtype, dtypeCode, dtypeOfTypedArray } from './dtype.js';
import { checkDevice, type Device } from './device.js';
import { checkInt, checkShape, describe } from './errors.js';
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

function resolve(o: TensorOptions, fallback: DType | null): [number | null, string] {
  const dtype = o.dtype === undefined ? fallback : checkDtype(o.dtype);
  return [dtype === null ? null : dtypeCode[dtype], o.device === undefined ? 'cpu' : checkDevice(o.device)];
}

function finish(h: number, o: TensorOptions): Tensor {
  const t = new Tensor(h);
  if (o.requiresGrad) t.requiresGrad = true;
  return t;
}

function inferShape(data: NestedArray, shape: number[] = []): number[] {
  if (!Array.isArray(data)) return shape;
  shape.push(data.length);
  return data.length ? inferShape(data[0], shape) : shape;
}

function flatten(data: NestedArray, shape: number[], dim: number, out: (number | boolean)[]): void {
  if (dim === shape.length) {
    if (typeof data !== 'number' && typeof data !== 'boolean')
      throw new TypeError(`tensor: expected a number or boolean at depth ${dim} but received ${describe(data)}`);
    out.push(data);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[dim])
    throw new TypeError(`tensor: ragged nested array: expected length ${shape[dim]} at depth ${dim} but received ${describe(data)}`);
  for (const d of data) flatten(d, shape, dim + 1, out);
}

/**
 * Makes a tensor from nested arrays or a typed array (data is copied).
 * Numbers default to float32 (JS cannot tell 1 from 1.0): pass `dtype: 'int64'`
 * for integer labels. Typed arrays keep their type unless `dtype` is given;
 * `shape` reshapes a flat typed array.
 */
export function tensor(data: NestedArray | ArrayBufferView, opts: TensorOptions & { shape?: number[] } = {}): Tensor {
  let bytes: ArrayBufferView;
  let src: DType;
  let shape: number[];
  if (ArrayBuffer.isView(data)) {
    src = dtypeOfTypedArray(data);
    bytes = data;
    const n = data.byteLength / (data as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    shape = opts.shape ?? [n];
    checkShape(shape);
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
      if (flat.some((v) => typeof v !== 'number'))
        throw new TypeError('tensor: mixed booleans and numbers; use one kind');
      src = 'float64';
      bytes = Float64Array.from(flat as number[]);
    }
    if (opts.dtype === undefined && src === 'float64') opts = { ...opts, dtype: 'float32' };
    if (opts.shape) throw new TypeError('tensor: shape is only for flat typed arrays; nested arrays carry their shape');
  }
  const [dst, device] = resolve(opts, null);
  return finish(native.fromBytes(bytes, dtypeCode[src], shape, dst, device), opts);
}

/** A 0-d tensor holding one number. */
export function scalarTensor(value: number | boolean, opts: TensorOptions = {}): Tensor {
  return tensor(value as NestedArray, opts);
}

/** A tensor of `shape` filled with 0 (default float32). */
export function zeros(shape: number[], opts: TensorOptions = {}): Tensor {
  checkShape(shape);
  return finish(native.zeros(shape, ...resolve(opts, 'float32')), opts);
}

/** A tensor of `shape` filled with 1 (default float32). */
export function ones(shape: number[], opts: TensorOptions = {}): Tensor {
  checkShape(shape);
  return finish(native.ones(shape, ...resolve(opts, 'float32')), opts);
}

/** A tensor of `shape` with uninitialised memory (contents arbitrary; default float32). */
export function empty(shape: number[], opts: TensorOptions = {}): Tensor {
  checkShape(shape);
  return finish(native.empty(shape, ...resolve(opts, 'float32')), opts);
}

/**
 * A tensor of `shape` filled with `value`. Booleans give bool; numbers give float32
 * (JS cannot tell 3 from 3.0, unlike PyTorch which picks int64 for ints): pass `dtype`.
 */
export function full(shape: number[], value: number | boolean, opts: TensorOptions = {}): Tensor {
  checkShape(shape);
  const [d, dev] = resolve(opts, typeof value === 'boolean' ? 'bool' : 'float32');
  return finish(native.full(shape, value, d, dev), opts);
}

/**
 * 1-D values in [start, end) with `step` (may be negative); `arange(n)` is [0, n).
 * Default dtype int64 when all bounds are integers (as PyTorch), else float32.
 * Options may come last at any position: `arange(5, { dtype: 'float32' })`.
 */
export function arange(start: number, end?: number | TensorOptions, step: number | TensorOptions = 1, opts: TensorOptions = {}): Tensor {
  if (typeof end === 'object') [end, opts] = [undefined, end];
  if (typeof step === 'object') [step, opts] = [1, step];
  if (end === undefined) [start, end] = [0, start];
  for (const [v, name] of [[start, 'start'], [end, 'end'], [step, 'step']] as const)
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`Expected a finite number for ${name} but received ${describe(v)}`);
  if (step === 0) throw new RangeError('arange: step must be non-zero');
  const ints = [start, end, step].every(Number.isInteger);
  return finish(native.arange(start, end, step, ...resolve(opts, ints ? 'int64' : 'float32')), opts);
}

/** 1-D: `steps` evenly spaced values from start to end inclusive (default float32). */
export function linspace(start: number, end: number, steps: number, opts: TensorOptions = {}): Tensor {
  checkInt(steps, 'steps', 0);
  return finish(native.linspace(start, end, steps, ...resolve(opts, 'float32')), opts);
}

/** [n, m] identity matrix (ones on the diagonal); `eye(n, { dtype })` also works. */
export function eye(n: number, m: number | TensorOptions = n, opts: TensorOptions = {}): Tensor {
  if (typeof m === 'object') [m, opts] = [n, m];
  checkInt(n, 'n', 0);
  checkInt(m, 'm', 0);
  return finish(native.eye(n, m, ...resolve(opts, 'float32')), opts);
}

/** A tensor of `shape` uniform on [0, 1) (default float32); same numbers as PyTorch for the same seed. */
export function rand(shape: number[], opts: RandomOptions = {}): Tensor {
  checkShape(shape);
  return finish(native.rand(shape, generatorHandle(opts.generator), ...resolve(opts, 'float32')), opts);
}

/** A tensor of `shape` from the standard normal (default float32); same numbers as PyTorch for the same seed. */
export function randn(shape: number[], opts: RandomOptions = {}): Tensor {
  checkShape(shape);
  return finish(native.randn(shape, generatorHandle(opts.generator), ...resolve(opts, 'float32')), opts);
}

/** A tensor of `shape` of integers uniform on [low, high) (default int64); `randint(high, shape)` uses low 0. */
export function randint(high: number, shape: number[], opts?: RandomOptions): Tensor;
export function randint(low: number, high: number, shape: number[], opts?: RandomOptions): Tensor;
export function randint(low: number, high: number | number[], shape: number[] | RandomOptions = {}, opts: RandomOptions = {}): Tensor {
  if (Array.isArray(high)) [low, high, shape, opts] = [0, low, high, shape as RandomOptions];
  shape = shape as number[];
  checkInt(low, 'low');
  checkInt(high, 'high');
  if (high <= low) throw new RangeError(`randint: expected low < high but received low=${low}, high=${high}`);
  checkShape(shape);
  return finish(native.randint(low, high, shape, generatorHandle(opts.generator), ...resolve(opts, 'int64')), opts);
}

/** 1-D random permutation of 0..n-1 (default int64). */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  checkInt(n, 'n', 0);
  return finish(native.randperm(n, generatorHandle(opts.generator), ...resolve(opts, 'int64')), opts);
}

/** Options defaulting to t's dtype and device (requiresGrad is not inherited, as in PyTorch). */
function like<O extends TensorOptions>(t: Tensor, opts: O): O {
  if (!(t instanceof Tensor)) throw new TypeError(`Expected a Tensor for input but received ${describe(t)}`);
  return { ...opts, dtype: opts.dtype ?? t.dtype, device: opts.device ?? t.device };
}

/** Zeros with t's shape (and dtype/device unless given). */
export const zerosLike = (t: Tensor, opts: TensorOptions = {}): Tensor => zeros(t.shape, like(t, opts));
/** Ones with t's shape (and dtype/device unless given). */
export const onesLike = (t: Tensor, opts: TensorOptions = {}): Tensor => ones(t.shape, like(t, opts));
/** Uninitialised tensor with t's shape (and dtype/device unless given). */
export const emptyLike = (t: Tensor, opts: TensorOptions = {}): Tensor => empty(t.shape, like(t, opts));
/** `value` everywhere, with t's shape (and dtype/device unless given). */
export const fullLike = (t: Tensor, v: number | boolean, opts: TensorOptions = {}): Tensor => full(t.shape, v, like(t, opts));
/** Uniform [0, 1) with t's shape (and dtype/device unless given). */
export const randLike = (t: Tensor, opts: RandomOptions = {}): Tensor => rand(t.shape, like(t, opts));
/** Standard normal with t's shape (and dtype/device unless given). */
export const randnLike = (t: Tensor, opts: RandomOptions = {}): Tensor => randn(t.shape, like(t, opts));
/** Integers uniform on [low, high) with t's shape and dtype; `randintLike(t, high)` uses low 0. */
export function randintLike(t: Tensor, low: number, high?: number | RandomOptions, opts: RandomOptions = {}): Tensor {
  if (typeof high === 'object') [high, opts] = [undefined, high];
  if (high === undefined) [low, high] = [0, low];
  return randint(low, high, t.shape, like(t, opts));
}
