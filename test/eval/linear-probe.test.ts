import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, data } from '../../src/index.js';
import { accuracies, linearProbe, multiLabelAuc, oneVsRestAuc, probeLogits } from '../../src/eval/index.js';
import { assertArrayClose, assertClose, assertThrows } from '../helpers.js';

type Tensor = torch.Tensor;
const softmax = torch.nn.functional.softmax;

/** A small synthetic task: y = argmax(x W) for a fixed random W. */
function synthetic(n: number, seed: number): { x: Tensor; y: Tensor; w: Tensor } {
  return torch.scope(() => {
    const w = torch.randn([5, 3], { generator: new torch.Generator(99) });
    const x = torch.randn([n, 5], { generator: new torch.Generator(seed) });
    return { x, y: x.matmul(w).argmax(1), w };
  });
}

test('linear probe is deterministic for a seed, frees its temporaries and leaves the global generator alone', () => {
  const { x, y } = synthetic(120, 1);
  const o = { trainFeatures: x, trainLabels: y, testFeatures: x, testLabels: y, numClasses: 3, epochs: 3, batchSize: 32 };
  const live = (): number => torch.memoryStats().tensors;
  let base = live();
  const bare = new torch.nn.Linear(5, 3); // what constructing the classifier alone leaves alive
  const classifierTensors = live() - base;
  torch.manualSeed(5);
  base = live();
  const a = linearProbe(o);
  assert.equal(live() - base, classifierTensors + 2, 'only the classifier, mean and std stay');
  assert.equal(bare.parameters().length, 2);
  const after = torch.rand([3]);
  torch.manualSeed(5);
  assertClose(torch.rand([3]), after, { msg: 'the global generator moved' });
  const b = linearProbe(o);
  assert.deepEqual(a.losses, b.losses);
  assertClose(a.classifier.weight, b.classifier.weight, { rtol: 0, atol: 0 });
  assert.notDeepEqual(linearProbe({ ...o, seed: 1 }).losses, a.losses);
});

test('linear probe on raw Fashion-MNIST pixels: far above chance, metrics consistent with its classifier', () => {
  const tr = data.loadFashionMnist('train', { limit: 5000, format: 'float32' });
  const te = data.loadFashionMnist('test', { limit: 1000, format: 'float32' });
  const [xTrain, xTest] = [tr.images.flatten(1), te.images.flatten(1)]; // [N, 784]
  const shifted = te.images.mul(0.6).add(0.2).flatten(1); // a contrast-reduced copy of the test set
  const epochs: [number, number][] = [];
  const r = linearProbe({
    trainFeatures: xTrain,
    trainLabels: tr.labels,
    testFeatures: xTest,
    testLabels: te.labels,
    numClasses: 10,
    epochs: 8,
    extraTests: { same: { features: xTest, labels: te.labels }, shifted: { features: shifted, labels: te.labels } },
    onEpoch: (e, loss) => epochs.push([e, loss]),
  });
  assert.ok(r.top1! >= 0.78, `top-1 ${r.top1}`); // chance is 0.1
  assert.ok(r.top5! >= 0.97 && r.top5! >= r.top1!, `top-5 ${r.top5}`);
  assert.ok(r.meanAuc >= 0.95, `mean one-vs-rest AUC ${r.meanAuc}`);
  assert.deepEqual(
    epochs,
    r.losses.map((l, i) => [i + 1, l]),
  );
  assert.ok(r.losses[7] < r.losses[0] && r.losses[0] < Math.log(10), `losses ${r.losses}`);

  const logits = probeLogits(r, xTest); // [1000, 10]
  const { top1, top5 } = accuracies(logits, te.labels);
  assert.deepEqual([r.top1, r.top5], [top1, top5]);
  const auc = oneVsRestAuc(softmax(logits, 1), te.labels);
  assert.deepEqual([r.meanAuc, r.perClassAuc], [auc.mean, auc.perClass]);
  assert.deepEqual(r.extra.same, { top1: r.top1, top5: r.top5, meanAuc: r.meanAuc, perClassAuc: r.perClassAuc });
  assert.equal(r.extra.shifted.top1, accuracies(probeLogits(r, shifted), te.labels).top1);
  assert.notEqual(r.extra.shifted.top1, r.top1);

  const columns = [0, 300, 400].map((j) => xTrain.select(1, j).toArray()); // standardisation from the train set, by hand
  const stats = columns.map((v) => {
    const m = v.reduce((a, b) => a + b) / v.length;
    return [m, Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length) || 1];
  });
  assertArrayClose(
    [0, 300, 400].map((j) => r.mean.select(0, j).item()),
    stats.map((s) => s[0]),
    1e-5,
    'mean',
  );
  assertArrayClose(
    [0, 300, 400].map((j) => r.std.select(0, j).item()),
    stats.map((s) => s[1]),
    1e-5,
    'std',
  );
});

test('multi-label probe learns a synthetic task: per-class AUC from BCE with logits', () => {
  const train = synthetic(600, 2);
  const test = synthetic(300, 3);
  const targets = (s: { x: Tensor; w: Tensor }): Tensor => s.x.matmul(s.w).gt(0).float(); // [N, 3] of 0 / 1, several per row
  const testTargets = targets(test);
  testTargets.select(1, 2).fill_(1); // class 2 only positive in the test set: AUC undefined
  const r = linearProbe({
    trainFeatures: train.x,
    trainLabels: targets(train),
    testFeatures: test.x,
    testLabels: testTargets,
    numClasses: 3,
    multiLabel: true,
    lr: 1e-2, // 300 steps on 5 features: the default 1e-3 would stop short of the optimum
  });
  assert.equal(r.top1, undefined);
  assert.equal(r.perClassAuc[2], null);
  assert.ok(r.perClassAuc[0]! > 0.97 && r.perClassAuc[1]! > 0.97, `AUC ${r.perClassAuc}`);
  const auc = multiLabelAuc(probeLogits(r, test.x), testTargets);
  assert.deepEqual([r.meanAuc, r.perClassAuc], [auc.mean, auc.perClass]);
  assert.ok(r.losses.at(-1)! < 0.5 * r.losses[0], `BCE ${r.losses[0]} → ${r.losses.at(-1)}`);
});

test('linear probe names the argument, the expected and the received value in its errors', () => {
  const { x, y } = synthetic(20, 4);
  const o = { trainFeatures: x, trainLabels: y, testFeatures: x, testLabels: y, numClasses: 3 };
  assertThrows(
    () => linearProbe({ ...o, testFeatures: x.narrow(1, 0, 4) }),
    /^linearProbe: expected testFeatures \[N, 5\] \(D of trainFeatures\) but received \[20,4\]$/,
    RangeError,
  );
  assertThrows(
    () => linearProbe({ ...o, trainLabels: y.narrow(0, 0, 19) }),
    /^linearProbe: expected trainFeatures \[N, D\] and trainLabels \[N\] but received \[20,5\] and \[19\]$/,
    RangeError,
  );
  assertThrows(
    () => linearProbe({ ...o, numClasses: 2 }),
    /^linearProbe: expected trainLabels in \[0, 2\) but received values in \[0, 2\]$/,
    RangeError,
  );
  assertThrows(
    () => linearProbe({ ...o, multiLabel: true }),
    /^linearProbe: expected trainLabels \[20, 3\] \(N of trainFeatures, numClasses\) for multiLabel but received \[20\]$/,
    RangeError,
  );
  assertThrows(
    () => linearProbe({ ...o, multiLabel: true, trainLabels: torch.full([20, 3], 2) }),
    /^linearProbe: expected trainLabels of 0 \/ 1 values for multiLabel$/,
    RangeError,
  );
  assertThrows(
    () => linearProbe({ ...o, extraTests: { shifted: { features: x, labels: y.float() } } }),
    /^linearProbe: expected int64 class indices for extraTests\.shifted\.labels but received dtype float32$/,
    TypeError,
  );
  assertThrows(
    () => linearProbe({ ...o, lr: 0 }),
    /^linearProbe: expected a positive number for lr but received 0 of type number$/,
    RangeError,
  );
  assertThrows(
    () => linearProbe({ ...o, epochs: 2.5 }),
    /^linearProbe: expected a positive integer for epochs but received 2.5 of type number$/,
    RangeError,
  );
  assertThrows(
    () => linearProbe({ ...o, batchSize: 0 }),
    /^linearProbe: expected a positive integer for batchSize but received 0 of type number$/,
    RangeError,
  );
});
