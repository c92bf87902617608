/** Gradient clipping by global norm (PyTorch's `clip_grad_norm_`). */
import * as torch from '../torch/index.js';

/** Scales all gradients so their joint `normType`-norm is at most `maxNorm`; returns the norm before clipping. */
export function clipGradNorm_(params: torch.Tensor[], maxNorm: number, normType = 2): number {
  if (!(maxNorm > 0)) throw new RangeError(`clipGradNorm_: expected maxNorm > 0 but received ${maxNorm}`);
  return torch.noGrad(() => torch.scope(() => {
    const grads = params.map((p) => p.grad).filter((g): g is torch.Tensor => g !== null);
    if (grads.length === 0) return 0;
    const total = normType === Infinity
      ? Math.max(...grads.map((g) => g.abs().max().item()))
      : torch.stack(grads.map((g) => g.norm(normType))).norm(normType).item();
    const coef = maxNorm / (total + 1e-6);
    if (coef < 1) for (const g of grads) g.mul_(coef);
    return total;
  }));
}
