import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, data } from '../../src/index.js';
import { fitForest, fitLda, fitLogistic, l2Normalize, ledoitWolfShrinkage, speakerNormalize } from '../../src/eval/classical/index.js';
import { assertClose, golden } from '../helpers.js';

const g = golden('noss');
const labels = (name: string) => Int32Array.from(g(name).data() as BigInt64Array, Number);
const numClasses = (y: Int32Array) => Math.max(...y) + 1;
const centred = (t: torch.Tensor) => t.sub(t.mean());

for (const name of ['lr', 'lr.bal', 'lr.bin', 'lr.wide']) {
  test(`fitLogistic matches scikit-learn's multinomial LogisticRegression(C=1): ${name}`, () => {
    const y = labels(`${name}.y`);
    const m = fitLogistic(g(`${name}.x`), y, numClasses(y), { C: 1, balanced: name === 'lr.bal' });
    assert.ok(m.converged, `${name}: converged in ${m.iterations} iterations`);
    assertClose(m.predictProba(g(`${name}.xt`)), g(`${name}.proba`), { rtol: 1e-5, atol: 1e-6 });
    if (name !== 'lr.bin') {
      const scale = g(`${name}.coef`).abs().max().item();
      assertClose(m.coef, g(`${name}.coef`), { rtol: 1e-5, atol: 1e-6 * scale });
      assertClose(centred(m.intercept), g(`${name}.intercept`), { rtol: 1e-5, atol: 1e-6 * scale });
    }
  });
}

test('fitLogistic at C = 1e5 (the benchmark) predicts nearly separable classes as well as scikit-learn', () => {
  const x = g('lr.c1e5.x');
  const y = labels('lr.c1e5.y');
  const m = fitLogistic(x.narrow(0, 0, 200), y.subarray(0, 200), 4);
  const pred = m.predict(x.narrow(0, 200, 200));
  const acc = pred.filter((p, i) => p === y[200 + i]).length / 200;
  const ref = g('lr.c1e5.accuracy').item();
  assert.ok(Math.abs(acc - ref) <= 0.03, `accuracy ${acc} vs scikit-learn ${ref}`);
  assert.ok(acc > 0.8, `accuracy ${acc}`);
});

test('fitLogistic on all-zero features wider than the rows (a collapsed embedding) fits the class frequencies', () => {
  const y = Int32Array.from([0, 0, 1, 0, 1, 0]);
  const m = fitLogistic(torch.zeros([6, 10], { dtype: 'float64' }), y, 2);
  assert.equal(m.coef.abs().max().item(), 0);
  const p = m.predictProba(torch.zeros([1, 10], { dtype: 'float64' })).data() as Float64Array;
  assert.ok(Math.abs(p[0] - 4 / 6) < 1e-6 && Math.abs(p[1] - 2 / 6) < 1e-6, `probabilities ${p[0]}, ${p[1]}`);
  assert.deepEqual(Array.from(m.predict(torch.zeros([2, 10], { dtype: 'float64' }))), [0, 0]);
});

for (const name of ['lda', 'lda.wide']) {
  test(`fitLda matches scikit-learn's LinearDiscriminantAnalysis(lsqr, shrinkage='auto'): ${name}`, () => {
    const y = labels(`${name}.y`);
    const m = fitLda(g(`${name}.x`), y, 3);
    const scale = g(`${name}.coef`).abs().max().item();
    assertClose(m.coef, g(`${name}.coef`), { rtol: 1e-8, atol: 1e-10 * scale });
    assertClose(m.intercept, g(`${name}.intercept`), { rtol: 1e-8, atol: 1e-10 * scale });
    assertClose(torch.tensor(Float64Array.from(m.shrinkage), { dtype: 'float64' }), g(`${name}.shrinkage`), { rtol: 1e-10, atol: 1e-12 });
  });
}

test("ledoitWolfShrinkage matches scikit-learn's ledoit_wolf_shrinkage", () => {
  const s = ledoitWolfShrinkage(g('lw.x'));
  assert.ok(Math.abs(s - g('lw.shrinkage').item()) <= 1e-12, `${s} vs ${g('lw.shrinkage').item()}`);
  assert.ok(s > 0.05 && s < 0.95, `a case inside (0, 1): ${s}`);
});

test("l2Normalize and speakerNormalize match scikit-learn's normalize and a StandardScaler per speaker", () => {
  const x = g('norm.x');
  const [n, d] = x.shape;
  const speakers = Array.from(g('norm.speakers').data() as BigInt64Array, (s) => `s${s}`);
  const toT = (a: Float64Array) => torch.tensor(a, { dtype: 'float64', shape: [n, d] });
  assertClose(toT(l2Normalize(Float64Array.from(x.data() as Float64Array), d)), g('norm.l2'), { rtol: 1e-12, atol: 1e-14 });
  assertClose(toT(speakerNormalize(Float64Array.from(x.data() as Float64Array), d, speakers)), g('norm.speaker'), {
    rtol: 1e-10,
    atol: 1e-12,
  });
});

/** Fashion-MNIST pixels as float64 rows, taking `perClass[c]` images of each class c from the front. */
function fashion(offset: number, perClass: number[]): { x: torch.Tensor; y: Int32Array } {
  const set = data.loadFashionMnist('train', { limit: 6000, format: 'float32' });
  const all = Int32Array.from(set.labels.data() as BigInt64Array, Number);
  const left = [...perClass];
  const rows: number[] = [];
  for (let i = offset; i < all.length && left.some((v) => v > 0); i++)
    if (left[all[i]] > 0) {
      left[all[i]]--;
      rows.push(i);
    }
  const x = set.images
    .reshape([-1, 784])
    .indexSelect(0, torch.tensor(Float64Array.from(rows), { dtype: 'int64' }))
    .double();
  return { x, y: Int32Array.from(rows, (i) => all[i]) };
}

test('fitForest learns Fashion-MNIST from 60 images a class (accuracy above 0.7 on 500 others)', () => {
  const train = fashion(0, Array(10).fill(60));
  const testSet = fashion(3000, Array(10).fill(50));
  const pred = fitForest(train.x, train.y, 10, { seed: 1 }).predict(testSet.x);
  const acc = pred.filter((p, i) => p === testSet.y[i]).length / pred.length;
  assert.ok(acc > 0.7, `accuracy ${acc}`); // scikit-learn's forest: about 0.77 on such a set
});

test('fitForest with balanced class weights recalls a minority class (Fashion-MNIST sandals, 4 of 544) better than without', () => {
  const train = fashion(0, [60, 60, 60, 60, 60, 4, 60, 60, 60, 60]);
  const testSet = fashion(3000, Array(10).fill(50));
  const recall = (balanced: boolean) => {
    const pred = fitForest(train.x, train.y, 10, { seed: 1, balanced }).predict(testSet.x);
    return pred.filter((p, i) => testSet.y[i] === 5 && p === 5).length / 50;
  };
  const [plain, balanced] = [recall(false), recall(true)];
  assert.ok(balanced >= plain + 0.1, `sandal recall ${balanced} balanced vs ${plain} plain`); // seeds 1–3: 0.30–0.34 vs 0.04–0.10
});
