import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, losses } from '../../src/index.js';
import { assertClose, assertThrows, golden, gradcheck } from '../helpers.js';

const g = golden('losses');
const z1 = g('z1'); // [6, 5] float64
const z2 = g('z2');

/** SimCLR eq. 1 in plain JS loops over numbers: an implementation independent of the tensor code. */
function ntXentByHand(a: number[][], b: number[][], t: number): number {
  const z = [...a, ...b].map((r) => {
    const norm = Math.hypot(...r);
    return r.map((v) => v / norm);
  });
  const n = a.length;
  const dot = (u: number[], v: number[]): number => u.reduce((s, x, k) => s + x * v[k], 0);
  let total = 0;
  for (let i = 0; i < 2 * n; i++) {
    const j = (i + n) % (2 * n);
    let den = 0;
    for (let k = 0; k < 2 * n; k++) if (k !== i) den += Math.exp(dot(z[i], z[k]) / t);
    total -= Math.log(Math.exp(dot(z[i], z[j]) / t) / den);
  }
  return total / (2 * n);
}

test('ntXent equals SimCLR eq. 1 computed by hand and PyTorch, in value and gradient', () => {
  for (const [name, t] of [
    ['t05', 0.5],
    ['t01', 0.1],
  ] as const) {
    const a = z1.clone().requiresGrad_();
    const b = z2.clone().requiresGrad_();
    const loss = losses.ntXent(a, b, { temperature: t });
    const byHand = ntXentByHand(z1.tolist() as number[][], z2.tolist() as number[][], t);
    assert.ok(Math.abs(loss.item() - byHand) < 1e-12, `τ=${t}: ${loss.item()} vs by hand ${byHand}`);
    assertClose(loss, g(`ntxent.${name}`), { rtol: 1e-12, atol: 1e-12, msg: `τ=${t} vs PyTorch` });
    loss.backward();
    assertClose(a.grad!, g(`ntxent.${name}.grad_z1`), { rtol: 1e-10, atol: 1e-12, msg: 'grad z1' });
    assertClose(b.grad!, g(`ntxent.${name}.grad_z2`), { rtol: 1e-10, atol: 1e-12, msg: 'grad z2' });
  }
});

test('ntXent passes finite differences, is symmetric in the views, and rewards aligned views', () => {
  gradcheck((a, b) => losses.ntXent(a, b, { temperature: 0.3 }), [z1, z2], { msg: 'ntXent' });
  assert.ok(Math.abs(losses.ntXent(z1, z2).item() - losses.ntXent(z2, z1).item()) < 1e-12);
  const aligned = losses.ntXent(z1, z1.mul(2)).item(); // same directions: positives have cosine 1
  assert.ok(aligned < losses.ntXent(z1, z2).item(), `aligned ${aligned}`);
  assert.equal(losses.ntXentAccuracy(z1, z1.mul(3)), 1);
  const { logits, targets } = losses.ntXentLogits(z1, z2);
  assert.deepEqual(logits.shape, [12, 12]);
  assert.deepEqual(targets.toArray(), [6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 4, 5]);
  assert.ok(
    logits
      .diagonal()
      .toArray()
      .every((v) => v === -Infinity),
  );
});

test('ntXent rejects mismatched shapes, too few samples and bad temperatures by name', () => {
  assertThrows(
    () => losses.ntXent(z1, z2.narrow(0, 0, 5)),
    /^ntXent: expected z1 and z2 of the same shape \[N, D\] but received \[6,5\] and \[5,5\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.ntXent(z1.narrow(0, 0, 1), z2.narrow(0, 0, 1)),
    /^ntXent: needs at least 2 samples for negatives but received N = 1$/,
    RangeError,
  );
  for (const t of [0, -1, NaN, Infinity])
    assertThrows(() => losses.ntXent(z1, z2, { temperature: t }), /^ntXent: expected a positive number for temperature/, RangeError);
});

test('ntXent frees its temporaries: only the returned loss stays alive', () => {
  const before = torch.memoryStats().tensors;
  const loss = losses.ntXent(z1, z2);
  assert.equal(torch.memoryStats().tensors, before + 1);
  loss.dispose();
  assert.equal(torch.memoryStats().tensors, before);
});
