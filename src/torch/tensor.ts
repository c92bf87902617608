/**
 * The `Tensor` class: a JS object that owns one libtorch tensor through an integer
 * handle. Ops live in the family files (`math.ts`, `shape.ts`, …) and are installed
 * as methods by `methods.ts`; this file holds what every tensor has: metadata,
 * data in/out, autograd state and lifetime.
 */
import { native } from './native.js';
import { finalizer, registerFinalizer, scopeStack } from './lifecycle.js';
import { type DType, dtypeCode, dtypeFromCode, typedArrayFor, type TypedArray, isComplex } from './dtype.js';
import type { Device } from './device.js';
import { bool, describe, device, dtype, fail, int, options, optHandle, within } from './check.js';

/** A value accepted where a tensor or a number is expected. */
export type TensorLike = Tensor | number | boolean;

export class Tensor {
  /**
   * Native handle; -1 once disposed. Handles carry a generation, so a stale
   * handle (a finalizer racing a dispose(), a copy of `_h` kept somewhere) can
   * never free or reach the slot's next tenant.
   */
  _h: number;
  /** Whether the finalizer holds this tensor (see lifecycle.ts). */
  _finalized = false;
  /** The Tensor `.grad` last returned, owned by this tensor (see `grad`). */
  _grad: Tensor | null = null;

  /**
   * Wraps a native handle; `Tensor` objects are made by ops, not by users.
   * Inside a `scope()` the scope owns the tensor; outside, the finalizer does.
   */
  constructor(handle: number) {
    this._h = handle;
    const top = scopeStack.length;
    if (top !== 0) scopeStack[top - 1].push(this);
    else registerFinalizer(this);
  }

  // ------------------------------------------------------------ lifetime
  /** Releases the native memory now (idempotent). Using the tensor afterwards throws. */
  dispose(): void {
    const h = this._h;
    if (h < 0) return;
    this.dropGrad();
    this._h = -1;
    // Drop the finalization cell now: cells of dead tensors are only cleared when
    // the event loop turns, so a long synchronous loop would accumulate them.
    if (this._finalized) finalizer.unregister(this);
    native.free(h);
  }

  get isDisposed(): boolean {
    return this._h < 0;
  }

  // ------------------------------------------------------------ metadata
  get shape(): number[] {
    return native.shape(this._h);
  }
  size(dim?: number): number[] | number {
    const s = this.shape;
    if (dim === undefined) return s;
    int(dim, 'dim');
    const d = dim < 0 ? dim + s.length : dim;
    if (d < 0 || d >= s.length) throw new RangeError(`size: dim ${dim} out of range for a tensor of ${s.length} dims`);
    return s[d];
  }
  get ndim(): number {
    return native.dim(this._h);
  }
  dim(): number {
    return native.dim(this._h);
  }
  numel(): number {
    return native.numel(this._h);
  }
  stride(): number[] {
    return native.strides(this._h);
  }
  get dtype(): DType {
    return dtypeFromCode(native.dtype(this._h));
  }
  get device(): Device {
    return native.device(this._h);
  }
  isContiguous(): boolean {
    return native.isContiguous(this._h);
  }
  toString(): string {
    if (this._h < 0) return 'Tensor(disposed)';
    return `Tensor(shape=[${this.shape}], dtype=${this.dtype}, device=${this.device})`;
  }

  // ------------------------------------------------------------ data out
  /**
   * Copies the data into a typed array (row-major). int64 gives a BigInt64Array;
   * float16/bfloat16 are widened to Float32Array; bool gives Uint8Array;
   * complex gives interleaved (re, im) floats.
   */
  data(): TypedArray {
    const d = this.dtype;
    if (d === 'float16' || d === 'bfloat16') return wrapTemp(native.to(this._h, this.device, dtypeCode.float32, false), (t) => t.data());
    return typedArrayFor(d, native.toBytes(this._h));
  }
  /** The data as a flat array of numbers (bool as 0/1; int64 values beyond ±(2^53 − 1) raise a RangeError: use `data()`). */
  toArray(): number[] {
    const a = this.data();
    return a instanceof BigInt64Array
      ? Array.from(a, (v) => exactNumber(v, 'toArray', 'use data() for a BigInt64Array'))
      : Array.from(a as Float32Array);
  }
  /**
   * The single value of a one-element tensor: a number, or true/false for a bool
   * tensor (typed `number` so that arithmetic on it compiles). An int64 value beyond
   * ±(2^53 − 1) is a RangeError (a number would round it) unless `{ bigint: true }`,
   * which gives every int64 value as a BigInt.
   */
  item(): number;
  item(o: { bigint?: boolean }): number | bigint;
  item(o?: { bigint?: boolean }): number | bigint {
    const { bigint = false } = options(o, 'item', ['bigint']);
    bool(bigint, 'bigint');
    const d = this.dtype;
    if (isComplex(d)) throw new TypeError('item: complex tensors have no single number; use data()');
    const v = native.item(this._h) as number;
    if (d === 'bool') return (v !== 0) as unknown as number;
    if (d !== 'int64' || (!bigint && Math.abs(v) < 2 ** 53)) return v;
    const exact = (this.data() as BigInt64Array)[0];
    return bigint ? exact : exactNumber(exact, 'item', 'use item({ bigint: true })');
  }
  /**
   * The data as nested arrays matching the shape (a 0-d tensor gives its value): numbers,
   * booleans for bool; int64 values beyond ±(2^53 − 1) are a RangeError unless `{ bigint: true }`
   * (int64 as BigInts).
   */
  tolist(o?: { bigint?: boolean }): unknown {
    const { bigint = false } = options(o, 'tolist', ['bigint']);
    bool(bigint, 'bigint');
    const d = this.dtype;
    const flat: unknown[] =
      d === 'bool'
        ? this.toArray().map(Boolean)
        : d === 'int64' && bigint
          ? Array.from(this.data() as BigInt64Array)
          : d === 'int64'
            ? Array.from(this.data() as BigInt64Array, (v) => exactNumber(v, 'tolist', 'use tolist({ bigint: true })'))
            : this.toArray();
    const shape = this.shape;
    const build = (dim: number, offset: number): unknown => {
      if (dim === shape.length) return flat[offset];
      const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: shape[dim] }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  // ------------------------------------------------------------ conversion
  /** Moves and/or casts: `to('cuda')`, `to('float64')`, `to({ device, dtype })`. */
  to(target: Device | DType | { device?: Device; dtype?: DType; copy?: boolean }): Tensor {
    if (target === undefined || target === null) fail(target, 'target', 'a dtype, a device or { device, dtype, copy }');
    const o =
      typeof target === 'string'
        ? target in dtypeCode
          ? { dtype: target as DType }
          : { device: target }
        : options(target, 'to', ['device', 'dtype', 'copy']);
    const dev = o.device === undefined ? this.device : device(o.device);
    const code = o.dtype === undefined ? null : dtypeCode[dtype(o.dtype)];
    return new Tensor(native.to(this._h, dev, code, bool(o.copy ?? false, 'copy')));
  }
  float(): Tensor {
    return this.to({ dtype: 'float32' });
  }
  double(): Tensor {
    return this.to({ dtype: 'float64' });
  }
  half(): Tensor {
    return this.to({ dtype: 'float16' });
  }
  long(): Tensor {
    return this.to({ dtype: 'int64' });
  }
  int(): Tensor {
    return this.to({ dtype: 'int32' });
  }
  bool(): Tensor {
    return this.to({ dtype: 'bool' });
  }
  cpu(): Tensor {
    return this.to({ device: 'cpu' });
  }
  cuda(index = 0): Tensor {
    return this.to({ device: `cuda:${int(index, 'index', 0)}` });
  }
  clone(): Tensor {
    return new Tensor(native.clone(this._h));
  }
  contiguous(): Tensor {
    return new Tensor(native.contiguous(this._h));
  }

  // ------------------------------------------------------------ autograd
  get requiresGrad(): boolean {
    return native.requiresGrad(this._h);
  }
  set requiresGrad(value: boolean) {
    native.setRequiresGrad(this._h, bool(value, 'requiresGrad'));
  }
  /** Sets `requiresGrad` in place and returns this tensor (PyTorch's `requires_grad_`). */
  requiresGrad_(value = true): this {
    native.setRequiresGrad(this._h, bool(value, 'requiresGrad'));
    return this;
  }
  /**
   * The accumulated gradient, or null. As in PyTorch, reads return the same Tensor
   * while the gradient is the same tensor, so reading it costs no memory. That Tensor
   * belongs to this one: no scope disposes it, and it is disposed when the gradient
   * is replaced or cleared (`grad = null`, `zeroGrad()`) or this tensor is; `clone()`
   * it to keep the values.
   */
  get grad(): Tensor | null {
    const h = native.grad(this._h) as number | undefined;
    if (h === undefined) {
      this.dropGrad();
      return null;
    }
    const cached = this._grad;
    if (cached !== null && cached._h >= 0 && native.isSame(h, cached._h)) {
      native.free(h);
      return cached;
    }
    this.dropGrad();
    const g = new Tensor(h);
    const top = scopeStack.length;
    if (top !== 0) {
      scopeStack[top - 1].pop();
      registerFinalizer(g);
    }
    this._grad = g;
    return g;
  }
  /** Replaces the gradient; it must match this tensor's shape, dtype and device (null clears it). */
  set grad(value: Tensor | null) {
    if (value !== undefined && value !== null && !(value instanceof Tensor))
      throw new TypeError(`grad: expected a Tensor or null but received ${describe(value)}`);
    const h = optHandle(value, 'grad');
    if (this._grad !== value) this.dropGrad();
    native.setGrad(this._h, h);
  }
  /** Disposes the Tensor `.grad` returned last (the gradient itself lives on in libtorch while it is set). */
  private dropGrad(): void {
    const g = this._grad;
    if (g === null) return;
    this._grad = null;
    g.dispose();
  }
  get isLeaf(): boolean {
    return native.isLeaf(this._h);
  }
  /** Name of the autograd node that produced this tensor (e.g. "AddBackward0"), or "". */
  get gradFn(): string {
    return native.gradFn(this._h);
  }
  /** Keeps `.grad` on a non-leaf tensor after backward (leaves always keep theirs). */
  retainGrad(): void {
    native.retainGrad(this._h);
  }
  /** Whether a non-leaf tensor will keep its `.grad` (after `retainGrad()`). */
  get retainsGrad(): boolean {
    return native.retainsGrad(this._h);
  }
  detach(): Tensor {
    return new Tensor(native.detach(this._h));
  }
  detach_(): this {
    native.detach_(this._h);
    return this;
  }
  /** Accumulates gradients into the leaves (`gradient` is required for non-scalars). */
  backward(gradient?: Tensor | null, opts?: { retainGraph?: boolean; createGraph?: boolean }): void {
    const [g, retain, create] = within('backward', () => {
      const { retainGraph = null, createGraph = false } = options(opts, 'backward', ['retainGraph', 'createGraph']);
      if (gradient !== undefined && gradient !== null && !(gradient instanceof Tensor)) fail(gradient, 'gradient', 'a Tensor or undefined');
      return [
        optHandle(gradient, 'gradient'),
        retainGraph === null ? null : bool(retainGraph, 'retainGraph'),
        bool(createGraph, 'createGraph'),
      ];
    });
    native.backward(this._h, g, retain, create);
  }
}

/** `v` as a number, or a RangeError naming `api` when a number would round it. */
function exactNumber(v: bigint, api: string, hint: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER))
    throw new RangeError(`${api}: the int64 value ${v} is beyond ±(2^53 - 1), where a number would round it; ${hint}`);
  return Number(v);
}

/** Runs `fn` on a temporary tensor made from `handle`, then frees it. */
export function wrapTemp<R>(handle: number, fn: (t: Tensor) => R): R {
  const t = new Tensor(handle);
  try {
    return fn(t);
  } finally {
    t.dispose();
  }
}

/** Wraps an array of handles returned by a multi-output op. */
export function wrapAll(handles: number[]): Tensor[] {
  return handles.map((h) => new Tensor(h));
}
