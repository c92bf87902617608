/**
 * LARS as used by SimCLR (You et al., 2017; Chen et al., 2020): SGD with momentum
 * whose learning rate is scaled per layer by trust = η‖w‖/‖g + λw‖. Parameters in
 * groups with `exclude: true` (biases and normalisation parameters, see
 * `larsParamGroups`) get neither adaptation nor weight decay.
 *
 *   g' = g + λw;  r = η‖w‖/‖g'‖ (1 when either norm is 0);  v ← m·v + lr·r·g';  w ← w − v
 */
import * as torch from '../torch/index.js';
import { Module } from '../nn/module.js';
import { fail, within } from '../torch/check.js';
import { Optimizer, type ParamGroupInput } from './optimizer.js';

export interface LARSOptions {
  /** Learning rate (required). */
  lr: number;
  /** Default 0.9. */
  momentum: number;
  /** Default 1e-6 (SimCLR's value). */
  weightDecay: number;
  /** Trust coefficient η. Default 0.001. */
  trustCoefficient: number;
  /** Skip adaptation and weight decay for this group. Default false. */
  exclude: boolean;
}

export class LARS extends Optimizer<LARSOptions> {
  /** `params`: tensors or parameter groups, e.g. from `larsParamGroups(model)`. */
  constructor(params: torch.Tensor[] | ParamGroupInput<LARSOptions>[], opts: Partial<LARSOptions> & { lr: number }) {
    super(params, { lr: opts?.lr, momentum: 0.9, weightDecay: 1e-6, trustCoefficient: 0.001, exclude: false }, opts);
  }

  protected validate(g: LARSOptions, i: number): void {
    this.checkRange(g.lr, 'lr', i, 0);
    this.checkRange(g.momentum, 'momentum', i, 0, 1);
    this.checkRange(g.weightDecay, 'weightDecay', i, 0);
    this.checkRange(g.trustCoefficient, 'trustCoefficient', i, 0);
    this.checkBoolean(g.exclude, 'exclude', i);
  }

  step(): void {
    this.eachParam((p, grad, g, s) => {
      let scaledLr = g.lr;
      if (!g.exclude) {
        if (g.weightDecay !== 0) grad = grad.add(p, g.weightDecay);
        const wNorm = p.norm().item();
        const gNorm = grad.norm().item();
        const trust = wNorm > 0 && gNorm > 0 ? (g.trustCoefficient * wNorm) / gNorm : 1;
        scaledLr = g.lr * trust;
      }
      let v = s.momentumBuffer as torch.Tensor | undefined;
      if (!v) v = s.momentumBuffer = torch.keep(torch.zerosLike(p));
      v.mul_(g.momentum).add_(grad, scaledLr);
      p.sub_(v);
    });
  }
}

/**
 * Splits parameters (a model's, or a list) into LARS groups as SimCLR does:
 * 1-D parameters (biases, batch-norm and layer-norm weights) go to a group with
 * `exclude: true`, which gets neither trust-ratio adaptation nor weight decay.
 * A model's frozen parameters (requiresGrad false: momentum copies) are left out.
 */
export function larsParamGroups(model: Module | torch.Tensor[]): ParamGroupInput<LARSOptions>[] {
  if (!(model instanceof Module) && !Array.isArray(model))
    within('larsParamGroups', () => fail(model, 'model', 'a Module or an array of parameters'));
  const params = Array.isArray(model) ? model : model.parameters().filter((p) => p.requiresGrad);
  return [{ params: params.filter((p) => p.dim() > 1) }, { params: params.filter((p) => p.dim() <= 1), exclude: true }].filter(
    (g) => g.params.length > 0,
  );
}
