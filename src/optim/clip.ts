/** Gradient clipping by global norm (PyTorch's `torch.nn.utils.clip_grad_norm_`). */
import * as torch from '../torch/index.js';
import { fail, finite, num, within } from '../torch/check.js';

/**
 * Scales the gradients of `params` in place so that their joint `normType`-norm
 * (the norm of the per-tensor norms; `Infinity` for the max-abs norm) is at most
 * `maxNorm`: each gradient is multiplied by min(1, maxNorm / (total + 1e-6)).
 * Parameters without a gradient are skipped. Returns the total norm before clipping.
 */
export function clipGradNorm_(params: torch.Tensor | torch.Tensor[], maxNorm: number, normType = 2): number {
  const list = params instanceof torch.Tensor ? [params] : params;
  within('clipGradNorm_', () => {
    if (!Array.isArray(list) || !list.every((p) => p instanceof torch.Tensor)) fail(params, 'params', 'a Tensor or an array of Tensors');
    if (!(finite(maxNorm, 'maxNorm') > 0)) fail(maxNorm, 'maxNorm', 'a finite number > 0', RangeError);
    if (!(num(normType, 'normType') > 0)) fail(normType, 'normType', 'a number > 0 or Infinity', RangeError);
  });
  return torch.noGrad(() =>
    torch.scope(() => {
      const grads = list.map((p) => p.grad).filter((g): g is torch.Tensor => g !== null);
      if (grads.length === 0) return 0;
      const total =
        normType === Infinity
          ? Math.max(...grads.map((g) => g.abs().max().item()))
          : torch
              .stack(grads.map((g) => g.norm(normType)))
              .norm(normType)
              .item();
      const coef = maxNorm / (total + 1e-6);
      if (coef < 1) for (const g of grads) g.mul_(coef);
      return total;
    }),
  );
}
