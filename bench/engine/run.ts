/**
 * bench/engine: selfsup vs PyTorch (Debian's python3-torch) on the same libtorch,
 * same machine, same run. Workloads alternate between the two sides and each
 * side keeps its best time, which damps the noise of a shared machine.
 *
 *   npm run bench:engine                 # default: 2 threads, 3 alternations
 *   npm run bench:engine -- --quick      # fewer repetitions
 *   npm run bench:engine -- --threads 1
 *
 * (a) per-op overhead: torch.add of two 4-element tensors (target ≤ 1.0× PyTorch)
 * (b) ResNet-18-shaped conv net (small-image stem), forward + backward, batch 128,
 *     32×32 inputs (target ≤ 1.05× PyTorch)
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { torch } from '../../src/index.js';
import { opAdd, resnetStep } from './workloads.js';
import { packageRoot as root } from '../../src/torch/native.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const threadsArg = args.indexOf('--threads');
const threads = threadsArg >= 0 ? Number(args[threadsArg + 1]) : Math.min(2, availableParallelism());
const alternations = quick ? 1 : 3;

function python(workload: string, ...rest: number[]): number {
  const script = join(root, 'bench', 'engine', 'reference.py');
  const r = spawnSync('/usr/bin/python3', [script, workload, String(threads), ...rest.map(String)], { encoding: 'utf8' });
  if (r.status !== 0) {
    const hint = /No module named 'torch'/.test(r.stderr) ? ' (install python3-torch: `npm run setup -- --with-pytorch`)' : '';
    throw new Error(`PyTorch reference failed${hint}:\n${r.stderr}`);
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!).seconds;
}

interface Row {
  workload: string;
  unit: string;
  scale: number;
  ours: number;
  theirs: number;
  target: number;
}

function measure(workload: string, unit: string, scale: number, target: number, ours: () => number, theirs: () => number): Row {
  let a = Infinity;
  let b = Infinity;
  for (let i = 0; i < alternations; i++) {
    a = Math.min(a, ours());
    b = Math.min(b, theirs());
    console.error(`  ${workload} round ${i + 1}/${alternations}: selfsup ${(a * scale).toFixed(2)} ${unit}, PyTorch ${(b * scale).toFixed(2)} ${unit}`);
  }
  return { workload, unit, scale, ours: a, theirs: b, target };
}

torch.setNumThreads(threads);
console.error(`bench/engine: libtorch ${torch.version()}, ${threads} intra-op thread(s), ${alternations} alternation(s)`);
const opRounds = quick ? 5 : 9;
const opN = 200_000;
const convRounds = quick ? 1 : 2;
const rows = [
  measure('tiny add (4 elements)', 'µs', 1e6, 1.0, () => opAdd(opRounds, opN), () => python('op-add', opRounds, opN)),
  measure('ResNet-18 fwd+bwd, batch 128, 32×32', 's', 1, 1.05, () => resnetStep(convRounds, 128), () => python('resnet18', convRounds, 128)),
];
console.log('| workload | selfsup | PyTorch | ratio | target |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  const ratio = r.ours / r.theirs;
  const verdict = ratio <= r.target ? 'met' : 'missed';
  console.log(`| ${r.workload} | ${(r.ours * r.scale).toFixed(2)} ${r.unit} | ${(r.theirs * r.scale).toFixed(2)} ${r.unit} | ${ratio.toFixed(2)}× | ≤ ${r.target}× (${verdict}) |`);
}
