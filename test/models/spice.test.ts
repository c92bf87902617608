import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, models } from '../../src/index.js';
import { assertClose, assertThrows, golden, goldenState } from '../helpers.js';

type Tensor = torch.Tensor;

/** tools/goldens/g_spice.py: a PyTorch mirror of the network, F = 128, d = 4, dw = 4, hidden 8. */
const g = golden('spice');
const NARROW = { bins: 128, width: 4, decoderWidth: 4, hidden: 8 };

function goldenNet(dtype: 'float32' | 'float64'): models.SpiceNet {
  const net = new models.SpiceNet(NARROW);
  net.loadStateDict(goldenState('spice', 'net'));
  return net.to(dtype);
}

/** |a − e| ≤ rtol·|e| + atol·max|e|: tolerances that follow the quantity's scale. */
function assertScaled(actual: Tensor, expected: Tensor, rtol: number, msg: string): void {
  const scale = torch.scope(() => expected.abs().max().item());
  assertClose(actual, expected, { rtol, atol: rtol * scale, checkDtype: false, msg });
}

/** Parameters of the architecture written out: conv k·cin·cout + cout, BN 2c, linear in·out + out. */
function expectedParameters({ bins, width: d, decoderWidth: dw, hidden }: typeof NARROW): number {
  const conv = (cin: number, cout: number, k = 3): number => k * cin * cout + cout + 2 * cout; // with its BN
  const enc = [1, 2, 4, 8, 8, 8].map((c) => c * d);
  const dec = [8, 8, 4, 2, 1, 1].map((c) => c * dw);
  const feat = (8 * d * bins) / 64;
  const encoder = enc.reduce((s, c, i) => s + conv(i ? enc[i - 1] : 1, c), 0);
  const heads = feat * hidden + hidden + hidden + 1 + feat + 1;
  const decoder =
    2 * hidden +
    hidden * 8 * dw * (bins / 64) +
    8 * dw * (bins / 64) +
    dec.reduce((s, c, i) => s + conv(i ? dec[i - 1] : c, c), 0) +
    dw +
    1;
  return encoder + heads + decoder;
}

test('SpiceNet: the state dict of the PyTorch mirror, the paper-sized and small parameter counts', () => {
  const net = new models.SpiceNet(NARROW);
  const mirror = goldenState('spice', 'net');
  const layout = (sd: Record<string, Tensor>): [string, number[]][] =>
    Object.entries(sd)
      .map(([k, t]): [string, number[]] => [k, t.shape])
      .sort(([a], [b]) => (a < b ? -1 : 1)); // safetensors stores keys sorted
  assert.deepEqual(layout(net.stateDict()), layout(mirror), 'keys and shapes');
  const paper = new models.SpiceNet();
  assert.equal(paper.featureDim, 1024, '§III-D: 1024 features');
  assert.equal(paper.numParameters(), expectedParameters({ ...models.SPICE_NET_DEFAULTS }));
  assert.equal(paper.numParameters(), 2_698_211);
  const small = new models.SpiceNet({ width: 16, decoderWidth: 8 });
  assert.equal(small.featureDim, 256);
  assert.equal(small.numParameters(), expectedParameters({ ...models.SPICE_NET_DEFAULTS, width: 16, decoderWidth: 8 }));
  assert.deepEqual(models.SPICE_NET_DEFAULTS, { bins: 128, width: 64, decoderWidth: 32, hidden: 48, coordinates: false });
});

test('SpiceNet in eval mode equals the PyTorch mirror: pitch, confidence, features, decoder (float32 and float64)', () => {
  for (const [dtype, rtol] of [
    ['float32', 1e-5],
    ['float64', 1e-10],
  ] as const)
    torch.scope(() => {
      const net = goldenNet(dtype).eval();
      const out = torch.noGrad(() => net.forward(g('net.x').to(dtype)));
      assertScaled(out.pitch, g('net.eval.pitch'), rtol, `${dtype} pitch`);
      assertScaled(out.confidence, g('net.eval.confidence'), rtol, `${dtype} confidence`);
      assertScaled(out.features, g('net.eval.features'), rtol, `${dtype} features`);
      const decoded = torch.noGrad(() => net.decode(g('net.eval.pitch').to(dtype)));
      assertScaled(decoded, g('net.eval.decoded'), rtol, `${dtype} decoded`);
      assert.deepEqual(decoded.shape, [4, 128]);
    });
});

test('SpiceNet in train mode equals the PyTorch mirror in float64: batch statistics, running statistics, gradients', () => {
  torch.scope(() => {
    const net = goldenNet('float64').train();
    const { pitch, confidence } = net.forward(g('net.x').double());
    const decoded = net.decode(pitch);
    assertScaled(pitch, g('net.train.pitch'), 1e-9, 'pitch');
    assertScaled(confidence, g('net.train.confidence'), 1e-9, 'confidence');
    assertScaled(decoded, g('net.train.decoded'), 1e-9, 'decoded');
    const state = net.stateDict();
    for (const key of ['encoder.5.1.running_var', 'decoder.stages.0.2.running_mean'])
      assertScaled(state[key], g(`net.train.${key}`), 1e-9, key);
    const w = torch.linspace(-1, 1, 128, { dtype: 'float64' });
    decoded.mul(w).sum().add(pitch.sum().mul(3)).add(confidence.sum().mul(2)).backward();
    const params = Object.fromEntries(net.namedParameters());
    for (const key of [
      'encoder.0.0.weight',
      'encoder.5.1.weight',
      'pitchHead.0.weight',
      'confidenceHead.weight',
      'decoder.fc1.weight',
      'decoder.stages.0.1.weight',
      'decoder.out.weight',
    ])
      assertScaled(params[key].grad!, g(`net.train.grad.${key}`), 1e-8, `grad ${key}`);
  });
});

test('SpiceNet: the confidence head sees detached features (no gradient into the encoder)', () => {
  torch.scope(() => {
    torch.manualSeed(0);
    const net = new models.SpiceNet(NARROW);
    net
      .forward(torch.rand([4, 128]))
      .confidence.sum()
      .backward();
    for (const [key, p] of net.encoder.namedParameters()) assert.equal(p.grad, null, `encoder ${key} got a gradient`);
    for (const [key, p] of net.pitchHead.namedParameters()) assert.equal(p.grad, null, `pitch head ${key} got a gradient`);
    assert.ok(net.confidenceHead.weight.grad!.abs().sum().item() > 0, 'the confidence head is trained');
    net.zeroGrad();
    net
      .forward(torch.rand([4, 128]))
      .pitch.sum()
      .backward();
    assert.ok(net.encoder.parameters()[0].grad!.abs().sum().item() > 0, 'the pitch trains the encoder');
    assert.equal(net.confidenceHead.weight.grad, null, 'the pitch does not train the confidence head');
  });
});

test('SpiceNet with coordinates: a second input channel of bin positions', () => {
  const net = new models.SpiceNet({ width: 2, decoderWidth: 2, hidden: 4, coordinates: true });
  assert.deepEqual(net.stateDict()['encoder.0.0.weight'].shape, [2, 2, 3], 'the first conv reads 2 channels');
  const x = torch.rand([3, 128]);
  const { pitch, features } = net.eval().forward(x);
  assert.deepEqual([pitch.shape, features.shape], [[3], [3, net.featureDim]]);
  assertThrows(
    () => new models.SpiceNet({ coordinates: 1 as unknown as boolean }),
    /^SpiceNet: expected coordinates as a boolean but received 1$/,
    TypeError,
  );
});

test('SpiceNet rejects bad options and inputs by name', () => {
  assertThrows(
    () => new models.SpiceNet({ bins: 100 }),
    /^SpiceNet: expected bins to be a multiple of 64 \(6 poolings halve it\) but received 100$/,
    RangeError,
  );
  assertThrows(() => new models.SpiceNet({ width: 0 }), /^SpiceNet: expected a positive integer for width but received 0$/, RangeError);
  assertThrows(
    () => new models.SpiceNet({ hidden: 2.5 }),
    /^SpiceNet: expected a positive integer for hidden but received 2.5$/,
    RangeError,
  );
  assertThrows(
    () => new models.SpiceNet({ bin: 128 } as Partial<models.SpiceNetOptions>),
    /^SpiceNet: unknown option bin \(valid: bins, width, decoderWidth, hidden, coordinates\)$/,
    TypeError,
  );
  const net = new models.SpiceNet(NARROW);
  torch.scope(() => {
    assertThrows(() => net.forward(torch.rand([128])), /^SpiceNet: expected x as \[N, F\] = \[N, 128\] but received \[128\]$/, RangeError);
    assertThrows(
      () => net.forward(torch.rand([2, 64])),
      /^SpiceNet: expected x as \[N, F\] = \[N, 128\] but received \[2, 64\]$/,
      RangeError,
    );
    assertThrows(
      () => net.forward(torch.rand([2, 1, 128])),
      /^SpiceNet: expected x as \[N, F\] = \[N, 128\] but received \[2, 1, 128\]$/,
      RangeError,
    );
    assertThrows(() => net.decode(torch.rand([2, 1])), /^SpiceNet.decode: expected pitch as \[N\] but received \[2, 1\]$/, RangeError);
  });
});
