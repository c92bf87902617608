/**
 * Runs a worker.ts scenario as N local ranks on the loopback (free port, OMP_NUM_THREADS=1 unless set)
 * and collects each rank's JSON line. Every child is killed when the run ends or its
 * time runs out, and by `killAll()` (for the tests' `after` hooks).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/distributed/launch.js';

/** Rank r's test values (its j-th reduceScatter input): distinct, exact in every dtype, with negatives (max ≠ sum ≠ product). */
export const values = (r: number, j = 0): number[] => [r + 1, -2 * (r + 1) + j, 3 - r * j, (r + 2) * (j + 1)];

export const WORKER = join(fileURLToPath(new URL('.', import.meta.url)), 'worker.js');

export interface RankOutcome {
  code: number | null;
  signal: string | null;
  /** The rank's JSON line (null when it printed none). */
  result: Record<string, unknown> | null;
  stderr: string;
}

const children = new Set<ChildProcess>();

export function killAll(): void {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
}

export interface RanksOptions {
  env?: Record<string, string>;
  /** Ranks to wait for (default all); the others are killed once these have exited. */
  waitFor?: number[];
  /** Bound on the whole run in ms (default 120 s on a loaded machine); then everything is killed. */
  limitMs?: number;
}

/** Starts `n` ranks of `scenario`; resolves with each rank's outcome, index = rank. */
export async function runRanks(n: number, scenario: string, opts: RanksOptions = {}): Promise<RankOutcome[]> {
  const port = await freePort();
  const waitFor = new Set(opts.waitFor ?? Array.from({ length: n }, (_, r) => r));
  const outcomes: RankOutcome[] = [];
  const procs: ChildProcess[] = [];
  await new Promise<void>((resolve) => {
    let pending = waitFor.size;
    const timer = setTimeout(() => procs.forEach((p) => p.kill('SIGKILL')), opts.limitMs ?? 120_000);
    for (let rank = 0; rank < n; rank++) {
      const env = {
        ...process.env,
        OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '1',
        ...opts.env,
        RANK: String(rank),
        WORLD_SIZE: String(n),
        MASTER_ADDR: '127.0.0.1',
        MASTER_PORT: String(port),
      };
      const child = spawn(process.execPath, [WORKER, scenario], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      procs.push(child);
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d));
      child.stderr!.on('data', (d: Buffer) => (stderr += d));
      child.on('close', (code, signal) => {
        children.delete(child);
        const line = stdout.trim().split('\n').pop() ?? '';
        outcomes[rank] = { code, signal, result: line.startsWith('{') ? JSON.parse(line) : null, stderr };
        if (waitFor.has(rank) && --pending === 0) {
          clearTimeout(timer);
          procs.forEach((p) => p.exitCode === null && p.signalCode === null && p.kill('SIGKILL'));
          resolve();
        }
      });
    }
  });
  return outcomes;
}
