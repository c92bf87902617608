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
 * timed. Target: throughput ≥ 1× PyTorch's.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { torch } from '../../src/index.js';
import { packageRoot } from '../../src/torch/native.js';
import { measure, pytorchEnv, startBench, type Row } from '../common.js';
import { WORKLOADS, electraSteps, referenceArgs, type StepTiming, type Workload } from './workloads.js';

const args = startBench('electra');
const warmup = 2;
const steps = args.quick ? 3 : 8;
const threadCounts = [...new Set([args.threads, 1])];

/** reference.py's timing of `w` at `threads` threads. */
function reference(w: Workload, threads: number): StepTiming {
  const script = join(packageRoot, 'bench', 'electra', 'reference.py');
  const argv = [script, 'electra', threads, ...referenceArgs(w), warmup, steps].map(String);
  const r = spawnSync('/usr/bin/python3', argv, { encoding: 'utf8', env: pytorchEnv() });
  if (r.status !== 0) throw new Error(`PyTorch reference electra failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as StepTiming;
}

const rows: { w: Workload; threads: number; row: Row; losses: [number, number] }[] = [];
for (const threads of threadCounts)
  for (const w of WORKLOADS) {
    torch.setNumThreads(threads);
    const losses: [number, number] = [NaN, NaN];
    const row = measure(
      args,
      `${w.name}, ${threads} thread(s)`,
      'ms',
      1,
      () => {
        const t = electraSteps(w, warmup, steps);
        losses[0] = t.loss;
        return t.seconds;
      },
      () => {
        const t = reference(w, threads);
        losses[1] = t.loss;
        return t.seconds;
      },
    );
    rows.push({ w, threads, row, losses });
  }

const tokens = (w: Workload, seconds: number): string => ((w.batch * w.size.maxPositions) / seconds).toFixed(0);
console.log('| ELECTRA pretraining step, batch 32 × 128 tokens | threads | selfsup | PyTorch | throughput ratio | target |');
console.log('|---|---|---|---|---|---|');
for (const { w, threads, row } of rows) {
  const ratio = row.theirs / row.ours;
  console.log(
    `| ${w.name} | ${threads} | ${tokens(w, row.ours)} tokens/s | ${tokens(w, row.theirs)} tokens/s | ${ratio.toFixed(2)}× | ≥ 1× (${ratio >= 1 ? 'met' : 'missed'}) |`,
  );
}
console.error(
  `bench/electra: ${warmup} warm-up + ${steps} timed steps per round; last losses (selfsup / PyTorch): ${rows.map((r) => r.losses.map((l) => l.toFixed(2)).join(' / ')).join(', ')}`,
);
