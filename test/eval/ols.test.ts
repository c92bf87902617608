import { test } from 'node:test';
import assert from 'node:assert/strict';
import { olsEffects } from '../../src/eval/ols.js';
import { golden } from '../helpers.js';

const g = golden('noss');
const values = (name: string) => Array.from(g(name).data() as Float64Array | BigInt64Array, Number);

test('olsEffects matches least squares with t intervals (numpy, scipy) on accuracy ~ representation + task', () => {
  const [rep, task, acc] = [values('ols.rep'), values('ols.task'), values('ols.acc')];
  const rows = acc.map((accuracy, i) => ({ representation: `r${rep[i]}`, task: `t${task[i]}`, accuracy }));
  const { effects, r2, dof } = olsEffects(rows, { reference: 'r0' });
  assert.deepEqual(
    effects.map((e) => e.representation),
    ['r1', 'r2', 'r3'],
  );
  assert.equal(dof, values('ols.dof')[0]);
  const close = (a: number, e: number, what: string) => assert.ok(Math.abs(a - e) <= 1e-10, `${what}: ${a} vs ${e}`);
  effects.forEach((e, j) => {
    close(e.effect, values('ols.effect')[j], `effect ${e.representation}`);
    close(e.low, values('ols.low')[j], `low ${e.representation}`);
    close(e.high, values('ols.high')[j], `high ${e.representation}`);
  });
  close(r2, values('ols.r2')[0], 'R²');
});

test('olsEffects: a different reference shifts the effects by the old reference effect', () => {
  const rows = ['a', 'b', 'c'].flatMap((r, i) =>
    ['x', 'y', 'z'].map((t, j) => ({ representation: r, task: t, accuracy: 0.5 + 0.1 * i + 0.02 * j + 0.01 * ((i * 3 + j) % 2) })),
  );
  const a = olsEffects(rows).effects; // reference a
  const b = olsEffects(rows, { reference: 'b' }).effects;
  assert.ok(Math.abs(b.find((e) => e.representation === 'a')!.effect + a[0].effect) < 1e-12);
  assert.ok(Math.abs(b.find((e) => e.representation === 'c')!.effect - (a[1].effect - a[0].effect)) < 1e-12);
});

test('olsEffects rejects too few rows, an unknown reference, a confounded design and bad rows', () => {
  const rows = [
    { representation: 'a', task: 'x', accuracy: 0.5 },
    { representation: 'b', task: 'x', accuracy: 0.6 },
    { representation: 'a', task: 'y', accuracy: 0.7 },
  ];
  assert.throws(() => olsEffects(rows), /expected more rows than the 3 parameters \(2 representations, 2 tasks\) but received 3/);
  assert.throws(() => olsEffects([...rows, rows[0]], { reference: 'q' }), /expected reference among the representations .* but received q/);
  const confounded = [...rows, ...[0.4, 0.45, 0.5].map((accuracy) => ({ representation: 'c', task: 'z', accuracy }))];
  assert.throws(() => olsEffects(confounded), /expected a design of full rank/);
  assert.throws(() => olsEffects([{ representation: 'a', task: 'x', accuracy: NaN }]), /rows\[0\] to have .* a finite accuracy/);
  assert.throws(() => olsEffects([]), /non-empty array of rows/);
});
