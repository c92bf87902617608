import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import * as V from '../../src/views/index.js';
import { assertClose, assertThrows } from '../helpers.js';

type Tensor = torch.Tensor;
const gen = (seed: number): torch.Generator => new torch.Generator(seed);
const x = torch.rand([6, 3, 16, 20], { generator: gen(1) });
const FILL = [0.2, 0.4, 0.6];
const ra = (o: V.RandAugmentOptions = {}): V.RandAugment => new V.RandAugment({ fill: FILL, ...o });
/** Every sample gets the same single op at `level`. */
const only = (op: V.RandAugmentOp, level: number, n = x.shape[0]): V.RandAugmentParams => ({
  ops: Array.from({ length: n }, () => [V.RANDAUGMENT_OPS.indexOf(op)]),
  levels: Array.from({ length: n }, () => [level]),
});
const maxDiff = (a: Tensor, b: Tensor): number => a.sub(b).abs().max().item();

test('RandAugment: same seed gives the same output, another seed another; values stay in [0, 1]; input untouched', () => {
  for (const view of [ra(), ra({ magnitude: 10, magnitudeStd: 0.5, p: 0.5, fill: 'mean' }), ra({ ops: 3, interpolation: 'nearest' })]) {
    const before = x.clone();
    const a = view.forward(x, gen(3));
    assertClose(view.forward(x, gen(3)), a, { atol: 0, rtol: 0 });
    assert.ok(!torch.equal(view.forward(x, gen(4)), a), 'seeds 3 and 4 gave the same output');
    assert.ok(a.min().item() >= 0 && a.max().item() <= 1);
    assert.ok(torch.equal(x, before));
  }
  assert.equal(ra({ ops: 0 }).forward(x, gen(3)), x);
});

test("each op equals its functional form at the mapped parameter (M / 10 of torchvision's range)", () => {
  const [h, w] = [16, 20];
  const o = { interpolation: 'bilinear' as const, fill: FILL };
  const cases: [V.RandAugmentOp, number, Tensor][] = [
    ['rotate', 0.5, V.rotate(x, 15, o)],
    ['rotate', -1, V.rotate(x, -30, o)],
    ['shearX', 0.8, V.shear(x, 0.24, 'x', o)],
    ['shearY', -0.5, V.shear(x, -0.15, 'y', o)],
    ['translateX', 1, V.translate(x, 0.45 * w, 0, o)],
    ['translateY', -0.4, V.translate(x, 0, -0.18 * h, o)],
    ['brightness', 0.5, V.adjustBrightness(x, 1.45)],
    ['color', -1, V.adjustSaturation(x, 0.1)],
    ['contrast', 0.9, V.adjustContrast(x, 1.81)],
    ['sharpness', -0.3, V.adjustSharpness(x, 0.73)],
    ['posterize', 1, V.posterize(x, 4)],
    ['posterize', 0.4, V.posterize(x, 6)],
    ['solarize', 0.5, V.solarize(x, 128 / 255)],
    ['autocontrast', 1, V.autocontrast(x)],
    ['equalize', 1, V.equalize(x)],
    ['identity', 1, x],
  ];
  for (const [op, level, want] of cases) assertClose(ra().apply(x, only(op, level)), want, { atol: 1e-6, msg: `${op} ${level}` });
});

test('magnitude 0 leaves the image (nearly) as it is for every op with a magnitude; magnitude 10 changes it', () => {
  for (const op of V.RANDAUGMENT_OPS.filter((o) => o !== 'autocontrast' && o !== 'equalize')) {
    // posterize at 8 bits keeps the 8-bit level round(255·x): within half a level
    const tol = op === 'posterize' ? 0.5 / 255 + 1e-6 : 1e-5;
    assert.ok(maxDiff(ra().apply(x, only(op, 0)), x) <= tol, `${op} at magnitude 0`);
    if (op !== 'identity') assert.ok(maxDiff(ra().apply(x, only(op, 1)), x) > 0.05, `${op} at magnitude 10`);
  }
});

test('op choice is uniform, signs are fair, p skips ops; all within binomial bounds', () => {
  const n = 14000;
  const params = ra({ ops: 2, p: 0.7 }).sample(n / 2, gen(5));
  const ops = params.ops.flat();
  const levels = params.levels.flat();
  const within = (count: number, total: number, p: number, what: string): void => {
    const sd = Math.sqrt(total * p * (1 - p));
    assert.ok(Math.abs(count - total * p) <= 5 * sd, `${what}: ${count} of ${total}, expected ${total * p} ± ${5 * sd}`);
  };
  const applied = ops.filter((o) => o >= 0);
  within(applied.length, n, 0.7, 'applied');
  V.RANDAUGMENT_OPS.forEach((name, i) => within(applied.filter((o) => o === i).length, applied.length, 1 / 14, name));
  const signed = levels.filter((_, i) => ['rotate', 'color', 'shearX'].includes(V.RANDAUGMENT_OPS[ops[i]]));
  within(signed.filter((l) => l < 0).length, signed.length, 0.5, 'negative signs');
  assert.ok(levels.every((l) => Math.abs(l) === 0.9));
});

test('magnitudeStd draws M ~ N(M, std) per op, clipped to [0, 10]', () => {
  const n = 4000;
  for (const [m, atBound] of [
    [9.5, 1],
    [0.5, 0],
  ]) {
    const levels = ra({ ops: 1, magnitude: m, magnitudeStd: 2 }).sample(n, gen(6)).levels.flat().map(Math.abs);
    assert.ok(levels.every((l) => l >= 0 && l <= 1));
    // P(M + 2z beyond the bound) = P(z > 0.25) = 0.4013
    const clipped = levels.filter((l) => l === atBound).length;
    const sd = Math.sqrt(n * 0.4013 * 0.5987);
    assert.ok(Math.abs(clipped - n * 0.4013) <= 5 * sd, `M ${m}: ${clipped} of ${n} clipped`);
    assert.ok(new Set(levels).size > n / 2, 'magnitudes vary');
  }
});

test("each sample draws its own ops; 'mean' fills with the batch's mean colour", () => {
  const copies = x.narrow(0, 0, 1).expand([8, 3, 16, 20]).contiguous();
  const y = ra({ ops: 2, magnitude: 9 }).forward(copies, gen(7));
  const sums = new Set(
    y
      .flatten(1)
      .sum(1)
      .toArray()
      .map((v) => v.toFixed(4)),
  );
  assert.ok(sums.size >= 6, `${sums.size} distinct samples of 8`);
  const mean = x.mean([0, 2, 3]).toArray();
  const moved = new V.RandAugment({ interpolation: 'nearest' }).apply(x, only('translateX', 1));
  assertClose(moved, V.translate(x, 9, 0, { fill: mean }), { atol: 0, rtol: 0 });
});

test('RandAugment rejects bad options with named errors', () => {
  assertThrows(() => new V.RandAugment({ magnitude: 11 }), /magnitude/, RangeError);
  assertThrows(() => new V.RandAugment({ ops: 1.5 }), /ops/);
  assertThrows(() => new V.RandAugment({ p: 2 }), /p/, RangeError);
  assertThrows(() => new V.RandAugment({ fill: 'grey' as 'mean' }), /fill/, TypeError);
  assertThrows(() => new V.RandAugment({ ops: 2, bins: 3 } as V.RandAugmentOptions), /bins/);
  assertThrows(
    () => ra().apply(x, only('rotate', 1, 2)),
    /RandAugment.apply: expected parameters for 6 samples but received 2/,
    RangeError,
  );
  assertThrows(() => new V.RandAugment({ fill: [0.1, 0.2] }).forward(x, gen(1)), /expected 1 or 3 fill values/, RangeError);
});
