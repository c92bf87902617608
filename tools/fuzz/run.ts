/**
 * `npm run fuzz`: calls the public API with randomised malformed and edge
 * arguments in child processes and classifies each call:
 *
 *   ok               returned (with no impossible tensor shape)
 *   clean            TorchError, or TypeError/RangeError naming the op or argument
 *   native-arg       a TorchError from the native conversion layer (TypeScript did not check the value)
 *   raw              a JavaScript engine error (`Cannot read properties of null`, …)   — bad
 *   internal-assert  libtorch's "INTERNAL ASSERT … report a bug" text                  — bad
 *   wrong            returned a tensor of impossible shape (a truncated size)          — bad
 *   crash            the process died (SIGFPE, SIGSEGV, abort, out of memory)          — bad
 *   hang             no answer within the per-call timeout                               — bad
 *
 * Crashes and hangs are shrunk to a one-line repro. The summary goes to
 * `<out>/fuzz.json` and `<out>/fuzz.md`; the exit code is 1 when any call is bad.
 *
 *   npm run fuzz -- --seed 1 --calls 10000 --time 900 --out fuzz-results
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { targets, type Target } from './api.js';
import { runCalls, type ChildOptions, type Verdict } from './child.js';
import { corpus } from './corpus.js';
import { CallGenerator, learn, Rng, type Learned } from './gen.js';
import { minimize } from './minimize.js';
import { renderCall, type Call } from './values.js';

export const OUTCOMES = ['ok', 'clean', 'native-arg', 'raw', 'internal-assert', 'wrong', 'crash', 'hang'] as const;
export type FuzzOutcome = (typeof OUTCOMES)[number];
/** Outcomes that are bugs. */
export const BAD: readonly FuzzOutcome[] = ['raw', 'internal-assert', 'wrong', 'crash', 'hang'];

export interface FuzzOptions extends ChildOptions {
  seed: number;
  /** Random calls to make (the targeted corpus and the option probes come on top). */
  calls: number;
  /** Seconds after which no new batch starts. */
  time: number;
  /** Calls per child process. */
  batch: number;
  /** Run the targeted corpus first. */
  corpus: boolean;
  /** Run the option-key probes and the seed calls first (what mutations start from). */
  warmup: boolean;
  log: (line: string) => void;
}

export const defaults: FuzzOptions = {
  seed: 1,
  calls: 10000,
  time: 1800,
  batch: 500,
  corpus: true,
  warmup: true,
  callTimeout: 20,
  memory: 4 * 2 ** 30,
  log: () => {},
};

/** A bad call: its outcome, where, the message and a one-line repro. */
export interface Finding {
  outcome: FuzzOutcome;
  target: string;
  message: string;
  repro: string;
}

export interface Summary {
  seed: number;
  calls: number;
  seconds: number;
  counts: Record<FuzzOutcome, number>;
  /** Bad (and native-arg) outcomes per target. */
  byTarget: Record<string, Partial<Record<FuzzOutcome, number>>>;
  /** One bad or native-arg call per target, outcome and message shape. */
  findings: Finding[];
}

/** Runs the fuzzer and returns its summary. */
export async function fuzz(opts: Partial<FuzzOptions> = {}): Promise<Summary> {
  const o = { ...defaults, ...opts };
  const t0 = Date.now();
  const learned: Learned = new Map();
  const rng = new Rng(o.seed);
  const gen = new CallGenerator(rng, learned);
  const all = targets();
  const counts = Object.fromEntries(OUTCOMES.map((k) => [k, 0])) as Record<FuzzOutcome, number>;
  const byTarget: Summary['byTarget'] = {};
  const findings = new Map<string, Finding>();
  let made = 0;

  const record = async (calls: Call[], verdicts: Verdict[]): Promise<void> => {
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i];
      const v = verdicts[i];
      counts[v.outcome]++;
      if (v.message) learn(learned, call.target, v.message);
      if (v.outcome === 'ok') gen.worked(call);
      if (!BAD.includes(v.outcome) && v.outcome !== 'native-arg') continue;
      (byTarget[call.target] ??= {})[v.outcome] = (byTarget[call.target][v.outcome] ?? 0) + 1;
      const key = `${call.target}|${v.outcome}|${(v.message ?? '').replace(/\d+/g, '#').slice(0, 80)}`;
      if (findings.has(key)) continue;
      const small = v.outcome === 'crash' || v.outcome === 'hang' ? await minimize(call, v.outcome, o) : call;
      const finding = { outcome: v.outcome, target: call.target, message: v.message ?? '', repro: renderCall(small) };
      findings.set(key, finding);
      o.log(`  ${v.outcome}: ${finding.repro}  →  ${finding.message.slice(0, 160)}`);
    }
  };

  const first = [...(o.corpus ? corpus() : []), ...(o.warmup ? all.flatMap((t) => [...gen.probes(t), ...gen.seeds(t)]) : [])];
  if (first.length) {
    await record(first, await runCalls(first, o));
    o.log(
      `${o.corpus ? 'corpus' : ''}${o.corpus && o.warmup ? ', ' : ''}${o.warmup ? 'option probes and seed calls' : ''}: ${first.length} calls`,
    );
  }
  while (made < o.calls && (Date.now() - t0) / 1000 < o.time) {
    const n = Math.min(o.batch, o.calls - made);
    const batch = Array.from({ length: n }, () => gen.call(rng.pick(all) as Target));
    await record(batch, await runCalls(batch, o));
    made += n;
    o.log(`${made}/${o.calls} calls, ${Math.round((Date.now() - t0) / 1000)} s: ${OUTCOMES.map((k) => `${k} ${counts[k]}`).join(', ')}`);
  }
  const calls = OUTCOMES.reduce((s, k) => s + counts[k], 0);
  return { seed: o.seed, calls, seconds: Math.round((Date.now() - t0) / 1000), counts, byTarget, findings: [...findings.values()] };
}

/** The summary as Markdown (for the README). */
export function markdown(s: Summary, command: string): string {
  const rows = OUTCOMES.map((k) => `| ${k}${BAD.includes(k) ? ' (bad)' : ''} | ${s.counts[k]} |`);
  const found = s.findings.map((f) => `- **${f.outcome}** \`${f.repro}\` — ${f.message.replace(/\n/g, ' ').slice(0, 200)}`);
  return [
    `Fuzzer result: \`${command}\` — ${s.calls} calls in ${s.seconds} s (seed ${s.seed}).`,
    '',
    '| outcome | calls |',
    '|---|---|',
    ...rows,
    '',
    found.length ? `Bad and native-arg calls (one per target and message):\n\n${found.join('\n')}` : 'No bad or native-arg calls.',
    '',
  ].join('\n');
}

function parseArgs(argv: string[]): Partial<FuzzOptions> & { out: string } {
  const out: Partial<FuzzOptions> & { out: string } = { out: 'fuzz-results' };
  const numbers: Record<string, keyof FuzzOptions> = {
    '--seed': 'seed',
    '--calls': 'calls',
    '--time': 'time',
    '--batch': 'batch',
    '--timeout': 'callTimeout',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') out.out = argv[++i];
    else if (a === '--no-corpus') out.corpus = false;
    else if (a === '--no-warmup') out.warmup = false;
    else if (a in numbers) {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`fuzz: expected a non-negative number after ${a} but received ${argv[i]}`);
      (out as Record<string, unknown>)[numbers[a]] = v;
    } else
      throw new TypeError(
        `fuzz: unknown option ${a} (options: --seed, --calls, --time, --batch, --timeout, --out, --no-corpus, --no-warmup)`,
      );
  }
  return out;
}

if (process.argv[1] && process.argv[1].endsWith(join('fuzz', 'run.js'))) {
  const { out, ...opts } = parseArgs(process.argv.slice(2));
  const command = ['npm run fuzz --', ...process.argv.slice(2)].join(' ');
  const summary = await fuzz({ ...opts, log: (line) => console.log(line) });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'fuzz.json'), `${JSON.stringify({ command, ...summary }, null, 2)}\n`);
  writeFileSync(join(out, 'fuzz.md'), markdown(summary, command));
  console.log(`\n${markdown(summary, command)}\nwritten to ${join(out, 'fuzz.json')} and ${join(out, 'fuzz.md')}`);
  process.exitCode = BAD.some((k) => summary.counts[k] > 0) ? 1 : 0;
}
