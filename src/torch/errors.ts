/**
 * Errors raised by the tensor engine.
 *
 * `TorchError` carries libtorch's own message, prefixed with the op name
 * (`"matmul: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"`).
 * Argument checks done in TypeScript (check.ts) raise `TypeError`/`RangeError`
 * with the argument name and the value received.
 */
export class TorchError extends Error {
  override name = 'TorchError';
  /** The op whose native call failed (the text before the first colon). */
  get op(): string {
    const i = this.message.indexOf(':');
    return i < 0 ? '' : this.message.slice(0, i);
  }
}
