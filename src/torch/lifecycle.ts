/**
 * Ownership of native tensor handles: the finalizer safety net and the stack of
 * open `scope()`s. Kept apart from `Tensor` so that scopes and tensors share it
 * without an import cycle.
 */
import { native } from './native.js';

/** Frees a handle when its Tensor is garbage-collected without `dispose()`. */
export const finalizer = new FinalizationRegistry<number>((handle) => native.free(handle));

/** Tensors created inside each open scope, innermost last. */
export const scopeStack: { dispose(): void }[][] = [];
