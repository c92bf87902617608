/** `torch.autograd`: gradients of outputs with respect to inputs (libtorch's engine). */
import { native } from './native.js';
import { Tensor } from './tensor.js';
import { check, describe } from './errors.js';

export interface GradOptions {
  /** Seeds for non-scalar outputs (PyTorch's `grad_outputs`); null entries mean "implicit 1" for scalars. */
  gradOutputs?: (Tensor | null | undefined)[];
  /** Keep the graph for another backward pass (default: createGraph). */
  retainGraph?: boolean;
  /** Record the gradient computation itself, for higher-order gradients. */
  createGraph?: boolean;
  /** Return null for inputs that do not affect the outputs instead of throwing. */
  allowUnused?: boolean;
}

function tensorList(value: Tensor | Tensor[], name: string, api: string): Tensor[] {
  const list = Array.isArray(value) ? value : [value];
  check(list.length > 0 && list.every((t) => t instanceof Tensor), 'a Tensor or a non-empty array of Tensors', `${api} ${name}`, value);
  return list;
}

function seedList(seeds: (Tensor | null | undefined)[] | undefined, n: number, api: string): (number | null)[] {
  if (seeds === undefined) return [];
  check(Array.isArray(seeds), 'an array of Tensors or nulls', `${api} gradOutputs`, seeds);
  if (seeds.length !== n)
    throw new RangeError(`${api}: gradOutputs has ${seeds.length} entries but there are ${n} outputs`);
  return seeds.map((s, i) => {
    if (s === null || s === undefined) return null;
    if (!(s instanceof Tensor)) throw new TypeError(`${api}: gradOutputs[${i}] must be a Tensor or null but received ${describe(s)}`);
    return s._h;
  });
}

/**
 * d(outputs · gradOutputs)/d(inputs), without touching `.grad` (PyTorch's
 * `torch.autograd.grad`). Entries are null only for unused inputs with `allowUnused`.
 */
export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], opts: GradOptions = {}): (Tensor | null)[] {
  const outs = tensorList(outputs, 'outputs', 'grad');
  const ins = tensorList(inputs, 'inputs', 'grad');
  const seeds = seedList(opts.gradOutputs, outs.length, 'grad');
  const hs: (number | undefined)[] = native.autogradGrad(
    outs.map((t) => t._h), ins.map((t) => t._h), seeds,
    opts.retainGraph ?? null, opts.createGraph ?? false, opts.allowUnused ?? false);
  return hs.map((h) => (h === undefined ? null : new Tensor(h)));
}

export interface BackwardOptions {
  /** Keep the graph for another backward pass (default: createGraph). */
  retainGraph?: boolean;
  /** Record the gradient computation, for higher-order gradients. */
  createGraph?: boolean;
  /** Accumulate only into these leaves' `.grad` (default: every leaf). */
  inputs?: Tensor[];
}

/**
 * Accumulates d(outputs · gradOutputs)/d(leaves) into each leaf's `.grad` in one
 * pass of the engine (PyTorch's `torch.autograd.backward`).
 */
export function backward(outputs: Tensor | Tensor[], gradOutputs?: (Tensor | null | undefined)[], opts: BackwardOptions | boolean = {}): void {
  const o: BackwardOptions = typeof opts === 'boolean' ? { retainGraph: opts } : opts;
  const outs = tensorList(outputs, 'outputs', 'backward');
  const seeds = seedList(gradOutputs, outs.length, 'backward');
  const inputs = o.inputs === undefined ? [] : tensorList(o.inputs, 'inputs', 'backward');
  native.autogradBackward(outs.map((t) => t._h), seeds, o.retainGraph ?? null, o.createGraph ?? false, inputs.map((t) => t._h));
}
