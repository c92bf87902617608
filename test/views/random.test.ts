import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import * as V from '../../src/views/index.js';
import { assertClose, assertThrows, golden } from '../helpers.js';

type Tensor = torch.Tensor;
const gen = (seed: number): torch.Generator => new torch.Generator(seed);
/** A batch of n copies of one image, so that any difference between samples comes from their parameters. */
const copies = (n: number, c = 3, h = 24, w = 24): Tensor =>
  torch
    .rand([1, c, h, w], { generator: gen(7) })
    .expand([n, c, h, w])
    .contiguous();
/** Per-sample max |a - b|. */
const sampleDiff = (a: Tensor, b: Tensor): number[] => a.sub(b).abs().flatten(1).amax(1).toArray();

const RANDOM: [string, V.View][] = [
  ['RandomResizedCrop', new V.RandomResizedCrop({ size: 16, flip: 0.5 })],
  ['RandomHorizontalFlip', new V.RandomHorizontalFlip()],
  ['ColorJitter', new V.ColorJitter({ brightness: 0.8, contrast: 0.8, saturation: 0.8, hue: 0.2 })],
  ['RandomGrayscale', new V.RandomGrayscale({ p: 0.5 })],
  ['RandomGaussianBlur', new V.RandomGaussianBlur({ p: 0.5 })],
  ['RandomSolarize', new V.RandomSolarize()],
  ['simclr', V.simclrPipeline({ size: 20, blur: 0.5 })],
];

test('every random view: same seed gives the same output, another seed another, values stay in [0, 1]', () => {
  const x = torch.rand([16, 3, 24, 24], { generator: gen(1) });
  for (const [name, view] of RANDOM) {
    const a = view.forward(x, gen(3));
    assertClose(view.forward(x, gen(3)), a, { atol: 0, rtol: 0, msg: `${name} same seed` });
    assert.ok(!torch.equal(view.forward(x, gen(4)), a), `${name}: seeds 3 and 4 gave the same views`);
    assert.ok(a.min().item() >= 0 && a.max().item() <= 1, `${name}: values outside [0, 1]`);
    assert.ok(sampleDiff(x, x).every((d) => d === 0) && x.min().item() >= 0, `${name} left its input alone`);
  }
});

test('each sample gets its own parameters', () => {
  const x = copies(8);
  for (const [name, view] of RANDOM.filter(([n]) => ['RandomResizedCrop', 'ColorJitter', 'simclr'].includes(n))) {
    const y = view.forward(x, gen(5));
    const distinct = new Set(
      y
        .flatten(1)
        .sum(1)
        .toArray()
        .map((v) => v.toFixed(4)),
    );
    assert.equal(distinct.size, 8, `${name}: ${distinct.size} distinct samples out of 8`);
  }
});

test('randomResizedCropParams: boxes inside the image, area and aspect statistics as torchvision', () => {
  const g = golden('views');
  for (const [h, w] of [
    [32, 32],
    [20, 50],
  ]) {
    const n = 20000;
    const b = V.randomResizedCropParams(n, h, w, { generator: gen(11) });
    const area: number[] = [];
    const aspect: number[] = [];
    for (let i = 0; i < n; i++) {
      assert.ok(b.top[i] >= 0 && b.left[i] >= 0 && b.top[i] + b.height[i] <= h && b.left[i] + b.width[i] <= w, `box ${i} outside`);
      area.push((b.height[i] * b.width[i]) / (h * w));
      aspect.push(Math.log(b.width[i] / b.height[i]));
      assert.ok(area[i] >= 0.07 && area[i] <= 1, `area fraction ${area[i]} outside scale (0.08, 1) beyond rounding`);
      assert.ok(Math.abs(aspect[i]) <= Math.log(4 / 3) + 0.35, `aspect ${aspect[i]} outside ratio beyond rounding`);
    }
    const mean = (v: number[]): number => v.reduce((s, e) => s + e, 0) / v.length;
    const std = (v: number[]): number => {
      const m = mean(v);
      return Math.sqrt(v.reduce((s, e) => s + (e - m) ** 2, 0) / (v.length - 1));
    };
    const heights = Array.from(b.height);
    const widths = Array.from(b.width);
    const ours = [mean(area), std(area), mean(aspect), std(aspect), mean(heights), mean(widths)];
    const theirs = g(`cropStats.${h}x${w}`).toArray();
    const tol = [0.01, 0.01, 0.01, 0.01, 0.15, 0.3];
    ours.forEach((v, k) => assert.ok(Math.abs(v - theirs[k]) <= tol[k], `${h}x${w} statistic ${k}: ours ${v}, torchvision ${theirs[k]}`));
  }
});

test('randomResizedCropParams falls back to the centred box when no attempt fits', () => {
  // Wide image, large areas: every attempt is taller than 10 rows; torchvision's fallback keeps the height and the widest allowed aspect.
  const b = V.randomResizedCropParams(3, 10, 100, { scale: [0.5, 1], generator: gen(0) });
  assert.deepEqual([...b.top, ...b.left, ...b.height, ...b.width], [0, 0, 0, 43, 43, 43, 10, 10, 10, 13, 13, 13]);
  const tall = V.randomResizedCropParams(1, 100, 10, { scale: [0.5, 1], generator: gen(0) });
  assert.deepEqual([tall.top[0], tall.left[0], tall.height[0], tall.width[0]], [43, 0, 13, 10]);
});

test('RandomResizedCrop is resizedCropBoxes on the drawn boxes', () => {
  const x = torch.rand([6, 3, 30, 20], { generator: gen(2) });
  const view = new V.RandomResizedCrop({ size: [12, 10], scale: [0.2, 0.6] });
  const boxes = V.randomResizedCropParams(6, 30, 20, { scale: [0.2, 0.6], generator: gen(9) });
  assertClose(view.forward(x, gen(9)), V.resizedCropBoxes(x, boxes, [12, 10]), { atol: 0, rtol: 0 });
});

/** Counts samples of y equal to x, and those equal to f(x). */
function tally(x: Tensor, y: Tensor, f: Tensor): [number, number] {
  const same = sampleDiff(y, x).map((d) => d === 0);
  const other = sampleDiff(y, f).map((d) => d < 1e-6);
  same.forEach((s, i) => assert.ok(s !== other[i], `sample ${i}: neither unchanged nor transformed (or both)`));
  return [same.filter(Boolean).length, other.filter(Boolean).length];
}

/** Asserts k successes out of n are within 4 standard deviations of n·p. */
function rateNear(k: number, n: number, p: number, what: string): void {
  const sd = Math.sqrt(n * p * (1 - p));
  assert.ok(Math.abs(k - n * p) <= 4 * sd, `${what}: ${k} of ${n}, expected about ${n * p}`);
}

test('flip, grayscale, solarize and blur hit each sample with rate p, leaving the rest unchanged', () => {
  const n = 1000;
  const x = torch.rand([n, 3, 8, 8], { generator: gen(3) });
  const [, flipped] = tally(x, new V.RandomHorizontalFlip({ p: 0.3 }).forward(x, gen(1)), x.flip(3));
  rateNear(flipped, n, 0.3, 'flip');
  const [, gray] = tally(x, new V.RandomGrayscale({ p: 0.2 }).forward(x, gen(2)), V.rgbToGrayscale(x, 3));
  rateNear(gray, n, 0.2, 'grayscale');
  const [, solar] = tally(x, new V.RandomSolarize({ threshold: 0.6, p: 0.7 }).forward(x, gen(3)), V.solarize(x, 0.6));
  rateNear(solar, n, 0.7, 'solarize');
  const blurred = new V.RandomGaussianBlur({ p: 0.4, kernelSize: 3, sigma: [0.5, 2] }).forward(x, gen(6));
  const changed = sampleDiff(blurred, x).filter((d) => d > 0).length;
  rateNear(changed, n, 0.4, 'blur');
  const jittered = new V.ColorJitter({ brightness: 0.5, p: 0.8 }).forward(x, gen(5));
  rateNear(sampleDiff(jittered, x).filter((d) => d > 0).length, n, 0.8, 'jitter');
  const cropFlips = new V.RandomResizedCrop({ size: 8, scale: [1, 1], ratio: [1, 1], flip: 0.5 }).forward(x, gen(6));
  rateNear(tally(x, cropFlips, x.flip(3))[1], n, 0.5, 'crop flip');
});

test('RandomGaussianBlur blurs with σ in range: between the σ = 0.1 and σ = 2 results in smoothness', () => {
  const x = torch.rand([64, 1, 16, 16], { generator: gen(8) });
  const y = new V.RandomGaussianBlur({ p: 1 }).forward(x, gen(1));
  const rough = (t: Tensor): number[] =>
    t
      .narrow(3, 1, 15)
      .sub(t.narrow(3, 0, 15))
      .abs()
      .flatten(1)
      .mean(1)
      .toArray();
  const [lo, hi, got] = [rough(V.gaussianBlur(x, 3, 2)), rough(V.gaussianBlur(x, 3, 0.1)), rough(y)];
  got.forEach((r, i) => assert.ok(r >= lo[i] - 1e-6 && r <= hi[i] + 1e-6, `sample ${i}: roughness ${r} outside [${lo[i]}, ${hi[i]}]`));
});

test('ColorJitter equals the torchvision-style per-sample loop over its drawn order and factors', () => {
  const x = torch.rand([12, 3, 6, 7], { generator: gen(4) });
  const jitter = new V.ColorJitter({ brightness: 0.8, contrast: 0.8, saturation: 0.8, hue: 0.2, p: 0.75 });
  const params = jitter.sample(12, 3, gen(21));
  const orders = new Set(params.order.map((o) => o.join('')));
  assert.ok(orders.size >= 8, `only ${orders.size} distinct orders among 12 samples`);
  params.factors.forEach(([b, c, s, h]) =>
    assert.ok(b >= 0.2 && b <= 1.8 && c >= 0.2 && c <= 1.8 && s >= 0.2 && s <= 1.8 && Math.abs(h) <= 0.2),
  );
  const ops = [V.adjustBrightness, V.adjustContrast, V.adjustSaturation, V.adjustHue];
  const want = torch.cat(
    params.order.map((order, i) => {
      let img = x.narrow(0, i, 1);
      if (params.apply[i]) for (const op of order) img = ops[op](img, params.factors[i][op]);
      return img;
    }),
  );
  assertClose(jitter.forward(x, gen(21)), want, { atol: 1e-6 });
});

test('ColorJitter on 1-channel images uses brightness and contrast only', () => {
  const x = copies(6, 1, 5, 5);
  const jitter = new V.ColorJitter({ saturation: 0.9, hue: 0.5 });
  assertClose(jitter.forward(x, gen(0)), x, { atol: 0, rtol: 0 });
  const params = new V.ColorJitter({ brightness: 0.5, saturation: 0.9, hue: 0.5 }).sample(6, 1, gen(0));
  params.factors.forEach((f) => assert.deepEqual(f.slice(2), [1, 0]));
});

test('large batches run in cache-sized slices with the same result as one sample at a time', () => {
  const x = torch.rand([12, 3, 200, 200], { generator: gen(12) }); // 1.44 M elements: slices of 8 and 4 samples
  const one = (i: number): torch.Tensor => x.narrow(0, i, 1);
  const jitter = new V.ColorJitter({ brightness: 0.8, contrast: 0.8, saturation: 0.8, hue: 0.2 });
  const params = jitter.sample(12, 3, gen(1));
  const pick = (i: number): V.JitterParams => ({ apply: [params.apply[i]], order: [params.order[i]], factors: [params.factors[i]] });
  const each = (f: (i: number) => torch.Tensor): torch.Tensor => torch.cat(Array.from({ length: 12 }, (_, i) => f(i)));
  assertClose(
    jitter.apply(x, params),
    each((i) => jitter.apply(one(i), pick(i))),
    { atol: 1e-6 },
  );
  const sigma = torch
    .rand([12], { generator: gen(2) })
    .mul(1.9)
    .add(0.1);
  assertClose(
    V.gaussianBlur(x, 9, sigma),
    each((i) => V.gaussianBlur(one(i), 9, sigma.index(i).item())),
    { atol: 1e-6 },
  );
  const flags = torch
    .rand([12, 1], { generator: gen(3) })
    .lt(0.5)
    .view([12, 1, 1, 1]);
  assertClose(new V.RandomGrayscale({ p: 0.5 }).forward(x, gen(3)), torch.where(flags, V.rgbToGrayscale(x, 3), x), { atol: 0, rtol: 0 });
});

test('random views free their temporaries', () => {
  const x = torch.rand([4, 3, 24, 24], { generator: gen(0) });
  for (const [name, view] of RANDOM) {
    view.forward(x, gen(0)).dispose();
    const before = torch.memoryStats().tensors;
    for (let i = 0; i < 5; i++) view.forward(x, gen(i)).dispose();
    assert.equal(torch.memoryStats().tensors, before, `${name} leaked tensors`);
  }
});

test('random views reject bad options with named errors', () => {
  assertThrows(() => new V.RandomHorizontalFlip({ p: 1.5 }), /Expected a number in \[0, 1\] for p but received 1.5/, RangeError);
  assertThrows(() => new V.ColorJitter({ hue: 0.7 }), /Expected a number in \[0, 0.5\] for hue but received 0.7/, RangeError);
  assertThrows(
    () => new V.ColorJitter({ brightness: [1.2, 0.8] }),
    /for brightness but received \[1.2 of type number, 0.8 of type number\]/,
    TypeError,
  );
  assertThrows(
    () => new V.ColorJitter({ brigthness: 0.4 } as V.ColorJitterOptions),
    /Expected options of ColorJitter among brightness, contrast, saturation, hue, p but received unknown option "brigthness"/,
    TypeError,
  );
  assertThrows(() => new V.RandomResizedCrop({ size: 0 }), /for size but received 0/, RangeError);
  assertThrows(
    () => new V.RandomGaussianBlur({ kernelSize: 4 }),
    /RandomGaussianBlur: expected an odd kernelSize but received 4/,
    RangeError,
  );
  assertThrows(() => new V.RandomGaussianBlur({ sigma: [0, 1] }), /for sigma but received \[0 of type number/, TypeError);
  assertThrows(
    () => new V.RandomResizedCrop({ size: 8 }).forward(torch.rand([2, 4, 8, 8])),
    /RandomResizedCrop: expected 1 or 3 channels/,
    RangeError,
  );
  const jitter = new V.ColorJitter({ hue: 0.1 });
  assertThrows(
    () => jitter.apply(torch.rand([3, 3, 4, 4]), jitter.sample(2, 3)),
    /ColorJitter.apply: expected parameters for 3 samples but received 2/,
    RangeError,
  );
});
