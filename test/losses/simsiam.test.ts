import { test } from 'node:test';
import assert from 'node:assert/strict';
import { losses } from '../../src/index.js';
import { assertClose, assertThrows, gradcheck } from '../helpers.js';
import { assertFreesTemporaries, checkParity, g } from './parity.js';

const [a, b, c, d] = [0, 1, 2, 3].map((i) => g(`x${i}`)); // [8, 5] float64

test('simsiamLoss equals PyTorch (SimSiam Algorithm 1) in value and gradient; the projections get no gradient', () => {
  checkParity({
    key: 'simsiam',
    loss: losses.simsiamLoss,
    inputs: [
      ['p1', a],
      ['p2', b],
      ['z1', c],
      ['z2', d],
    ],
    stopped: ['z1', 'z2'],
  });
  assertClose(losses.negativeCosine(a, d), g('simsiam.term'), { rtol: 1e-12, msg: 'D(p1, z2)' });
});

test('simsiamLoss passes finite differences in the predictions', () => {
  gradcheck((p1, p2) => losses.simsiamLoss(p1, p2, c, d), [a, b], { msg: 'simsiamLoss' });
});

test('negativeCosine is −1 per term for aligned views, +1 for opposite ones, and BYOL’s term is 2 + 2D', () => {
  assert.ok(Math.abs(losses.negativeCosine(a, a.mul(2)).item() + 1) < 1e-14);
  assert.ok(Math.abs(losses.simsiamLoss(a, b, b.mul(0.3), a.mul(4)).item() + 1) < 1e-14);
  assert.ok(Math.abs(losses.simsiamLoss(a, b, b.neg(), a.neg()).item() - 1) < 1e-14);
  assert.ok(Math.abs(losses.normalizedMse(a, d).item() - (2 + 2 * losses.negativeCosine(a, d).item())) < 1e-14);
});

test('simsiamLoss rejects mismatched shapes by name', () => {
  assertThrows(
    () => losses.simsiamLoss(a, b, c.narrow(1, 0, 3), d),
    /^simsiamLoss: expected p1 and z1 of the same shape \[N, D\] but received \[8,5\] and \[8,3\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.negativeCosine(a, d.narrow(0, 0, 2)),
    /^negativeCosine: expected p and z of the same shape \[N, D\] but received \[8,5\] and \[2,5\]$/,
    RangeError,
  );
});

test('simsiamLoss frees its temporaries', () => assertFreesTemporaries(() => losses.simsiamLoss(a, b, c, d), 1));
