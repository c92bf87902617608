/**
 * The FRILL sweep's analysis (src/eval/frontier.ts): the quality–latency
 * frontier on a hand-made set with a known answer, the regression on the
 * hyperparameters on synthetic data with known coefficients, and the grid
 * (src/pipeline/frill-grid.ts): the half fraction and its errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hyperparameterDesign, paretoFrontier, regressOnHyperparameters, type Hyperparameters } from '../../src/eval/frontier.js';
import { gridSection, studentGrid } from '../../src/pipeline/frill-grid.js';

test('paretoFrontier keeps exactly the models no other is as fast and as good as, fastest first', () => {
  const points = [
    { latency: 5, quality: -1 }, // 0: frontier (best quality)
    { latency: 1, quality: -9 }, // 1: frontier (fastest)
    { latency: 2, quality: -4 }, // 2: frontier
    { latency: 3, quality: -5 }, // 3: dominated by 2 (faster and better)
    { latency: 2, quality: -6 }, // 4: dominated by 2 (as fast, better)
    { latency: 4, quality: -4 }, // 5: dominated by 2 (faster, as good)
    { latency: 6, quality: -1 }, // 6: dominated by 0
    { latency: 3.5, quality: -2 }, // 7: frontier
    { latency: 3.5, quality: -2 }, // 8: equal to 7: neither dominates, both kept
  ];
  assert.deepEqual(paretoFrontier(points), [1, 2, 7, 8, 0]);
  assert.deepEqual(paretoFrontier([]), []);
  assert.deepEqual(paretoFrontier([{ latency: 1, quality: 0 }]), [0]);
  assert.throws(() => paretoFrontier([{ latency: NaN, quality: 0 }]), /points\[0\] to have a finite latency and quality/);
});

/** A full factorial over size × α × pool × rank × QAT. */
function factorial(): Hyperparameters[] {
  const rows: Hyperparameters[] = [];
  for (const size of ['tiny', 'small', 'large'])
    for (const widthMultiplier of [0.5, 1, 1.5])
      for (const globalPool of [true, false])
        for (const rank of [0, 16, 64]) for (const qat of [false, true]) rows.push({ size, widthMultiplier, globalPool, rank, qat });
  return rows;
}

test('regressOnHyperparameters recovers known coefficients; with noise they fall in their intervals', () => {
  const rows = factorial();
  const beta = {
    intercept: 1.5,
    'size=small': 0.7,
    'size=large': 2.25,
    alpha: -3,
    globalPool: 0.4,
    lowRank: -1.2,
    'log2(rank)': 0.3,
    qat: -0.05,
  };
  const truth = (h: Hyperparameters): number =>
    beta.intercept +
    (h.size === 'small' ? beta['size=small'] : 0) +
    (h.size === 'large' ? beta['size=large'] : 0) +
    beta.alpha * h.widthMultiplier +
    beta.globalPool * Number(h.globalPool) +
    (h.rank > 0 ? beta.lowRank + beta['log2(rank)'] * Math.log2(h.rank) : 0) +
    beta.qat * Number(h.qat);
  const exact = regressOnHyperparameters(rows, rows.map(truth), 'y');
  assert.deepEqual(
    exact.terms.map((t) => t.term),
    Object.keys(beta),
  );
  for (const t of exact.terms) assert.ok(Math.abs(t.estimate - beta[t.term as keyof typeof beta]) < 1e-9, `${t.term}: ${t.estimate}`);
  assert.ok(exact.r2 > 1 - 1e-12);
  assert.equal(exact.dof, rows.length - 8);

  let state = 12345; // a fixed LCG: uniform noise on [−0.05, 0.05]
  const noise = (): number => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) / 10;
  const noisy = regressOnHyperparameters(
    rows,
    rows.map((h) => truth(h) + noise()),
    'y',
  );
  const inside = noisy.terms.filter((t) => t.low <= beta[t.term as keyof typeof beta] && beta[t.term as keyof typeof beta] <= t.high);
  assert.ok(inside.length >= 7, `${inside.length} of 8 true coefficients inside their 95 % intervals`);
  for (const t of noisy.terms) assert.ok(Math.abs(t.estimate - beta[t.term as keyof typeof beta]) < 0.05, `${t.term}: ${t.estimate}`);
  assert.ok(noisy.r2 > 0.99 && noisy.r2 < 1);
});

test('hyperparameterDesign keeps only the terms that vary; too few or confounded models are named errors', () => {
  const two: Hyperparameters[] = [
    { size: 'small', widthMultiplier: 1, globalPool: true, rank: 0, qat: false },
    { size: 'small', widthMultiplier: 1, globalPool: true, rank: 0, qat: true },
  ];
  assert.deepEqual(hyperparameterDesign(two).terms, ['intercept', 'qat']);
  assert.deepEqual(hyperparameterDesign(two).design, Float64Array.from([1, 0, 1, 1]));
  const ranks = [16, 64].map((rank) => ({ ...two[0], rank }));
  assert.deepEqual(hyperparameterDesign(ranks).terms, ['intercept', 'log2(rank)'], 'all low-rank: no lowRank term');
  assert.throws(
    () => regressOnHyperparameters(two, [1, 2], 'quality'),
    /\(quality\): expected more rows than the 2 parameters but received 2/,
  );
  const confounded = [0, 1, 2, 3, 4, 5].map((k) => ({ ...two[0], widthMultiplier: 1 + k, globalPool: k % 2 === 0, qat: k % 2 === 0 }));
  assert.throws(
    () => regressOnHyperparameters(confounded, [1, 2, 3, 4, 5, 6], 'q'),
    /full rank but the terms intercept, alpha, globalPool, qat are confounded among the 6 models/,
  );
  assert.throws(() => regressOnHyperparameters(two, [1], 'q'), /expected 2 values of q but received 1/);
  assert.throws(() => regressOnHyperparameters(two, [1, NaN], 'q'), /expected q\[1\] finite but received NaN/);
});

test('studentGrid: the default is 3 sizes × a 2⁴⁻¹ half fraction = 24 students, balanced, every pair of axes crossed', () => {
  const grid = studentGrid(gridSection().parse({}));
  assert.equal(grid.length, 24);
  assert.equal(new Set(grid.map((s) => s.name)).size, 24);
  const names = grid.map((s) => s.name);
  assert.ok(
    names.includes('small-a0.5-pool-full-fp') && names.includes('small-a0.5-pool-r64-qat') && names.includes('large-a1-flat-r64-qat'),
  );
  assert.ok(!names.includes('small-a0.5-pool-full-qat') && !names.includes('tiny-a1-pool-full-fp'), 'odd combinations are left out');
  const axes = ['widthMultiplier', 'globalPool', 'rank', 'qat'] as const;
  for (const size of ['tiny', 'small', 'large']) {
    const part = grid.filter((s) => s.size === size);
    assert.equal(part.length, 8);
    for (const a of axes)
      for (const b of axes.filter((x) => x > a)) {
        const pairs = new Set(part.map((s) => `${s[a]}|${s[b]}`));
        assert.equal(pairs.size, 4, `${size}: ${a} × ${b} crossed`);
      }
  }
  const full = studentGrid(gridSection().parse({ fraction: 'full' }));
  assert.equal(full.length, 48);
});

test('studentGrid names bad grids', () => {
  const g = (o: Record<string, unknown>) => studentGrid(gridSection().parse(o));
  assert.throws(() => g({ rank: [0, 16, 64] }), /half needs at least three of .* rank: 3.*use grid.fraction full/);
  assert.throws(() => g({ qat: ['off'], rank: [0] }), /half needs at least three/);
  assert.equal(g({ qat: ['off'] }).length, 12, 'three two-valued axes: a 2³⁻¹ fraction per size');
  assert.throws(() => g({ rank: [0, 0] }), /grid.rank lists a value twice/);
  assert.throws(() => g({ rank: [0, 1.5], fraction: 'full' }), /expected grid.rank as integers ≥ 0 but received 1.5/);
  assert.throws(() => gridSection().parse({ size: ['huge'] }));
});
