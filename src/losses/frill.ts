/**
 * FRILL's distillation loss (Peplinski, Shor, Joglekar, Garrison, Patel 2021,
 * "FRILL: A Non-Semantic Speech Embedding for Mobile Devices", §3.1; NOSS's
 * `distillation/train_keras.py`): the mean squared error between the student's
 * output s and the teacher's target t, both [N, D],
 *
 *   L = 1/(N·D) · Σ_i Σ_d (s_id − t_id)²
 *
 * (Keras' `MeanSquaredError`: the mean over the last axis, then over the batch).
 * The target is a constant: no gradient reaches it.
 */
import * as torch from '../torch/index.js';
import { checkSameMatrices } from './checks.js';

/** MSE of student outputs [N, D] against detached teacher targets [N, D] → scalar. */
export function distillationMse(student: torch.Tensor, target: torch.Tensor): torch.Tensor {
  checkSameMatrices('distillationMse', [
    ['student', student],
    ['target', target],
  ]);
  return torch.scope(() => student.sub(target.detach()).square().mean());
}
