import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import * as V from '../../src/views/index.js';
import { loadMnist } from '../../src/data/mnist.js';
import { assertThrows, golden } from '../helpers.js';

type Tensor = torch.Tensor;
type Severity = 1 | 2 | 3 | 4 | 5;

const g = golden('corruptions'); // tools/goldens/g_corruptions.py
const SEED = 7;
const SETS = { gray: g('gray.x'), rgb: g('rgb.x') }; // uint8 [3, 1, 28, 28] strokes on black, [1, 3, 32, 32] texture with a flat square
const RANDOM = ['gaussianNoise', 'impulseNoise', 'rotate', 'shear', 'elastic'];

const levels = (t: Tensor): Float64Array => Float64Array.from(t.data() as ArrayLike<number>);

/** Largest |a − b| over the elements, with the index of the worst one. */
function maxDiff(a: Tensor, b: Tensor): { max: number; at: number } {
  assert.deepEqual(a.shape, b.shape);
  const [x, y] = [levels(a), levels(b)];
  let [max, at] = [0, -1];
  for (let i = 0; i < x.length; i++) if (Math.abs(x[i] - y[i]) > max) [max, at] = [Math.abs(x[i] - y[i]), i];
  return { max, at };
}

const meanAbsDiff = (a: Tensor, b: Tensor): number =>
  torch.scope(
    () =>
      a
        .to({ dtype: 'float32' })
        .sub(b.to({ dtype: 'float32' }))
        .abs()
        .mean()
        .item() as number,
  );

// The references (torchvision, scipy, colorsys) give the corrupted image before 8-bit rounding, on the 0…255
// scale; the 8-bit result round(y) is within 0.5 of it, plus float32's error (well under 0.05 of a level here).
// So no pixel may be off by more than 0.55 — the rounding itself never shows as an off-by-one.
const FLOAT_OPS = ['gaussianNoise', 'impulseNoise', 'blur', 'contrast', 'brightness', 'rotate', 'shear', 'elastic'];

test('float corruptions match torchvision / scipy / colorsys references within 8-bit rounding, at every severity', async () => {
  for (const [tag, x] of Object.entries(SETS)) {
    for (const name of FLOAT_OPS) {
      for (const s of V.SEVERITIES) {
        const y = await V.corrupt(x, name, s, SEED);
        const { max, at } = maxDiff(y, g(`${tag}.${name}.${s}`));
        assert.ok(max <= 0.55, `${tag} ${name} severity ${s}: off by ${max.toFixed(3)} at element ${at}`);
      }
    }
  }
});

test('contrast on grey images is torchvision adjust_contrast (the mean of one channel is its grey mean)', async () => {
  for (const s of V.SEVERITIES) {
    const { max } = maxDiff(await V.corrupt(SETS.gray, 'contrast', s, 0), g(`gray.contrast.torchvision.${s}`));
    assert.ok(max <= 0.55, `severity ${s}: ${max}`);
  }
});

test("pixelate equals Pillow's BOX resize down and back up, byte for byte", async () => {
  for (const [tag, x] of Object.entries(SETS)) {
    for (const s of V.SEVERITIES) {
      const { max } = maxDiff(await V.corrupt(x, 'pixelate', s, 0), g(`${tag}.pixelate.${s}`));
      assert.equal(max, 0, `${tag} severity ${s}`);
    }
  }
});

// sharp (mozjpeg in libjpeg mode) and PIL (Debian's libjpeg-turbo) quantise with the same IJG tables: grey images
// come out byte for byte as PIL's. RGB images too, except within 2 pixels of the border: there the decoder's chroma
// upsampling reads the mosaic's margin (jpeg.ts) where a lone image reads its own repeated edge sample.
test('jpeg equals PIL quality 80…40 JPEGs (RGB: away from a 2-pixel border)', async () => {
  for (const [tag, x] of Object.entries(SETS)) {
    const [h, w] = [x.shape[2], x.shape[3]];
    for (const s of V.SEVERITIES) {
      const [y, ref] = [await V.corrupt(x, 'jpeg', s, 0), g(`${tag}.jpeg.${s}`)];
      const inner = (t: Tensor): Tensor => t.narrow(2, 2, h - 4).narrow(3, 2, w - 4);
      assert.equal(maxDiff(tag === 'gray' ? y : inner(y), tag === 'gray' ? ref : inner(ref)).max, 0, `${tag} severity ${s}`);
      assert.ok(meanAbsDiff(y, ref) < 0.5, `${tag} severity ${s}: the border differs by ${meanAbsDiff(y, ref)} on average`);
      assert.ok(meanAbsDiff(y, x) > 4, `${tag} severity ${s}: the JPEG changes the image`);
    }
  }
});

test('a JPEG mosaic codes each image as it would alone (grey and RGB)', async () => {
  for (const x of Object.values(SETS)) {
    const many = torch.cat([x, x.flip([3]), x.flip([2]), x]); // several rows of cells when C = 3 …
    const batch = await V.jpegRoundTrip(many, 50);
    for (let i = 0; i < many.shape[0]; i++) {
      const alone = await V.jpegRoundTrip(many.narrow(0, i, 1), 50);
      assert.equal(maxDiff(batch.narrow(0, i, 1), alone).max, 0, `image ${i}`);
    }
  }
});

test('shape and dtype are kept for every corruption, grey 28×28 and RGB 32×32', async () => {
  for (const x of Object.values(SETS)) {
    for (const name of V.CORRUPTIONS) {
      const y = await V.corrupt(x, name, 3, 1);
      assert.deepEqual(y.shape, x.shape, name);
      assert.equal(y.dtype, 'uint8', name);
    }
  }
});

test('same seed, same set; another seed changes the random corruptions only', async () => {
  const x = SETS.gray;
  for (const name of V.CORRUPTIONS) {
    const [a, b, c] = [await V.corrupt(x, name, 4, 3), await V.corrupt(x, name, 4, 3), await V.corrupt(x, name, 4, 4)];
    assert.equal(maxDiff(a, b).max, 0, `${name}: same seed`);
    if (RANDOM.includes(name)) assert.ok(maxDiff(a, c).max > 0, `${name}: another seed`);
    else assert.equal(maxDiff(a, c).max, 0, `${name}: deterministic`);
  }
});

test('a batch larger than one slice is corrupted slice by slice, deterministically', async () => {
  const { images } = loadMnist('test', { limit: 3000 }); // 1,337 images per slice: three slices
  const [a, b] = [await V.corrupt(images, 'gaussianNoise', 2, 5), await V.corrupt(images, 'gaussianNoise', 2, 5)];
  assert.equal(maxDiff(a, b).max, 0);
  const blurred = await V.corrupt(images, 'blur', 5, 0);
  const alone = await V.corrupt(images.narrow(0, 2000, 10), 'blur', 5, 0);
  assert.equal(maxDiff(blurred.narrow(0, 2000, 10), alone).max, 0, 'deterministic ops do not depend on the slicing');
});

// On real digits the mean change rises with the severity for every corruption but elastic: CIFAR-10-C's elastic
// table trades a shrinking random affine move (jitter .08 → .03 of the side) for a growing local field, so its mean
// pixel change falls with severity (22 → 15 levels on MNIST) while the local distortion grows; checked separately.
test('mean |corrupted − clean| rises with the severity on MNIST digits', async () => {
  const { images } = loadMnist('test', { limit: 500 });
  for (const name of V.CORRUPTIONS.filter((n) => n !== 'elastic')) {
    const change: number[] = [];
    for (const s of V.SEVERITIES) change.push(meanAbsDiff(await V.corrupt(images, name, s, 0), images));
    for (let s = 1; s < 5; s++) assert.ok(change[s] > change[s - 1], `${name}: ${change.map((v) => v.toFixed(2)).join(', ')}`);
  }
});

test("elastic's displacement field grows with the severity (without the affine move)", () => {
  const { images } = loadMnist('test', { limit: 500 });
  const x = images.to({ dtype: 'float32' }).div(255);
  const fractions = [
    [0.05, 0.2],
    [0.08, 0.06],
    [0.1, 0.04],
    [0.1, 0.03],
  ]; // (α, σ) of severities 2…5 over the side
  const change = fractions.map(([a, s]) =>
    meanAbsDiff(V.elasticTransform(x, { alpha: a * 28, sigma: s * 28, jitter: 0 }, new torch.Generator(0)).mul(255), x.mul(255)),
  );
  for (let k = 1; k < change.length; k++) assert.ok(change[k] > change[k - 1], change.join(', '));
});

test('bad arguments get errors naming them', async () => {
  const x = SETS.gray;
  for (const s of [0, 6, 2.5]) {
    await assert.rejects(V.corrupt(x, 'blur', s as Severity, 0), /corrupt: expected severity 1, 2, 3, 4 or 5 but received/);
  }
  await assert.rejects(V.corrupt(x, 'fog', 1, 0), /corrupt: expected name to be one of gaussianNoise, .* but received "fog"/);
  await assert.rejects(
    V.corrupt(x.to({ dtype: 'float32' }), 'blur', 1, 0),
    /corrupt: expected uint8 images \[N, 1 or 3, H, W\] but received float32/,
  );
  await assert.rejects(V.corrupt(x.view([3, 28, 28]), 'blur', 1, 0), /received uint8 \[3,28,28\]/);
  await assert.rejects(V.corrupt(x, 'blur', 1, -1), /seed/);
  assertThrows(() => V.boxResize(x, 0, 5), /height/);
  await assert.rejects(V.jpegRoundTrip(x, 101), /quality/);
});
