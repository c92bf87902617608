/**
 * What the ranks of a data-parallel run agree on after every step, in one all-reduce
 * of a few float64 scalars: the step's loss and logged terms become their mean over
 * ranks (the global batch's, since every rank holds an equal share), the items seen
 * their sum, and the run stops when any rank was asked to (Ctrl-C, SIGTERM,
 * `stopAfter`), so every rank leaves the loop after the same step and rank 0's
 * checkpoint is every rank's state. One process: the values as they are.
 */
import * as torch from '../torch/index.js';

export interface StepValues {
  loss: number;
  items: number;
  extra?: Record<string, number>;
}

/** This process's rank and the world size (0 of 1 without a process group). */
export function worldOf(): { rank: number; worldSize: number } {
  const d = torch.distributed;
  return d.isInitialized() ? { rank: d.getRank(), worldSize: d.getWorldSize() } : { rank: 0, worldSize: 1 };
}

/** The step's values and the stop flag as the ranks agree on them (see the file's comment). */
export function agreeOnStep<R extends StepValues>(r: R, stop: boolean): { result: R; stop: boolean } {
  const { worldSize } = worldOf();
  if (worldSize === 1) return { result: r, stop };
  const keys = Object.keys(r.extra ?? {});
  const v = torch.scope(() =>
    torch.distributed
      .allReduce(torch.tensor([r.loss, r.items, stop ? 1 : 0, ...keys.map((k) => r.extra![k])], { dtype: 'float64' }), 'sum')
      .toArray(),
  );
  const extra = Object.fromEntries(keys.map((k, i) => [k, v[3 + i] / worldSize]));
  return { result: { ...r, loss: v[0] / worldSize, items: v[1], extra }, stop: v[2] > 0 };
}

/** Rank 0's value of an integer (a step count measured per rank) on every rank. */
export function rank0Value(n: number): number {
  if (worldOf().worldSize === 1) return n;
  return torch.scope(() => torch.distributed.broadcast(torch.tensor([n], { dtype: 'float64' }), 0).item());
}
