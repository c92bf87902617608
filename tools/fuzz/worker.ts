/**
 * Child process of the fuzzer: reads a batch of calls (JSON) from stdin and runs
 * them one by one, writing `S <i>` before and `D <i> <result>` after each call with
 * synchronous writes, so that when the process dies or hangs the parent knows
 * which call was running.
 */
import { readFileSync, writeSync } from 'node:fs';
import * as torch from '../../src/api/torch.js';
import { resolve } from './api.js';
import { materialize, type Call } from './values.js';

/** What a call did, as seen from inside the process. */
export type Outcome = 'ok' | 'clean' | 'native-arg' | 'raw' | 'internal-assert' | 'wrong';
export interface Result {
  outcome: Outcome;
  message?: string;
}

/** A message in one of the API's shapes: "Expected X for name but received Y", or "op: …". */
const NAMED = /^Expected .+ but received |^[\w$.[\]=]+: /;
/** What libtorch says when an op was reached with something it does not handle. */
const INTERNAL = /INTERNAL ASSERT|please report a bug/i;
/** The conversion layer's message for a value TypeScript did not check. */
const NATIVE_ARG = /^\w+: argument \d+: expected /;

/** Classifies an error thrown by a call. */
export function classify(e: unknown): Result {
  if (!(e instanceof Error)) return { outcome: 'raw', message: `non-Error thrown: ${String(e)}` };
  const message = e.message;
  if (INTERNAL.test(message)) return { outcome: 'internal-assert', message };
  if (e instanceof torch.TorchError) return { outcome: NATIVE_ARG.test(message) ? 'native-arg' : 'clean', message };
  // A plain Error is one the API raised on purpose (V8's own errors are TypeError, RangeError, …).
  if (e.constructor === Error) return { outcome: 'clean', message };
  if ((e instanceof TypeError || e instanceof RangeError) && NAMED.test(message)) return { outcome: 'clean', message };
  return { outcome: 'raw', message: `${e.name}: ${message}` };
}

/** A shape that no tensor can have (libtorch truncated or overflowed a size). */
function badShape(value: unknown, seen = new Set<unknown>()): number[] | null {
  if (value instanceof torch.Tensor) {
    if (value.isDisposed) return null;
    const s = value.shape;
    return s.every((d) => Number.isInteger(d) && d >= 0) ? null : s;
  }
  if (value === null || typeof value !== 'object' || seen.has(value)) return null;
  seen.add(value);
  for (const v of Object.values(value)) {
    const b = badShape(v, seen);
    if (b) return b;
  }
  return null;
}

function invoke(call: Call): unknown {
  const fn = resolve(call.target);
  const args = call.args.map(materialize);
  if (call.target.endsWith('=')) {
    const self = materialize(call.self!) as Record<string, unknown>;
    self[call.target.slice('Tensor.'.length, -1)] = args[0];
    return self;
  }
  if (call.self) return fn.apply(materialize(call.self), args);
  if (/^nn\.[A-Z]|^torch\.Generator$/.test(call.target)) {
    const m = new (fn as unknown as new (...a: unknown[]) => { forward?(x: unknown): unknown })(...args);
    return call.forward && m.forward ? m.forward(materialize(call.forward)) : m;
  }
  return fn(...args);
}

/** Runs one call; tensors it creates are freed afterwards, global settings restored. */
export function run(call: Call): Result {
  const threads = torch.getNumThreads();
  try {
    const bad = torch.scope(() => badShape(invoke(call)));
    return bad ? { outcome: 'wrong', message: `returned a tensor of shape [${bad.join(', ')}]` } : { outcome: 'ok' };
  } catch (e) {
    return classify(e);
  } finally {
    if (torch.getNumThreads() !== threads) torch.setNumThreads(threads);
  }
}

if (process.argv[2] === 'worker') {
  const calls = JSON.parse(readFileSync(0, 'utf8')) as Call[];
  calls.forEach((call, i) => {
    writeSync(1, `S ${i}\n`);
    writeSync(1, `D ${i} ${JSON.stringify(run(call))}\n`);
  });
}
