/**
 * Errors raised by the tensor engine.
 *
 * `TorchError` carries libtorch's own message, prefixed with the op name
 * (`"matmul: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"`).
 * Argument checks done in TypeScript raise `TypeError`/`RangeError` with the
 * argument name and the value received.
 */
export class TorchError extends Error {
  override name = 'TorchError';
  /** The op whose native call failed (the text before the first colon). */
  get op(): string {
    const i = this.message.indexOf(':');
    return i < 0 ? '' : this.message.slice(0, i);
  }
}

/** Describes a received value for error messages: `-3 of type number`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}] of type array`;
  if (typeof value === 'object') return `an object of type ${value.constructor?.name ?? 'object'}`;
  if (typeof value === 'string') return `"${value}" of type string`;
  return `${String(value)} of type ${typeof value}`;
}

/** Throws `TypeError: Expected <what> for <name> but received <value>` unless ok. */
export function check(ok: boolean, what: string, name: string, value: unknown): asserts ok {
  if (!ok) throw new TypeError(`Expected ${what} for ${name} but received ${describe(value)}`);
}

export function checkInt(value: unknown, name: string, min = -Infinity): asserts value is number {
  const ok = typeof value === 'number' && Number.isInteger(value) && value >= min;
  if (!ok) {
    const what = min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : 'an integer';
    throw new RangeError(`Expected ${what} for ${name} but received ${describe(value)}`);
  }
}

export function checkShape(shape: unknown, name = 'shape'): asserts shape is number[] {
  const ok = Array.isArray(shape) && shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0);
  if (!ok) throw new RangeError(`Expected an array of non-negative integers for ${name} but received ${describe(shape)}`);
}
