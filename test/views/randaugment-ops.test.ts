import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import * as V from '../../src/views/index.js';
import { assertClose, assertThrows, golden } from '../helpers.js';

const g = golden('randaugment');
const x = g('x'); // [2, 3, 10, 12] uniform in [0, 1)
const x8 = g('x8'); // [2, 3, 10, 12] 8-bit levels / 255, with a flat channel and a two-level channel
const FILL = [0.2, 0.4, 0.6];
const MODES = ['nearest', 'bilinear'] as const;

// The grids are torchvision's float32 pixel coordinates (same linspace, bmm and normalisation); the
// parameters keep nearest-neighbour sampling away from half-pixel ties, so both modes agree to float32 rounding.
test('rotate and affine match torchvision, with and without a fill colour', () => {
  for (const interpolation of MODES) {
    for (const fill of [undefined, FILL]) {
      const tag = `${interpolation}.${fill ? 'fill' : 'zeros'}`;
      assertClose(V.rotate(x, [30, -17.5], { interpolation, fill }), g(`rotate.${tag}`), { atol: 1e-6, msg: `rotate ${tag}` });
      const p = { angle: 10, translate: [2, -1] as [number, number], scale: 1.1, shear: [5, -3] as [number, number] };
      assertClose(V.affine(x, p, { interpolation, fill }), g(`affine.${tag}`), { atol: 1e-6, msg: `affine ${tag}` });
    }
  }
  const centred = V.affine(x, { angle: -25, translate: [1, 2], scale: 0.9, center: [0, 0] }, { interpolation: 'bilinear' });
  assertClose(centred, g('affine.center'), { atol: 1e-6 });
});

test("shear (RandAugment's ShearX/Y about the top-left corner) and translate match torchvision", () => {
  for (const interpolation of MODES) {
    const o = { interpolation, fill: FILL };
    assertClose(V.shear(x, [0.23, -0.17], 'x', o), g(`shearx.${interpolation}`), { atol: 1e-6, msg: `shear x ${interpolation}` });
    assertClose(V.shear(x, [-0.29, 0.11], 'y', o), g(`sheary.${interpolation}`), { atol: 1e-6, msg: `shear y ${interpolation}` });
    assertClose(V.translate(x, [3, -4], [-2, 1], o), g(`translate.${interpolation}`), { atol: 1e-6, msg: `translate ${interpolation}` });
  }
  // whole-pixel moves are exact: the content moves, the uncovered border takes the fill
  const moved = V.translate(x, 3, -2, { fill: 0.5 });
  assertClose(moved.narrow(2, 0, 8).narrow(3, 3, 9), x.narrow(2, 2, 8).narrow(3, 0, 9), { atol: 0, rtol: 0 });
  assert.equal(moved.narrow(3, 0, 3).sub(0.5).abs().max().item(), 0);
});

test('adjustSharpness and autocontrast match torchvision', () => {
  for (const f of [0, 0.5, 1.7]) {
    assertClose(V.adjustSharpness(x, f), g(`sharpness.${f === 0 ? '0.0' : f}`), { atol: 1e-6, msg: `sharpness ${f}` });
  }
  assertClose(V.adjustSharpness(x, torch.tensor([0.3, 1.9])), g('sharpness.each'), { atol: 1e-6 });
  assertClose(V.autocontrast(x.mul(0.5).add(0.2)), g('autocontrast'), { atol: 1e-6 });
  assertClose(V.autocontrast(x8), g('autocontrast.x8'), { atol: 1e-6, msg: 'with a flat channel' });
});

// posterize and equalize are integer maps of the 8-bit levels: exact up to the float32 division by 255.
test('posterize and equalize match torchvision on 8-bit levels', () => {
  for (const bits of [0, 1, 4, 7, 8]) assertClose(V.posterize(x8, bits), g(`posterize.${bits}`), { atol: 1e-7, msg: `posterize ${bits}` });
  assertClose(V.posterize(x8, [2, 6]), g('posterize.each'), { atol: 1e-7 });
  assertClose(V.equalize(x8), g('equalize'), { atol: 1e-7 });
  assertClose(V.equalize(x8).narrow(1, 1, 1).narrow(0, 0, 1), x8.narrow(1, 1, 1).narrow(0, 0, 1), {
    atol: 0,
    rtol: 0,
    msg: 'flat channel',
  });
});

test('RandAugment ops reject bad arguments with named errors', () => {
  assertThrows(() => V.rotate(x, [1, 2, 3]), /rotate: expected angle to hold one value per sample \(2\) but received 3/, RangeError);
  assertThrows(() => V.rotate(x, 10, { interpolation: 'bicubic' as 'nearest' }), /interpolation/, TypeError);
  assertThrows(() => V.affine(x, { scale: 0 }), /affine: expected scale > 0 but received \[0,0\]/, RangeError);
  assertThrows(() => V.translate(x, 1, 1, { fill: [0.1, 0.2] }), /fill/, TypeError);
  assertThrows(() => V.shear(x, 0.1, 'z' as 'x'), /axis/, RangeError);
  assertThrows(() => V.posterize(x8, 9), /bits/, RangeError);
  assertThrows(() => V.posterize(x8, [2.5, 3]), /bits/, RangeError);
  assertThrows(() => V.adjustSharpness(x, -1), /adjustSharpness: expected a non-negative factor but received -1/, RangeError);
  assertThrows(() => V.equalize(x.view([6, 10, 12])), /equalize: expected images of shape \[N, C, H, W\]/, RangeError);
});
