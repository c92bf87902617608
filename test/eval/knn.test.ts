import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, data } from '../../src/index.js';
import { accuracies, knnEvaluate, knnPredict } from '../../src/eval/index.js';
import { assertArrayClose, assertThrows } from '../helpers.js';

const gen = new torch.Generator(21);
const train = torch.randn([40, 6], { generator: gen, dtype: 'float64' });
const trainLabels = torch.randint(4, [40], { generator: gen });
const queries = torch.randn([15, 6], { generator: gen, dtype: 'float64' });

/**
 * Wu et al. (2018) by plain loops: cosine similarity to every training row, the k
 * most similar, votes exp(s/τ) summed per class; returned as shares of the row's total.
 */
function knnByHand(bank: number[][], ys: number[], qs: number[][], c: number, k: number, tau: number): number[][] {
  const unit = (v: number[]): number[] => v.map((x) => x / Math.hypot(...v));
  const b = bank.map(unit);
  return qs.map((q0) => {
    const q = unit(q0);
    const sims = b
      .map((r, i) => ({ s: r.reduce((a, x, j) => a + x * q[j], 0), y: ys[i] }))
      .sort((u, v) => v.s - u.s)
      .slice(0, k);
    const scores = new Array(c).fill(0);
    for (const { s, y } of sims) scores[y] += Math.exp(s / tau);
    const total = scores.reduce((a, x) => a + x);
    return scores.map((x) => x / total);
  });
}

test('knnPredict equals a brute-force weighted kNN, whatever the query batch size', () =>
  torch.scope(() => {
    const bank = train.tolist() as number[][];
    const qs = queries.tolist() as number[][];
    for (const [k, tau] of [
      [7, 0.5],
      [1, 0.1],
      [40, 0.07],
    ]) {
      const expected = knnByHand(bank, trainLabels.toArray(), qs, 4, k, tau).flat();
      for (const batchSize of [4, 1024]) {
        const scores = knnPredict(train, trainLabels, queries, { numClasses: 4, k, temperature: tau, batchSize });
        assert.deepEqual(scores.shape, [15, 4]);
        assert.equal(scores.dtype, 'float64');
        assertArrayClose(scores.toArray(), expected, 1e-12, `k ${k}, τ ${tau}, batch ${batchSize}`);
      }
    }
  }));

test('knnPredict does not overflow for a small temperature in float32', () =>
  torch.scope(() => {
    const tau = 0.005; // exp(1/τ) = e^200 is beyond float32's range
    const scores = knnPredict(train.float(), trainLabels, queries.float(), { numClasses: 4, k: 10, temperature: tau });
    assert.equal(scores.dtype, 'float32');
    const expected = knnByHand(train.tolist() as number[][], trainLabels.toArray(), queries.tolist() as number[][], 4, 10, tau).flat();
    assertArrayClose(scores.toArray(), expected, 1e-3, 'τ = 0.005');
  })); // scopes free these tests' tensors, so the GC cannot disturb the count below

test('knnEvaluate gives the accuracies of knnPredict scores', () => {
  const testLabels = torch.randint(4, [15], { generator: gen });
  const o = { numClasses: 4, k: 5 };
  const base = torch.memoryStats().tensors;
  const r = knnEvaluate(train, trainLabels, queries, testLabels, o);
  assert.equal(torch.memoryStats().tensors, base, 'knnEvaluate frees its scores');
  const { top1, top5 } = accuracies(knnPredict(train, trainLabels, queries, o), testLabels);
  assert.deepEqual(r, { top1, top5 });
});

test('kNN on raw Fashion-MNIST pixels (5,000 train / 1,000 test) lands in the known band', () => {
  const tr = data.loadFashionMnist('train', { limit: 5000, format: 'float32' });
  const te = data.loadFashionMnist('test', { limit: 1000, format: 'float32' });
  // k = 10: with raw pixels all cosines are high, so 200 neighbours blur the vote (top-1 ≈ 0.71 at τ = 0.1).
  const r = knnEvaluate(tr.images.flatten(1), tr.labels, te.images.flatten(1), te.labels, { numClasses: 10, k: 10 });
  assert.ok(r.top1 >= 0.78 && r.top1 <= 0.88, `top-1 ${r.top1}`); // raw-pixel kNN on Fashion-MNIST: ≈ 0.80–0.85
  assert.ok(r.top5 >= 0.95 && r.top5 >= r.top1, `top-5 ${r.top5}`);
});

test('knnPredict names the argument, the expected and the received value in its errors', () => {
  const o = { numClasses: 4 };
  assertThrows(
    () => knnPredict(train, trainLabels, queries, o),
    /^knnPredict: expected k <= N = 40 \(the number of training features\) but received k = 200$/,
    RangeError,
  );
  assertThrows(
    () => knnPredict(train, trainLabels, queries, { ...o, k: 0 }),
    /^knnPredict: expected a positive integer for k but received 0 of type number$/,
    RangeError,
  );
  assertThrows(
    () => knnPredict(train, trainLabels, queries.narrow(1, 0, 5), { ...o, k: 3 }),
    /^knnPredict: expected queries \[M, 6\] \(D of trainFeatures\) but received \[15,5\]$/,
    RangeError,
  );
  assertThrows(
    () => knnPredict(train, trainLabels.narrow(0, 0, 39), queries, { ...o, k: 3 }),
    /^knnPredict: expected trainFeatures \[N, D\] and trainLabels \[N\] but received \[40,6\] and \[39\]$/,
    RangeError,
  );
  assertThrows(
    () => knnPredict(train, trainLabels, queries, { numClasses: 3, k: 3 }),
    /^knnPredict: expected trainLabels in \[0, 3\) but received values in \[0, 3\]$/,
    RangeError,
  );
  assertThrows(
    () => knnPredict(train, trainLabels, queries, { ...o, k: 3, temperature: 0 }),
    /^knnPredict: expected a positive number for temperature but received 0 of type number$/,
    RangeError,
  );
  assertThrows(
    () => knnPredict(train, trainLabels, queries, {} as typeof o),
    /^knnPredict: expected a positive integer for numClasses but received undefined of type undefined$/,
    TypeError,
  );
  assertThrows(
    () => knnPredict(train.flatten(), trainLabels, queries, { ...o, k: 3 }),
    /^knnPredict: expected trainFeatures of shape \[N, D\] but received \[240\]$/,
    RangeError,
  );
});
