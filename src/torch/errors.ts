/**
 * Errors raised by the tensor engine.
 *
 * `TorchError` carries libtorch's own message, prefixed with the op name
 * (`"matmul: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"`).
 * Argument checks done in TypeScript (check.ts) raise `TypeError`/`RangeError`
 * with the argument name and the value received.
 */
import { fail, int } from './check.js';

export class TorchError extends Error {
  override name = 'TorchError';
  /** The op whose native call failed (the text before the first colon). */
  get op(): string {
    const i = this.message.indexOf(':');
    return i < 0 ? '' : this.message.slice(0, i);
  }
}

// The two checks src/data still imports from here, forwarding to check.ts (whose
// `int` and `fail` take the value first); they go once src/data imports check.ts.
export function check(ok: boolean, what: string, name: string, value: unknown): asserts ok {
  if (!ok) fail(value, name, what);
}
export function checkInt(value: unknown, name: string, min?: number): asserts value is number {
  int(value, name, min);
}
