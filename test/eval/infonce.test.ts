import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { estimateInfoNce, infoNceBound } from '../../src/eval/infonce.js';
import { assertThrows, golden } from '../helpers.js';

type Tensor = torch.Tensor;
const g = golden('ssl_losses');

test('infoNceBound equals log K − cross-entropy of PyTorch on the same scores', () => {
  const r = infoNceBound(g('infonce.scores'));
  assert.equal(r.k, 8);
  assert.ok(Math.abs(r.bound - g('infonce.bound').item()) < 1e-12, `${r.bound} vs ${g('infonce.bound').item()}`);
  assert.ok(Math.abs(r.bound + r.loss - Math.log(8)) < 1e-12);
});

/**
 * Correlated Gaussians with known mutual information: x ~ N(0, I_d),
 * y = ρx + √(1−ρ²)ε, I(x; y) = −(d/2)·log(1 − ρ²). The optimal critic is
 * log p(y|x) − log p(y) = −‖y − ρx‖²/(2(1 − ρ²)) + ‖y‖²/2 (+ a constant).
 */
function gaussianScores(d: number, rho: number) {
  return (k: number, seed: number): Tensor =>
    torch.scope(() => {
      const gen = new torch.Generator(seed);
      const x = torch.randn([k, d], { generator: gen, dtype: 'float64' });
      const y = x.mul(rho).add(torch.randn([k, d], { generator: gen, dtype: 'float64' }).mul(Math.sqrt(1 - rho * rho)));
      const diff = y.unsqueeze(0).sub(x.mul(rho).unsqueeze(1)); // [K(x), K(y), d]: y_j − ρx_i
      return diff
        .pow(2)
        .sum(2)
        .div(-2 * (1 - rho * rho))
        .add(y.pow(2).sum(1).div(2).unsqueeze(0));
    });
}

test('I_NCE of correlated Gaussians with the optimal critic stays below the true MI and log K, and approaches the MI as K grows', () => {
  const d = 4;
  const rho = 0.6;
  const mi = (-d / 2) * Math.log(1 - rho * rho); // 0.8926 nats
  const pairs = 8192;
  const estimates = [2, 8, 64, 512].map((k) => {
    const scores = gaussianScores(d, rho);
    return estimateInfoNce((start, seed) => scores(k, seed * 100003 + start), { k, groups: pairs / k, seeds: [1, 2, 3] });
  });
  for (const e of estimates) {
    assert.ok(e.mean <= Math.min(mi, e.logK) + 0.03, `K = ${e.k}: I_NCE ${e.mean.toFixed(4)} exceeds min(MI ${mi.toFixed(4)}, log K)`);
    assert.equal(e.perSeed.length, 3);
    assert.ok(e.std > 0 && e.std < 0.05, `K = ${e.k}: std over seeds ${e.std}`);
  }
  for (let i = 1; i < estimates.length; i++)
    assert.ok(estimates[i].mean > estimates[i - 1].mean + 0.02, `I_NCE must grow with K: ${estimates.map((e) => e.mean.toFixed(3))}`);
  const last = estimates.at(-1)!;
  assert.ok(last.mean > mi - 0.1, `K = 512: I_NCE ${last.mean.toFixed(4)} should be within 0.1 of MI ${mi.toFixed(4)}`);
});

test('a critic that ignores the pairing gives I_NCE ≤ 0 up to noise', () => {
  const e = estimateInfoNce(
    (start, seed) => torch.randn([32, 32], { generator: new torch.Generator(seed * 7919 + start), dtype: 'float64' }),
    { k: 32, groups: 64, seeds: [0, 1] },
  );
  assert.ok(e.mean < 0.05, `unrelated critic: I_NCE ${e.mean}`);
});

test('infoNceBound and estimateInfoNce reject bad shapes and settings by name', () => {
  assertThrows(
    () => infoNceBound(torch.zeros([3, 4])),
    /^infoNceBound: expected scores of shape \[K, K\] with K >= 2 but received \[3,4\]$/,
  );
  assertThrows(() => infoNceBound(torch.full([2, 2], NaN)), /non-finite loss/);
  assertThrows(() => estimateInfoNce(() => torch.zeros([4, 4]), { k: 1, groups: 1, seeds: [0] }), /estimateInfoNce k/);
  assertThrows(() => estimateInfoNce(() => torch.zeros([4, 4]), { k: 8, groups: 1, seeds: [0] }), /expected scores \[8, 8\]/);
});
