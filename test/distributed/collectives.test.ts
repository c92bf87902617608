/** torch.distributed's collectives on 2 and 3 local Gloo ranks, against their definitions. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { killAll, runRanks, values } from './ranks.js';

after(killAll);

/** The elementwise reduction of every rank's values. */
function reduce(w: number, op: string, of: (r: number) => number[] = (r) => values(r)): number[] {
  const rows = Array.from({ length: w }, (_, r) => of(r));
  const f: Record<string, (a: number, b: number) => number> = {
    sum: (a, b) => a + b,
    avg: (a, b) => a + b,
    max: Math.max,
    min: Math.min,
    product: (a, b) => a * b,
  };
  const out = rows.reduce((acc, row) => acc.map((a, i) => f[op](a, row[i])));
  return op === 'avg' ? out.map((v) => v / w) : out;
}

function close(actual: unknown, expected: number[], rtol: number, what: string): void {
  const a = actual as number[];
  assert.equal(a.length, expected.length, what);
  a.forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]) <= rtol * Math.max(1, Math.abs(expected[i])), `${what}[${i}]: ${v} vs ${expected[i]}`),
  );
}

for (const w of [2, 3]) {
  describe(`collectives on ${w} ranks`, () => {
    it('allReduce, allGather, broadcast, reduceScatter and barrier match their definitions in float64, float32 and int64', async () => {
      const ranks = await runRanks(w, 'collectives');
      for (const [r, o] of ranks.entries()) {
        assert.equal(o.code, 0, `rank ${r}: ${JSON.stringify(o.result)} ${o.stderr}`);
        const res = o.result!;
        assert.equal(res.rank, r);
        assert.equal(res.worldSize, w);
        for (const dtype of ['float64', 'float32', 'int64']) {
          const tol = dtype === 'float32' ? 1e-6 : 0;
          for (const op of dtype === 'int64' ? ['sum', 'max', 'min', 'product'] : ['sum', 'avg', 'max', 'min', 'product'])
            close(res[`${dtype}.${op}`], reduce(w, op), tol, `rank ${r} ${dtype} ${op}`);
          assert.deepEqual(
            res[`${dtype}.allGather`],
            Array.from({ length: w }, (_, k) => values(k)),
            `rank ${r} ${dtype} allGather`,
          );
          assert.deepEqual(res[`${dtype}.broadcast`], values(1), `rank ${r} ${dtype} broadcast from rank 1`);
          close(
            res[`${dtype}.reduceScatter`],
            reduce(w, 'sum', (k) => values(k, r)),
            0,
            `rank ${r} ${dtype} reduceScatter sum`,
          );
          close(
            res[`${dtype}.reduceScatterMax`],
            reduce(w, 'max', (k) => values(k, r)),
            0,
            `rank ${r} ${dtype} reduceScatter max`,
          );
        }
        const matrix = (k: number): number[][] => [[0, 1, 2].map((v) => v + k), [3, 4, 5].map((v) => v + k)];
        assert.deepEqual(
          res.matrixGather,
          Array.from({ length: w }, (_, k) => matrix(k)),
        );
      }
    });
  });
}
