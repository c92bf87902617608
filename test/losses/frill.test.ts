import { test } from 'node:test';
import { torch, losses } from '../../src/index.js';
import { assertThrows, golden } from '../helpers.js';
import { checkParity } from './parity.js';

/** tools/goldens/g_frill.py: float64 student [5, 7] and targets at 3× its scale. */
const g = golden('frill');

test('distillationMse equals PyTorch mse_loss in value and student gradient; the target gets none', () => {
  checkParity({
    key: 'mse',
    goldens: g,
    loss: (s, t) => losses.distillationMse(s, t),
    inputs: [
      ['student', g('mse.student')],
      ['target', g('mse.target')],
    ],
    stopped: ['target'],
  });
});

test('distillationMse names mismatched shapes', () => {
  assertThrows(
    () => losses.distillationMse(torch.zeros([4, 3]), torch.zeros([4, 5])),
    /distillationMse: expected student and target of the same shape \[N, D\] but received \[4,3\] and \[4,5\]/,
    RangeError,
  );
});
