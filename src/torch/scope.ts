/** Deterministic memory release and gradient-mode control. */
import { native } from './native.js';
import { scopeStack } from './lifecycle.js';
import { Tensor } from './tensor.js';

function collect(value: unknown, keep: Set<Tensor>, seen: Set<unknown>): void {
  if (value instanceof Tensor) keep.add(value);
  else if (value !== null && typeof value === 'object' && !seen.has(value)) {
    seen.add(value);
    for (const v of value instanceof Map ? value.values() : Object.values(value)) collect(v, keep, seen);
  }
}

/**
 * Runs `fn` and frees every tensor created inside it, except those reachable from
 * its return value (a tensor, or arrays / plain objects / Maps holding tensors),
 * which move to the enclosing scope. Async functions are not supported: the scope
 * would close before their awaits finish.
 *
 *     const loss = torch.scope(() => model(x).sub(y).pow(2).mean());  // temporaries freed
 */
export function scope<T>(fn: () => T): T {
  const created: Tensor[] = [];
  scopeStack.push(created);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopeStack.pop();
    for (const t of created) t.dispose();
    throw e;
  }
  scopeStack.pop();
  if (result instanceof Promise) {
    for (const t of created) t.dispose();
    throw new TypeError('scope: fn returned a Promise; scopes must be synchronous (wrap each synchronous step instead)');
  }
  const keep = new Set<Tensor>();
  collect(result, keep, new Set());
  const parent = scopeStack.length ? scopeStack[scopeStack.length - 1] : null;
  for (const t of created) {
    if (!keep.has(t)) t.dispose();
    else if (parent) parent.push(t);
  }
  return result;
}

/** Runs `fn` with gradient recording set to `enabled`, restoring the previous mode after. */
export function setGradEnabledFor<T>(enabled: boolean, fn: () => T): T {
  const prev = native.isGradEnabled() as boolean;
  native.setGradEnabled(enabled);
  try {
    return fn();
  } finally {
    native.setGradEnabled(prev);
  }
}

/** Runs `fn` without recording operations for autograd (PyTorch's `torch.no_grad()`). */
export function noGrad<T>(fn: () => T): T {
  return setGradEnabledFor(false, fn);
}

/** Runs `fn` with autograd recording on, even inside `noGrad` (PyTorch's `torch.enable_grad()`). */
export function enableGrad<T>(fn: () => T): T {
  return setGradEnabledFor(true, fn);
}

export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}

/** Number of live native tensors and their bytes (for leak checks). */
export function memoryStats(): { tensors: number; bytes: number } {
  return { tensors: native.liveTensors(), bytes: native.liveBytes() };
}
