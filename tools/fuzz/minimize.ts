/**
 * Shrinks a call that crashed or hung to a smaller one that still does: drops
 * trailing arguments, option keys and array entries, and makes tensors plain
 * (float32 ones, no grad, not disposed), rerunning each candidate in a new child.
 */
import { runCalls, type ChildOptions } from './child.js';
import type { Call, Recipe } from './values.js';

/** Simpler variants of one recipe. */
function simpler(r: Recipe): Recipe[] {
  switch (r.t) {
    case 'obj':
      return Object.keys(r.v).map((k) => ({ t: 'obj', v: Object.fromEntries(Object.entries(r.v).filter(([key]) => key !== k)) }));
    case 'arr':
      return r.v.map((_, i) => ({ t: 'arr', v: r.v.filter((__, j) => j !== i) }));
    case 'tensor': {
      const out: Recipe[] = [];
      if (r.fill !== 'ones') out.push({ ...r, fill: 'ones' });
      if (r.dtype !== 'float32') out.push({ ...r, dtype: 'float32' });
      if (r.grad) out.push({ ...r, grad: false });
      if (r.disposed) out.push({ ...r, disposed: false });
      return out;
    }
    default:
      return [];
  }
}

function* candidates(c: Call): Generator<Call> {
  if (c.args.length > 0) yield { ...c, args: c.args.slice(0, -1) };
  for (let i = 0; i < c.args.length; i++) for (const s of simpler(c.args[i])) yield { ...c, args: c.args.map((a, j) => (j === i ? s : a)) };
  if (c.self) for (const s of simpler(c.self)) yield { ...c, self: s };
  if (c.forward) for (const s of simpler(c.forward)) yield { ...c, forward: s };
}

/** The smallest call found (within `budget` reruns) that still ends with `outcome`. */
export async function minimize(call: Call, outcome: 'crash' | 'hang', o: ChildOptions, budget = 25): Promise<Call> {
  let best = call;
  let runs = 0;
  let improved = true;
  while (improved && runs < budget) {
    improved = false;
    for (const cand of candidates(best)) {
      if (runs++ >= budget) break;
      const [v] = await runCalls([cand], o);
      if (v.outcome === outcome) {
        best = cand;
        improved = true;
        break;
      }
    }
  }
  return best;
}
