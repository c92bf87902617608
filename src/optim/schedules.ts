/** Learning-rate schedules as pure functions of the step (0-based). */

/** Linear warm-up from 0 to `baseLr` over `warmupSteps`, then cosine decay to `finalLr` at `totalSteps`. */
export function warmupCosine(o: { baseLr: number; warmupSteps: number; totalSteps: number; finalLr?: number }): (step: number) => number {
  const { baseLr, warmupSteps, totalSteps, finalLr = 0 } = o;
  if (!(totalSteps > 0) || warmupSteps < 0 || warmupSteps > totalSteps)
    throw new RangeError(`warmupCosine: expected 0 <= warmupSteps <= totalSteps and totalSteps > 0 but received warmupSteps=${warmupSteps}, totalSteps=${totalSteps}`);
  return (step) => {
    if (step < warmupSteps) return (baseLr * (step + 1)) / warmupSteps;
    const t = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
    return finalLr + 0.5 * (baseLr - finalLr) * (1 + Math.cos(Math.PI * t));
  };
}

/** Multiplies `baseLr` by `gamma` every `stepSize` steps (PyTorch's StepLR). */
export function stepDecay(o: { baseLr: number; stepSize: number; gamma?: number }): (step: number) => number {
  const { baseLr, stepSize, gamma = 0.1 } = o;
  if (!(stepSize > 0)) throw new RangeError(`stepDecay: expected stepSize > 0 but received ${stepSize}`);
  return (step) => baseLr * gamma ** Math.floor(step / stepSize);
}

export function constant(lr: number): (step: number) => number {
  return () => lr;
}
