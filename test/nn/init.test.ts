/** nn.init against PyTorch's formulas and values, and the default initialisation of each layer in distribution. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { assertArrayClose, assertThrows, golden } from '../helpers.js';

const nn = torch.nn;
const init = nn.init;
type Tensor = torch.Tensor;
const g = golden('layers');
const json = (name: string): unknown => JSON.parse(Buffer.from(g(name).data() as Uint8Array).toString());

interface Stats {
  mean: number;
  std: number;
  min: number;
  max: number;
  n: number;
}
const stats = (t: Tensor): Stats => {
  const d = t.detach().to('float64');
  return { mean: d.mean().item(), std: d.std().item(), min: d.amin().item(), max: d.amax().item(), n: d.numel() };
};

/**
 * Asserts U(−bound, bound): inside the bounds (up to float32 rounding), max/min within 40/n·bound of them
 * (missed with probability < 1e-9), std bound/√3 and mean 0 within 6 standard errors.
 */
function assertUniform(t: Tensor, bound: number, msg: string): void {
  const s = stats(t);
  const edge = bound * (1 + 1e-6); // the bound is rounded to float32
  assert.ok(s.min >= -edge && s.max <= edge, `${msg}: [${s.min}, ${s.max}] within ±${bound}`);
  const reach = bound * (1 - 40 / s.n);
  assert.ok(s.max > reach && s.min < -reach, `${msg}: reaches the bounds ±${bound} (got ${s.min}, ${s.max})`);
  const std = bound / Math.sqrt(3);
  assert.ok(Math.abs(s.std / std - 1) < 6 * Math.sqrt(0.2 / s.n), `${msg}: std ${s.std} vs ${std}`);
  assert.ok(Math.abs(s.mean) < (6 * std) / Math.sqrt(s.n), `${msg}: mean ${s.mean}`);
}

/** Asserts N(mean, std²) statistics: std and mean within 6 standard errors. */
function assertNormal(t: Tensor, mean: number, std: number, msg: string): void {
  const s = stats(t);
  assert.ok(Math.abs(s.std / std - 1) < 6 * Math.sqrt(0.5 / s.n), `${msg}: std ${s.std} vs ${std}`);
  assert.ok(Math.abs(s.mean - mean) < (6 * std) / Math.sqrt(s.n), `${msg}: mean ${s.mean} vs ${mean}`);
}

torch.manualSeed(0);

test('calculateGain and calculateFanInAndFanOut equal PyTorch', () => {
  const names = json('init.gain.names') as torch.nn.init.Nonlinearity[];
  assertArrayClose(
    names.map((n) => init.calculateGain(n)),
    g('init.gain').toArray(),
    1e-12,
    'gains',
  );
  assertArrayClose([init.calculateGain('leaky_relu', 0.2)], [g('init.gain.leaky0.2').item()], 1e-12);
  assert.equal(init.calculateGain('leaky_relu', 0), Math.SQRT2);
  assertThrows(
    () => init.calculateGain('swish' as torch.nn.init.Nonlinearity),
    /calculateGain: expected one of linear, .*selu for nonlinearity but received "swish"/,
    TypeError,
  );
  const shapes = json('init.fan.shapes') as number[][];
  const fans = shapes.flatMap((s) => {
    const f = init.calculateFanInAndFanOut(torch.empty(s));
    return [f.fanIn, f.fanOut];
  });
  assert.deepEqual(fans, g('init.fans').toArray());
  assertThrows(() => init.calculateFanInAndFanOut(torch.empty([5])), /at least 2 dims but received shape \[5\]/, RangeError);
});

test('kaimingUniform_ and kaimingNormal_ follow gain·√(3/fan) and gain/√fan for each mode and nonlinearity', () => {
  const t = torch.empty([256, 128, 2]); // fanIn 256, fanOut 512
  const cases: [torch.nn.init.KaimingOptions, number][] = [
    [{}, Math.SQRT2 / Math.sqrt(256)],
    [{ mode: 'fan_out', nonlinearity: 'relu' }, Math.SQRT2 / Math.sqrt(512)],
    [{ a: 0.3, nonlinearity: 'leaky_relu' }, Math.sqrt(2 / 1.09) / 16],
    [{ nonlinearity: 'tanh', mode: 'fan_out' }, 5 / 3 / Math.sqrt(512)],
    [{ a: Math.sqrt(5) }, 1 / Math.sqrt(3) / 16],
  ];
  for (const [o, std] of cases) {
    assert.equal(init.kaimingUniform_(t, o), t);
    assertUniform(t, Math.sqrt(3) * std, `kaimingUniform_ ${JSON.stringify(o)}`);
    init.kaimingNormal_(t, o);
    assertNormal(t, 0, std, `kaimingNormal_ ${JSON.stringify(o)}`);
  }
  assertThrows(
    () => init.kaimingUniform_(t, { mode: 'fan_avg' as torch.nn.init.FanMode }),
    /kaiming: expected fan_in or fan_out for mode but received "fan_avg"/,
    TypeError,
  );
});

test('xavierUniform_ / xavierNormal_ follow gain·√(6/(in+out)) and gain·√(2/(in+out))', () => {
  const t = torch.empty([300, 200]);
  init.xavierUniform_(t);
  assertUniform(t, Math.sqrt(6 / 500), 'xavierUniform_');
  init.xavierUniform_(t, 2);
  assertUniform(t, 2 * Math.sqrt(6 / 500), 'xavierUniform_ gain 2');
  init.xavierNormal_(t, init.calculateGain('relu'));
  assertNormal(t, 0, Math.SQRT2 * Math.sqrt(2 / 500), 'xavierNormal_ relu gain');
});

/** Mean and std of N(μ, σ²) truncated to [a, b]. */
function truncatedMoments(mu: number, sigma: number, a: number, b: number): [number, number] {
  const pdf = (x: number): number => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
  const cdf = (x: number): number =>
    (1 +
      torch
        .tensor(x / Math.SQRT2, { dtype: 'float64' })
        .erf()
        .item()) /
    2;
  const al = (a - mu) / sigma;
  const be = (b - mu) / sigma;
  const z = cdf(be) - cdf(al);
  const m = (pdf(al) - pdf(be)) / z;
  const v = 1 + (al * pdf(al) - be * pdf(be)) / z - m * m;
  return [mu + sigma * m, sigma * Math.sqrt(v)];
}

test('truncNormal_ never leaves [a, b] and has the truncated normal mean and std', () => {
  const t = torch.empty([200000]);
  const cases: [number, number, number, number][] = [
    [0, 1, -2, 2],
    [0.5, 1, -0.5, 1],
    [0, 0.02, -2, 2],
    [0, 1, 2, 3],
    [-1, 2, -1.5, 4],
  ];
  for (const [mu, sigma, a, b] of cases) {
    init.truncNormal_(t, mu, sigma, a, b);
    const s = stats(t);
    const [m, sd] = truncatedMoments(mu, sigma, a, b);
    assert.ok(s.min >= a && s.max <= b, `N(${mu}, ${sigma}²) on [${a}, ${b}]: got [${s.min}, ${s.max}]`);
    assert.ok(s.max - mu < 7 * sigma && mu - s.min < 7 * sigma, `no stray draw beyond 7σ: got [${s.min}, ${s.max}]`);
    assert.ok(Math.abs(s.mean - m) < (6 * sd) / Math.sqrt(s.n) + 1e-6, `mean ${s.mean} vs ${m}`);
    assert.ok(Math.abs(s.std / sd - 1) < 0.01, `std ${s.std} vs ${sd}`);
  }
  assertThrows(() => init.truncNormal_(t, 0, 0), /truncNormal_: expected std > 0 and a < b but received std 0/, RangeError);
});

test('zeros_, ones_, constant_ fill in place without recording gradients', () => {
  const p = torch.randn([2, 3], { requiresGrad: true });
  assert.equal(init.constant_(p, 0.25), p);
  assert.deepEqual(p.toArray(), Array(6).fill(0.25));
  assert.ok(p.isLeaf && p.requiresGrad);
  init.zeros_(p);
  assert.deepEqual(p.toArray(), Array(6).fill(0));
  init.ones_(p);
  assert.deepEqual(p.toArray(), Array(6).fill(1));
});

test('default layer initialisation has PyTorch distributions', () => {
  const lin = new nn.Linear(400, 300);
  assertUniform(lin.weight, 1 / 20, 'Linear weight U(±1/√in)');
  assertUniform(lin.bias!, 1 / 20, 'Linear bias U(±1/√in)');
  const conv = new nn.Conv2d(16, 256, 3, { groups: 2 });
  assertUniform(conv.weight, 1 / Math.sqrt(8 * 9), 'Conv2d weight U(±1/√(in/groups·k²))');
  assertUniform(conv.bias!, 1 / Math.sqrt(72), 'Conv2d bias U(±1/√fanIn)');
  const convT = new nn.ConvTranspose2d(256, 32, 3, { groups: 4 }); // weight [256, 8, 3, 3]: PyTorch's fanIn = 8·9
  assert.deepEqual(convT.weight.shape, [256, 8, 3, 3]);
  assertUniform(convT.weight, 1 / Math.sqrt(72), 'ConvTranspose2d weight');
  assert.ok(stats(convT.bias!).max <= (1 + 1e-6) / Math.sqrt(72));
  const emb = new nn.Embedding(2000, 64, { paddingIdx: 3 });
  assertNormal(emb.weight, 0, 1, 'Embedding N(0, 1)');
  assert.deepEqual(emb.weight.select(0, 3).toArray(), Array(64).fill(0), 'padding row zero');
  const bn = new nn.BatchNorm2d(5);
  const sd = bn.stateDict();
  assert.deepEqual(
    [sd.weight, sd.bias, sd.running_mean, sd.running_var].map((t) => t.toArray()),
    [
      [1, 1, 1, 1, 1],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [1, 1, 1, 1, 1],
    ],
  );
  assert.equal(sd.num_batches_tracked.dtype, 'int64');
  assert.equal(sd.num_batches_tracked.item(), 0);
  const ln = new nn.LayerNorm([2, 3]);
  assert.deepEqual([ln.weight!.toArray(), ln.bias!.toArray()], [Array(6).fill(1), Array(6).fill(0)]);
  const gn = new nn.GroupNorm(2, 4);
  assert.deepEqual(
    [gn.weight!.toArray(), gn.bias!.toArray()],
    [
      [1, 1, 1, 1],
      [0, 0, 0, 0],
    ],
  );
});

test('layer constructors reject bad arguments with named errors', () => {
  assertThrows(() => new nn.Linear(0, 3), /Linear: expected a positive integer for inFeatures but received 0/, RangeError);
  assertThrows(
    () => new nn.Conv2d(3, 4, 3, { groups: 2 }),
    /Conv2d: inChannels \(3\) and outChannels \(4\) must be divisible by groups \(2\)/,
    RangeError,
  );
  assertThrows(
    () => new nn.Conv2d(4, 4, [3, 3, 3]),
    /^Conv2d: expected a positive integer <= 2147483647 or an array of 2 such integers for kernelSize but received \[3 of type number, 3 of type number, 3 of type number\] of type array$/,
    TypeError,
  );
  assertThrows(
    () => new nn.Conv1d(4, 4, 3, { padding: 'same', stride: 2 }),
    /Conv1d: padding 'same' needs stride 1 but received stride 2/,
    RangeError,
  );
  assertThrows(
    () => new nn.Embedding(5, 2, { paddingIdx: 5 }),
    /Embedding: expected an integer in \[-5, 4\] for paddingIdx but received 5/,
    RangeError,
  );
  assertThrows(
    () => new nn.BatchNorm2d(3, { momentum: 2 }),
    /BatchNorm2d: expected null or a number in \[0, 1\] for momentum but received 2/,
    RangeError,
  );
  assertThrows(() => new nn.GroupNorm(4, 6), /GroupNorm: numChannels \(6\) must be divisible by numGroups \(4\)/, RangeError);
  assertThrows(() => new nn.LayerNorm([4, 0]), /LayerNorm: expected a positive integer for normalizedShape but received 0/, RangeError);
  assertThrows(() => new nn.Dropout(1.5), /^Dropout: expected a number in \[0, 1\] for p but received 1\.5 of type number$/, RangeError);
  assertThrows(
    () => new nn.BatchNorm2d(3).forward(torch.zeros([2, 3])),
    /BatchNorm2d: expected a 4-D input but received shape \[2,3\]/,
    RangeError,
  );
});
