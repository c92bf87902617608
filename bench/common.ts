/**
 * Shared harness of the benchmarks: each workload alternates between selfsup (in
 * this process) and PyTorch (a Debian python3-torch child process running the
 * same workload), keeps each side's best time, and prints a Markdown table of
 * ratios. Best-of-alternations damps the noise of a shared machine.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { torch } from '../src/index.js';
import { defaultedEnv, packageRoot } from '../src/torch/native.js';

export interface BenchArgs {
  quick: boolean;
  threads: number;
  alternations: number;
}

export function parseArgs(argv = process.argv.slice(2)): BenchArgs {
  const quick = argv.includes('--quick');
  const t = argv.indexOf('--threads');
  const threads = t >= 0 ? Number(argv[t + 1]) : Math.min(2, availableParallelism());
  if (!(Number.isInteger(threads) && threads > 0))
    throw new RangeError(`--threads: expected a positive integer but received ${argv[t + 1]}`);
  return { quick, threads, alternations: quick ? 1 : 3 };
}

/** Parses the arguments, sets libtorch's threads and prints the run's header; `detail` adds to it. */
export function startBench(suite: string, detail = ''): BenchArgs {
  const args = parseArgs();
  torch.setNumThreads(args.threads);
  console.error(
    `bench/${suite}: libtorch ${torch.version()}, ${args.threads} intra-op thread(s)${detail ? `, ${detail}` : ''}, ${args.alternations} alternation(s)`,
  );
  return args;
}

/** The environment for the PyTorch side: ours without the variables selfsup set for itself, so PyTorch runs with its own defaults. */
export function pytorchEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(defaultedEnv)) delete env[k];
  return env;
}

/**
 * Runs `bench/<suite>/reference.py <workload> <threads> ...args` with `env` added
 * to PyTorch's own environment and returns the JSON object of its last line.
 */
export function reference<T>(suite: string, workload: string, threads: number, args: (string | number)[], env: NodeJS.ProcessEnv = {}): T {
  const script = join(packageRoot, 'bench', suite, 'reference.py');
  const r = spawnSync('/usr/bin/python3', [script, workload, threads, ...args].map(String), {
    encoding: 'utf8',
    env: { ...pytorchEnv(), ...env },
  });
  if (r.status !== 0) {
    const hint = /No module named/.test(r.stderr) ? ' (install python3-torch: `npm run setup -- --with-pytorch`)' : '';
    throw new Error(`PyTorch reference ${suite}/${workload} failed${hint}:\n${r.stderr}`);
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

/** Runs `bench/<suite>/reference.py <workload> <threads> ...args` and returns its best seconds. */
export function python(suite: string, threads: number, workload: string, ...args: number[]): number {
  return reference<{ seconds: number }>(suite, workload, threads, args).seconds;
}

/**
 * Each side's fastest of `rounds` alternations (side by side in every round, so
 * the machine's load hits all alike); `log` reports each round's bests.
 */
export function bestOfAlternations<S extends string, T extends { seconds: number }>(
  sides: readonly S[],
  rounds: number,
  run: (side: S) => T,
  log: (round: number, best: Partial<Record<S, T>>) => void,
): Partial<Record<S, T>> {
  const best: Partial<Record<S, T>> = {};
  for (let i = 0; i < rounds; i++) {
    for (const side of sides) {
      const t = run(side);
      const b = best[side];
      if (!b || t.seconds < b.seconds) best[side] = t;
    }
    log(i, best);
  }
  return best;
}

export interface Row {
  workload: string;
  unit: 'µs' | 'ms' | 's';
  ours: number;
  theirs: number;
  target: number;
}

const scale = { µs: 1e6, ms: 1e3, s: 1 };

/** Best seconds of each side over `alternations` alternating runs. */
export function measure(
  args: BenchArgs,
  workload: string,
  unit: Row['unit'],
  target: number,
  ours: () => number,
  theirs: () => number,
): Row {
  let a = Infinity;
  let b = Infinity;
  for (let i = 0; i < args.alternations; i++) {
    a = Math.min(a, ours());
    b = Math.min(b, theirs());
    console.error(
      `  ${workload} round ${i + 1}/${args.alternations}: selfsup ${(a * scale[unit]).toFixed(2)} ${unit}, PyTorch ${(b * scale[unit]).toFixed(2)} ${unit}`,
    );
  }
  return { workload, unit, ours: a, theirs: b, target };
}

export function printTable(rows: Row[]): void {
  console.log('| workload | selfsup | PyTorch | ratio | target |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    const ratio = r.ours / r.theirs;
    const s = scale[r.unit];
    console.log(
      `| ${r.workload} | ${(r.ours * s).toFixed(2)} ${r.unit} | ${(r.theirs * s).toFixed(2)} ${r.unit} | ${ratio.toFixed(2)}× | ≤ ${r.target}× (${ratio <= r.target ? 'met' : 'missed'}) |`,
    );
  }
}

/** Best seconds per call of `fn` over `rounds` timed rounds of `n` calls, after one warm-up round. */
export function bestPerCall(rounds: number, n: number, fn: () => void): number {
  for (let i = 0; i < n; i++) fn();
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9 / n);
  }
  return best;
}
