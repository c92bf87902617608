/**
 * Exponential moving average of a model's weights (Polyak & Juditsky, 1992; the
 * momentum encoder of MoCo/BYOL): shadow ← d·shadow + (1−d)·param for every
 * floating-point entry of the state dict; integer buffers (e.g. BatchNorm's
 * `num_batches_tracked`) are copied.
 */
import * as torch from '../torch/index.js';
import { isFloating } from '../torch/dtype.js';
import { Module } from '../nn/module.js';
import { fail, finite, within } from '../torch/check.js';

export class EMA {
  /** The averaged state dict, keyed like `model.stateDict()`. */
  readonly shadow: Record<string, torch.Tensor> = {};

  /** `decay` d in [0, 1); the shadow starts as a copy of the model's state. */
  constructor(
    model: Module,
    readonly decay = 0.999,
  ) {
    within('EMA', () => {
      if (!(model instanceof Module)) fail(model, 'model', 'a Module');
      if (finite(decay, 'decay', 0, 1) === 1) fail(decay, 'decay', 'a number in [0, 1)', RangeError);
    });
    torch.noGrad(() => {
      for (const [k, t] of Object.entries(model.stateDict())) this.shadow[k] = torch.keep(t.detach().clone());
    });
  }

  /** Moves the shadow toward `model`'s current state (same keys and shapes as at construction). */
  update(model: Module): void {
    const state = model.stateDict();
    const keys = Object.keys(state);
    const missing = Object.keys(this.shadow).filter((k) => !(k in state));
    const extra = keys.filter((k) => !(k in this.shadow));
    if (missing.length || extra.length)
      throw new Error(
        `EMA.update: the model's keys differ from the shadow's (missing: ${missing.join(', ') || 'none'}; new: ${extra.join(', ') || 'none'})`,
      );
    torch.noGrad(() => {
      for (const k of keys) {
        const s = this.shadow[k];
        const t = state[k];
        if (s.shape.join(',') !== t.shape.join(','))
          throw new Error(`EMA.update: ${k} has shape [${t.shape}] in the model but [${s.shape}] in the shadow`);
        if (isFloating(t.dtype)) s.lerp_(t, 1 - this.decay);
        else s.copy_(t);
      }
    });
  }

  /** Copies the averaged weights into `model`. */
  copyTo(model: Module): void {
    model.loadStateDict(this.shadow, true, 'EMA shadow');
  }
}

/**
 * The momentum (target, teacher) update of BYOL, MoCo and DINO, in place:
 * ξ ← m·ξ + (1 − m)·θ for every floating entry of `target`'s state dict, from
 * the same key of `online`'s; integer buffers are copied. Both modules must
 * have the same architecture (same keys and shapes).
 */
export function momentumUpdate_(target: Module, online: Module, momentum: number): void {
  if (!(typeof momentum === 'number' && momentum >= 0 && momentum <= 1))
    throw new RangeError(`momentumUpdate_: expected momentum in [0, 1] but received ${momentum}`);
  const src = online.stateDict();
  torch.noGrad(() => {
    for (const [k, t] of Object.entries(target.stateDict())) {
      const s = src[k];
      if (!s || s.shape.join() !== t.shape.join())
        throw new Error(
          `momentumUpdate_: ${k} is ${s ? `[${s.shape}] in the online network but [${t.shape}] in the target` : 'missing from the online network'}`,
        );
      if (isFloating(t.dtype)) t.lerp_(s, 1 - momentum);
      else t.copy_(s);
    }
  });
}

/**
 * A frozen copy of `online` made by `make` (a fresh module of the same
 * architecture): same weights, no gradients — the target of BYOL, the momentum
 * encoder of MoCo, the teacher of DINO.
 */
export function frozenCopy<M extends Module>(make: () => M, online: Module): M {
  const copy = make();
  copy.loadStateDict(online.stateDict(), true, 'the online network');
  copy.requiresGrad_(false);
  return copy;
}
