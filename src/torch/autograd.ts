/** `torch.autograd`: gradients of outputs with respect to inputs (libtorch's engine). */
import { native } from './native.js';
import { Tensor, wrapAll } from './tensor.js';
import { check } from './errors.js';

export interface GradOptions {
  /** Seeds for non-scalar outputs (PyTorch's `grad_outputs`). */
  gradOutputs?: (Tensor | null)[];
  /** Keep the graph for another backward pass (default: createGraph). */
  retainGraph?: boolean;
  /** Record the gradient computation itself, for higher-order gradients. */
  createGraph?: boolean;
  /** Return null for inputs that do not affect the outputs instead of throwing. */
  allowUnused?: boolean;
}

/** d(sum of outputs)/d(inputs), without touching `.grad` (PyTorch's `torch.autograd.grad`). */
export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], opts: GradOptions = {}): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  check(outs.every((t) => t instanceof Tensor), 'Tensors', 'outputs', outputs);
  check(ins.every((t) => t instanceof Tensor), 'Tensors', 'inputs', inputs);
  const seeds = opts.gradOutputs ?? outs.map(() => null);
  if (seeds.length !== outs.length)
    throw new RangeError(`grad: gradOutputs has ${seeds.length} entries but there are ${outs.length} outputs`);
  const create = opts.createGraph ?? false;
  const hs: (number | undefined)[] = native.autogradGrad(
    outs.map((t) => t._h), ins.map((t) => t._h), seeds.map((s) => (s ? s._h : null)),
    opts.retainGraph ?? create, create, opts.allowUnused ?? false);
  return hs.map((h) => (h === undefined ? null : wrapAll([h])[0]));
}

/** Calls `backward()` on each output with its seed (PyTorch's `torch.autograd.backward`). */
export function backward(outputs: Tensor[], gradOutputs?: (Tensor | undefined)[], retainGraph = false): void {
  outputs.forEach((o, i) => o.backward(gradOutputs?.[i], { retainGraph: retainGraph || i < outputs.length - 1 }));
}
