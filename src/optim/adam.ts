/**
 * Adam (Kingma & Ba, 2015, "Adam: A Method for Stochastic Optimization") and AdamW
 * (Loshchilov & Hutter, 2019, "Decoupled Weight Decay Regularization"), with
 * PyTorch's update order and bias correction:
 *
 *   Adam:  g ← g + λw          AdamW: w ← w·(1 − lr·λ)
 *   m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  v̂ = max(v̂, v) (AMSGrad) or v
 *   w ← w − lr/(1−β₁ᵗ) · m / (√v̂ / √(1−β₂ᵗ) + ε)
 *
 * State per parameter: `step`, `expAvg` (m), `expAvgSq` (v), `maxExpAvgSq` (AMSGrad).
 */
import * as torch from '../torch/index.js';
import { native } from '../torch/native.js';
import { describe } from '../torch/check.js';
import { Optimizer, type ParamGroupInput, type ParamState } from './optimizer.js';

export interface AdamOptions {
  /** Default 1e-3. */
  lr: number;
  /** Moment decay rates (β₁, β₂), each in [0, 1). Default [0.9, 0.999]. */
  betas: [number, number];
  /** Added to the denominator. Default 1e-8. */
  eps: number;
  /** Adam: L2 penalty added to the gradient; AdamW: decoupled decay. Default 0 (Adam), 0.01 (AdamW). */
  weightDecay: number;
  /** AMSGrad (Reddi et al., 2018): keep the running maximum of the second moment. Default false. */
  amsgrad: boolean;
}

export class Adam extends Optimizer<AdamOptions> {
  /** Whether weight decay is decoupled from the gradient (AdamW). */
  protected get decoupled(): boolean {
    return false;
  }

  /** `params`: tensors or parameter groups (`{ params, ...overrides }`). */
  constructor(params: torch.Tensor[] | ParamGroupInput<AdamOptions>[], opts: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false }, opts);
  }

  protected validate(g: AdamOptions, i: number): void {
    this.checkRange(g.lr, 'lr', i, 0);
    this.checkRange(g.eps, 'eps', i, 0);
    if (!Array.isArray(g.betas) || g.betas.length !== 2)
      throw new RangeError(
        `${this.constructor.name}: expected betas to be [beta1, beta2] but received ${describe(g.betas)} (parameter group ${i})`,
      );
    this.checkRange(g.betas[0], 'betas[0]', i, 0, 1, true);
    this.checkRange(g.betas[1], 'betas[1]', i, 0, 1, true);
    this.checkRange(g.weightDecay, 'weightDecay', i, 0);
    this.checkBoolean(g.amsgrad, 'amsgrad', i);
  }

  /** One fused native update per parameter group (parameters without a gradient are skipped). */
  step(): void {
    for (const g of this.paramGroups) {
      const live = g.params.filter((p) => native.hasGrad(p._h));
      if (live.length === 0) continue;
      const states = live.map((p) => this.initState(p, g.amsgrad));
      const h = (k: string): number[] => states.map((s) => (s[k] as torch.Tensor)._h);
      native.adamStep(
        live.map((p) => p._h),
        h('expAvg'),
        h('expAvgSq'),
        g.amsgrad ? h('maxExpAvgSq') : [],
        states.map((s) => (s.step = (s.step as number) + 1)),
        g.lr,
        g.betas[0],
        g.betas[1],
        g.eps,
        g.weightDecay,
        this.decoupled,
      );
    }
  }

  /** The state of `p`, created as zeros on its first update. */
  private initState(p: torch.Tensor, amsgrad: boolean): ParamState {
    const s = this.stateOf(p);
    const zeros = (): torch.Tensor => torch.keep(torch.noGrad(() => torch.zerosLike(p)));
    if (s.step === undefined) {
      s.step = 0;
      s.expAvg = zeros();
      s.expAvgSq = zeros();
    }
    if (amsgrad && !s.maxExpAvgSq) s.maxExpAvgSq = zeros();
    return s;
  }
}

/** AdamW: Adam with decoupled weight decay (default 0.01, as PyTorch). */
export class AdamW extends Adam {
  protected override get decoupled(): boolean {
    return true;
  }

  constructor(params: torch.Tensor[] | ParamGroupInput<AdamOptions>[], opts: Partial<AdamOptions> = {}) {
    super(params, { weightDecay: 0.01, ...opts });
  }
}
