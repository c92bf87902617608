/**
 * Learning-rate schedules as pure functions of the step (0-based):
 * `opt.setLr(schedule(step))` before each `opt.step()`.
 */
import { finite, int, options, within } from '../torch/check.js';

/**
 * Linear warm-up then cosine decay (Loshchilov & Hutter, 2017, SGDR; Goyal et al.,
 * 2017 for the warm-up), as in SimCLR. Steps 0 … warmupSteps−1 rise linearly,
 * `baseLr·(step+1)/warmupSteps`, so the first step already moves and step
 * warmupSteps−1 reaches `baseLr`; from warmupSteps the rate follows
 * `finalLr + ½(baseLr − finalLr)(1 + cos(π·t))` with t = (step − warmupSteps)/(totalSteps − warmupSteps),
 * reaching `finalLr` at `totalSteps` and staying there.
 */
export function warmupCosine(o: { baseLr: number; warmupSteps: number; totalSteps: number; finalLr?: number }): (step: number) => number {
  const { baseLr, warmupSteps, totalSteps, finalLr = 0 } = within('warmupCosine', () => {
    const c = options(o, 'warmupCosine', ['baseLr', 'warmupSteps', 'totalSteps', 'finalLr']);
    finite(c.baseLr, 'baseLr', 0);
    finite(c.finalLr ?? 0, 'finalLr', 0);
    int(c.totalSteps, 'totalSteps', 1);
    int(c.warmupSteps, 'warmupSteps', 0);
    return c as Required<typeof c>;
  });
  if (warmupSteps > totalSteps)
    throw new RangeError(`warmupCosine: expected warmupSteps <= totalSteps but received warmupSteps=${warmupSteps}, totalSteps=${totalSteps}`);
  return (step) => {
    if (step < warmupSteps) return (baseLr * (step + 1)) / warmupSteps;
    const t = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
    return finalLr + 0.5 * (baseLr - finalLr) * (1 + Math.cos(Math.PI * t));
  };
}

/** `baseLr · gamma^⌊step / stepSize⌋` (PyTorch's StepLR). */
export function stepDecay(o: { baseLr: number; stepSize: number; gamma?: number }): (step: number) => number {
  const { baseLr, stepSize, gamma = 0.1 } = within('stepDecay', () => {
    const c = options(o, 'stepDecay', ['baseLr', 'stepSize', 'gamma']);
    finite(c.baseLr, 'baseLr', 0);
    int(c.stepSize, 'stepSize', 1);
    finite(c.gamma ?? 0.1, 'gamma', 0);
    return c as Required<typeof c>;
  });
  return (step) => baseLr * gamma ** Math.floor(step / stepSize);
}

/** The same rate at every step. */
export function constant(lr: number): (step: number) => number {
  within('constant', () => finite(lr, 'lr', 0));
  return () => lr;
}
