import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, losses } from '../../src/index.js';
import { assertClose, assertThrows, gradcheck } from '../helpers.js';
import { assertFreesTemporaries, checkParity, g } from './parity.js';

const [a, b, c, d] = [0, 1, 2, 3].map((i) => g(`x${i}`)); // [8, 5] float64

test('mocoV3Loss equals PyTorch (MoCo v3 Algorithm 1) in value and gradient; the keys get no gradient', () => {
  const loss = (q1: torch.Tensor, q2: torch.Tensor, k1: torch.Tensor, k2: torch.Tensor) =>
    losses.mocoV3Loss(q1, q2, k1, k2, { temperature: 0.2 });
  checkParity({
    key: 'mocov3',
    loss,
    inputs: [
      ['q1', a],
      ['q2', b],
      ['k1', c],
      ['k2', d],
    ],
    stopped: ['k1', 'k2'],
  });
  assertClose(losses.mocoV3Contrastive(a, d, 0.2), g('mocov3.term'), { rtol: 1e-12, msg: 'ctr(q1, k2)' });
});

test('mocoV3Loss passes finite differences in the queries (τ = 1, the default, and 0.2)', () => {
  gradcheck((q1, q2) => losses.mocoV3Loss(q1, q2, c, d), [a, b], { msg: 'τ = 1' });
  gradcheck((q) => losses.mocoV3Contrastive(q, d, 0.2), [a], { msg: 'τ = 0.2' });
});

test('ctr of orthonormal queries equal to their keys is 2τ·log(1 + (N − 1)e^(−1/τ)), independent of the norms', () => {
  const n = 4;
  const e = torch.eye(n, 6, { dtype: 'float64' }); // 4 orthonormal rows in 6 dimensions
  for (const tau of [0.2, 1]) {
    const expected = 2 * tau * Math.log(1 + (n - 1) * Math.exp(-1 / tau));
    assert.ok(Math.abs(losses.mocoV3Contrastive(e.mul(3), e.mul(0.5), tau).item() - expected) < 1e-14, `τ = ${tau}`);
    assert.ok(Math.abs(losses.mocoV3Loss(e, e, e, e, { temperature: tau }).item() - 2 * expected) < 1e-14, `τ = ${tau}, both directions`);
  }
});

test('mocoV3Loss rejects mismatched shapes and bad temperatures by name', () => {
  assertThrows(
    () => losses.mocoV3Loss(a, b, c.narrow(0, 0, 4), d),
    /^mocoV3Loss: expected q1 and k1 of the same shape \[N, D\] but received \[8,5\] and \[4,5\]$/,
    RangeError,
  );
  for (const t of [0, -1, NaN, Infinity])
    assertThrows(
      () => losses.mocoV3Loss(a, b, c, d, { temperature: t }),
      /^mocoV3Loss: expected a positive number for temperature but received/,
      RangeError,
    );
  assertThrows(
    () => losses.mocoV3Contrastive(a, d, undefined as never),
    /^mocoV3Contrastive: expected a positive number for temperature but received undefined of type undefined$/,
    TypeError,
  );
});

test('mocoV3Loss frees its temporaries', () => assertFreesTemporaries(() => losses.mocoV3Loss(a, b, c, d), 1));
