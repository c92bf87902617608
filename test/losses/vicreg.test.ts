import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, losses } from '../../src/index.js';
import { assertClose, assertThrows, gradcheck } from '../helpers.js';
import { assertFreesTemporaries, checkParity, g, hadamardBatch } from './parity.js';

// Columns scaled so that every batch std lies ≥ 0.1 from γ = 1, away from the hinge's kink.
const scale = g('vicreg.scale');
const [z1, z2] = [0, 1].map((i) => g(`x${i}`).mul(scale)); // [8, 5] float64

test('vicregLoss equals PyTorch (eqs. 1–6, Algorithm 1) in value, terms and gradient', () => {
  checkParity({
    key: 'vicreg',
    loss: (x, y) => losses.vicregLoss(x, y).loss,
    inputs: [
      ['z1', z1],
      ['z2', z2],
    ],
  });
  const t = losses.vicregLoss(z1, z2);
  assertClose(t.invariance, g('vicreg.inv'), { rtol: 1e-12, msg: 'invariance' });
  assertClose(t.variance, g('vicreg.var1').add(g('vicreg.var2')), { rtol: 1e-12, msg: 'variance' });
  assertClose(t.covariance, g('vicreg.cov1').add(g('vicreg.cov2')), { rtol: 1e-12, msg: 'covariance' });
  assertClose(losses.invariance(z1, z2), g('vicreg.inv'), { rtol: 1e-12, msg: 'invariance alone' });
  assertClose(losses.variance(z1), g('vicreg.var1'), { rtol: 1e-12, msg: 'v(Z)' });
  assertClose(losses.variance(z2), g('vicreg.var2'), { rtol: 1e-12, msg: 'v(Z′)' });
  assertClose(losses.covariance(z1), g('vicreg.cov1'), { rtol: 1e-12, msg: 'c(Z)' });
  assertClose(losses.covariance(z2), g('vicreg.cov2'), { rtol: 1e-12, msg: 'c(Z′)' });
  const w = losses.vicregLoss(z1, z2, { sim: 2, var: 3, cov: 0.5 });
  const expected = 2 * t.invariance.item() + 3 * t.variance.item() + 0.5 * t.covariance.item();
  assert.ok(Math.abs(w.loss.item() - expected) < 1e-12 * Math.abs(expected), 'weights λ, μ, ν');
});

test('vicregLoss and each term pass finite differences', () => {
  gradcheck((x, y) => losses.vicregLoss(x, y).loss, [z1, z2], { msg: 'vicregLoss' });
  gradcheck((x) => losses.variance(x, { gamma: 2 }), [z1], { msg: 'variance, γ = 2' });
  gradcheck((x) => losses.covariance(x), [z1], { msg: 'covariance' });
});

test('VICReg terms in closed form: no variance penalty once std ≥ γ, none of covariance for orthogonal columns', () => {
  const h = hadamardBatch(5).mul(2).add(3); // unbiased std 2·√(8/7) > 1, centred columns orthogonal
  assert.equal(losses.variance(h).item(), 0);
  assert.ok(losses.covariance(h).item() < 1e-30);
  const std = Math.sqrt((4 * 8) / 7 + 1e-4);
  assert.ok(Math.abs(losses.variance(h, { gamma: 3 }).item() - (3 - std)) < 1e-15, 'γ = 3: hinge γ − √(Var + ε)');
  const collapsed = torch.ones([8, 5], { dtype: 'float64' }).mul(z1.narrow(0, 0, 1)); // every row the same
  assert.ok(Math.abs(losses.variance(collapsed).item() - (1 - Math.sqrt(1e-4))) < 1e-15, 'collapse: γ − √ε');
  assert.ok(Math.abs(losses.invariance(z1, z1.add(0.3)).item() - 0.09) < 1e-15, 'a constant shift c costs c²');
  const cov = losses.covariance(
    torch.tensor(
      [
        [1, 1],
        [-1, -1],
        [2, 2],
        [-2, -2],
      ],
      { dtype: 'float64' },
    ),
  );
  assert.ok(Math.abs(cov.item() - (2 * (10 / 3) ** 2) / 2) < 1e-12, 'two equal columns: 2·Cov²/D');
});

test('vicregLoss rejects mismatched shapes, single samples and bad weights by name', () => {
  assertThrows(
    () => losses.vicregLoss(z1, z2.narrow(0, 0, 6)),
    /^vicregLoss: expected z1 and z2 of the same shape \[N, D\] but received \[8,5\] and \[6,5\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.vicregLoss(z1.narrow(0, 0, 1), z2.narrow(0, 0, 1)),
    /^vicregLoss: needs at least 2 samples for unbiased batch statistics but received N = 1$/,
    RangeError,
  );
  assertThrows(() => losses.covariance(z1.flatten()), /^covariance: expected z of shape \[N, D\] but received \[40\]$/, RangeError);
  assertThrows(
    () => losses.vicregLoss(z1, z2, { var: -1 }),
    /^vicregLoss: expected a finite number >= 0 for var but received -1 of type number$/,
    RangeError,
  );
  assertThrows(
    () => losses.variance(z1, { eps: 0 }),
    /^variance: expected a positive number for eps but received 0 of type number$/,
    RangeError,
  );
  assertThrows(
    () => losses.vicregLoss(z1, z2, { gamma: NaN }),
    /^vicregLoss: expected a finite number >= 0 for gamma but received NaN of type number$/,
    RangeError,
  );
});

test('vicregLoss frees its temporaries: only the total and its three terms stay', () =>
  assertFreesTemporaries(() => losses.vicregLoss(z1, z2), 4));
