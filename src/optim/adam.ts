/**
 * Adam (Kingma & Ba, 2015) and AdamW (Loshchilov & Hutter, 2019: decoupled weight
 * decay), with PyTorch's update order and bias correction.
 */
import * as torch from '../torch/index.js';
import { Optimizer, type ParamGroupInput, type ParamState } from './optimizer.js';

export interface AdamOptions {
  lr: number;
  /** Default [0.9, 0.999]. */
  betas: [number, number];
  /** Default 1e-8. */
  eps: number;
  /** Adam: L2 added to the gradient; AdamW: decoupled decay. Default 0 (Adam), 0.01 (AdamW). */
  weightDecay: number;
  /** Keep the running maximum of the second moment. Default false. */
  amsgrad: boolean;
}

export class Adam extends Optimizer<AdamOptions> {
  protected readonly decoupled: boolean = false;

  constructor(params: torch.Tensor[] | ParamGroupInput<AdamOptions>[], opts: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, ...opts });
  }

  protected validate(g: AdamOptions, i: number): void {
    this.checkRange(g.lr, 'lr', i, 0);
    this.checkRange(g.eps, 'eps', i, 0);
    this.checkRange(g.betas?.[0], 'betas[0]', i, 0, 1, true);
    this.checkRange(g.betas?.[1], 'betas[1]', i, 0, 1, true);
    this.checkRange(g.weightDecay, 'weightDecay', i, 0);
  }

  step(): void {
    this.eachParam((p, grad, g, s: ParamState) => {
      const [b1, b2] = g.betas;
      if (s.step === undefined) {
        s.step = 0;
        s.expAvg = torch.keep(torch.zerosLike(p));
        s.expAvgSq = torch.keep(torch.zerosLike(p));
        if (g.amsgrad) s.maxExpAvgSq = torch.keep(torch.zerosLike(p));
      }
      const step = (s.step as number) + 1;
      s.step = step;
      if (g.weightDecay !== 0) {
        if (this.decoupled) p.mul_(1 - g.lr * g.weightDecay);
        else grad = grad.add(p, g.weightDecay);
      }
      const m = s.expAvg as torch.Tensor;
      const v = s.expAvgSq as torch.Tensor;
      m.mul_(b1).add_(grad, 1 - b1);
      v.mul_(b2).addcmul_(grad, grad, 1 - b2);
      const bc1 = 1 - b1 ** step;
      const bc2Sqrt = Math.sqrt(1 - b2 ** step);
      let second = v;
      if (g.amsgrad) {
        const vmax = s.maxExpAvgSq as torch.Tensor;
        vmax.copy_(torch.maximum(vmax, v));
        second = vmax;
      }
      const denom = second.sqrt().div_(bc2Sqrt).add_(g.eps);
      p.addcdiv_(m, denom, -g.lr / bc1);
    });
  }
}

/** AdamW: Adam with decoupled weight decay (default 0.01, as PyTorch). */
export class AdamW extends Adam {
  protected override readonly decoupled = true;

  constructor(params: torch.Tensor[] | ParamGroupInput<AdamOptions>[], opts: Partial<AdamOptions> = {}) {
    super(params, { weightDecay: 0.01, ...opts });
  }
}
