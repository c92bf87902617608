/**
 * bench/simclr: SimCLR pretraining throughput end to end (PNG decode + two views +
 * training step), images per second, selfsup vs PyTorch + torchvision on the same
 * machine in the same run:
 *
 *   npm run bench:simclr [-- --quick] [-- --threads N] [-- --workers N] [-- --prefetch N]
 *
 * Both sides read the same folder of real 32×32 RGB PNGs (emoji, written to a temp
 * folder and removed at the end), make SimCLR's CIFAR views (crop + flip, jitter
 * p 0.8, grayscale p 0.2, strength 0.5) and train ResNet-18 (small stem) + a 2-layer
 * BN head with NT-Xent (τ 0.5) and LARS, batch 128 (256 views). Each round runs in
 * a fresh process per side; the warm-up step is not timed. PyTorch's DataLoader
 * tries num_workers 0, 1 and 2 in the first round and reruns the best of them
 * after. Target: throughput ≥ 1× PyTorch's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../../src/torch/native.js';
import { measure, pytorchEnv, startBench } from '../common.js';
import { writeEmojiFolder, type PretrainTiming } from './workloads.js';

type Record = PretrainTiming & { workers: number; prefetch?: number };

const argv = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = argv.indexOf(name);
  const v = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!(Number.isInteger(v) && v >= 0)) throw new RangeError(`${name}: expected a non-negative integer but received ${argv[i + 1]}`);
  return v;
};
const batch = 128;
const warmup = 1;
const quick = argv.includes('--quick');
const steps = quick ? 1 : 3;
const setting = { workers: option('--workers', 2), prefetch: option('--prefetch', 2) };
const count = batch * (warmup + steps + 4); // the loaders keep reading ahead through the timed steps
const args = startBench('simclr', `batch ${batch} (${2 * batch} views), ${warmup} warm-up + ${steps} timed step(s), ${count} PNGs`);

/** Runs a side's process and returns its JSON line; its progress goes to our stderr. */
function child(side: string, env: NodeJS.ProcessEnv, command: string, ...rest: (string | number)[]): Record {
  const r = spawnSync(command, rest.map(String), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env });
  if (r.status !== 0)
    throw new Error(`bench/simclr: the ${side} side failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}); see its error above`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record;
}

const root = mkdtempSync(join(tmpdir(), 'selfsup-bench-simclr-'));
try {
  await writeEmojiFolder(root, count);
  const best: { ours?: Record; theirs?: Record } = {};
  const keep = (side: 'ours' | 'theirs', r: Record): number => {
    if (!best[side] || r.seconds < best[side].seconds) best[side] = r;
    return r.seconds;
  };
  const row = measure(
    args,
    'SimCLR pretraining, ResNet-18 small stem, 32×32, per image',
    'ms',
    1,
    () =>
      keep(
        'ours',
        child(
          'selfsup',
          process.env,
          process.execPath,
          fileURLToPath(new URL('./ours.js', import.meta.url)),
          root,
          args.threads,
          batch,
          warmup,
          steps,
          setting.workers,
          setting.prefetch,
        ),
      ),
    () =>
      keep(
        'theirs',
        child(
          'PyTorch',
          pytorchEnv(),
          '/usr/bin/python3',
          join(packageRoot, 'bench', 'simclr', 'reference.py'),
          'simclr',
          args.threads,
          root,
          batch,
          warmup,
          steps,
          best.theirs ? String(best.theirs.workers) : '0,1,2',
        ),
      ),
  ); // later rounds rerun the first round's best num_workers
  const ours = best.ours!;
  const theirs = best.theirs!;
  const ratio = row.theirs / row.ours;
  console.log('| workload | selfsup | PyTorch | throughput ratio | target |');
  console.log('|---|---|---|---|---|');
  console.log(
    `| SimCLR pretraining end to end (decode + two views + step), ResNet-18 small stem, 32×32, batch ${batch} | ${(1 / row.ours).toFixed(1)} images/s | ${(1 / row.theirs).toFixed(1)} images/s | ${ratio.toFixed(2)}× | ≥ 1× (${ratio >= 1 ? 'met' : 'missed'}) |`,
  );
  console.log('');
  const ms = (s: number): string => `${(s * 1e3).toFixed(0)} ms`;
  console.log(
    '| side, per batch (best round) | loader setting | waiting for data | two views | step (fwd + NT-Xent + bwd + LARS) | total |',
  );
  console.log('|---|---|---|---|---|---|');
  console.log(
    `| selfsup | ImageFolder + DataLoader, ${ours.workers ? `${ours.workers} decode worker(s)` : 'decode on the main thread'}, prefetch ${ours.prefetch} | ${ms(ours.wait)} | ${ms(ours.views)} | ${ms(ours.step)} | ${ms(ours.seconds * batch)} |`,
  );
  console.log(
    `| PyTorch | torchvision ImageFolder + DataLoader, num_workers ${theirs.workers} | ${ms(theirs.wait)} (views included) | ${theirs.workers ? 'in the loader workers' : 'in the wait (main process)'} | ${ms(theirs.step)} | ${ms(theirs.seconds * batch)} |`,
  );
  console.error(
    `bench/simclr: ${args.threads} intra-op thread(s) on both sides; last losses selfsup ${ours.loss.toFixed(3)}, PyTorch ${theirs.loss.toFixed(3)}`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
