import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import * as V from '../../src/views/index.js';
import { assertClose, assertThrows, golden } from '../helpers.js';

const g = golden('views');
const x = g('x'); // [2, 3, 9, 12] in [0, 1], with grey pixels and channel ties
const x1 = g('x1'); // [2, 1, 9, 12]
const each = (v: number[]): torch.Tensor => torch.tensor(v);

test('rgbToGrayscale matches torchvision (1 and 3 output channels)', () => {
  assertClose(V.rgbToGrayscale(x), g('gray'));
  assertClose(V.rgbToGrayscale(x, 3), g('gray3'));
  assertClose(V.rgbToGrayscale(x1), x1, { atol: 0, rtol: 0 });
});

const LINEAR = [
  ['brightness', V.adjustBrightness, [0, 0.5, 1.3], [0.7, 1.6]],
  ['contrast', V.adjustContrast, [0, 0.4, 1.7], [0.3, 1.4]],
  ['saturation', V.adjustSaturation, [0, 0.5, 2], [0.2, 1.8]],
] as const;

test('brightness, contrast and saturation match torchvision, per batch and per sample', () => {
  for (const [name, fn, factors, perSample] of LINEAR) {
    for (const f of factors) {
      const key = f === 2 ? '2.0' : f === 0 ? '0.0' : String(f);
      assertClose(fn(x, f), g(`${name}.${key}`), { msg: `${name} ${f}` });
      assertClose(fn(x1, f), g(`${name}.gray.${key}`), { msg: `${name} gray ${f}` });
    }
    assertClose(fn(x, each([...perSample])), g(`${name}.each`), { msg: `${name} per sample` });
  }
});

test('adjustHue matches torchvision within 2e-6 (same HSV model, fewer float32 ops)', () => {
  for (const f of [-0.5, -0.2, 0, 0.13, 0.5]) {
    const key = f === 0 ? '0.0' : String(f);
    assertClose(V.adjustHue(x, f), g(`hue.${key}`), { atol: 2e-6, msg: `hue ${f}` });
    assertClose(V.adjustHue(x1, f), g(`hue.gray.${key}`), { atol: 0, rtol: 0, msg: `hue gray ${f}` });
  }
  assertClose(V.adjustHue(x, each([-0.3, 0.25])), g('hue.each'), { atol: 2e-6 });
});

test('rgbToHsv then hsvToRgb gives the image back', () => {
  const [h, s, v] = V.rgbToHsv(x);
  assert.deepEqual(h.shape, [2, 1, 9, 12]);
  assert.equal(h.min().item() >= 0 && h.max().item() < 1, true);
  assertClose(V.hsvToRgb(h, s, v), x, { atol: 1e-6 });
  // pure red has hue 0, pure blue hue 2/3
  assert.equal(h.index(0, 0, 3, 0).item(), 0);
  assert.ok(Math.abs(h.index(0, 0, 3, 1).item() - 2 / 3) < 1e-6);
});

test('gaussianBlur matches torchvision (separable per-sample kernels vs its 2-D kernel)', () => {
  assertClose(V.gaussianBlur(x, 3, 0.7), g('blur.3.0.7'), { atol: 1e-6 });
  assertClose(V.gaussianBlur(x, 5, 1.5), g('blur.5.1.5'), { atol: 1e-6 });
  assertClose(V.gaussianBlur(x, 5, 0.1), g('blur.5.0.1'), { atol: 1e-6 });
  assertClose(V.gaussianBlur(x1, 5, 1), g('blur.gray.5.1.0'), { atol: 1e-6 });
  assertClose(V.gaussianBlur(x, 5, each([0.3, 2])), g('blur.each'), { atol: 1e-6 });
});

test('solarize matches torchvision, per batch and per sample', () => {
  assertClose(V.solarize(x, 0.5), g('solarize.0.5'), { atol: 0, rtol: 0 });
  assertClose(V.solarize(x, each([0.3, 0.8])), g('solarize.each'), { atol: 0, rtol: 0 });
});

test('resizedCrop matches torchvision resized_crop (bilinear, antialias=False)', () => {
  const boxes: [string, number, number, number, number, number | [number, number]][] = [
    ['up', 2, 3, 5, 6, 16],
    ['down', 0, 1, 9, 11, [4, 5]],
    ['mixed', 1, 2, 7, 4, [5, 12]],
    ['whole', 0, 0, 9, 12, [9, 12]],
  ];
  for (const [name, top, left, h, w, size] of boxes) {
    assertClose(V.resizedCrop(x, top, left, h, w, size), g(`crop.${name}`), { atol: 2e-6, msg: name });
  }
  assertClose(V.resizedCrop(x, 0, 0, 9, 12, [9, 12]), x, { atol: 1e-6, msg: 'identity box' });
  assertClose(V.resizedCrop(x1, 2, 3, 5, 6, 16), g('crop.gray.up'), { atol: 2e-6 });
  assertClose(V.resizedCrop(x, [1, 3], [2, 0], [6, 4], [5, 12], 7), g('crop.each'), { atol: 2e-6 });
});

test('resizedCropBoxes mirrors the samples marked in flip', () => {
  const boxes = { top: Int32Array.of(1, 3), left: Int32Array.of(2, 0), height: Int32Array.of(6, 4), width: Int32Array.of(5, 12) };
  const out = V.resizedCropBoxes(x, boxes, 7, [false, true]);
  const want = g('crop.each');
  assertClose(out.narrow(0, 0, 1), want.narrow(0, 0, 1), { atol: 2e-6 });
  assertClose(out.narrow(0, 1, 1), want.narrow(0, 1, 1).flip(3), { atol: 2e-6 });
});

test('hflip and normalize match torchvision', () => {
  assertClose(V.hflip(x), g('hflip'), { atol: 0, rtol: 0 });
  assertClose(V.normalize(x, V.IMAGENET_MEAN, V.IMAGENET_STD), g('normalize'));
  assertClose(new V.Normalize({ mean: [0.5], std: [0.5] }).forward(x), x.mul(2).sub(1), { atol: 1e-6 });
});

test('functional views reject bad arguments with named errors', () => {
  assertThrows(() => V.adjustBrightness(x, -1), /adjustBrightness: expected a non-negative factor but received -1/, RangeError);
  assertThrows(() => V.adjustContrast(x, each([1, -0.5])), /adjustContrast: expected a non-negative factor/, RangeError);
  assertThrows(
    () => V.adjustSaturation(x, each([1, 2, 3])),
    /adjustSaturation: expected adjustSaturation factor to hold one value per sample \(2\) but received shape \[3\]/,
    RangeError,
  );
  assertThrows(() => V.adjustHue(x, 0.7), /adjustHue: expected hueFactor in \[-0.5, 0.5\] but received 0.7/, RangeError);
  assertThrows(() => V.gaussianBlur(x, 4, 1), /gaussianBlur: expected an odd kernelSize but received 4/, RangeError);
  assertThrows(() => V.gaussianBlur(x, 21, 1), /gaussianBlur: kernelSize 21 needs images larger than 10 pixels/, RangeError);
  assertThrows(() => V.gaussianBlur(x, 3, 0), /gaussianBlur: expected sigma > 0 but received 0/, RangeError);
  assertThrows(
    () => V.resizedCrop(x, 5, 0, 6, 4, 8),
    /resizedCrop: sample 0: box top 5, left 0, height 6, width 4 does not lie inside the 9×12 image/,
    RangeError,
  );
  assertThrows(
    () => V.rgbToGrayscale(x.view([6, 9, 12])),
    /rgbToGrayscale: expected images of shape \[N, C, H, W\] but received shape \[6,9,12\]/,
    RangeError,
  );
  assertThrows(() => V.adjustHue(torch.zeros([1, 2, 4, 4]), 0.1), /adjustHue: expected 1 or 3 channels \(dim 1\)/, RangeError);
  assertThrows(
    () => V.solarize(torch.zeros([1, 3, 4, 4], { dtype: 'uint8' }), 0.5),
    /solarize: expected floating images in \[0, 1\] but received dtype uint8/,
    TypeError,
  );
  assertThrows(
    () => V.normalize(x, [0.5, 0.5], [1, 1, 1]),
    /Expected an array of 3 \(or 1\) finite numbers for mean but received \[0.5 of type number/,
    TypeError,
  );
});
