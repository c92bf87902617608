import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { assertClose, assertThrows, golden, goldenState } from '../helpers.js';

const nn = torch.nn;
const g = golden('transformer');
type Tensor = torch.Tensor;

/** The golden state dict stored under `<prefix>.sd.`. */
const state = (prefix: string): Record<string, Tensor> => goldenState('transformer', prefix);

const postNorm = (): torch.nn.TransformerEncoder =>
  new nn.TransformerEncoder({ dModel: 8, nhead: 2, dimFeedforward: 16 }, 2, { norm: new nn.LayerNorm(8) });
const preNorm = (): torch.nn.TransformerEncoder =>
  new nn.TransformerEncoder(
    (): torch.nn.TransformerEncoderLayer =>
      new nn.TransformerEncoderLayer(8, 2, {
        dimFeedforward: 16,
        activation: 'gelu',
        layerNormEps: 1e-6,
        batchFirst: true,
        normFirst: true,
      }),
    2,
  );

test('TransformerEncoderLayer has PyTorch keys and shapes', () => {
  const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
  const shapes = Object.fromEntries(Object.entries(layer.stateDict()).map(([k, t]) => [k, t.shape]));
  assert.deepEqual(shapes, {
    'self_attn.in_proj_weight': [24, 8],
    'self_attn.in_proj_bias': [24],
    'self_attn.out_proj.weight': [8, 8],
    'self_attn.out_proj.bias': [8],
    'linear1.weight': [16, 8],
    'linear1.bias': [16],
    'linear2.weight': [8, 16],
    'linear2.bias': [8],
    'norm1.weight': [8],
    'norm1.bias': [8],
    'norm2.weight': [8],
    'norm2.bias': [8],
  });
  const enc = postNorm();
  const keys = Object.keys(enc.stateDict());
  assert.equal(keys.length, 2 * 12 + 2);
  assert.ok(keys.includes('layers.1.self_attn.in_proj_weight') && keys.includes('norm.weight'));
  const r = enc.loadStateDict(state('post'));
  assert.deepEqual(r, { missingKeys: [], unexpectedKeys: [] });
});

test('post-norm encoder (relu, seq-first, final norm) matches PyTorch with a key padding mask', () => {
  const enc = postNorm();
  enc.loadStateDict(state('post'));
  enc.eval();
  const out = enc.forward(g('enc.x'), { srcKeyPaddingMask: g('enc.kpm') });
  assertClose(out, g('post.out'), { atol: 1e-5 });
});

test('pre-norm encoder (gelu, batchFirst) matches PyTorch with a causal mask, alone and with padding', () => {
  const enc = preNorm();
  enc.loadStateDict(state('pre'));
  enc.eval();
  const causal = nn.generateSquareSubsequentMask(5);
  assertClose(causal, g('causal'));
  const x = g('enc.x').transpose(0, 1); // [B, T, D]
  assertClose(enc.forward(x, { mask: causal }), g('pre.out.causal'), { atol: 1e-5 });
  assertClose(enc.forward(x, { mask: causal, srcKeyPaddingMask: g('enc.kpm') }), g('pre.out.both'), { atol: 1e-5 });
  const boolCausal = causal.isinf();
  assertClose(enc.forward(x, { mask: boolCausal }), g('pre.out.causal'), { atol: 1e-5, msg: 'a bool mask acts like the float one' });
});

test('with a causal mask, changing later tokens leaves earlier outputs unchanged', () => {
  torch.manualSeed(2);
  const enc = preNorm().eval();
  const x = torch.randn([2, 5, 8]);
  const y = x.clone();
  torch.noGrad(() => y.narrow(1, 3, 2).normal_());
  const mask = nn.generateSquareSubsequentMask(5);
  const [a, b] = [enc.forward(x, { mask }), enc.forward(y, { mask })];
  assertClose(a.narrow(1, 0, 3), b.narrow(1, 0, 3), { atol: 1e-6 });
  assert.ok(
    a
      .narrow(1, 3, 2)
      .sub(b.narrow(1, 3, 2))
      .abs()
      .max()
      .item() > 1e-2,
    'later outputs do change',
  );
});

test('each of the three dropouts in training zeroes with probability p and scales by 1/(1-p)', () => {
  torch.manualSeed(7);
  const layer = new nn.TransformerEncoderLayer(32, 2, { dimFeedforward: 64, dropout: 0.5, normFirst: true });
  const x = torch.randn([16, 8, 32]);
  const set = (t: Tensor, v: Tensor | number): void => torch.noGrad(() => void (typeof v === 'number' ? t.fill_(v) : t.copy_(v)));
  /** Fraction of elements of y − x at each (rounded) value. */
  const values = (y: Tensor): Map<number, number> => {
    const counts = new Map<number, number>();
    for (const d of y.sub(x).toArray()) {
      const k = Math.round(d * 1e4) / 1e4;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return new Map([...counts].map(([k, n]) => [k, n / y.numel()]));
  };
  const near = (a: number | undefined, b: number): boolean => a !== undefined && Math.abs(a - b) < 0.04;
  // Attention branch = dropout1(1): out_proj weight 0, bias 1; feed-forward branch 0.
  set(layer.selfAttn.outProj.weight, 0);
  set(layer.selfAttn.outProj.bias!, 1);
  set(layer.linear2.weight, 0);
  set(layer.linear2.bias!, 0);
  const sa = values(layer.train().forward(x));
  assert.deepEqual([...sa.keys()].sort(), [0, 2]);
  assert.ok(near(sa.get(2), 0.5), `dropout1 keeps ${sa.get(2)}`);
  assert.deepEqual([...values(layer.eval().forward(x))], [[1, 1]], 'eval adds exactly 1');
  // Feed-forward branch = dropout2(linear2(dropout(relu(1)))), linear2 picking one unit per output.
  set(layer.selfAttn.outProj.bias!, 0);
  set(layer.linear1.weight, 0);
  set(layer.linear1.bias!, 1);
  set(layer.linear2.weight, torch.eye(32, 64));
  const ff = values(layer.train().forward(x));
  assert.deepEqual([...ff.keys()].sort(), [0, 4]);
  assert.ok(near(ff.get(4), 0.25), `dropout and dropout2 keep ${ff.get(4)}`);
  assert.deepEqual(layer.train().forward(x).shape, [16, 8, 32]);
});

test('TransformerEncoder builds independent layers from a factory (given the index) or a config', () => {
  const seen: number[] = [];
  const enc = new nn.TransformerEncoder((i) => {
    seen.push(i);
    return new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 4 });
  }, 3);
  assert.deepEqual(seen, [0, 1, 2]);
  assert.equal(enc.layers.length, 3);
  const w = (i: number): Tensor => enc.stateDict()[`layers.${i}.linear1.weight`];
  assert.ok(w(0).sub(w(1)).abs().max().item() > 0, 'layers are initialised independently');
  const fromConfig = new nn.TransformerEncoder({ dModel: 8, nhead: 2, dimFeedforward: 4, normFirst: true, activation: 'gelu' }, 2);
  const layer = fromConfig.layers.at(1) as torch.nn.TransformerEncoderLayer;
  assert.equal(layer.normFirst, true);
  assert.equal(layer.activation, 'gelu');
  assert.equal(fromConfig.numParameters(), 2 * (4 * 64 + 4 * 8 + 2 * 8 * 4 + 4 + 8 + 4 * 8));
});

test('transformer argument errors name what was expected and received', () => {
  assertThrows(
    () => new nn.TransformerEncoderLayer(8, 2, { activation: 'tanh' as 'relu' }),
    /^TransformerEncoderLayer: expected one of relu, gelu for activation but received "tanh" of type string$/,
    TypeError,
  );
  assertThrows(
    () => new nn.TransformerEncoder({ dModel: 8, nhead: 2 }, 0),
    /^TransformerEncoder: expected a positive integer <= 10000 for numLayers but received 0 of type number$/,
    RangeError,
  );
  assertThrows(
    () => new nn.TransformerEncoder({ dModel: 8, nhead: 2 }, 2 ** 32 + 1),
    /<= 10000 for numLayers but received 4294967297/,
    RangeError,
  );
  assertThrows(
    () => new nn.TransformerEncoder(torch.ones([2]) as never, 2),
    /^TransformerEncoder: expected a function of the layer index or a layer config object for layer but received an object of type Tensor$/,
    TypeError,
  );
  assertThrows(
    () => nn.generateSquareSubsequentMask(-1),
    /^generateSquareSubsequentMask: expected a positive integer <= 2147483647 for size but received -1 of type number$/,
    RangeError,
  );
  const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 4 });
  assertThrows(
    () => layer.forward(torch.randn([5, 2, 8]), { srcKeyPaddingMask: torch.zeros([5, 2], { dtype: 'bool' }) }),
    /keyPaddingMask of shape \[2, 5\]/,
    RangeError,
  );
});
