import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, losses } from '../../src/index.js';
import { assertThrows, golden, gradcheck } from '../helpers.js';
import { checkParity } from './parity.js';

type Tensor = torch.Tensor;

/** tools/goldens/g_trill.py: float64 anchors and positives [6, 4], clip ids [0, 0, 1, 1, 2, 3], well-conditioned for every rule. */
const g = golden('trill');
const [anchor, positive, groups] = ['anchor', 'positive', 'groups'].map((n) => g(`triplet.${n}`));
const margin = g('triplet.margin').item();
const inputs = (): [string, Tensor][] => [
  ['anchor', anchor],
  ['positive', positive],
];

test('tripletLoss equals PyTorch for each mining rule, with and without clip ids, in value and gradient', () => {
  for (const mining of losses.TRIPLET_MINING)
    checkParity({
      key: `triplet.${mining}`,
      goldens: g,
      loss: (a, p) => losses.tripletLoss(a, p, { margin, mining, groups, generator: new torch.Generator(5) }),
      inputs: inputs(),
    });
  checkParity({
    key: 'triplet.semi-hard.ungrouped',
    goldens: g,
    loss: (a, p) => losses.tripletLoss(a, p, { margin, mining: 'semi-hard' }),
    inputs: inputs(),
  });
});

test('tripletLoss passes finite differences in float64 for each mining rule', () => {
  for (const mining of losses.TRIPLET_MINING)
    gradcheck((a, p) => losses.tripletLoss(a, p, { margin, mining, groups, generator: new torch.Generator(5) }), [anchor, positive], {
      msg: mining,
    });
});

test('tripletLoss by hand: one triplet, the hinge and the rules that pick among negatives', () => {
  const t = (rows: number[][]): Tensor => torch.tensor(rows, { dtype: 'float64' });
  // anchors at 0 and 10; positives at 1 and 10.5; row 0's candidates: 10.5 (d 110.25) and 10 (d 100)
  const [a, p] = [t([[0], [10]]), t([[1], [10.5]])];
  const loss = (mining: losses.TripletMining, m: number): number => losses.tripletLoss(a, p, { margin: m, mining }).item();
  assert.equal(loss('hard', 200), (1 - 100 + 200 + (0.25 - 81 + 200)) / 2, 'hard: the closest negatives (10 for row 0, 1 for row 1)');
  assert.equal(loss('semi-hard', 200), loss('hard', 200), 'semi-hard: the closest farther than the positive');
  assert.equal(loss('all', 0), 0, 'no active hinge');
  assert.equal(loss('all', 200), (1 - 110.25 + 200 + (1 - 100 + 200) + (0.25 - 81 + 200) + (0.25 - 100 + 200)) / 4);
  // same clip: rows 0 and 1 are never negatives; a third clip's row is
  const three = [t([[0], [0.2], [3]]), t([[0.5], [0.1], [3.5]])];
  const grouped = losses.tripletLoss(three[0], three[1], { margin: 100, mining: 'hard', groups: torch.tensor([7, 7, 8]) }).item();
  // rows 0, 1: closest negative is 3 (d 9, 7.84); row 2: closest of {0.5, 0.1, 0, 0.2} is 0.5 (d 6.25)
  assert.ok(Math.abs(grouped - (0.25 - 9 + 100 + (0.01 - 7.84 + 100) + (0.25 - 6.25 + 100)) / 3) < 1e-12, `${grouped}`);
});

test('tripletLoss errors name the argument', () => {
  const a = torch.zeros([4, 3]);
  assertThrows(
    () => losses.tripletLoss(a, torch.zeros([4, 2]), { margin: 1, mining: 'hard' }),
    /tripletLoss: expected anchor and positive of the same shape/,
  );
  assertThrows(() => losses.tripletLoss(a, a, { margin: -1, mining: 'hard' }), /tripletLoss.*margin/);
  assertThrows(() => losses.tripletLoss(a, a, { margin: 1, mining: 'easy' as losses.TripletMining }), /tripletLoss.*mining/);
  assertThrows(
    () => losses.tripletLoss(a, a, { margin: 1, mining: 'hard', groups: torch.zeros([3]) }),
    /expected groups as \[N\] = \[4\] but received \[3\]/,
  );
  assertThrows(
    () => losses.tripletLoss(a, a, { margin: 1, mining: 'all', groups: torch.zeros([4]) }),
    /no anchor has a negative .*at least two clips/,
  );
});
