import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { accuracies, multiLabelAuc, oneVsRestAuc, perClassAccuracy, rocAuc, topkAccuracy } from '../../src/eval/index.js';
import { assertArrayClose, assertThrows } from '../helpers.js';

const gen = new torch.Generator(7);
const N = 300;
const C = 7;
const scores = torch.randn([N, C], { generator: gen, dtype: 'float64' });
const labels = torch.randint(C, [N], { generator: gen });
const S = scores.tolist() as number[][];
const Y = labels.toArray();

/** Top-k hit rate by plain loops: count the classes scoring above the label's score. */
function topkByHand(k: number): number {
  let hits = 0;
  S.forEach((row, i) => {
    const above = row.filter((v) => v > row[Y[i]]).length;
    if (above < k) hits++;
  });
  return hits / N;
}

/** AUC by counting every (positive, negative) pair: 1 if the positive scores higher, ½ on a tie. */
function aucByPairs(s: number[], t: number[]): number {
  let wins = 0;
  let pairs = 0;
  s.forEach((sp, i) => {
    if (t[i] !== 1) return;
    s.forEach((sn, j) => {
      if (t[j] !== 0) return;
      pairs++;
      wins += sp > sn ? 1 : sp === sn ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

test('metrics free every temporary (first, before other tests leave garbage for the GC)', () => {
  const positive = scores.gt(0);
  const before = torch.memoryStats().tensors;
  accuracies(scores, labels);
  perClassAccuracy(scores, labels, C);
  oneVsRestAuc(scores, labels);
  multiLabelAuc(scores, positive);
  rocAuc(scores.select(1, 0), positive.select(1, 0));
  assert.equal(torch.memoryStats().tensors, before + 2, 'only the two column views made in the call above stay');
});

test('topkAccuracy and accuracies equal a plain loop, with k clipped to C', () => {
  for (const k of [1, 2, 3, 5, 7, 9]) assert.equal(topkAccuracy(scores, labels, k), Math.fround(topkByHand(k)), `k = ${k}`);
  assert.equal(topkAccuracy(scores, labels, 9), 1);
  const acc = accuracies(scores, labels, [1, 3, 5]);
  assert.deepEqual(Object.keys(acc), ['top1', 'top3', 'top5']);
  for (const k of [1, 3, 5]) assert.equal(acc[`top${k}`], topkAccuracy(scores, labels, k));
  const byDefault = accuracies(scores, labels);
  assert.deepEqual(byDefault, { top1: acc.top1, top5: acc.top5 });
});

test('perClassAccuracy equals a plain loop per class, NaN for a class without rows', () => {
  const byHand = Array.from({ length: C }, (_, c) => {
    const rows = S.filter((_, i) => Y[i] === c);
    return rows.filter((r) => r.indexOf(Math.max(...r)) === c).length / rows.length;
  });
  assertArrayClose(perClassAccuracy(scores, labels, C), byHand, 1e-6);
  const few = perClassAccuracy(
    torch.tensor([
      [0.9, 0.1, 0],
      [0.2, 0.8, 0],
    ]),
    torch.tensor([0, 0], { dtype: 'int64' }),
    3,
  );
  assert.deepEqual(few, [0.5, NaN, NaN]); // row 1 (label 0) is predicted as class 1; classes 1 and 2 have no rows
});

test('rocAuc equals the pairwise count on random data with many ties, for arrays and tensors', () => {
  const g = new torch.Generator(3);
  for (let trial = 0; trial < 5; trial++) {
    const s = torch
      .randint(6, [80], { generator: g })
      .toArray()
      .map((v) => v / 5); // six score levels: many ties
    const t = torch.randint(2, [80], { generator: g }).toArray();
    const expected = aucByPairs(s, t);
    assert.ok(Math.abs(rocAuc(s, t) - expected) < 1e-12, `trial ${trial}: ${rocAuc(s, t)} vs ${expected}`);
    assert.ok(Math.abs(rocAuc(torch.tensor(s), torch.tensor(t).bool()) - expected) < 1e-7);
    assert.ok(
      Math.abs(
        rocAuc(
          s.map((v) => -v),
          t,
        ) -
          (1 - expected),
      ) < 1e-12,
      'reversed scores give 1 − AUC',
    );
  }
});

test('rocAuc on a small example with ties: each (positive, negative) pair listed by hand', () => {
  const s = [0.1, 0.4, 0.35, 0.8, 0.4];
  const t = [0, 0, 1, 1, 1];
  // positives 0.35, 0.8, 0.4 against negatives 0.1, 0.4:
  // 0.35 > 0.1, 0.35 < 0.4; 0.8 > 0.1, 0.8 > 0.4; 0.4 > 0.1, 0.4 = 0.4 (½)
  const wins = [1, 0, 1, 1, 1, 0.5];
  assert.equal(rocAuc(s, t), wins.reduce((a, b) => a + b) / wins.length);
  assert.equal(rocAuc([1, 2, 3, 4], [0, 0, 1, 1]), 1);
  assert.equal(rocAuc([5, 5, 5, 5], [0, 1, 0, 1]), 0.5);
});

test('multiLabelAuc and oneVsRestAuc equal per-column pairwise counts; one-valued classes are null', () => {
  const g = new torch.Generator(11);
  const s = torch.randn([60, 4], { generator: g });
  const t = torch.randint(2, [60, 4], { generator: g }).float();
  t.narrow(1, 2, 1).fill_(1); // class 2: only positives
  const cols = (x: torch.Tensor): number[][] => x.t().tolist() as number[][];
  const expected = cols(s).map((col, c) => (c === 2 ? null : aucByPairs(col, cols(t)[c])));
  const ml = multiLabelAuc(s, t);
  assert.equal(ml.perClass[2], null);
  ml.perClass.forEach((a, c) => assert.ok(c === 2 || Math.abs(a! - expected[c]!) < 1e-12, `class ${c}`));
  const defined = expected.filter((a): a is number => a !== null);
  assert.ok(Math.abs(ml.mean - defined.reduce((a, b) => a + b) / defined.length) < 1e-12);

  const y = torch.tensor([0, 1, 3, 0, 1, 3, 3, 0], { dtype: 'int64' }); // class 2 absent
  const p = torch.randn([8, 4], { generator: g });
  const ovr = oneVsRestAuc(p, y);
  const ys = y.toArray();
  cols(p).forEach((col, c) => {
    const want =
      c === 2
        ? null
        : aucByPairs(
            col,
            ys.map((v) => Number(v === c)),
          );
    assert.ok(want === null ? ovr.perClass[c] === null : Math.abs(ovr.perClass[c]! - want) < 1e-12, `class ${c}`);
  });
  assert.ok(Number.isNaN(multiLabelAuc(s.narrow(1, 2, 1), t.narrow(1, 2, 1)).mean), 'no defined class: mean NaN');
});

test('metrics name shapes, k and labels in their errors', () => {
  const s = torch.zeros([4, 3]);
  const y = torch.tensor([0, 1, 2, 1], { dtype: 'int64' });
  assertThrows(
    () => topkAccuracy(s, y.narrow(0, 0, 3), 1),
    /^topkAccuracy: expected scores \[N, C\] and labels \[N\] but received \[4,3\] and \[3\]$/,
    RangeError,
  );
  assertThrows(() => accuracies(s.flatten(), y), /^accuracies: expected scores of shape \[N, C\] but received \[12\]$/, RangeError);
  assertThrows(() => topkAccuracy(s, y, 0), /^topkAccuracy: expected a positive integer for k but received 0 of type number$/, RangeError);
  assertThrows(
    () => topkAccuracy(s, y, 1.5),
    /^topkAccuracy: expected a positive integer for k but received 1.5 of type number$/,
    RangeError,
  );
  assertThrows(() => accuracies(s, y, []), /^accuracies: expected a non-empty array for ks but received \[\] of type array$/, RangeError);
  assertThrows(
    () => topkAccuracy(s, y.float(), 1),
    /^topkAccuracy: expected int64 class indices for labels but received dtype float32$/,
    TypeError,
  );
  assertThrows(
    () => topkAccuracy(s, y.add(1), 1),
    /^topkAccuracy: expected labels in \[0, 3\) but received values in \[1, 3\]$/,
    RangeError,
  );
  assertThrows(
    () => perClassAccuracy(s, y, 4),
    /^perClassAccuracy: expected scores \[N, 4\] for numClasses = 4 but received \[4,3\]$/,
    RangeError,
  );
  assertThrows(
    () => rocAuc([1, 2, 3], [1, 1, 1]),
    /^rocAuc: needs both classes \(0 and 1\) in targets but received only 1s \(N = 3\)$/,
    RangeError,
  );
  assertThrows(
    () => rocAuc([1, 2], [0, 1, 1]),
    /^rocAuc: expected scores and targets of the same length N but received 2 and 3$/,
    RangeError,
  );
  assertThrows(() => rocAuc([1, 2], [0, 2]), /^rocAuc: target 1 is 2; expected 0 or 1$/, RangeError);
  assertThrows(() => rocAuc([1, NaN], [0, 1]), /^rocAuc: score 1 is NaN$/, RangeError);
  assertThrows(() => rocAuc(s, [0, 1]), /^rocAuc: expected scores of shape \[N\] but received \[4,3\]$/, RangeError);
  assertThrows(
    () => multiLabelAuc(s, s.t()),
    /^multiLabelAuc: expected scores and targets of the same shape \[N, C\] but received \[4,3\] and \[3,4\]$/,
    RangeError,
  );
  assertThrows(
    () => oneVsRestAuc(s, [0, 1] as unknown as torch.Tensor),
    /^oneVsRestAuc: expected a Tensor for labels but received \[0 of type number, 1 of type number\] of type array$/,
    TypeError,
  );
});
