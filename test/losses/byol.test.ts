import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, losses } from '../../src/index.js';
import { assertClose, assertThrows, gradcheck } from '../helpers.js';
import { assertFreesTemporaries, checkParity, g } from './parity.js';

const [a, b, c, d] = [0, 1, 2, 3].map((i) => g(`x${i}`)); // [8, 5] float64

test('byolLoss equals PyTorch (BYOL eq. 2, symmetrised) in value and gradient; the targets get no gradient', () => {
  checkParity({
    key: 'byol',
    loss: losses.byolLoss,
    inputs: [
      ['p1', a],
      ['p2', b],
      ['t1', c],
      ['t2', d],
    ],
    stopped: ['t1', 't2'],
  });
  assertClose(losses.normalizedMse(a, d), g('byol.term'), { rtol: 1e-12, msg: 'normalizedMse(p1, t2)' });
  assertClose(losses.byolLoss(a, b, c, d), losses.normalizedMse(a, d).add(losses.normalizedMse(b, c)), { rtol: 1e-14, msg: 'L + L̃' });
});

test('byolLoss passes finite differences in the predictions', () => {
  gradcheck((p1, p2) => losses.byolLoss(p1, p2, c, d), [a, b], { msg: 'byolLoss' });
  gradcheck((p) => losses.normalizedMse(p, d), [a], { msg: 'normalizedMse' });
});

test('normalizedMse is 0 for aligned, 2 for orthogonal and 4 for opposite predictions, whatever their norms', () => {
  assert.ok(Math.abs(losses.byolLoss(a, b, b.mul(3), a.mul(0.5)).item()) < 1e-14);
  const e = torch.eye(5, 5, { dtype: 'float64' });
  assert.ok(Math.abs(losses.normalizedMse(e.mul(7), e.roll(1, 1).mul(0.1)).item() - 2) < 1e-14);
  assert.ok(Math.abs(losses.normalizedMse(a, a.mul(-2)).item() - 4) < 1e-14);
});

test('byolLoss rejects mismatched shapes and non-tensors by name', () => {
  assertThrows(
    () => losses.byolLoss(a, b, c, d.narrow(0, 0, 7)),
    /^byolLoss: expected p1 and t2 of the same shape \[N, D\] but received \[8,5\] and \[7,5\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.byolLoss(a, b.narrow(1, 0, 4), c, d),
    /^byolLoss: expected p1 and p2 of the same shape \[N, D\] but received \[8,5\] and \[8,4\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.normalizedMse(a.flatten(), d.flatten()),
    /^normalizedMse: expected p and t of the same shape \[N, D\] but received \[40\] and \[40\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.byolLoss(a, b, c, [1, 2] as never),
    /^byolLoss: expected a Tensor for t2 but received \[1 of type number, 2 of type number\] of type array$/,
    TypeError,
  );
});

test('byolLoss frees its temporaries', () => assertFreesTemporaries(() => losses.byolLoss(a, b, c, d), 1));
