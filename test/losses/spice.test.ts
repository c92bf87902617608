import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, losses } from '../../src/index.js';
import { assertClose, assertThrows, golden, gradcheck } from '../helpers.js';
import { assertFreesTemporaries, checkParity } from './parity.js';

type Tensor = torch.Tensor;

/** tools/goldens/g_spice.py: float64 inputs; y2 puts e/σ at ±{0.05, 0.1, 0.15} (below τ = 0.25σ) and ±{0.3, …, 1.2} (above). */
const g = golden('spice');
const sigma = g('sigma').item();
const [y1, y2, k1, k2] = ['y1', 'y2', 'k1', 'k2'].map(g); // [8]; k int64
const pitchInputs = (): [string, Tensor][] => [
  ['y1', y1],
  ['y2', y2],
  ['k1', k1.double()],
  ['k2', k2.double()],
];
const recon = ['x1', 'x1hat', 'x2', 'x2hat'].map((n) => g(`recon.${n}`)); // [8, 16]
const [c1, c2] = [g('conf.c1'), g('conf.c2')]; // [8]

test('spicePitchLoss equals PyTorch (eqs. 6–9) for Huber, a custom τ, L1 and L2, in value and gradient', () => {
  for (const [key, o] of [
    ['huber', { sigma }],
    ['huber_tau', { sigma, tau: 0.7 * sigma }],
    ['l1', { sigma, kind: 'l1' }],
    ['l2', { sigma, kind: 'l2' }],
  ] as const)
    checkParity({
      key: `pitch.${key}`,
      goldens: g,
      loss: (a, b, c, d) => losses.spicePitchLoss(a, b, c, d, o).loss,
      inputs: pitchInputs(),
    });
  const { loss, error } = losses.spicePitchLoss(y1, y2, k1, k2, { sigma });
  assertClose(error, g('pitch.error'), { rtol: 1e-12, atol: 1e-15, msg: 'e_t' });
  assertClose(loss, g('pitch.huber.loss'), { rtol: 1e-12, msg: 'int64 bin offsets' });
});

test('spicePitchLoss switches Huber branch at τ: x²/2 below, τ²/2 + τ(x − τ) above', () => {
  const tau = 0.25 * sigma;
  const at = (e: number): number => {
    const y = torch.tensor([0.5 + e], { dtype: 'float64' });
    const half = torch.tensor([0.5], { dtype: 'float64' });
    const zero = torch.zeros([1], { dtype: 'int64' });
    return losses.spicePitchLoss(y, half, zero, zero, { sigma }).loss.item();
  };
  for (const e of [0.2 * tau, 0.9 * tau, 0.999 * tau])
    assert.ok(Math.abs(at(e) - (e * e) / 2) < 1e-12 * tau * tau, `quadratic at e = ${e / tau}τ`);
  for (const e of [1.001 * tau, 1.5 * tau, 8 * tau])
    assert.ok(Math.abs(at(e) - (tau * tau) / 2 - tau * (e - tau)) < 1e-12 * tau * e, `linear at e = ${e / tau}τ`);
  const grad = (e: number, kind: losses.PitchLossKind): number => {
    const y = torch.tensor([0.5 + e], { dtype: 'float64' }).requiresGrad_();
    const zero = torch.zeros([1], { dtype: 'float64' });
    losses.spicePitchLoss(y, zero.add(0.5), zero, zero, { sigma, kind }).loss.backward();
    return y.grad!.item();
  };
  assert.ok(Math.abs(grad(0.5 * tau, 'huber') - 0.5 * tau) < 1e-15, 'gradient e below τ');
  assert.ok(Math.abs(grad(-3 * tau, 'huber') + tau) < 1e-15, 'gradient −τ above τ, negative side');
  assert.ok(Math.abs(grad(-3 * tau, 'l1') + 1) < 1e-15, 'L1 gradient sign(d)');
  assert.ok(Math.abs(grad(3 * tau, 'l2') - 3 * tau) < 1e-15, 'L2 gradient d');
});

test('the SPICE losses pass finite differences in float64', () => {
  // Divided by σ² so the gradients (≈ e/N ≈ σ/N for Huber) are O(1) against gradcheck's atol.
  for (const kind of ['huber', 'l1', 'l2'] as const)
    gradcheck((a, b) => losses.spicePitchLoss(a, b, k1, k2, { sigma, kind }).loss.div(sigma ** 2), [y1, y2], {
      msg: `spicePitchLoss ${kind}`,
    });
  gradcheck((a, b) => losses.spicePitchLoss(a, b, k1, k2, { sigma }).error, [y1, y2], { msg: 'e_t' });
  gradcheck((a, b, c, d) => losses.spiceReconstructionLoss(a, b, c, d), recon, { msg: 'spiceReconstructionLoss' });
  gradcheck((a, b) => losses.spiceConfidenceLoss(a, b, g('pitch.error'), sigma), [c1, c2], { msg: 'spiceConfidenceLoss' });
});

test('spiceReconstructionLoss equals PyTorch (eqs. 10–11): batch mean of squared L2 norms', () => {
  checkParity({
    key: 'recon',
    goldens: g,
    loss: (a, b, c, d) => losses.spiceReconstructionLoss(a, b, c, d),
    inputs: ['x1', 'x1hat', 'x2', 'x2hat'].map((n, i) => [n, recon[i]]),
  });
  const x = torch.zeros([2, 3], { dtype: 'float64' });
  const ones = torch.ones([2, 3], { dtype: 'float64' });
  assert.equal(losses.spiceReconstructionLoss(x, ones, x, ones.mul(2)).item(), 3 + 12, '‖1‖² + ‖2‖² over F = 3');
});

test('spiceConfidenceLoss equals PyTorch (eq. 14) and stops the gradient at the pitch error', () => {
  checkParity({
    key: 'conf',
    goldens: g,
    loss: (a, b, e) => losses.spiceConfidenceLoss(a, b, e, sigma),
    inputs: [
      ['c1', c1],
      ['c2', c2],
      ['error', g('pitch.error')],
    ],
    stopped: ['error'],
  });
  torch.scope(() => {
    const [a, b] = [y1, y2].map((y) => y.clone().requiresGrad_());
    const c = c1.clone().requiresGrad_();
    const { error } = losses.spicePitchLoss(a, b, k1, k2, { sigma });
    losses.spiceConfidenceLoss(c, c, error, sigma).backward();
    assert.equal(a.grad, null, 'no gradient reaches y1 through e');
    assert.equal(b.grad, null, 'no gradient reaches y2 through e');
    assert.ok(c.grad!.abs().sum().item() > 0, 'the confidence gets its gradient');
    const perfect = losses.spiceConfidenceLoss(torch.ones([3]), torch.ones([3]), torch.zeros([3]), sigma);
    assert.equal(perfect.item(), 0, 'c = 1 where e = 0 costs nothing');
  });
});

test('the SPICE losses free their temporaries', () => {
  assertFreesTemporaries(() => losses.spicePitchLoss(y1, y2, k1, k2, { sigma }), 2);
  assertFreesTemporaries(() => losses.spiceReconstructionLoss(recon[0], recon[1], recon[2], recon[3]), 1);
  assertFreesTemporaries(() => losses.spiceConfidenceLoss(c1, c2, g('pitch.error'), sigma), 1);
});

test('the SPICE losses reject bad shapes, dtypes and hyperparameters by name', () => {
  const m = torch.zeros([3, 2], { dtype: 'float64' });
  assertThrows(
    () => losses.spicePitchLoss(m, m, m, m, { sigma }),
    /^spicePitchLoss: expected y1 as \[N\] but received \[3, 2\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.spicePitchLoss(y1, y2.narrow(0, 0, 5), k1, k2, { sigma }),
    /^spicePitchLoss: expected y2 as \[N\] = \[8\] like y1 but received \[5\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.spicePitchLoss(y1, y2, k1, k2.unsqueeze(1), { sigma }),
    /^spicePitchLoss: expected k2 as \[N\] = \[8\] like y1 but received \[8, 1\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.spicePitchLoss(k1, k2, k1, k2, { sigma }),
    /^spicePitchLoss: expected y1 of a floating-point dtype but received int64$/,
    TypeError,
  );
  const empty = torch.zeros([0], { dtype: 'float64' });
  assertThrows(
    () => losses.spicePitchLoss(empty, empty, empty, empty, { sigma }),
    /^spicePitchLoss: expected at least one sample but received y1 of shape \[0\]$/,
    RangeError,
  );
  for (const [o, pattern] of [
    [{ sigma: 0 }, /^spicePitchLoss: expected a positive number for sigma but received 0 of type number$/],
    [{ sigma: Infinity }, /^spicePitchLoss: expected a positive number for sigma but received Infinity of type number$/],
    [{ sigma, tau: -1 }, /^spicePitchLoss: expected a positive number for tau but received -1 of type number$/],
    [{ sigma, kind: 'l3' }, /^spicePitchLoss: expected kind 'huber', 'l1', 'l2' but received "l3"$/],
  ] as const)
    assertThrows(() => losses.spicePitchLoss(y1, y2, k1, k2, o as losses.SpicePitchLossOptions), pattern, RangeError);
  assertThrows(
    () => losses.spiceReconstructionLoss(recon[0], recon[1], recon[2], recon[3].narrow(1, 0, 15)),
    /^spiceReconstructionLoss: expected x2hat as \[N, F\] = \[8, 16\] like x1 but received \[8, 15\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.spiceReconstructionLoss(y1, y1, y1, y1),
    /^spiceReconstructionLoss: expected x1 as \[N, F\] but received \[8\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.spiceConfidenceLoss(c1, c2, g('pitch.error').narrow(0, 0, 4), sigma),
    /^spiceConfidenceLoss: expected error as \[N\] = \[8\] like c1 but received \[4\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.spiceConfidenceLoss(c1, c2, g('pitch.error'), NaN),
    /^spiceConfidenceLoss: expected a positive number for sigma but received NaN of type number$/,
    RangeError,
  );
});
