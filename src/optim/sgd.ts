/** SGD with momentum, dampening, Nesterov and weight decay (PyTorch's `torch.optim.SGD`). */
import * as torch from '../torch/index.js';
import { Optimizer, type ParamGroupInput } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  /** Default 0. */
  momentum: number;
  /** Default 0. */
  dampening: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Default false; needs momentum > 0 and dampening 0. */
  nesterov: boolean;
}

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: torch.Tensor[] | ParamGroupInput<SGDOptions>[], opts: Partial<SGDOptions> & { lr: number }) {
    super(params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, ...opts });
  }

  protected validate(g: SGDOptions, i: number): void {
    this.checkRange(g.lr, 'lr', i, 0);
    this.checkRange(g.momentum, 'momentum', i, 0);
    this.checkRange(g.weightDecay, 'weightDecay', i, 0);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0))
      throw new RangeError(`SGD: nesterov needs momentum > 0 and dampening 0 (parameter group ${i})`);
  }

  step(): void {
    this.eachParam((p, grad, g, state) => {
      let d = g.weightDecay !== 0 ? grad.add(p, g.weightDecay) : grad;
      if (g.momentum !== 0) {
        let buf = state.momentumBuffer as torch.Tensor | undefined;
        if (!buf) buf = state.momentumBuffer = torch.keep(d.detach().clone());
        else buf.mul_(g.momentum).add_(d, 1 - g.dampening);
        d = g.nesterov ? d.add(buf, g.momentum) : buf;
      }
      p.add_(d, -g.lr);
    });
  }
}
