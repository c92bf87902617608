/**
 * Latency of a model's forward pass: the median and 90th percentile of the wall
 * time of `runs` calls after `warmup` untimed ones, at libtorch's current
 * thread count (set it first: deployment latency is usually quoted at one
 * thread and batch 1).
 */
import * as torch from '../torch/index.js';
import { int, within } from '../torch/check.js';

export interface Latency {
  /** Median milliseconds per call. */
  medianMs: number;
  /** 90th-percentile milliseconds per call. */
  p90Ms: number;
  runs: number;
  threads: number;
}

/** Times `forward` on `input` without autograd (see the module comment). */
export function latency(
  forward: (x: torch.Tensor) => torch.Tensor,
  input: torch.Tensor,
  o: { warmup?: number; runs?: number } = {},
): Latency {
  const { warmup = 5, runs = 30 } = o;
  within('latency', () => {
    int(warmup, 'warmup', 0);
    int(runs, 'runs', 1);
  });
  const times: number[] = [];
  torch.noGrad(() => {
    for (let i = 0; i < warmup + runs; i++) {
      const t0 = performance.now();
      torch.scope(() => void forward(input));
      if (i >= warmup) times.push(performance.now() - t0);
    }
  });
  times.sort((a, b) => a - b);
  const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { medianMs: at(0.5), p90Ms: at(0.9), runs, threads: torch.getNumThreads() };
}
