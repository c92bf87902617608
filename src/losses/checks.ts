/**
 * Argument checks shared by the losses, on top of the engine's one checking
 * module (src/torch/check.ts): every error names the loss, the argument, what
 * was expected and what was received.
 */
import type * as torch from '../torch/index.js';
import { finite, positive, tensor, within } from '../torch/check.js';

type Tensor = torch.Tensor;

/** Throws a TypeError unless `t` is a live Tensor. */
export function checkTensor(fn: string, name: string, t: unknown): asserts t is Tensor {
  const x = within(fn, () => tensor(t, name));
  if (x.isDisposed) throw new TypeError(`${fn}: ${name} was disposed`);
}

export interface MatrixCheck {
  /** The fewest rows accepted (default 1) … */
  minRows?: number;
  /** … and what they are needed for, e.g. 'for batch statistics'. */
  why?: string;
  /** The shape's name in errors (default '[N, D]'). */
  dims?: string;
}

/**
 * Checks named 2-D tensors of one shape (each against the first) with at least
 * `minRows` rows; returns [N, D].
 */
export function checkSameMatrices(fn: string, named: [string, unknown][], o: MatrixCheck = {}): [number, number] {
  const { minRows = 1, why = '', dims = '[N, D]' } = o;
  for (const [name, t] of named) checkTensor(fn, name, t);
  const [[first, a], ...rest] = named as [string, Tensor][];
  const shapeError = (name: string, b: Tensor): RangeError =>
    new RangeError(`${fn}: expected ${first} and ${name} of the same shape ${dims} but received [${a.shape}] and [${b.shape}]`);
  if (a.ndim !== 2)
    throw named.length > 1
      ? shapeError(rest[0][0], rest[0][1])
      : new RangeError(`${fn}: expected ${first} of shape ${dims} but received [${a.shape}]`);
  for (const [name, b] of rest) if (b.ndim !== 2 || b.shape[0] !== a.shape[0] || b.shape[1] !== a.shape[1]) throw shapeError(name, b);
  if (a.shape[0] < minRows)
    throw new RangeError(`${fn}: needs at least ${minRows} samples${why ? ` ${why}` : ''} but received N = ${a.shape[0]}`);
  return [a.shape[0], a.shape[1]];
}

/** A finite number > 0 (a RangeError, or a TypeError for a non-number, naming the loss). */
export const checkPositive = (fn: string, name: string, value: unknown): number => within(fn, () => positive(value, name));

/** A finite number ≥ 0. */
export const checkNonNegative = (fn: string, name: string, value: unknown): number => within(fn, () => finite(value, name, 0));
