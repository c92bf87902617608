/**
 * Runs batches of calls in child processes (tools/fuzz/worker.ts) under a memory
 * limit, one call at a time: a child that dies (a signal, an abort) or stops
 * answering within the per-call timeout is reported as a crash or a hang of the
 * call it was running, and a new child takes the rest of the batch.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Call } from './values.js';
import type { Result } from './worker.js';

/** What the parent sees: the child's own verdict, or that the child crashed or hung. */
export type Verdict = Result | { outcome: 'crash' | 'hang'; message: string };

export interface ChildOptions {
  /** Seconds one call may take before it counts as a hang. */
  callTimeout: number;
  /** Address-space limit of a child in bytes (prlimit), so a runaway allocation fails inside it. */
  memory: number;
}

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));
const PRLIMIT = spawnSync('prlimit', ['--version']).status === 0;
/** Loading libtorch can take a while on a busy machine; calls get callTimeout each. */
const STARTUP_SECONDS = 120;

interface Stop {
  index: number;
  verdict: Verdict;
}

/** Runs calls in one child until they are done or the child crashes or hangs. */
function runChild(calls: Call[], o: ChildOptions): Promise<{ done: Map<number, Verdict>; stop: Stop | null }> {
  return new Promise((resolveRun, reject) => {
    const [cmd, args] = PRLIMIT
      ? ['prlimit', [`--as=${o.memory}`, '--', process.execPath, WORKER, 'worker']]
      : [process.execPath, [WORKER, 'worker']];
    const child = spawn(cmd, args, { env: { ...process.env, OMP_NUM_THREADS: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    const done = new Map<number, Verdict>();
    let current: number | null = null;
    let last = -1;
    let killed = false;
    let buffer = '';
    let stderr = '';
    let timer = setTimeout(() => kill(), STARTUP_SECONDS * 1000);
    const kill = (): void => {
      killed = true;
      child.kill('SIGKILL');
    };
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const m = /^([SD]) (\d+)(?: (.*))?$/.exec(line);
        if (!m) continue;
        const i = Number(m[2]);
        clearTimeout(timer);
        if (m[1] === 'S') {
          current = i;
          timer = setTimeout(kill, o.callTimeout * 1000);
        } else {
          done.set(i, JSON.parse(m[3]) as Verdict);
          current = null;
          last = i;
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (done.size === calls.length && code === 0) return resolveRun({ done, stop: null });
      if (current === null && last < 0) {
        return reject(new Error(`fuzz: the worker did not start (exit ${code ?? signal}): ${stderr.trim().slice(-500)}`));
      }
      // Died between calls (exit, finalizers): blame the call that ran last.
      const index = current ?? last;
      const how = killed ? `no answer within ${o.callTimeout} s` : signal ? `killed by ${signal}` : `exit code ${code}`;
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      resolveRun({ done, stop: { index, verdict: { outcome: killed ? 'hang' : 'crash', message: tail ? `${how}: ${tail}` : how } } });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(JSON.stringify(calls));
  });
}

/** Runs every call, restarting a child after each crash or hang; one verdict per call. */
export async function runCalls(calls: Call[], o: ChildOptions): Promise<Verdict[]> {
  const verdicts: Verdict[] = new Array(calls.length);
  let start = 0;
  while (start < calls.length) {
    const { done, stop } = await runChild(calls.slice(start), o);
    for (const [i, v] of done) verdicts[start + i] = v;
    if (!stop) break;
    verdicts[start + stop.index] = stop.verdict;
    start += stop.index + 1;
  }
  return verdicts;
}
