/**
 * What the `torch.nn.functional` files share beyond the argument checks of
 * check.ts: result wrapping, reduction codes, and shape errors found in TypeScript,
 * raised as `TorchError` prefixed with the op name like the ones libtorch reports.
 */
import { Tensor } from '../tensor.js';
import { TorchError } from '../errors.js';
import { oneOf } from '../check.js';

export const T = (h: number): Tensor => new Tensor(h);

export type Reduction = 'none' | 'mean' | 'sum';
const REDUCTIONS = ['none', 'mean', 'sum'] as const;

/** libtorch's reduction code (0 none, 1 mean, 2 sum). */
export function reduction(value: unknown = 'mean'): number {
  return REDUCTIONS.indexOf(oneOf(value, 'reduction', REDUCTIONS));
}

/** Runs fn, re-labelling a TorchError from native op `from` as coming from `op` (PyTorch-facing name). */
export function relabel<R>(op: string, from: string, fn: () => R): R {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TorchError && e.op === from) throw new TorchError(`${op}${e.message.slice(from.length)}`);
    throw e;
  }
}

/** Raises a TorchError `"<op>: <message>"` (shape errors detected in TypeScript). */
export function shapeError(op: string, message: string): never {
  throw new TorchError(`${op}: ${message}`);
}

export const fmt = (shape: number[]): string => `[${shape.join(', ')}]`;

/** Raises a TorchError unless target has exactly input's shape. */
export function sameShape(op: string, input: Tensor, target: Tensor, message: (t: string, i: string) => string): void {
  const a = input.shape;
  const b = target.shape;
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) shapeError(op, message(fmt(b), fmt(a)));
}
