import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import * as V from '../../src/views/index.js';
import { assertClose, assertThrows, golden } from '../helpers.js';

const g = golden('colour');
const x = g('x'); // [2, 3, 8, 10]; row 0 of sample 0: black, white, primaries, secondaries, grey, a near-black

test('each colour space matches its reference formulas (skimage / ITU-T T.871), scaled to about [0, 1]', () => {
  assertClose(V.colourSpace('rgb').fromRgb(x), x, { atol: 0, rtol: 0 });
  for (const name of ['lab', 'xyz', 'ydbdr', 'ycbcr', 'yiq', 'hsv']) {
    const y = V.colourSpace(name).fromRgb(x);
    assertClose(y, g(name), { atol: 3e-6, rtol: 0, msg: name });
    assert.ok(y.min().item() > -1e-6 && y.max().item() < 1 + 1e-6, `${name} in [0, 1]`);
  }
  // white is L 100, a = b = 0 in Lab: (1, 128/255, 128/255) once scaled
  const white = V.colourSpace('lab')
    .fromRgb(torch.ones([1, 3, 1, 1]))
    .flatten()
    .toArray();
  [1, 128 / 255, 128 / 255].forEach((v, i) => assert.ok(Math.abs(white[i] - v) < 1e-4, `Lab white channel ${i}: ${white[i]}`));
});

test('every colour space converts back to RGB within 1e-4 (goldens and random images)', () => {
  const r = torch.rand([4, 3, 16, 16], { generator: new torch.Generator(3) });
  for (const [name, s] of Object.entries(V.COLOUR_SPACES)) {
    if (name !== 'rgb') assertClose(s.toRgb(g(name)), x, { atol: 1e-4, rtol: 0, msg: `${name} from golden` });
    assertClose(s.toRgb(s.fromRgb(x)), x, { atol: 1e-4, rtol: 0, msg: `${name} round trip` });
    assertClose(s.toRgb(s.fromRgb(r)), r, { atol: 1e-4, rtol: 0, msg: `${name} round trip (random)` });
  }
});

test('colour spaces name the valid choices and need RGB images', () => {
  assertThrows(() => V.colourSpace('luv'), /colourSpace: expected one of rgb, hsv, lab, xyz, ydbdr, ycbcr, yiq but received "luv"/);
  assertThrows(() => V.colourSpace('constructor'), /expected one of rgb/);
  assertThrows(
    () => V.colourSpace('lab').fromRgb(torch.rand([1, 1, 4, 4])),
    /lab: fromRgb: expected 3 channels \(dim 1\) but received shape \[1,1,4,4\]/,
  );
});
