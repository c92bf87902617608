/**
 * Local launcher for data-parallel jobs (what `torchrun --nproc-per-node N` does on
 * one machine): starts N copies of a command with PyTorch's environment contract
 * (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR=127.0.0.1, MASTER_PORT)
 * so that `torch.distributed.initProcessGroup({ backend })` joins them.
 *
 * Rank 0's stdout and stderr pass through; other ranks' stdout is dropped (ranks
 * usually print the same thing) unless `allOutput`, and their stderr lines are
 * prefixed with `[rank k]`. The first worker to fail (non-zero exit or a signal)
 * ends the job: the others are sent SIGTERM (SIGKILL after `graceSeconds`), and the
 * result names that rank. SIGINT and SIGTERM to the launcher go to every worker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';

export interface LaunchOptions {
  /** Number of worker processes (the world size). */
  n: number;
  /** The program and its arguments, e.g. [process.execPath, 'dist/src/cli/main.js', 'pretrain', …]. */
  command: string[];
  /** MASTER_PORT (default: a free port chosen by the OS). */
  port?: number;
  /** Extra environment for every worker (on top of this process's). */
  env?: Record<string, string>;
  /** Also pass through the stdout of ranks other than 0, prefixed with `[rank k]`. */
  allOutput?: boolean;
  /** Seconds between SIGTERM and SIGKILL for the surviving workers when one fails (default 5). */
  graceSeconds?: number;
  /** Where rank 0's output and the prefixed lines go (default: this process's). */
  stdout?: Writable;
  stderr?: Writable;
}

export interface LaunchResult {
  /** 0 when every worker exited with 0; otherwise the failing worker's code (or 128 + signal number). */
  code: number;
  /** The first failing worker's rank (null when all succeeded). */
  failedRank: number | null;
  /** What happened, e.g. "rank 1 exited with code 3". */
  message: string;
}

/** A TCP port that is free on 127.0.0.1 now (the OS's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('freePort: no port'))));
    });
  });
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGSEGV: 11, SIGTERM: 15, SIGABRT: 6 };

/** Copies `from` to `to` line by line with `prefix` in front. */
function prefixLines(from: NodeJS.ReadableStream, to: Writable, prefix: string): void {
  createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => to.write(`${prefix}${line}\n`));
}

function check(opts: LaunchOptions): void {
  if (!Number.isInteger(opts.n) || opts.n < 1)
    throw new RangeError(`launchLocal: expected a positive integer for n but received ${String(opts.n)}`);
  if (!Array.isArray(opts.command) || opts.command.length === 0 || !opts.command.every((c) => typeof c === 'string'))
    throw new TypeError('launchLocal: expected a non-empty array of strings for command');
  if (opts.port !== undefined && !(Number.isInteger(opts.port) && opts.port >= 1 && opts.port <= 65535))
    throw new RangeError(`launchLocal: expected a port number in [1, 65535] for port but received ${String(opts.port)}`);
}

/** Runs the N workers to the end (or to the first failure); resolves with the outcome. */
export async function launchLocal(opts: LaunchOptions): Promise<LaunchResult> {
  check(opts);
  const { n, command } = opts;
  const port = opts.port ?? (await freePort());
  const out = opts.stdout ?? process.stdout;
  const err = opts.stderr ?? process.stderr;
  const grace = (opts.graceSeconds ?? 5) * 1000;
  const workers: ChildProcess[] = [];
  let failure: LaunchResult | null = null;
  let running = n;
  const stopAll = (signal: NodeJS.Signals): void => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill(signal);
  };
  const onSignal = (signal: NodeJS.Signals): void => stopAll(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let killTimer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<LaunchResult>((resolve) => {
      for (let rank = 0; rank < n; rank++) {
        const env = {
          ...process.env,
          ...opts.env,
          RANK: String(rank),
          WORLD_SIZE: String(n),
          LOCAL_RANK: String(rank),
          LOCAL_WORLD_SIZE: String(n),
          MASTER_ADDR: '127.0.0.1',
          MASTER_PORT: String(port),
        };
        const w = spawn(command[0], command.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
        workers.push(w);
        if (rank === 0) {
          w.stdout!.pipe(out, { end: false });
          w.stderr!.pipe(err, { end: false });
        } else {
          if (opts.allOutput) prefixLines(w.stdout!, out, `[rank ${rank}] `);
          else w.stdout!.resume();
          prefixLines(w.stderr!, err, `[rank ${rank}] `);
        }
        let ended = false; // 'exit' may or may not follow 'error'
        const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void => {
          if (ended) return;
          ended = true;
          running--;
          const failed = spawnError !== undefined || code !== 0;
          if (failed && failure === null) {
            const what = spawnError
              ? `could not start ${command[0]}: ${spawnError.message}`
              : signal
                ? `was killed by ${signal}`
                : `exited with code ${code}`;
            failure = {
              code: spawnError ? 127 : signal ? 128 + (SIGNALS[signal] ?? 1) : code!,
              failedRank: rank,
              message: `rank ${rank} ${what}`,
            };
            stopAll('SIGTERM');
            killTimer = setTimeout(() => stopAll('SIGKILL'), grace);
          }
          if (running === 0) resolve(failure ?? { code: 0, failedRank: null, message: `all ${n} ranks exited with code 0` });
        };
        w.on('error', (e) => finish(null, null, e));
        w.on('close', (code, signal) => finish(code, signal));
      }
    });
  } finally {
    clearTimeout(killTimer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
