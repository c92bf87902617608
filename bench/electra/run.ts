/**
 * bench/electra: ELECTRA pretraining throughput (tokens per second = batch ×
 * length × steps / seconds), selfsup vs PyTorch on the same machine in the same
 * run:
 *
 *   npm run bench:electra [-- --quick] [-- --threads N]
 *
 * Each workload (workloads.ts: the model sizes, batch 32 × 128 tokens) runs the
 * full step — masking and Gumbel noise, generator (¼ width), sampling,
 * discriminator, loss mlm + 50·disc, backward, AdamW — in selfsup (this
 * process) and in reference.py (a Debian python3-torch child process),
 * alternating, best of each side, at `--threads` intra-op threads (default: the
 * machine's cores, at most 2) and again at 1 thread. Warm-up steps are not
 * timed. With several threads PyTorch also runs with OMP_WAIT_POLICY=passive,
 * selfsup's default: libgomp's default (spin ~3 ms before sleeping) costs
 * PyTorch dearly on a machine where other processes hold the cores, so that
 * column separates the wait policy from the rest. Target: throughput ≥ 1×
 * PyTorch's (as it comes).
 */
import { torch } from '../../src/index.js';
import { bestOfAlternations, reference as python, startBench } from '../common.js';
import { WORKLOADS, electraSteps, referenceArgs, type StepTiming, type Workload } from './workloads.js';

const args = startBench('electra');
const warmup = 2;
const steps = args.quick ? 3 : 8;
const threadCounts = [...new Set([args.threads, 1])];

/** reference.py's timing of `w` at `threads` threads, with `env` added to PyTorch's own environment. */
function reference(w: Workload, threads: number, env: NodeJS.ProcessEnv = {}): StepTiming {
  return python<StepTiming>('electra', 'electra', threads, [...referenceArgs(w), warmup, steps], env);
}

/** The sides of a row: selfsup, PyTorch as it comes (libgomp's spin-then-sleep) and, with several threads, PyTorch with sleeping threads as selfsup's. */
type Side = 'ours' | 'pytorch' | 'passive';
const runs: Record<Side, (w: Workload, threads: number) => StepTiming> = {
  ours: (w) => electraSteps(w, warmup, steps),
  pytorch: (w, threads) => reference(w, threads),
  passive: (w, threads) => reference(w, threads, { OMP_WAIT_POLICY: 'passive' }),
};

const rows: { w: Workload; threads: number; best: Partial<Record<Side, StepTiming>> }[] = [];
for (const threads of threadCounts)
  for (const w of WORKLOADS) {
    torch.setNumThreads(threads);
    const sides: Side[] = threads > 1 ? ['ours', 'pytorch', 'passive'] : ['ours', 'pytorch'];
    const best = bestOfAlternations(
      sides,
      args.alternations,
      (side) => runs[side](w, threads),
      (i, b) =>
        console.error(
          `  ${w.name}, ${threads} thread(s), round ${i + 1}/${args.alternations}: ${sides.map((s) => `${s} ${(b[s]!.seconds * 1e3).toFixed(0)} ms`).join(', ')} per step`,
        ),
    );
    rows.push({ w, threads, best });
  }

const rate = (w: Workload, t?: StepTiming): number => (t ? (w.batch * w.size.maxPositions) / t.seconds : NaN);
const cell = (w: Workload, ours: StepTiming, t?: StepTiming): string =>
  t ? `${rate(w, t).toFixed(0)} tokens/s (${(rate(w, ours) / rate(w, t)).toFixed(2)}×)` : '—';
console.log(
  '| ELECTRA pretraining step, batch 32 × 128 tokens | threads | selfsup | PyTorch (ratio) | PyTorch, OMP_WAIT_POLICY=passive (ratio) | target ≥ 1× PyTorch |',
);
console.log('|---|---|---|---|---|---|');
for (const { w, threads, best } of rows) {
  const ours = best.ours!;
  const ratio = rate(w, ours) / rate(w, best.pytorch);
  console.log(
    `| ${w.name} | ${threads} | ${rate(w, ours).toFixed(0)} tokens/s | ${cell(w, ours, best.pytorch)} | ${cell(w, ours, best.passive)} | ${ratio >= 1 ? 'met' : 'missed'} |`,
  );
}
console.error(
  `bench/electra: ${warmup} warm-up + ${steps} timed steps per round; ratios are selfsup / PyTorch tokens per second (> 1: selfsup faster); last losses (selfsup / PyTorch): ${rows.map((r) => `${r.best.ours!.loss.toFixed(2)} / ${r.best.pytorch!.loss.toFixed(2)}`).join(', ')}`,
);
