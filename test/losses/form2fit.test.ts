import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, losses } from '../../src/index.js';
import { assertClose, assertThrows, golden, gradcheck } from '../helpers.js';
import { assertFreesTemporaries } from './parity.js';

type Tensor = torch.Tensor;

/** tools/goldens/g_form2fit.py: float64 logits [3, 6, 6], disk targets, a 0/1 mask (sample 2 all zero), fractional weights. */
const g = golden('form2fit');
const [logits, target] = [g('maps.logits'), g('maps.target')];
const WEIGHTS: Record<string, Tensor> = { mask: g('maps.mask'), fractional: g('maps.fractional'), ones: torch.onesLike(g('maps.mask')) };
const DESC = ['obj', 'kit', 'objNeg', 'kitNeg'].map((k) => g(`desc.${k}`));
const MARGIN = 3;

/** Value (rtol 1e-12) and logits gradient (rtol 1e-10) against PyTorch, and the float32 value to float32 precision. */
function checkMapLoss(name: string, fn: (x: Tensor, t: Tensor, w: Tensor) => Tensor): void {
  for (const [key, weight] of Object.entries(WEIGHTS))
    torch.scope(() => {
      const x = logits.clone().requiresGrad_();
      const loss = fn(x, target, weight);
      assertClose(loss, g(`${name}.${key}.loss`), { rtol: 1e-12, msg: `${name} ${key}` });
      loss.backward();
      const expected = g(`${name}.${key}.grad_logits`);
      assertClose(x.grad!, expected, { rtol: 1e-10, atol: 1e-12 * expected.abs().max().item(), msg: `${name} ${key} grad` });
      const single = fn(logits.float(), target.float(), weight.float());
      assertClose(single, g(`${name}.${key}.loss`), { rtol: 1e-5, atol: 1e-6, checkDtype: false, msg: `${name} ${key} float32` });
    });
}

test('pixelBce equals PyTorch: per-sample weighted mean with pos_weight, then the batch mean', () => {
  checkMapLoss('bce', (x, t, w) => losses.pixelBce(x, t, w, 3));
  torch.scope(() => {
    const zero = torch.zeros([1, 2, 2], { dtype: 'float64' });
    const one = torch.ones([1, 2, 2], { dtype: 'float64' });
    assert.ok(Math.abs(losses.pixelBce(zero, one, one, 3).item() - 3 * Math.log(2)) < 1e-15, 'positives at p = ½ cost pw·log 2');
    assert.ok(Math.abs(losses.pixelBce(zero, zero, one, 3).item() - Math.log(2)) < 1e-15, 'negatives at p = ½ cost log 2');
    assert.equal(losses.pixelBce(zero, one, zero, 3).item(), 0, 'no sampled pixel, no loss');
  });
});

test('diceLoss equals the reference two-class Dice (PyTorch) on all pixels, a mask and fractional weights', () => {
  checkMapLoss('dice', (x, t, w) => losses.diceLoss(x, t, w));
  torch.scope(() => {
    const t = torch.tensor([[[1, 0, 0, 1]]], { dtype: 'float64' });
    const perfect = t.mul(80).sub(40); // σ = t to 1e-17
    assert.ok(losses.diceLoss(perfect, t, torch.onesLike(t)).item() < 1e-7, 'a perfect map');
  });
});

test('descriptorLoss equals PyTorch: squared L2 on matches, squared hinge on non-matches, with and without hard negatives', () => {
  for (const [key, hardNegative] of [
    ['plain', false],
    ['hard', true],
  ] as const)
    torch.scope(() => {
      const leaves = DESC.map((d) => d.clone().requiresGrad_());
      const [a, b, c, d] = leaves;
      const out = losses.descriptorLoss(a, b, c, d, { margin: MARGIN, hardNegative });
      for (const term of ['loss', 'match', 'nonMatch'] as const)
        assertClose(out[term], g(`desc.${key}.${term}`), { rtol: 1e-12, msg: `${key} ${term}` });
      out.loss.backward();
      ['obj', 'kit', 'objNeg', 'kitNeg'].forEach((name, i) => {
        const expected = g(`desc.${key}.grad_${name}`);
        assertClose(leaves[i].grad!, expected, { rtol: 1e-10, atol: 1e-12 * expected.abs().max().item(), msg: `${key} grad ${name}` });
      });
    });
  const plain = g('desc.plain.nonMatch').item();
  const hard = g('desc.hard.nonMatch').item();
  assert.ok(Math.abs(hard - 2 * plain) < 1e-12, 'five of ten hinges active: the hard mean is twice the plain one');
});

test('descriptorLoss: far non-matches cost nothing, identical descriptors a finite gradient, no active hinge a hard term of 0', () => {
  torch.scope(() => {
    const a = torch.zeros([2, 3], { dtype: 'float64' }).requiresGrad_();
    const far = torch.full([2, 3], 10, { dtype: 'float64' });
    const out = losses.descriptorLoss(a, a, a, far, { margin: 1, hardNegative: true });
    assert.equal(out.nonMatch.item(), 0);
    assert.equal(out.loss.item(), 0);
    const same = losses.descriptorLoss(a, a, a, a.detach(), { margin: 2, hardNegative: false });
    assert.ok(Math.abs(same.nonMatch.item() - 4) < 1e-5, 'distance 0: (m − 0)²');
    same.loss.backward();
    assert.ok(a.grad!.isfinite().all().item(), 'the clamped distance gives a finite (zero) gradient where the descriptors coincide');
  });
});

test('the Form2Fit losses pass finite differences in float64', () => {
  for (const [key, w] of Object.entries(WEIGHTS)) {
    gradcheck((x) => losses.pixelBce(x, target, w, 3), [logits], { msg: `pixelBce ${key}` });
    gradcheck((x) => losses.diceLoss(x, target, w), [logits], { msg: `diceLoss ${key}` });
  }
  for (const hardNegative of [false, true])
    gradcheck((a, b, c, d) => losses.descriptorLoss(a, b, c, d, { margin: MARGIN, hardNegative }).loss, DESC, {
      msg: `descriptorLoss hard ${hardNegative}`,
    });
});

test('the Form2Fit losses free their temporaries', () => {
  assertFreesTemporaries(() => losses.pixelBce(logits, target, WEIGHTS.mask, 3), 1);
  assertFreesTemporaries(() => losses.diceLoss(logits, target, WEIGHTS.mask), 1);
  const [a, b, c, d] = DESC;
  assertFreesTemporaries(() => losses.descriptorLoss(a, b, c, d, { margin: MARGIN, hardNegative: true }), 3);
});

test('the Form2Fit losses reject bad shapes, dtypes and hyperparameters by name', () => {
  const w = WEIGHTS.mask;
  assertThrows(
    () => losses.pixelBce(logits, target.narrow(1, 0, 5), w, 3),
    /^pixelBce: expected target of the shape of logits \[3, 6, 6\] but received \[3, 5, 6\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.pixelBce(logits.flatten(), target, w, 3),
    /^pixelBce: expected logits as \[N, H, W\] but received \[108\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.diceLoss(logits, target, w.long()),
    /^diceLoss: expected weight of a floating-point dtype but received int64$/,
    TypeError,
  );
  assertThrows(
    () => losses.pixelBce(logits, target, w, 0),
    /^pixelBce: expected a positive number for posWeight but received 0/,
    RangeError,
  );
  assertThrows(() => losses.pixelBce(logits, 'x' as unknown as Tensor, w, 1), /^pixelBce: .*target/, TypeError);
  const [a, b, c, d] = DESC;
  assertThrows(
    () => losses.descriptorLoss(a, b.narrow(0, 0, 5), c, d, { margin: 1, hardNegative: false }),
    /^descriptorLoss: expected dObj and dKit of the same shape \[M, D\] but received \[6,5\] and \[5,5\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.descriptorLoss(a, b, c.narrow(1, 0, 4), d.narrow(1, 0, 4), { margin: 1, hardNegative: false }),
    /^descriptorLoss: expected dObjNeg of D = 5 columns like dObj but received \[10, 4\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.descriptorLoss(a, b, c, d, { margin: -1, hardNegative: false }),
    /^descriptorLoss: expected a positive number for margin but received -1/,
    RangeError,
  );
  assertThrows(
    () => losses.descriptorLoss(a, b, c, d, { margin: 1, hardNegative: 1 as unknown as boolean }),
    /^descriptorLoss: expected hardNegative as a boolean but received 1$/,
    TypeError,
  );
});
