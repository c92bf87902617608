/**
 * DataLoader: batching and collation, dropLast, seeded per-epoch shuffling,
 * prefetching that overlaps reading with compute, the bound on batches in
 * flight, streaming (only the batches consumed are read), skipped items and
 * errors naming the file, on real emoji PNGs decoded in the worker pool.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { torch } from '../../src/index.js';
import { DataLoader, type DataLoaderOptions } from '../../src/data/loader.js';
import { TensorDataset } from '../../src/data/tensor-dataset.js';
import { defaultCollate, spread, spreadIndices } from '../../src/data/collate.js';
import { ImageDataset } from '../../src/data/image-dataset.js';
import { emojiRecords } from '../../src/data/emoji.js';
import type { Dataset } from '../../src/data/dataset.js';

type Tensor = torch.Tensor;

async function collect<B>(loader: AsyncIterable<B>, f: (b: B) => number[]): Promise<number[][]> {
  const out: number[][] = [];
  for await (const b of loader) out.push(f(b));
  return out;
}

/** Item i is `{ x: [i, -i], y: i, name }`; records each `get` and can sleep in it. */
class Recording implements Dataset<{ x: Tensor; y: number; name: string }> {
  calls: number[] = [];
  constructor(
    readonly length: number,
    private delayMs = 0,
  ) {}
  async get(i: number): Promise<{ x: Tensor; y: number; name: string }> {
    this.calls.push(i);
    if (this.delayMs) await sleep(this.delayMs);
    return { x: torch.tensor([i, -i]), y: i, name: `item${i}` };
  }
}

const ten = new TensorDataset(torch.arange(10, { dtype: 'int64' }));
const ids = (b: Tensor[]): number[] => b[0].toArray();
const loaderOf = (o: DataLoaderOptions<Tensor[], Tensor[]>): DataLoader<Tensor[], Tensor[]> => new DataLoader(ten, o);

test('sequential batches with and without dropLast; TensorDataset batches come from getBatch', async () => {
  assert.deepEqual(await collect(loaderOf({ batchSize: 4 }), ids), [
    [0, 1, 2, 3],
    [4, 5, 6, 7],
    [8, 9],
  ]);
  const dl = loaderOf({ batchSize: 4, dropLast: true });
  assert.equal(dl.length, 2);
  assert.deepEqual(await collect(dl, ids), [
    [0, 1, 2, 3],
    [4, 5, 6, 7],
  ]);
  assert.equal(loaderOf({ batchSize: 3 }).length, 4);
});

test('seeded shuffling: the same seed gives the same order, each epoch a new permutation of all items', async () => {
  const run = async (seed: number, epoch?: number): Promise<number[]> => {
    const dl = loaderOf({ batchSize: 3, shuffle: true, seed });
    if (epoch !== undefined) dl.setEpoch(epoch);
    return (await collect(dl, ids)).flat();
  };
  const a = await run(7);
  assert.deepEqual(await run(7), a);
  assert.deepEqual(
    [...a].sort((x, y) => x - y),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.notDeepEqual(await run(8), a);
  const dl = loaderOf({ batchSize: 3, shuffle: true, seed: 7 });
  const epochs = [];
  for (let e = 0; e < 4; e++) epochs.push((await collect(dl, ids)).flat());
  assert.deepEqual(epochs[0], a);
  assert.equal(dl.epoch, 4);
  assert.equal(new Set(epochs.map(String)).size, 4, 'four epochs, four orders');
  assert.deepEqual(await run(7, 2), epochs[2], 'setEpoch resumes an epoch exactly');
  const dropped = await collect(loaderOf({ batchSize: 3, shuffle: true, seed: 7, dropLast: true }), ids);
  assert.deepEqual(dropped.flat(), a.slice(0, 9));
});

test('per-item datasets are collated field by field; collate errors name the field and shapes', async () => {
  const batches: unknown[] = [];
  for await (const b of new DataLoader(new Recording(5), { batchSize: 2 })) batches.push(b);
  const b0 = batches[0] as { x: Tensor; y: Tensor; name: string[] };
  assert.deepEqual(b0.x.shape, [2, 2]);
  assert.deepEqual(b0.x.toArray(), [0, -0, 1, -1]);
  assert.equal(b0.y.dtype, 'int64');
  assert.deepEqual(b0.y.toArray(), [0, 1]);
  assert.deepEqual(b0.name, ['item0', 'item1']);
  assert.deepEqual((batches[2] as { y: Tensor }).y.toArray(), [4]);
  const kept: Tensor[][] = [];
  for await (const b of new DataLoader<{ x: Tensor }, { x: Tensor }[]>(new Recording(4), { batchSize: 2, collate: (items) => items }))
    kept.push(b.map((s) => s.x));
  assert.deepEqual(
    kept.flat().map((x) => x.toArray()[0]),
    [0, 1, 2, 3],
    'tensors a custom collate keeps are not disposed',
  );
  const before = torch.memoryStats().tensors;
  for (let epoch = 0; epoch < 3; epoch++)
    for await (const b of new DataLoader<unknown, { x: Tensor; y: Tensor }>(new Recording(20), { batchSize: 4 })) {
      b.x.dispose();
      b.y.dispose();
    }
  assert.equal(torch.memoryStats().tensors, before, 'sample tensors are freed after collation: flat memory');
  const f = defaultCollate<Tensor>([1.5, 2]);
  assert.equal(f.dtype, 'float32');
  assert.throws(
    () => defaultCollate([{ a: torch.zeros([2]) }, { a: torch.zeros([3]) }]),
    /collate: batch\.a: sample 1 has shape \[3\] float32 but sample 0 has \[2\] float32/,
  );
  assert.throws(
    () =>
      defaultCollate([
        [1, 'a'],
        [2, 3],
      ]),
    /collate: batch\[1\]: sample 1 is number but sample 0 is string/,
  );
});

test('prefetching overlaps reading with compute: total time well under the serial time', async () => {
  const delay = 40;
  const timed = async (prefetch: number): Promise<number> => {
    const t0 = performance.now();
    for await (const b of new DataLoader(new Recording(12, delay), { batchSize: 2, prefetch })) {
      void b;
      await sleep(delay); // "compute"
    }
    return performance.now() - t0;
  };
  const serial = 12 * delay + 6 * delay; // every read, then every step, one after another
  const none = await timed(0);
  const ahead = await timed(2);
  assert.ok(none >= 12 * delay - 5, `without prefetch: ${none.toFixed(0)} ms (reads of a batch still run together)`);
  assert.ok(
    ahead < 0.7 * none && ahead < 0.5 * serial,
    `prefetch 2: ${ahead.toFixed(0)} ms vs ${none.toFixed(0)} ms without, ${serial} ms serial`,
  );
});

test('at most `prefetch` batches are read ahead of the consumer; a huge dataset streams', async () => {
  for (const prefetch of [0, 1, 3]) {
    const ds = new Recording(40);
    let k = 0;
    for await (const b of new DataLoader(ds, { batchSize: 4, prefetch })) {
      void b;
      const started = new Set(ds.calls.map((i) => Math.floor(i / 4))).size;
      assert.equal(started, Math.min(10, k + 1 + prefetch), `prefetch ${prefetch}, batch ${k}`);
      k++;
    }
    assert.equal(k, 10);
  }
  const huge = new Recording(1e12);
  let n = 0;
  for await (const b of new DataLoader(huge, { batchSize: 8, prefetch: 2 })) {
    void b;
    if (++n === 3) break;
  }
  assert.deepEqual(huge.calls.length, 5 * 8, 'three batches consumed, two prefetched, nothing else read');
});

test('real PNGs decoded in workers: skipped files leave their batch, a bad file fails the iteration naming it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-loader-'));
  const bad = join(dir, 'broken.png');
  const recs = emojiRecords({ subcategories: ['face-smiling'], vendors: ['google'] }).records; // 14 images
  writeFileSync(bad, readFileSync(recs[0].path).subarray(0, 500));
  const paths = [...recs.map((r) => r.path), bad];
  const logs: string[] = [];
  const skipping = new ImageDataset(paths, { size: 32, onError: 'skip', log: (m) => logs.push(m) });
  const sizes: number[] = [];
  for await (const b of new DataLoader<{ image: Tensor }, { image: Tensor }>(skipping, { batchSize: 5 })) {
    sizes.push(b.image.shape[0]);
    assert.deepEqual(b.image.shape.slice(1), [3, 32, 32]);
    assert.ok(b.image.max().item() <= 1 && b.image.min().item() >= 0);
  }
  assert.deepEqual(sizes, [5, 5, 4], 'the broken 15th file is left out of the last batch');
  assert.equal(skipping.skipped.size, 1);
  assert.equal(logs.length, 1);
  const strict = new DataLoader(new ImageDataset(paths, { size: 32 }), { batchSize: 5, prefetch: 3 });
  let seen = 0;
  await assert.rejects(
    async () => {
      for await (const b of strict) {
        void b;
        seen++;
      }
    },
    new RegExp(`${bad}: cannot decode image: `),
  );
  assert.equal(seen, 2, 'the two good batches come first');
});

test('spreadIndices / spread: evenly spaced rows, every row when there are no more than asked', () => {
  assert.deepEqual(spreadIndices(10, 4), [0, 2, 5, 7]);
  assert.deepEqual(spreadIndices(3, 5), [0, 1, 2]);
  assert.deepEqual(spreadIndices(0, 5), []);
  const x = torch.arange(20).reshape([10, 2]);
  assert.deepEqual(spread(x, 4).toArray(), [0, 1, 4, 5, 10, 11, 14, 15]);
  assert.equal(spread(x, 10), x, 'all rows: x itself');
});
