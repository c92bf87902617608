/**
 * timeCalls (src/export/latency.ts), bench/deploy's protocol: the sides take
 * turns within each round, each making its untimed then timed calls; a
 * self-timed side (the browser rows) is asked for one round at a time and its
 * timings are kept in order; summarize's median and 90th percentile.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarize, timeCalls } from '../../src/export/latency.js';

test('timeCalls: sides alternate per round; a self-timed side gives its own round of timings', async () => {
  const order: string[] = [];
  const rounds: [number, number][] = [];
  let next = 0;
  const ms = await timeCalls(
    {
      a: () => void order.push('a'),
      b: { round: async (warmup, per) => (order.push('b'), rounds.push([warmup, per]), Array.from({ length: per }, () => ++next)) },
    },
    { rounds: 2, per: 3, warmup: 1 },
  );
  assert.deepEqual(order, ['a', 'a', 'a', 'a', 'b', 'a', 'a', 'a', 'a', 'b']);
  assert.deepEqual(rounds, [
    [1, 3],
    [1, 3],
  ]);
  assert.deepEqual(ms.b, [1, 2, 3, 4, 5, 6]);
  assert.equal(ms.a.length, 6);
  assert.ok(
    ms.a.every((t) => t >= 0 && t < 100),
    JSON.stringify(ms.a),
  );
  assert.deepEqual(summarize(ms.b), { medianMs: 4, p90Ms: 6, runs: 6, threads: 1 });
  const short = { round: async () => [1] };
  await assert.rejects(
    timeCalls({ short }, { rounds: 1, per: 2, warmup: 0 }),
    /^Error: timeCalls: expected 2 timings from short but received 1$/,
  );
});
