/**
 * Batch-norm statistics recomputed after training (PyTorch's
 * `torch.optim.swa_utils.update_bn`): every BatchNorm's running mean and
 * variance are reset and re-estimated as the plain average over `batches`
 * forward passes in training mode, without gradients. Short runs need it for
 * layers with a slow running average (MobileNetV3's momentum 0.01 spans ~100
 * steps, during which the weights still move, so its eval-mode statistics lag
 * the trained network); the buffers then describe the final weights.
 */
import * as torch from '../torch/index.js';
import { BatchNorm1d, BatchNorm2d } from './norm.js';
import type { Module } from './module.js';

/** Re-estimates the running statistics of `model`'s batch norms on `batches` (see the module comment); leaves `model` in eval mode. */
export function updateBatchNorm(model: Module, batches: Iterable<torch.Tensor>): number {
  const norms = [...model.modules()].filter((m): m is BatchNorm1d | BatchNorm2d => m instanceof BatchNorm1d || m instanceof BatchNorm2d);
  const tracked = norms.filter((m) => m.runningMean && m.runningVar && m.numBatchesTracked);
  if (tracked.length === 0) return 0;
  const momenta = tracked.map((m) => m.momentum);
  torch.noGrad(() => {
    for (const m of tracked) {
      torch.fill_(m.runningMean!, 0);
      torch.fill_(m.runningVar!, 1);
      torch.fill_(m.numBatchesTracked!, 0);
      (m as { momentum: number | null }).momentum = null; // cumulative average over the batches
    }
  });
  let n = 0;
  try {
    model.train();
    torch.noGrad(() => {
      for (const x of batches) {
        torch.scope(() => void (model as Module & { forward(x: torch.Tensor): torch.Tensor }).forward(x));
        n++;
      }
    });
  } finally {
    tracked.forEach((m, i) => ((m as { momentum: number | null }).momentum = momenta[i]));
    model.eval();
  }
  return n;
}
