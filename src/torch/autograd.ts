/** `torch.autograd`: gradients of outputs with respect to inputs (libtorch's engine). */
import { native } from './native.js';
import { Tensor } from './tensor.js';
import { bool, describe, fail, options } from './check.js';

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
  if (list.length === 0 || !list.every((t) => t instanceof Tensor))
    fail(value, `${api} ${name}`, 'a Tensor or a non-empty array of Tensors');
  return list;
}

function seedList(seeds: (Tensor | null | undefined)[] | undefined | null, n: number, api: string): (number | null)[] {
  if (seeds === undefined || seeds === null) return [];
  if (!Array.isArray(seeds)) fail(seeds, `${api} gradOutputs`, 'an array of Tensors or nulls');
  if (seeds.length !== n) throw new RangeError(`${api}: gradOutputs has ${seeds.length} entries but there are ${n} outputs`);
  return seeds.map((s, i) => {
    if (s === null || s === undefined) return null;
    if (!(s instanceof Tensor)) throw new TypeError(`${api}: gradOutputs[${i}] must be a Tensor or null but received ${describe(s)}`);
    return s._h;
  });
}
const flag = (v: unknown, name: string): boolean | null => (v === undefined || v === null ? null : bool(v, name));

/**
 * d(outputs · gradOutputs)/d(inputs), without touching `.grad` (PyTorch's
 * `torch.autograd.grad`). Entries are null only for unused inputs with `allowUnused`.
 */
export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], opts?: GradOptions): (Tensor | null)[] {
  const o = options(opts, 'grad', ['gradOutputs', 'retainGraph', 'createGraph', 'allowUnused']);
  const outs = tensorList(outputs, 'outputs', 'grad');
  const ins = tensorList(inputs, 'inputs', 'grad');
  const seeds = seedList(o.gradOutputs, outs.length, 'grad');
  const hs: (number | undefined)[] = native.autogradGrad(
    outs.map((t) => t._h),
    ins.map((t) => t._h),
    seeds,
    flag(o.retainGraph, 'retainGraph'),
    flag(o.createGraph, 'createGraph') ?? false,
    flag(o.allowUnused, 'allowUnused') ?? false,
  );
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
export function backward(
  outputs: Tensor | Tensor[],
  gradOutputs?: (Tensor | null | undefined)[] | null,
  opts?: BackwardOptions | boolean,
): void {
  const o = typeof opts === 'boolean' ? { retainGraph: opts } : options(opts, 'backward', ['retainGraph', 'createGraph', 'inputs']);
  const outs = tensorList(outputs, 'outputs', 'backward');
  const seeds = seedList(gradOutputs, outs.length, 'backward');
  const inputs = o.inputs === undefined || o.inputs === null ? [] : tensorList(o.inputs, 'inputs', 'backward');
  native.autogradBackward(
    outs.map((t) => t._h),
    seeds,
    flag(o.retainGraph, 'retainGraph'),
    flag(o.createGraph, 'createGraph') ?? false,
    inputs.map((t) => t._h),
  );
}
