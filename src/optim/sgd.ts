/**
 * SGD with momentum, dampening, Nesterov momentum (Sutskever et al., 2013) and L2
 * weight decay, with PyTorch's `torch.optim.SGD` update:
 *
 *   d = g + λw;  b ← d (first step) or μ·b + (1−τ)·d;  d = d + μ·b (Nesterov) or b;  w ← w − lr·d
 */
import * as torch from '../torch/index.js';
import { describe } from '../torch/check.js';
import { Optimizer, type ParamGroupInput } from './optimizer.js';

export interface SGDOptions {
  /** Learning rate (required). */
  lr: number;
  /** Momentum factor μ. Default 0. */
  momentum: number;
  /** Dampening τ of the momentum. Default 0. */
  dampening: number;
  /** L2 penalty λ added to the gradient. Default 0. */
  weightDecay: number;
  /** Nesterov momentum; needs momentum > 0 and dampening 0. Default false. */
  nesterov: boolean;
}

export class SGD extends Optimizer<SGDOptions> {
  /** `params`: tensors or parameter groups (`{ params, ...overrides }`). */
  constructor(params: torch.Tensor[] | ParamGroupInput<SGDOptions>[], opts: Partial<SGDOptions> & { lr: number }) {
    super(params, { lr: opts?.lr, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false }, opts);
  }

  protected validate(g: SGDOptions, i: number): void {
    this.checkRange(g.lr, 'lr', i, 0);
    this.checkRange(g.momentum, 'momentum', i, 0);
    this.checkRange(g.dampening, 'dampening', i, 0, 1);
    this.checkRange(g.weightDecay, 'weightDecay', i, 0);
    this.checkBoolean(g.nesterov, 'nesterov', i);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0))
      throw new RangeError(
        `SGD: nesterov needs momentum > 0 and dampening 0 but received momentum ${describe(g.momentum)} and dampening ${describe(g.dampening)} (parameter group ${i})`,
      );
  }

  step(): void {
    this.eachParam((p, grad, g, state) => {
      let d = g.weightDecay !== 0 ? grad.add(p, g.weightDecay) : grad;
      if (g.momentum !== 0) {
        let buf = state.momentumBuffer as torch.Tensor | undefined;
        if (!buf) buf = state.momentumBuffer = torch.keep(d.clone());
        else buf.mul_(g.momentum).add_(d, 1 - g.dampening);
        d = g.nesterov ? d.add(buf, g.momentum) : buf;
      }
      p.add_(d, -g.lr);
    });
  }
}
