import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sceneBatch } from '../../src/data/kit-scenes.js';
import { DATA_SETS, loadSceneSet } from '../../src/data/registry.js';
import { collectEpisodes, readEpisodes, writeEpisodes } from '../../src/data/scene-sets.js';
import { correspondences, render, timeReverse } from '../../src/sim/index.js';
import { assertThrows } from '../helpers.js';

const S = 80;
const examples = collectEpisodes({ kits: ['triangle-L', 'square-circle-triangle'], episodes: 4, seed: 2 }).flatMap(timeReverse);

test('sceneBatch: rendered halves, labels and K correspondences per example, padded with −1', () => {
  const xs = examples.slice(0, 5);
  const b = sceneBatch(xs, { matches: 64, noise: 0.001, seed: 7 });
  assert.deepEqual(b.kit.shape, [5, 2, S, S]);
  assert.deepEqual(b.object.shape, [5, 2, S, S]);
  assert.deepEqual([b.suction.shape, b.place.shape, b.rotation.shape, b.matches.shape], [[5, 2], [5, 2], [5], [5, 64, 4]]);
  assert.deepEqual([b.kit.dtype, b.suction.dtype, b.rotation.dtype, b.matches.dtype], ['float32', 'int64', 'int64', 'int64']);
  const ints = (t: typeof b.suction) => Array.from(t.data() as BigInt64Array, Number);
  assert.deepEqual(
    ints(b.suction),
    xs.flatMap((x) => x.suction),
  );
  assert.deepEqual(
    ints(b.place),
    xs.flatMap((x) => x.place),
  );
  assert.deepEqual(
    ints(b.rotation),
    xs.map((x) => x.rotationBin),
  );
  // halves: example i rendered with seed (7, i) — grey exact, heights within the noise
  const kit = b.kit.data() as Float32Array;
  const clean = render(xs[1].scene);
  assert.deepEqual(kit.subarray(2 * S * S, 3 * S * S), clean.kit.subarray(0, S * S));
  const dev = Array.from(kit.subarray(3 * S * S, 4 * S * S), (v, i) => v - clean.kit[S * S + i]);
  assert.ok(Math.abs(Math.sqrt(dev.reduce((a, v) => a + v * v, 0) / dev.length) - 0.001) < 1e-4);
  // matches: K distinct correspondences of the example
  const m = ints(b.matches);
  for (let i = 0; i < 5; i++) {
    const c = correspondences(xs[i]);
    const pairs = new Set(c.object.map((o, k) => [...o, ...c.kit[k]].join(',')));
    const rows = Array.from({ length: 64 }, (_, j) => m.slice((i * 64 + j) * 4, (i * 64 + j + 1) * 4).join(','));
    assert.ok(rows.every((r) => pairs.has(r)));
    assert.equal(new Set(rows).size, 64);
  }
  assert.deepEqual(sceneBatch(xs, { matches: 64, noise: 0.001, seed: 7 }).matches.data(), b.matches.data());
  // more rows than pixels: all correspondences, then −1 padding
  const big = sceneBatch(xs.slice(0, 1), { matches: 2000, noise: 0, seed: 0 });
  const n = correspondences(xs[0]).object.length;
  const all = ints(big.matches);
  assert.ok(all.slice(0, 4 * n).every((v) => v >= 0));
  assert.ok(all.slice(4 * n).every((v) => v === -1));
});

test('sceneBatch: bad input is named', () => {
  assertThrows(
    () => sceneBatch([], { matches: 4, noise: 0, seed: 0 }),
    /sceneBatch: expected a non-empty array of examples but received none/,
    RangeError,
  );
  assertThrows(
    () => sceneBatch(examples, { matches: 0, noise: 0, seed: 0 }),
    /sceneBatch: expected a positive integer matches but received 0/,
    RangeError,
  );
  const odd = { ...examples[1], scene: { ...examples[1].scene, size: 64 } };
  assertThrows(
    () => sceneBatch([examples[0], odd], { matches: 4, noise: 0, seed: 0 }),
    /expected every scene of size 80 but example 1 has size 64/,
    RangeError,
  );
  assertThrows(() => sceneBatch(examples, { matches: 4, noise: -0.1, seed: 0 }), /render: expected a depth noise σ ≥ 0/, RangeError);
});

test('scene set kits: registered; collects seeded episodes or reads them back from JSON lines', async () => {
  assert.equal(DATA_SETS.kits.modality, 'scene');
  const s = await loadSceneSet({ name: 'kits', episodes: 6, seed: 1, noise: 0.002 });
  assert.equal(s.episodes.length, 6);
  assert.deepEqual(
    s.episodes.map((e) => e.kit.name),
    ['circle', 'square-rectangle', 'triangle-L', 'T-trapezoid-hexagon', 'square-circle-triangle', 'circle'],
  );
  assert.equal(
    s.examples.length,
    s.episodes.reduce((n, e) => n + e.steps.length, 0),
  );
  assert.equal(s.noise, 0.002);
  assert.deepEqual(await loadSceneSet({ name: 'kits', episodes: 6, seed: 1, noise: 0.002 }), s);
  const limited = await loadSceneSet({ name: 'kits', episodes: 6, seed: 1, limit: 2 });
  assert.equal(limited.episodes.length, 2);
  assert.equal(limited.examples.length, 3);
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-kits-'));
  try {
    const path = join(dir, 'episodes.jsonl');
    writeEpisodes(path, s.episodes);
    assert.deepEqual(readEpisodes(path), s.episodes);
    const back = await loadSceneSet({ name: 'kits', path, noise: 0.002 });
    assert.deepEqual(back.examples, s.examples);
    writeFileSync(path, JSON.stringify(s.episodes[0]) + '\n{"seed": 1}\n');
    assertThrows(() => readEpisodes(path), /readEpisodes: .*episodes.jsonl line 2: field kit: /, RangeError);
    writeFileSync(path, '{oops\n');
    assertThrows(() => readEpisodes(path), /readEpisodes: .*episodes.jsonl line 1 is not JSON/, RangeError);
    assertThrows(() => readEpisodes(join(dir, 'none.jsonl')), /readEpisodes: cannot read .*none.jsonl/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await assert.rejects(loadSceneSet({ name: 'kits', kits: ['circle', 'blob'] }), /getKits: unknown kit "blob" \(valid: circle, .*\)/);
  await assert.rejects(loadSceneSet({ name: 'kits', split: 'test' }), /scene set kits: expected split "train" but received "test"/);
  await assert.rejects(loadSceneSet({ name: 'kitz' }), /unknown scene data set "kitz" \(valid: kits\)/);
});
