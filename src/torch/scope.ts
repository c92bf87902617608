/** Deterministic memory release and gradient-mode control. */
import { native } from './native.js';
import { registerFinalizer, scopeStack } from './lifecycle.js';
import { Tensor } from './tensor.js';

/** Adds every tensor reachable from `value` (arrays, plain objects, Maps, Sets) to `keep`. */
function collect(value: unknown, keep: Set<Tensor>, seen: Set<unknown>): void {
  if (value instanceof Tensor) {
    keep.add(value);
    return;
  }
  if (value === null || typeof value !== 'object' || seen.has(value) || ArrayBuffer.isView(value)) return;
  seen.add(value);
  if (value instanceof Map) {
    for (const [k, v] of value) {
      collect(k, keep, seen);
      collect(v, keep, seen);
    }
  } else if (value instanceof Set) {
    for (const v of value) collect(v, keep, seen);
  } else {
    for (const v of Object.values(value)) collect(v, keep, seen);
  }
}

function isAsyncFunction(fn: unknown): boolean {
  const name = (fn as { constructor?: { name?: string } })?.constructor?.name;
  return name === 'AsyncFunction' || name === 'AsyncGeneratorFunction';
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

/** Rejects an async callback: the scope / grad mode would end before its awaits resume. */
function asyncError(api: string): TypeError {
  return new TypeError(`${api}: fn is async (returns a Promise); ${api} needs a synchronous function — wrap each synchronous step instead`);
}

/**
 * Runs `fn` and frees every tensor created inside it, except those reachable from
 * its return value (a tensor, or arrays / plain objects / Maps / Sets holding
 * tensors), which move to the enclosing scope (or, outside any scope, back to the
 * garbage collector's care). If `fn` throws, every tensor it created is freed.
 * Async functions are rejected with a TypeError: the scope would close before
 * their awaits finish.
 *
 *     const loss = torch.scope(() => model(x).sub(y).pow(2).mean());  // temporaries freed
 */
export function scope<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`scope: expected a function but received ${typeof fn}`);
  if (isAsyncFunction(fn)) throw asyncError('scope');
  const created: Tensor[] = [];
  const depth = scopeStack.length;
  scopeStack.push(created as { dispose(): void }[]);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopeStack.length = depth;
    for (const t of created) t.dispose();
    throw e;
  }
  scopeStack.length = depth;
  if (isThenable(result)) {
    for (const t of created) t.dispose();
    // The abandoned promise may still reject (it uses freed tensors): never let
    // that surface as an unhandled rejection that kills the process.
    Promise.resolve(result).catch(() => {});
    throw asyncError('scope');
  }
  const keep = new Set<Tensor>();
  collect(result, keep, new Set());
  const parent = depth > 0 ? scopeStack[depth - 1] : null;
  for (const t of created) {
    if (!keep.has(t)) t.dispose();
    else if (t.isDisposed) continue;
    else if (parent) parent.push(t);
    else registerFinalizer(t);
  }
  return result;
}

/**
 * Takes `t` out of every open scope, so that no scope disposes it: it lives until
 * `dispose()` or garbage collection. For state created inside a step that must
 * outlive it (optimizer buffers, caches). Returns `t`.
 */
export function keep<T extends Tensor>(t: T): T {
  if (!(t instanceof Tensor)) throw new TypeError(`keep: expected a Tensor but received ${t === null ? 'null' : typeof t}`);
  if (t.isDisposed) throw new TypeError('keep: the tensor was disposed');
  for (let i = scopeStack.length - 1; i >= 0; i--) {
    const list = scopeStack[i];
    const k = list.lastIndexOf(t);
    if (k >= 0) {
      list[k] = list[list.length - 1];
      list.pop();
      registerFinalizer(t);
      break;
    }
  }
  return t;
}

/** Runs `fn` with gradient recording set to `enabled`, restoring the previous mode after (even if fn throws). */
export function setGradEnabledFor<T>(enabled: boolean, fn: () => T, api = 'setGradEnabledFor'): T {
  if (typeof fn !== 'function') throw new TypeError(`${api}: expected a function but received ${typeof fn}`);
  if (isAsyncFunction(fn)) throw asyncError(api);
  const prev = native.isGradEnabled() as boolean;
  native.setGradEnabled(enabled);
  let result: T;
  try {
    result = fn();
  } finally {
    native.setGradEnabled(prev);
  }
  if (isThenable(result)) {
    Promise.resolve(result).catch(() => {});
    throw asyncError(api);
  }
  return result;
}

/** Runs `fn` without recording operations for autograd (PyTorch's `torch.no_grad()`). */
export function noGrad<T>(fn: () => T): T {
  return setGradEnabledFor(false, fn, 'noGrad');
}

/** Runs `fn` with autograd recording on, even inside `noGrad` (PyTorch's `torch.enable_grad()`). */
export function enableGrad<T>(fn: () => T): T {
  return setGradEnabledFor(true, fn, 'enableGrad');
}

export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}

/** Number of live native tensors and their bytes (for leak checks). */
export function memoryStats(): { tensors: number; bytes: number } {
  return { tensors: native.liveTensors(), bytes: native.liveBytes() };
}
