import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, models } from '../../src/index.js';
import { assertClose, assertThrows, golden, goldenState } from '../helpers.js';

type Tensor = torch.Tensor;

/** tools/goldens/g_trill.py: a PyTorch mirror of the network, width 4, depth 2, embedding 8. */
const g = golden('trill');
const NARROW = { width: 4, depth: 2, embeddingDim: 8 };

function goldenNet(dtype: 'float32' | 'float64'): models.TrillNet {
  const net = new models.TrillNet(NARROW);
  net.loadStateDict(goldenState('trill', 'net'));
  return net.to(dtype);
}

/** |a − e| ≤ rtol·|e| + atol·max|e|: tolerances that follow the quantity's scale. */
function assertScaled(actual: Tensor, expected: Tensor, rtol: number, msg: string): void {
  const scale = torch.scope(() => expected.abs().max().item());
  assertClose(actual, expected, { rtol, atol: rtol * scale, checkDtype: false, msg });
}

test('TrillNet: the state dict of the PyTorch mirror, layer widths and parameter counts', () => {
  const layout = (sd: Record<string, Tensor>): [string, number[]][] =>
    Object.entries(sd)
      .map(([k, t]): [string, number[]] => [k, t.shape])
      .sort(([a], [b]) => (a < b ? -1 : 1));
  assert.deepEqual(layout(new models.TrillNet(NARROW).stateDict()), layout(goldenState('trill', 'net')), 'keys and shapes');
  const net = new models.TrillNet();
  assert.deepEqual(models.TRILL_NET_DEFAULTS, { width: 16, depth: 1, embeddingDim: 512 });
  assert.deepEqual(
    net.layerNames.map((l) => net.featureDim(l)),
    [512, 512, 512, 512, 128, 512],
  );
  // stem 9w + BN 2w; per stage s, one BasicBlock of c = w·2^s from c_in: 9·c_in·c + 9c² + 4c (+ c_in·c + 2c downsample); fc 8w·E + E
  const w = 16;
  const block = (cin: number, c: number): number => 9 * cin * c + 9 * c * c + 4 * c + (cin !== c ? cin * c + 2 * c : 0);
  const expected = 9 * w + 2 * w + block(w, w) + block(w, 2 * w) + block(2 * w, 4 * w) + block(4 * w, 8 * w) + 8 * w * 512 + 512;
  assert.equal(net.numParameters(), expected);
  assertThrows(() => new models.TrillNet({ width: 0 }), /TrillNet: expected an integer >= 1 for width but received 0/);
  assertThrows(() => new models.TrillNet({ blocks: 2 } as never), /unknown option blocks/, TypeError);
  assertThrows(() => net.features(torch.zeros([2, 1, 96, 64]), 'layer19'), /unknown layer "layer19" \(valid: stage1, .*embedding\)/);
  assertThrows(() => net.forward(torch.zeros([2, 96, 64])), /expected x as log-mel windows \[N, 1, 96, 64\] but received \[2, 96, 64\]/);
});

test('TrillNet in eval mode equals the PyTorch mirror at every layer (float32 and float64)', () => {
  for (const [dtype, rtol] of [
    ['float32', 1e-4],
    ['float64', 1e-10],
  ] as const)
    torch.scope(() => {
      const net = goldenNet(dtype).eval();
      const x = g('net.x').to(dtype);
      for (const layer of net.layerNames) {
        const out = torch.noGrad(() => net.features(x, layer));
        assert.deepEqual(out.shape, [3, net.featureDim(layer)], layer);
        assertScaled(out, g(`net.eval.${layer}`), rtol, `${dtype} ${layer}`);
      }
    });
});

test('TrillNet in train mode equals the PyTorch mirror in float64: batch statistics, running statistics, gradients', () => {
  torch.scope(() => {
    const net = goldenNet('float64').train();
    const emb = net.forward(g('net.x').double());
    assertScaled(emb, g('net.train.embedding'), 1e-9, 'embedding');
    const state = net.stateDict();
    for (const key of ['stage4.1.bn2.running_var', 'stem.1.running_mean']) assertScaled(state[key], g(`net.train.${key}`), 1e-9, key);
    emb
      .mul(torch.linspace(-1, 1, 8, { dtype: 'float64' }))
      .sum()
      .backward();
    const params = Object.fromEntries(net.namedParameters());
    for (const key of ['stem.0.weight', 'stage1.0.conv1.weight', 'stage2.0.downsample.0.weight', 'stage4.1.bn2.weight', 'fc.weight'])
      assertScaled(params[key].grad!, g(`net.train.grad.${key}`), 1e-8, `grad ${key}`);
  });
});
