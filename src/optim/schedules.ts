/**
 * Learning-rate schedules as pure functions of the step (0-based):
 * `opt.setLr(schedule(step))` before each `opt.step()`.
 */
import { describe } from '../torch/errors.js';

function checkNumber(value: unknown, name: string, where: string, min: number, integer = false): void {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && (!integer || Number.isInteger(value));
  if (!ok) throw new RangeError(`${where}: expected ${name} to be ${integer ? 'an integer' : 'a finite number'} >= ${min} but received ${describe(value)}`);
}

/**
 * Linear warm-up then cosine decay (Loshchilov & Hutter, 2017, SGDR; Goyal et al.,
 * 2017 for the warm-up), as in SimCLR. Steps 0 … warmupSteps−1 rise linearly,
 * `baseLr·(step+1)/warmupSteps`, so the first step already moves and step
 * warmupSteps−1 reaches `baseLr`; from warmupSteps the rate follows
 * `finalLr + ½(baseLr − finalLr)(1 + cos(π·t))` with t = (step − warmupSteps)/(totalSteps − warmupSteps),
 * reaching `finalLr` at `totalSteps` and staying there.
 */
export function warmupCosine(o: { baseLr: number; warmupSteps: number; totalSteps: number; finalLr?: number }): (step: number) => number {
  const { baseLr, warmupSteps, totalSteps, finalLr = 0 } = o;
  checkNumber(baseLr, 'baseLr', 'warmupCosine', 0);
  checkNumber(finalLr, 'finalLr', 'warmupCosine', 0);
  checkNumber(totalSteps, 'totalSteps', 'warmupCosine', 1, true);
  checkNumber(warmupSteps, 'warmupSteps', 'warmupCosine', 0, true);
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
  const { baseLr, stepSize, gamma = 0.1 } = o;
  checkNumber(baseLr, 'baseLr', 'stepDecay', 0);
  checkNumber(stepSize, 'stepSize', 'stepDecay', 1, true);
  checkNumber(gamma, 'gamma', 'stepDecay', 0);
  return (step) => baseLr * gamma ** Math.floor(step / stepSize);
}

/** The same rate at every step. */
export function constant(lr: number): (step: number) => number {
  checkNumber(lr, 'lr', 'constant', 0);
  return () => lr;
}
