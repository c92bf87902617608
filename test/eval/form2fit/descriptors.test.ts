import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../../src/torch/index.js';
import { layers, splitScenes } from '../../../src/sim/index.js';
import { objectDescriptors } from '../../../src/eval/form2fit/descriptors.js';
import { descriptorMap } from '../../../src/report/form2fit.js';
import { assertThrows } from '../../helpers.js';

/** Fake nets whose descriptor of a pixel is its rendered (grey, height) and its (x, y). */
const identity = {
  descriptors: (x: torch.Tensor) => {
    const s = x.shape[3];
    const xs = torch.arange(s, { dtype: 'float32' }).view([1, 1, 1, s]).expand([1, 1, s, s]);
    return torch.cat([x, xs, xs.transpose(2, 3)], 1);
  },
};

test('objectDescriptors: rows come from the pixels of each object, labelled by its shape', () => {
  const scenes = splitScenes('train-poses', 4, 8);
  const samples = objectDescriptors(identity, scenes, { perObject: 15, seed: 1 });
  const objects = scenes.flatMap((s) => s.objects);
  assert.equal(samples.dim, 4);
  assert.equal(samples.labels.length, 15 * objects.length);
  assert.deepEqual(
    samples.labels,
    objects.flatMap((o) => Array<string>(15).fill(o.shape.name)),
  );
  // each row is a distinct pixel of its object and holds the grey and height of that object's top
  scenes.forEach((scene, k) => {
    const top = layers(scene, 'object').top;
    scene.objects.forEach((o, j) => {
      const first = 15 * (scenes.slice(0, k).reduce((a, sc) => a + sc.objects.length, 0) + j);
      const rows = Array.from({ length: 15 }, (_, r) => Array.from(samples.x.subarray(4 * (first + r), 4 * (first + r + 1))));
      for (const [grey, height, x, y] of rows) {
        assert.equal(top[y * scene.size + x], j, `${o.shape.name} pixel (${x}, ${y})`);
        assert.ok(Math.abs(grey - o.shape.grey) < 1e-6 && Math.abs(height - o.shape.height) < 1e-6);
      }
      assert.equal(new Set(rows.map(([, , x, y]) => y * scene.size + x)).size, 15);
    });
  });
  assert.deepEqual(objectDescriptors(identity, scenes, { perObject: 15, seed: 1 }), samples);
  assert.notDeepEqual(objectDescriptors(identity, scenes, { perObject: 15, seed: 2 }).x, samples.x);
  assertThrows(
    () => objectDescriptors(identity, scenes, { perObject: 0 }),
    /objectDescriptors: expected a positive integer for perObject/,
    RangeError,
  );
});

test('descriptorMap: a UMAP scatter with one series per shape', () => {
  const samples = objectDescriptors(identity, splitScenes('unseen', 3, 2), { perObject: 10 });
  const svg = descriptorMap(samples, { seed: 3 });
  const names = [...new Set(samples.labels)].sort();
  assert.deepEqual(
    [...svg.matchAll(/data-series="([^"]+)"/g)].map((m) => m[1]),
    names,
  );
  assert.equal([...svg.matchAll(/class="pt"/g)].length, samples.labels.length);
  assertThrows(() => descriptorMap({ ...samples, dim: 3 }), /descriptorMap: expected \d+ labels × dim 3/, RangeError);
});
