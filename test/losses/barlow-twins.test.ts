import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, losses } from '../../src/index.js';
import { assertArrayClose, assertClose, assertThrows, gradcheck } from '../helpers.js';
import { assertFreesTemporaries, checkParity, g, hadamardBatch } from './parity.js';

const [a, b] = [0, 1].map((i) => g(`x${i}`)); // [8, 5] float64
const eps = 1e-5;

/** Barlow Twins eq. 2 with BatchNorm's standardisation, by plain loops. */
function crossCorrelationByHand(x: number[][], y: number[][]): number[] {
  const n = x.length;
  const standardize = (m: number[][]): number[][] => {
    const cols = m[0].map((_, j) => m.map((r) => r[j]));
    const stats = cols.map((col) => {
      const mean = col.reduce((s, v) => s + v, 0) / n;
      return { mean, sd: Math.sqrt(col.reduce((s, v) => s + (v - mean) ** 2, 0) / n + eps) };
    });
    return m.map((r) => r.map((v, j) => (v - stats[j].mean) / stats[j].sd));
  };
  const [u, v] = [standardize(x), standardize(y)];
  const d = x[0].length;
  const c: number[] = [];
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) c.push(u.reduce((s, r, k) => s + r[i] * v[k][j], 0) / n);
  return c;
}

test('barlowTwinsLoss equals PyTorch (Algorithm 1 with BatchNorm1d(affine=False)) in value and gradient', () => {
  checkParity({
    key: 'barlow',
    loss: (x, y) => losses.barlowTwinsLoss(x, y),
    inputs: [
      ['z1', a],
      ['z2', b],
    ],
  });
  const c = losses.crossCorrelation(a, b);
  assertClose(c, g('barlow.c'), { rtol: 1e-12, atol: 1e-14, msg: 'C' });
  assertArrayClose(c.toArray(), crossCorrelationByHand(a.tolist() as number[][], b.tolist() as number[][]), 1e-14, 'C by hand');
  assertClose(losses.onDiagonalTerm(c), g('barlow.on'), { rtol: 1e-12, msg: 'on-diagonal' });
  assertClose(losses.offDiagonalTerm(c), g('barlow.off'), { rtol: 1e-12, msg: 'off-diagonal' });
});

test('barlowTwinsLoss passes finite differences, with the default and another λ', () => {
  gradcheck((z1, z2) => losses.barlowTwinsLoss(z1, z2), [a, b], { msg: 'λ = 5e-3' });
  gradcheck((z1, z2) => losses.barlowTwinsLoss(z1, z2, { lambda: 0.5 }), [a, b], { msg: 'λ = 0.5' });
});

test('barlowTwinsLoss in closed form: an orthogonal batch against itself leaves only ε on the diagonal', () => {
  const s = [0.5, 1, 2, 3];
  const z = hadamardBatch(4)
    .mul(torch.tensor(s, { dtype: 'float64' }))
    .add(7); // columns: mean 7, biased variance s²
  const c = losses.crossCorrelation(z, z);
  const diag = s.map((v) => (v * v) / (v * v + eps)); // Cᵢᵢ = var/(var + ε)
  assertArrayClose(c.diagonal().toArray(), diag, 1e-15, 'diagonal');
  assert.ok(losses.offDiagonalTerm(c).item() < 1e-28, 'orthogonal columns: no off-diagonal correlation');
  const on = diag.reduce((acc, v) => acc + (1 - v) ** 2, 0);
  assert.ok(Math.abs(losses.barlowTwinsLoss(z, z).item() - on) < 1e-20, 'loss = Σ (ε/(var + ε))²');
  // Identical random embeddings: the on-diagonal term vanishes, the off-diagonal one is the squared correlations.
  const same = losses.crossCorrelation(a, a);
  assert.ok(losses.onDiagonalTerm(same).item() < 1e-8);
  assert.ok(
    Math.abs(losses.barlowTwinsLoss(a, a).item() - (losses.onDiagonalTerm(same).item() + 5e-3 * losses.offDiagonalTerm(same).item())) <
      1e-15,
  );
  // barlowTwinsTerms: the same loss, with its terms from the same cross-correlation matrix.
  const t = losses.barlowTwinsTerms(a, a, { lambda: 0.5 });
  assert.equal(t.loss.item(), losses.barlowTwinsLoss(a, a, { lambda: 0.5 }).item());
  assert.equal(t.invariance.item(), losses.onDiagonalTerm(same).item());
  assert.equal(t.redundancy.item(), losses.offDiagonalTerm(same).item());
  assertThrows(() => losses.barlowTwinsTerms(a, a, { lambda: -1 }), /^barlowTwinsTerms: /);
  // Anti-correlated views: every diagonal entry is ≈ −1, so the on-diagonal term is ≈ 4 per dimension.
  assert.ok(Math.abs(losses.onDiagonalTerm(losses.crossCorrelation(z, z.neg())).item() - 16) < 1e-3);
});

test('barlowTwinsLoss rejects mismatched shapes, single samples, non-square C and bad λ or ε by name', () => {
  assertThrows(
    () => losses.barlowTwinsLoss(a, b.narrow(1, 0, 4)),
    /^barlowTwinsLoss: expected z1 and z2 of the same shape \[N, D\] but received \[8,5\] and \[8,4\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.barlowTwinsLoss(a.narrow(0, 0, 1), b.narrow(0, 0, 1)),
    /^barlowTwinsLoss: needs at least 2 samples for batch statistics but received N = 1$/,
    RangeError,
  );
  assertThrows(
    () => losses.offDiagonalTerm(a),
    /^offDiagonalTerm: expected a square matrix c of shape \[D, D\] but received \[8,5\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.onDiagonalTerm(a.flatten()),
    /^onDiagonalTerm: expected a square matrix c of shape \[D, D\] but received \[40\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.barlowTwinsLoss(a, b, { lambda: -1 }),
    /^barlowTwinsLoss: expected a finite number >= 0 for lambda but received -1 of type number$/,
    RangeError,
  );
  assertThrows(
    () => losses.barlowTwinsLoss(a, b, { eps: 0 }),
    /^barlowTwinsLoss: expected a positive number for eps but received 0 of type number$/,
    RangeError,
  );
});

test('barlowTwinsLoss frees its temporaries', () => assertFreesTemporaries(() => losses.barlowTwinsLoss(a, b), 1));
