/**
 * Learning-rate schedules as pure functions of the step count. Convention (the one
 * `fit` follows): the update that completes step s + 1 runs at `schedule(s + 1)`,
 * i.e. `opt.setLr(schedule(step + 1))` before the (step+1)-th `opt.step()`. A warm-up
 * starting from 0 (PyTorch's LinearLR ramp, SimCLR's) thus moves from the first
 * update, at baseLr / warmupSteps, instead of spending it at rate 0; the last update
 * runs at the schedule's end value.
 */
import { finite, int, options, within } from '../torch/check.js';

/** The checked options of a warm-up schedule; errors start with `op`. */
function checkWarmup<O extends { baseLr: number; warmupSteps: number; totalSteps: number; finalLr?: number }>(op: string, o: O): O {
  const c = within(op, () => {
    const c = options(o, op, ['baseLr', 'warmupSteps', 'totalSteps', 'finalLr']);
    finite(c.baseLr, 'baseLr', 0);
    finite(c.finalLr ?? 0, 'finalLr', 0);
    int(c.totalSteps, 'totalSteps', 1);
    int(c.warmupSteps, 'warmupSteps', 0);
    return c as O;
  });
  if (c.warmupSteps > c.totalSteps)
    throw new RangeError(`${op}: expected warmupSteps <= totalSteps but received warmupSteps=${c.warmupSteps}, totalSteps=${c.totalSteps}`);
  return c;
}

/**
 * Linear warm-up then cosine decay (Loshchilov & Hutter, 2017, SGDR; Goyal et al.,
 * 2017 for the warm-up), as in SimCLR. Steps 0 … warmupSteps rise linearly,
 * `baseLr·step/warmupSteps` (0 at step 0, `baseLr` at warmupSteps); from there the
 * rate follows `finalLr + ½(baseLr − finalLr)(1 + cos(π·t))` with
 * t = (step − warmupSteps)/(totalSteps − warmupSteps), reaching `finalLr` at
 * `totalSteps` and staying there. Under the module's convention the updates run at
 * steps 1 … totalSteps: the first at baseLr/warmupSteps, the last at finalLr.
 */
export function warmupCosine(o: { baseLr: number; warmupSteps: number; totalSteps: number; finalLr?: number }): (step: number) => number {
  const { baseLr, warmupSteps, totalSteps, finalLr = 0 } = checkWarmup('warmupCosine', o);
  return (step) => {
    if (step < warmupSteps) return (baseLr * step) / warmupSteps;
    const t = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
    return finalLr + 0.5 * (baseLr - finalLr) * (1 + Math.cos(Math.PI * t));
  };
}

/**
 * Linear warm-up to `baseLr` over `warmupSteps`, then linear decay to 0 at
 * `totalSteps` (BERT's and ELECTRA's schedule: polynomial decay of power 1).
 * Same step convention as `warmupCosine`.
 */
export function warmupLinear(o: { baseLr: number; warmupSteps: number; totalSteps: number }): (step: number) => number {
  const { baseLr, warmupSteps, totalSteps } = checkWarmup('warmupLinear', o);
  return (step) => {
    if (step < warmupSteps) return (baseLr * step) / warmupSteps;
    return baseLr * Math.max(0, 1 - (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
  };
}

/** `baseLr · gamma^⌊step / stepSize⌋` (PyTorch's StepLR). */
export function stepDecay(o: { baseLr: number; stepSize: number; gamma?: number }): (step: number) => number {
  const {
    baseLr,
    stepSize,
    gamma = 0.1,
  } = within('stepDecay', () => {
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
