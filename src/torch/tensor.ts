/**
 * The `Tensor` class: a JS object that owns one libtorch tensor through an integer
 * handle. Ops live in the family files (`math.ts`, `shape.ts`, …) and are installed
 * as methods by `methods.ts`; this file holds what every tensor has: metadata,
 * data in/out, autograd state and lifetime.
 */
import { native } from './native.js';
import { finalizer, registerFinalizer, scopeStack } from './lifecycle.js';
import { type DType, dtypeCode, dtypeFromCode, typedArrayFor, type TypedArray, isComplex } from './dtype.js';
import { checkDevice, type Device } from './device.js';
import { checkDtype } from './dtype.js';
import { describe } from './errors.js';

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
  /** The data as a flat array of numbers (int64 converted with `Number`). */
  toArray(): number[] {
    const a = this.data();
    return a instanceof BigInt64Array ? Array.from(a, Number) : Array.from(a as Float32Array);
  }
  /** The single value of a one-element tensor. */
  item(): number {
    if (isComplex(this.dtype)) throw new TypeError('item: complex tensors have no single number; use data()');
    return native.item(this._h);
  }
  /** The data as nested arrays matching the shape (`0-d` gives a number). */
  tolist(): unknown {
    const flat = this.dtype === 'bool' ? this.toArray().map(Boolean) : this.toArray();
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
    const o = typeof target === 'string' ? (target in dtypeCode ? { dtype: target as DType } : { device: target }) : target;
    const device = o.device === undefined ? this.device : checkDevice(o.device);
    const dtype = o.dtype === undefined ? null : dtypeCode[checkDtype(o.dtype)];
    return new Tensor(native.to(this._h, device, dtype, o.copy ?? false));
  }
  float(): Tensor { return this.to({ dtype: 'float32' }); }
  double(): Tensor { return this.to({ dtype: 'float64' }); }
  half(): Tensor { return this.to({ dtype: 'float16' }); }
  long(): Tensor { return this.to({ dtype: 'int64' }); }
  int(): Tensor { return this.to({ dtype: 'int32' }); }
  bool(): Tensor { return this.to({ dtype: 'bool' }); }
  cpu(): Tensor { return this.to({ device: 'cpu' }); }
  cuda(index = 0): Tensor { return this.to({ device: `cuda:${index}` }); }
  clone(): Tensor { return new Tensor(native.clone(this._h)); }
  contiguous(): Tensor { return new Tensor(native.contiguous(this._h)); }

  // ------------------------------------------------------------ autograd
  get requiresGrad(): boolean {
    return native.requiresGrad(this._h);
  }
  set requiresGrad(value: boolean) {
    native.setRequiresGrad(this._h, value);
  }
  /** Sets `requiresGrad` in place and returns this tensor (PyTorch's `requires_grad_`). */
  requiresGrad_(value = true): this {
    native.setRequiresGrad(this._h, value);
    return this;
  }
  /** The accumulated gradient, or null. Each read returns a new handle to the same storage. */
  get grad(): Tensor | null {
    const h = native.grad(this._h);
    return h === undefined ? null : new Tensor(h);
  }
  /** Replaces the gradient; it must match this tensor's shape, dtype and device (null clears it). */
  set grad(value: Tensor | null) {
    if (value !== null && value !== undefined && !(value instanceof Tensor))
      throw new TypeError(`grad: expected a Tensor or null but received ${describe(value)}`);
    native.setGrad(this._h, value == null ? null : value._h);
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
  backward(gradient?: Tensor | null, opts: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
    if (gradient !== null && gradient !== undefined && !(gradient instanceof Tensor))
      throw new TypeError(`backward: expected a Tensor or undefined for gradient but received ${describe(gradient)}`);
    native.backward(this._h, gradient ? gradient._h : null, opts.retainGraph ?? null, opts.createGraph ?? false);
  }
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
