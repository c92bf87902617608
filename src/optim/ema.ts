/** Exponential moving average of a model's weights: shadow ← d·shadow + (1−d)·param. */
import * as torch from '../torch/index.js';
import type { Module } from '../nn/module.js';

export class EMA {
  readonly shadow: Record<string, torch.Tensor> = {};

  /** `decay` in [0, 1); the shadow starts as a copy of the model's state. */
  constructor(model: Module, readonly decay = 0.999) {
    if (!(decay >= 0 && decay < 1)) throw new RangeError(`EMA: expected decay in [0, 1) but received ${decay}`);
    torch.noGrad(() => {
      for (const [k, t] of Object.entries(model.stateDict())) this.shadow[k] = torch.keep(t.detach().clone());
    });
  }

  /** Moves floating-point entries toward the model's; integer buffers are copied. */
  update(model: Module): void {
    torch.noGrad(() => {
      for (const [k, t] of Object.entries(model.stateDict())) {
        const s = this.shadow[k];
        if (!s) throw new Error(`EMA.update: the model has a new key ${k}`);
        if (['float32', 'float64', 'float16', 'bfloat16'].includes(t.dtype)) torch.scope(() => s.lerp_(t, 1 - this.decay));
        else s.copy_(t);
      }
    });
  }

  /** Copies the averaged weights into `model`. */
  copyTo(model: Module): void {
    model.loadStateDict(this.shadow);
  }
}
