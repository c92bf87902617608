/**
 * Samplers: stratified label-fraction subsets of Fashion-MNIST (exact per-class
 * counts, reproducibility, the index file round trip and its validation), the
 * seed mixing of epochs, and the MICLe per-case sampler's invariants over many
 * batches of the real emoji cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch } from '../../src/index.js';
import { loadFashionMnist } from '../../src/data/fashion-mnist.js';
import { labelFraction, loadLabelSubset, saveLabelSubset } from '../../src/data/label-fraction.js';
import { epochSeed } from '../../src/data/samplers.js';
import { PerCaseBatchSampler } from '../../src/data/case-sampler.js';
import { emojiRecords } from '../../src/data/emoji.js';
import { DataLoader } from '../../src/data/loader.js';
import { TensorDataset } from '../../src/data/tensor-dataset.js';
import { Subset } from '../../src/data/dataset.js';

const labels = loadFashionMnist('train').labels.toArray(); // [60000], 6,000 per class
const dir = mkdtempSync(join(tmpdir(), 'selfsup-samplers-'));

const perClass = (idx: number[]): number[] => {
  const c = Array(10).fill(0);
  for (const i of idx) c[labels[i]]++;
  return c;
};

test('label fractions of Fashion-MNIST: exactly 60 / 600 per class, sorted unique indices, reproducible by seed', () => {
  const one = labelFraction(labels, 0.01, 0);
  assert.equal(one.indices.length, 600);
  assert.deepEqual(perClass(one.indices), Array(10).fill(60));
  assert.deepEqual(one.counts, Object.fromEntries(Array.from({ length: 10 }, (_, c) => [c, 60])));
  assert.ok(one.indices.every((v, k) => k === 0 || v > one.indices[k - 1]));
  const ten = labelFraction(torch.tensor(Float64Array.from(labels), { dtype: 'int64' }), 0.1, 0);
  assert.deepEqual(perClass(ten.indices), Array(10).fill(600));
  assert.deepEqual(labelFraction(labels, 0.01, 0).indices, one.indices, 'same seed, same subset');
  const other = labelFraction(labels, 0.01, 1).indices;
  assert.deepEqual(perClass(other), Array(10).fill(60));
  assert.ok(other.filter((i) => one.indices.includes(i)).length < 60, 'another seed draws another subset');
  assert.equal(labelFraction(labels, 1, 3).indices.length, 60000);
});

test('every class keeps at least one example; rounding is per class', () => {
  const small = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2]; // 10, 3, 1
  const s = labelFraction(small, 0.25, 5);
  assert.deepEqual(s.counts, { 0: 3, 1: 1, 2: 1 }); // round(2.5) = 3, round(0.75) = 1, max(1, round(0.25)) = 1
  assert.deepEqual(s.indices.map((i) => small[i]).sort(), [0, 0, 0, 1, 2]);
  assert.throws(() => labelFraction(small, 0, 1), /labelFraction: expected a fraction in \(0, 1\] but received 0/);
  assert.throws(() => labelFraction([0, -1], 0.5, 1), /labelFraction: label 1 is -1; expected a non-negative integer class index/);
});

test('index files round trip atomically and are checked against the dataset they were made for', () => {
  const subset = labelFraction(labels, 0.01, 42);
  const file = join(dir, 'fashion-1pct-seed42.json');
  saveLabelSubset(file, subset);
  assert.deepEqual(readdirSync(dir), ['fashion-1pct-seed42.json'], 'no temp file left behind');
  assert.deepEqual(loadLabelSubset(file, { numExamples: 60000, fraction: 0.01, seed: 42 }), subset);
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).format, 'selfsup.label-subset/1');
  assert.throws(
    () => loadLabelSubset(file, { numExamples: 10000 }),
    new RegExp(`label subset ${file}: made for numExamples 60000 but 10000 was expected`),
  );
  assert.throws(() => loadLabelSubset(file, { seed: 1 }), /made for seed 42 but 1 was expected/);
  const body = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file, JSON.stringify({ ...body, indices: [5, 3, ...body.indices.slice(2)] }));
  assert.throws(() => loadLabelSubset(file), /field "indices": entry 1 is 3; expected ascending unique indices in \[0, 60000\)/);
  writeFileSync(file, JSON.stringify({ ...body, indices: body.indices.slice(1) }));
  assert.throws(() => loadLabelSubset(file), /field "counts" sums to 600 but "indices" has 599 entries/);
  writeFileSync(file, '{"fraction": 0.1}');
  assert.throws(() => loadLabelSubset(file), /not a label-subset index file \(expected "format": "selfsup.label-subset\/1"\)/);
  assert.throws(() => loadLabelSubset(join(dir, 'none.json')), /label subset .*none\.json: cannot read: ENOENT/);
  const sub = new Subset(new TensorDataset(torch.tensor(Float64Array.from(labels), { dtype: 'int64' })), subset.indices);
  assert.equal(sub.length, 600);
  assert.equal((sub.get(599) as torch.Tensor[])[0].item(), labels[subset.indices[599]]);
});

test('epochSeed mixes seed and epoch: distinct for neighbours, stable, 32-bit', () => {
  const seeds = new Set<number>();
  for (let s = 0; s < 20; s++) for (let e = 0; e < 20; e++) seeds.add(epochSeed(s, e));
  assert.equal(seeds.size, 400);
  assert.equal(epochSeed(3, 4), epochSeed(3, 4));
  assert.ok([...seeds].every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32));
});

test('per-case sampler on 1,911 emoji cases (+ 3 single-image cases): pairs of distinct instances, one per case, no case twice in a batch', () => {
  const cases = [...emojiRecords().records.map((r) => r.case), 'solo-a', 'solo-b', 'solo-c'];
  const groups = new Map<string, number[]>();
  cases.forEach((c, i) => groups.set(c, [...(groups.get(c) ?? []), i]));
  const sampler = new PerCaseBatchSampler(cases, { batchSize: 64, seed: 3 });
  assert.equal(sampler.numBatches, Math.ceil(1914 / 64));
  const firstSeen = new Map<string, Set<number>>();
  for (let epoch = 0; epoch < 12; epoch++) {
    const batches = sampler.pairs(epoch);
    const visited: string[] = [];
    for (const batch of batches) {
      const inBatch = batch.map(([a]) => cases[a]);
      assert.equal(new Set(inBatch).size, batch.length, `epoch ${epoch}: a case twice in a batch`);
      for (const [a, b] of batch) {
        assert.equal(cases[a], cases[b], 'both views come from one case');
        const size = groups.get(cases[a])!.length;
        assert.ok(size === 1 ? a === b : a !== b, `case ${cases[a]} of ${size} instances gave (${a}, ${b})`);
        firstSeen.set(cases[a], (firstSeen.get(cases[a]) ?? new Set()).add(a));
      }
      visited.push(...inBatch);
    }
    assert.equal(visited.length, 1914);
    assert.equal(new Set(visited).size, 1914, 'every case once per epoch');
    assert.deepEqual(
      batches.map((b) => b.length),
      [...Array(29).fill(64), 1914 - 29 * 64],
    );
  }
  const spread = [...firstSeen.entries()].filter(([c]) => groups.get(c)!.length > 1).map(([, s]) => s.size);
  assert.ok(spread.filter((n) => n >= 2).length > 0.9 * spread.length, 'the first view varies over the instances');
  assert.deepEqual(
    new PerCaseBatchSampler(cases, { batchSize: 64, seed: 3 }).pairs(5),
    sampler.pairs(5),
    'same seed and epoch, same batches',
  );
  assert.notDeepEqual(sampler.pairs(6), sampler.pairs(5));
  assert.equal(new PerCaseBatchSampler(cases, { batchSize: 64, dropLast: true }).pairs(0).length, 29);
});

test('per-case batches through the DataLoader: [2B] items, first half and second half pair up by case', async () => {
  const recs = emojiRecords({ categories: ['Flags'] }).records; // 270 + 270 + 269
  const caseIds = [...new Set(recs.map((r) => r.case))];
  const caseIdx = torch.tensor(
    Float64Array.from(recs, (r) => caseIds.indexOf(r.case)),
    { dtype: 'int64' },
  ); // [N]
  const loader = new DataLoader<torch.Tensor[], torch.Tensor[]>(new TensorDataset(caseIdx, torch.arange(recs.length, { dtype: 'int64' })), {
    batchSampler: new PerCaseBatchSampler(
      recs.map((r) => r.case),
      { batchSize: 32, seed: 9 },
    ),
  });
  let batches = 0;
  for await (const [c, idx] of loader) {
    const [c1, c2] = c.chunk(2);
    const [i1, i2] = idx.chunk(2);
    assert.deepEqual(c1.toArray(), c2.toArray(), 'view pairs share their case');
    assert.ok(i1.ne(i2).all().item(), 'every flag has several vendors, so the two views differ');
    batches++;
  }
  assert.equal(batches, Math.ceil(270 / 32));
  assert.throws(
    () => new DataLoader(new TensorDataset(caseIdx), { batchSampler: new PerCaseBatchSampler([1], { batchSize: 1 }), batchSize: 4 }),
    /DataLoader: batchSampler chooses the batches; do not also pass batchSize, shuffle or dropLast/,
  );
});
