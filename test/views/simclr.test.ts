import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import * as V from '../../src/views/index.js';
import { assertClose, assertThrows } from '../helpers.js';

const gen = (seed: number): torch.Generator => new torch.Generator(seed);

test('simclrViews returns two [N, C, size, size] views in [0, 1], reproducible by seed', () => {
  const x = torch.rand([8, 3, 40, 36], { generator: gen(0) });
  const views = V.simclrViews({ size: 32, strength: 0.5 });
  const [a, b] = views.forward(x, gen(1));
  assert.deepEqual(
    [a.shape, b.shape],
    [
      [8, 3, 32, 32],
      [8, 3, 32, 32],
    ],
  );
  for (const v of [a, b]) assert.ok(v.min().item() >= 0 && v.max().item() <= 1);
  assert.ok(
    a
      .sub(b)
      .abs()
      .flatten(1)
      .amax(1)
      .toArray()
      .every((d) => d > 0),
    'the two views of a sample must differ',
  );
  const [a2, b2] = views.forward(x, gen(1));
  assertClose(a2, a, { atol: 0, rtol: 0 });
  assertClose(b2, b, { atol: 0, rtol: 0 });
  const gray = V.simclrViews({ size: [20, 24], views: 3 }).forward(x.narrow(1, 0, 1), gen(2));
  assert.deepEqual(
    gray.map((v) => v.shape),
    [
      [8, 1, 20, 24],
      [8, 1, 20, 24],
      [8, 1, 20, 24],
    ],
  );
});

test('simclrPipeline follows Chen et al. 2020: crop + flip, jitter 0.8s/0.8s/0.8s/0.2s with p 0.8, grayscale 0.2, blur beyond 32 px', () => {
  const small = V.simclrPipeline({ size: 32, strength: 0.5 }).views;
  assert.deepEqual(
    small.map((v) => v.constructor.name),
    ['RandomResizedCrop', 'ColorJitter', 'RandomGrayscale'],
  );
  const [crop, jitter, gray] = small as [V.RandomResizedCrop, V.ColorJitter, V.RandomGrayscale];
  assert.deepEqual([crop.size, crop.scale, crop.ratio, crop.flip], [[32, 32], [0.08, 1], [3 / 4, 4 / 3], 0.5]);
  assert.deepEqual(jitter.ranges, [
    [0.6, 1.4],
    [0.6, 1.4],
    [0.6, 1.4],
    [-0.1, 0.1],
  ]);
  assert.equal(jitter.p, 0.8);
  assert.equal(gray.p, 0.2);
  const large = V.simclrPipeline({ size: 64 }).views;
  const blur = large[3] as V.RandomGaussianBlur;
  assert.deepEqual([blur.constructor.name, blur.p, blur.sigma, blur.kernelSize], ['RandomGaussianBlur', 0.5, [0.1, 2], undefined]);
  assert.deepEqual([V.simclrKernelSize(32), V.simclrKernelSize(64), V.simclrKernelSize(96), V.simclrKernelSize(224)], [3, 7, 9, 23]);
  assert.equal(V.simclrPipeline({ size: 32, blur: 0.3 }).views.length, 4);
  assert.equal(V.simclrPipeline({ size: 64, blur: 0 }).views.length, 3);
});

test('MultiView draws views in order from one generator; a list of pipelines gives asymmetric views', () => {
  const x = torch.rand([4, 3, 16, 16], { generator: gen(3) });
  const crop = new V.RandomResizedCrop({ size: 8 });
  const g = gen(5);
  const want = [crop.forward(x, g), crop.forward(x, g), crop.forward(x, g)];
  const got = new V.MultiView(crop, 3).forward(x, gen(5));
  got.forEach((v, i) => assertClose(v, want[i], { atol: 0, rtol: 0, msg: `view ${i}` }));
  const solarize = new V.RandomSolarize({ p: 1, threshold: 0 });
  const [plain, solar] = new V.MultiView([new V.Compose([crop]), new V.Compose([crop, solarize])]).forward(x, gen(6));
  const g2 = gen(6);
  assertClose(plain, crop.forward(x, g2), { atol: 0, rtol: 0 });
  assertClose(solar, crop.forward(x, g2).rsub(1), { atol: 0, rtol: 0 });
});

test('Compose frees its intermediates (it keeps no temporaries alive between views)', () => {
  const x = torch.rand([4, 3, 24, 24]);
  const pipeline = V.simclrPipeline({ size: 16, blur: 1, grayscale: 1 });
  pipeline.forward(x, gen(0)).dispose();
  const before = torch.memoryStats().tensors;
  for (let i = 0; i < 5; i++) pipeline.forward(x, gen(i)).dispose();
  assert.equal(torch.memoryStats().tensors, before);
});

test('views reject bad recipes and pipelines with named errors', () => {
  assertThrows(
    () => V.simclrViews({ size: 32, strength: 2 }),
    /simclrViews: expected strength in \[0, 1.25\] .* but received 2/,
    RangeError,
  );
  assertThrows(() => V.simclrViews({ size: 32, blur: 2 }), /Expected a number in \[0, 1\] for blur but received 2/, RangeError);
  assertThrows(() => V.simclrViews({ size: 32, colour: 1 } as V.SimclrViewOptions), /unknown option "colour"/, TypeError);
  assertThrows(
    () => new V.Compose([]),
    /Expected a non-empty array of views .* for Compose views but received \[\] of type array/,
    TypeError,
  );
  assertThrows(() => new V.MultiView(new V.RandomGrayscale(), 0), /Expected a positive integer for n but received 0/, TypeError);
});
