import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { collapseDiagnostics, effectiveRank, normalizedStd } from '../../src/eval/index.js';
import { assertThrows, golden } from '../helpers.js';

const g = golden('ssl_losses');
const x = g('collapse.x'); // [12, 5] float64

test('normalizedStd and effectiveRank equal PyTorch (SimSiam §4.1, RankMe eq. 1)', () => {
  const d = collapseDiagnostics(x);
  assert.ok(Math.abs(d.std - g('collapse.std').item()) < 1e-14, `std ${d.std}`);
  assert.ok(Math.abs(d.effectiveRank - g('collapse.rank').item()) < 1e-12, `rank ${d.effectiveRank}`);
  assert.equal(normalizedStd(x.float()).toFixed(5), g('collapse.std').item().toFixed(5));
  assert.ok(Math.abs(effectiveRank(x.float()) - g('collapse.rank').item()) < 1e-5);
});

test('closed forms: orthonormal rows give std 1/√D and rank D; one repeated row gives 0 and 1', () => {
  for (const dim of [4, 16]) {
    const eye = torch.eye(dim, dim, { dtype: 'float64' }).mul(3);
    assert.ok(Math.abs(normalizedStd(eye) - 1 / Math.sqrt(dim)) < 1e-15, `std, D = ${dim}`);
    const p = 1 / dim + 1e-7; // RankMe's ε added to each of the D equal shares
    assert.ok(Math.abs(effectiveRank(eye) - Math.exp(-dim * p * Math.log(p))) < 1e-10, `rank, D = ${dim}`);
  }
  const row = x.narrow(0, 0, 1);
  const collapsed = torch.ones([10, 5], { dtype: 'float64' }).mul(row);
  assert.equal(normalizedStd(collapsed), 0);
  assert.ok(Math.abs(effectiveRank(collapsed) - 1) < 1e-5);
  assert.equal(effectiveRank(torch.zeros([3, 4])), 0);
});

test('isotropic Gaussian embeddings sit at the healthy reference 1/√D with full effective rank', () => {
  const z = torch.randn([4000, 16], { generator: new torch.Generator(5), dtype: 'float64' });
  const { std, effectiveRank: rank } = collapseDiagnostics(z);
  assert.ok(Math.abs(std - 0.25) < 0.01, `std ${std}`);
  assert.ok(rank > 15.8 && rank <= 16, `rank ${rank}`);
  const lowRank = z.narrow(1, 0, 2).matmul(torch.randn([2, 16], { generator: new torch.Generator(6), dtype: 'float64' }));
  assert.ok(effectiveRank(lowRank) < 2.01, 'rank-2 features');
});

test('collapse diagnostics reject non-matrices and single rows by name, and leave no tensors behind', () => {
  assertThrows(() => normalizedStd(x.flatten()), /^normalizedStd: expected features of shape \[N, D\] but received \[60\]$/, RangeError);
  assertThrows(
    () => normalizedStd(x.narrow(0, 0, 1)),
    /^normalizedStd: expected at least 2 rows in features for a standard deviation but received \[1,5\]$/,
    RangeError,
  );
  assertThrows(
    () => effectiveRank('x' as never),
    /^effectiveRank: expected a Tensor for features but received "x" of type string$/,
    TypeError,
  );
  const before = torch.memoryStats().tensors;
  collapseDiagnostics(x);
  assert.equal(torch.memoryStats().tensors, before);
});
