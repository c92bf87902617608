import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { addNoise, gain, pitchShift, randomPitchShift, randomTimeCrop, signalPower, timeCrop } from '../../src/views/audio/augment.js';
import { assertArrayClose, assertClose, assertThrows } from '../helpers.js';

test('random time crops take per-sample offsets from the generator', () => {
  const wave = torch.arange(4000).reshape([4, 1000]); // row b holds b·1000 + t
  const { crops, offsets } = randomTimeCrop(wave, 250, new torch.Generator(3));
  assert.deepEqual(crops.shape, [4, 250]);
  const o = offsets.toArray();
  assert.ok(
    o.every((v) => v >= 0 && v <= 750),
    `offsets ${o}`,
  );
  assert.ok(new Set(o).size > 1, 'samples get different offsets');
  const rows = crops.tolist() as number[][];
  rows.forEach((r, b) =>
    assert.deepEqual(
      r,
      Array.from({ length: 250 }, (_, t) => b * 1000 + o[b] + t),
    ),
  );
  assert.deepEqual(randomTimeCrop(wave, 250, new torch.Generator(3)).offsets.toArray(), o, 'same seed, same crops');
  assert.deepEqual(
    timeCrop(wave, torch.tensor([0, 750, 1, 2], { dtype: 'int64' }), 250)
      .select(1, 0)
      .toArray(),
    [0, 1750, 2001, 3002],
  );
  assert.deepEqual(randomTimeCrop(wave, 1000).offsets.toArray(), [0, 0, 0, 0]);
  assertThrows(() => randomTimeCrop(wave, 1001), /expected an integer length in \[1, 1000\] but received 1001/, RangeError);
  assertThrows(() => timeCrop(wave, torch.tensor([0, 751, 0, 0], { dtype: 'int64' }), 250), /offsets must lie in \[0, 750\]/, RangeError);
});

test('pitch shift translates along the bin axis exactly, with zero fill', () => {
  const spec = torch.rand([2, 12, 5], { generator: new torch.Generator(1) }).add(0.5);
  const up = pitchShift(spec, 3);
  assertClose(up.narrow(1, 3, 9), spec.narrow(1, 0, 9));
  assert.equal(up.narrow(1, 0, 3).abs().sum().item(), 0);
  const down = pitchShift(spec, -2);
  assertClose(down.narrow(1, 0, 10), spec.narrow(1, 2, 10));
  assert.equal(down.narrow(1, 10, 2).abs().sum().item(), 0);
  const mixed = pitchShift(spec, torch.tensor([4, -1], { dtype: 'int64' }));
  assertClose(mixed.select(0, 0), pitchShift(spec.narrow(0, 0, 1), 4).select(0, 0));
  assertClose(mixed.select(0, 1), pitchShift(spec.narrow(0, 1, 1), -1).select(0, 0));
  assert.equal(pitchShift(spec, 12).abs().sum().item(), 0, 'a shift of all bins leaves zeros');
  assertClose(pitchShift(spec, 0), spec);
  assertThrows(() => pitchShift(spec, 1.5), /expected an integer shift \(in bins\) but received 1\.5/, RangeError);
  assertThrows(() => pitchShift(spec, torch.tensor([1, 2, 3])), /expected shifts as a number or a Tensor \[2\]/, RangeError);
});

test('random pitch shifts are seeded, bounded and returned as targets', () => {
  const spec = torch.rand([64, 24, 3], { generator: new torch.Generator(2) });
  const { shifted, shifts } = randomPitchShift(spec, 5, new torch.Generator(9));
  const s = shifts.toArray();
  assert.ok(
    s.every((v) => Number.isInteger(v) && v >= -5 && v <= 5),
    `shifts ${s}`,
  );
  assert.ok(new Set(s).size >= 8, 'the draws cover the range');
  assertClose(shifted, pitchShift(spec, shifts));
  assert.deepEqual(randomPitchShift(spec, 5, new torch.Generator(9)).shifts.toArray(), s);
});

const snrDb = (clean: torch.Tensor, noisy: torch.Tensor): number[] =>
  torch.scope(() =>
    signalPower(clean)
      .div(signalPower(noisy.sub(clean)))
      .log10()
      .mul(10)
      .flatten()
      .toArray(),
  );

test('additive noise hits the requested SNR within 0.1 dB', () => {
  const gen = new torch.Generator(5);
  const t = torch.arange(8000).div(16000);
  const clean = torch.stack([
    t.mul(2 * Math.PI * 440).sin(),
    t
      .mul(2 * Math.PI * 100)
      .sin()
      .mul(0.1),
    torch.randn([8000], { generator: gen }),
  ]);
  const snrs = [0, 10, 25];
  assertArrayClose(snrDb(clean, addNoise(clean, torch.tensor(snrs), { generator: gen })), snrs, 0.1);
  assertArrayClose(snrDb(clean, addNoise(clean, -5, { generator: gen })), [-5, -5, -5], 0.1);
  const pink = torch.rand([8000], { generator: gen }).sub(0.5).cumsum(0);
  assertArrayClose(snrDb(clean, addNoise(clean, 3, { noise: pink })), [3, 3, 3], 0.1);
  assertClose(addNoise(clean, 10, { generator: new torch.Generator(1) }), addNoise(clean, 10, { generator: new torch.Generator(1) }));
  assert.equal(
    addNoise(torch.zeros([1, 100]), 10)
      .abs()
      .sum()
      .item(),
    0,
    'silence stays silent',
  );
  assertThrows(
    () => addNoise(clean, 10, { noise: torch.zeros([2, 8000]) }),
    /expected noise \[3, 8000\] or \[8000\] but received shape \[2, 8000\]/,
    RangeError,
  );
  assertThrows(() => addNoise(torch.zeros([8000]), 10), /addNoise: expected waveforms \[B, T\] but received shape \[8000\]/, RangeError);
});

test('gain scales amplitude by 10^(dB / 20)', () => {
  const x = torch.tensor([
    [0.1, -0.2],
    [0.3, 0.4],
  ]);
  assertClose(gain(x, 20 * Math.log10(2)), x.mul(2));
  assertClose(gain(x, -20), x.mul(0.1));
  assertClose(gain(x, torch.tensor([6, -6])), x.mul(torch.tensor([[10 ** 0.3], [10 ** -0.3]])));
  assertThrows(() => gain(x, NaN), /expected a finite number for db but received NaN/, RangeError);
});
