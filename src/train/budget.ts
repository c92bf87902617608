/**
 * Time budgets: how many optimizer steps fit in a given number of seconds, so
 * that methods of different cost can be compared at equal wall-clock time
 * (the budget is turned into a fixed step count once, before training, so the
 * learning-rate schedule is known and a resumed run does the same steps).
 */
import * as torch from '../torch/index.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';

export interface StepTiming {
  /** The model whose state (weights, buffers) is restored after the timing. */
  model: Module;
  /** A scratch optimizer over the model's parameters (discarded afterwards). */
  optimizer: Optimizer<{ lr: number }>;
  /** One step's forward and backward on batch `i` (the caller's batches; the optimizer step follows). */
  step: (i: number) => void;
  /** After the optimizer step (momentum updates …). */
  afterStep?: (i: number) => void;
  /** Steps to time; the first two are warm-up and not counted. Default 6. */
  steps?: number;
}

/**
 * The median seconds of one training step (forward, backward, optimizer
 * step, after-step hook), timed on the model itself, whose state and the
 * global RNG are restored afterwards, so the run that follows is the same as
 * without the timing.
 */
export function secondsPerStep(o: StepTiming): number {
  const n = o.steps ?? 6;
  if (!Number.isInteger(n) || n < 3) throw new RangeError(`secondsPerStep: expected at least 3 steps but received ${n}`);
  const saved = torch.noGrad(() =>
    Object.fromEntries(Object.entries(o.model.stateDict()).map(([k, t]) => [k, torch.keep(t.detach().clone())])),
  );
  const rng = torch.keep(torch.getRngState());
  const times: number[] = [];
  try {
    o.model.train();
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      torch.scope(() => {
        o.optimizer.zeroGrad();
        o.step(i);
        o.optimizer.step();
        o.afterStep?.(i);
      });
      times.push((performance.now() - t) / 1000);
    }
  } finally {
    o.model.loadStateDict(saved, true, 'the state before timing');
    o.model.zeroGrad();
    torch.setRngState(rng);
    for (const t of [...Object.values(saved), rng]) t.dispose();
  }
  const counted = times.slice(2).sort((a, b) => a - b);
  return counted[Math.floor(counted.length / 2)];
}

/** Steps that fit in `seconds` at `stepSeconds` each (at least 1). */
export const stepsForBudget = (seconds: number, stepSeconds: number): number => Math.max(1, Math.floor(seconds / stepSeconds));
