/**
 * Ownership of native tensor handles: the finalizer safety net and the stack of
 * open `scope()`s. Kept apart from `Tensor` so that scopes and tensors share it
 * without an import cycle.
 *
 * A tensor is owned by exactly one of: the innermost open scope (which disposes
 * it or hands it on when it closes), or the finalizer (tensors made outside any
 * scope, and tensors kept by an outermost scope). Scoped tensors are not
 * registered with the finalizer: registering every temporary of a synchronous
 * training loop would pile up finalization cells that V8 can only clear once the
 * loop yields to the event loop (tens of MB over 10k steps).
 */
import { native } from './native.js';

/** Frees a handle when its Tensor is garbage-collected without `dispose()`. */
export const finalizer = new FinalizationRegistry<number>((handle) => native.free(handle));

/** What the lifecycle needs of a Tensor: its handle and whether the finalizer holds it. */
export interface Owned {
  _h: number;
  _finalized: boolean;
}

/**
 * Tensors handed to the finalizer are first parked here and registered in batches
 * (when 256 are waiting, or when the current job ends): a tensor disposed before
 * then never touches the registry, which keeps unscoped `op().dispose()` cheap
 * (registering and unregistering costs more than a tiny op itself).
 */
const nursery: Owned[] = [];
let flushQueued = false;

function flushNursery(): void {
  flushQueued = false;
  for (const t of nursery)
    if (t._h >= 0 && !t._finalized) {
      finalizer.register(t, t._h, t);
      t._finalized = true;
    }
  nursery.length = 0;
}

/** Hands `t` to the finalizer; `dispose()` unregisters it when it was registered. */
export function registerFinalizer(t: Owned): void {
  nursery.push(t);
  if (nursery.length >= 256) flushNursery();
  else if (!flushQueued) {
    flushQueued = true;
    queueMicrotask(flushNursery);
  }
}

/** Tensors created inside each open scope, innermost last. */
export const scopeStack: { dispose(): void }[][] = [];
