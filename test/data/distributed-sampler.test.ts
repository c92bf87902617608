/**
 * Data-parallel sharding: each rank's slices of the epoch-seeded global batches are
 * disjoint and together are exactly the global batch; a ShardGenerator's views of a
 * slice are the global batch's views of those images, and its state follows one
 * process's generator (a checkpoint resumes on any world size).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { data, torch, views as V } from '../../src/index.js';
import { instancePairs, shardPairs } from '../../src/methods/pairs.js';
import { assertClose, assertThrows } from '../helpers.js';

test('DistributedBatchSampler: disjoint contiguous slices that make up each global batch, same every call, new each epoch', () => {
  const global = new data.BatchIndexSampler(50, { batchSize: 12, shuffle: true, seed: 3, dropLast: true });
  for (const w of [1, 2, 3, 4]) {
    const ranks = Array.from({ length: w }, (_, rank) => [
      ...new data.DistributedBatchSampler(global, 12, { rank, worldSize: w }).batches(1),
    ]);
    const whole = [...global.batches(1)];
    assert.equal(ranks[0].length, whole.length);
    whole.forEach((b, s) => {
      const parts = ranks.map((r) => r[s]);
      parts.forEach((p) => assert.equal(p.length, 12 / w));
      assert.deepEqual(parts.flat(), b, `world ${w} step ${s}: the slices in rank order are the global batch`);
    });
  }
  const s = new data.DistributedBatchSampler(global, 12, { rank: 1, worldSize: 2 });
  assert.deepEqual([...s.batches(2)], [...s.batches(2)]);
  assert.notDeepEqual([...s.batches(2)][0], [...s.batches(3)][0]);
  assertThrows(
    () => new data.DistributedBatchSampler(global, 12, { rank: 0, worldSize: 5 }),
    /DistributedBatchSampler: expected a batch size divisible by the world size 5 \(each rank takes an equal slice\) but received 12/,
  );
  assertThrows(
    () => shardPairs(instancePairs({ numItems: 40, batchSize: 10, seed: 0 }), 10, { rank: 0, worldSize: 4 }),
    /train\.batchSize: expected a batch size divisible by the world size 4/,
  );
  assertThrows(() => new data.DistributedBatchSampler(global, 12, { rank: 2, worldSize: 2 }), /rank/);
  for (const b of shardPairs(instancePairs({ numItems: 40, batchSize: 10, seed: 0 }), 10, { rank: 1, worldSize: 2 }).batches(0))
    assert.equal(b.second, b.first, 'instance pairs stay one array (views of one image), sharded');
});

test("ShardGenerator: a rank's views of its slice are the global batch's views of those images; its state is one process's", () => {
  torch.manualSeed(0);
  const x = torch.rand([6, 3, 20, 20]);
  for (const config of [
    V.imageViewsSchema({ localCount: 2, blur: [1, 0.1], solarize: [0, 0.2] }).parse({}),
    V.imageViewsSchema().parse({ preset: 'infomin' }),
  ]) {
    const views = new V.ImageViews(config, 20);
    const one = new torch.Generator(7);
    const whole = views.forward(x, one); // V × [6, C, S, S]
    for (const w of [2, 3]) {
      const shards = Array.from({ length: w }, (_, r) => {
        const g = new V.ShardGenerator(7, r, w);
        const out = views.forward(x.narrow(0, (r * 6) / w, 6 / w), g);
        assert.deepEqual(g.getState().toArray(), one.getState().toArray(), `world ${w} rank ${r}: generator state`);
        return out;
      });
      whole.forEach((v, i) => assertClose(torch.cat(shards.map((s) => s[i])), v, { atol: 1e-6, rtol: 0, msg: `world ${w} view ${i}` }));
    }
  }
  assertThrows(
    () => new V.ShardGenerator(0, 2, 2),
    /ShardGenerator: expected 0 ≤ index < count \(integers\) but received index 2 and count 2/,
  );
});
