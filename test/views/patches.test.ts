import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import * as V from '../../src/views/index.js';
import { assertClose, assertThrows } from '../helpers.js';

const gen = (seed: number): torch.Generator => new torch.Generator(seed);

/** [n, 3, h, w] whose channel 0 holds each pixel's row, channel 1 its column, channel 2 the sample index. */
function ramp(n: number, h: number, w: number): torch.Tensor {
  const rows = torch.arange(h).float().view([1, 1, h, 1]).expand([n, 1, h, w]);
  const cols = torch.arange(w).float().view([1, 1, 1, w]).expand([n, 1, h, w]);
  const ids = torch.arange(n).float().view([n, 1, 1, 1]).expand([n, 1, h, w]);
  return torch.cat([rows, cols, ids], 1);
}

/** The top-left corner (row, column) of each patch, asserting every patch is an intact, unflipped block of its own sample. */
function corners(p: torch.Tensor, size: number): [number, number][] {
  const n = p.shape[0];
  const want = ramp(n, size, size);
  const top = p.narrow(1, 0, 1).narrow(2, 0, 1).narrow(3, 0, 1).flatten().toArray();
  const left = p.narrow(1, 1, 1).narrow(2, 0, 1).narrow(3, 0, 1).flatten().toArray();
  const offset = torch.cat([torch.tensor(top).view([n, 1, 1, 1]), torch.tensor(left).view([n, 1, 1, 1]), torch.zeros([n, 1, 1, 1])], 1);
  assertClose(p, want.add(offset), { atol: 0, rtol: 0, msg: 'patch pixels' });
  return top.map((t, i) => [t, left[i]]);
}

test('patch pairs: corners exactly `distance` apart along one axis, inside the image, all four directions', () => {
  const [n, h, w, size] = [64, 40, 36, 8];
  const x = ramp(n, h, w);
  for (const distance of [0, 5, 28]) {
    const [a, b] = new V.PatchPair({ size, distance }).forward(x, gen(distance));
    assert.deepEqual(
      [a.shape, b.shape],
      [
        [n, 3, size, size],
        [n, 3, size, size],
      ],
    );
    const [ca, cb] = [corners(a, size), corners(b, size)];
    const directions = new Set<string>();
    for (let s = 0; s < n; s++) {
      const [dy, dx] = [cb[s][0] - ca[s][0], cb[s][1] - ca[s][1]];
      assert.ok((Math.abs(dy) === distance && dx === 0) || (Math.abs(dx) === distance && dy === 0), `sample ${s}: offset (${dy}, ${dx})`);
      for (const [t, l] of [ca[s], cb[s]])
        assert.ok(t >= 0 && l >= 0 && t + size <= h && l + size <= w, `sample ${s}: (${t}, ${l}) inside`);
      directions.add(`${Math.sign(dy)},${Math.sign(dx)}`);
    }
    if (distance > 0) assert.equal(directions.size, 4, `distance ${distance}: directions ${[...directions]}`);
    assert.ok(new Set(ca.map((c) => c.join())).size > n / 4, 'positions vary per sample');
  }
});

test('patch pairs are seeded, and the flip probability mirrors the same patches', () => {
  const x = torch.rand([8, 3, 24, 24], { generator: gen(0) });
  const pair = new V.PatchPair({ size: 8, distance: 6 });
  const [a, b] = pair.forward(x, gen(1));
  const [a2, b2] = pair.forward(x, gen(1));
  assertClose(a2, a, { atol: 0, rtol: 0 });
  assertClose(b2, b, { atol: 0, rtol: 0 });
  const [a3] = pair.forward(x, gen(2));
  assert.ok(a3.sub(a).abs().max().item() > 0, 'another seed gives other patches');
  const [fa, fb] = new V.PatchPair({ size: 8, distance: 6, flip: 1 }).forward(x, gen(1));
  assertClose(fa, V.hflip(a), { atol: 0, rtol: 0 });
  assertClose(fb, V.hflip(b), { atol: 0, rtol: 0 });
});

test('patch pairs that cannot fit name the field and the image side', () => {
  const x = torch.rand([2, 3, 20, 24]);
  const tight = new V.PatchPair({ size: 8, distance: 12 }).forward(x, gen(0)); // 8 + 12 = 20: fits exactly
  assert.deepEqual(tight[0].shape, [2, 3, 8, 8]);
  assertThrows(
    () => new V.PatchPair({ size: 8, distance: 13 }).forward(x, gen(0)),
    /patchPairParams: expected patch size \+ distance <= the image side 20 but received size 8 \+ distance 13 = 21/,
  );
  const views = V.imageViewsSchema().parse({ pair: { kind: 'patches', patch: { size: 40, distance: 30 } } });
  assertThrows(
    () => new V.ImageViews(views, 64),
    /views\.pair\.patch: expected patch size \+ distance <= the image side 64 but received size 40 \+ distance 30 = 70/,
  );
  assertThrows(() => new V.PatchPair({ size: 0, distance: 1 }), /size/);
});
