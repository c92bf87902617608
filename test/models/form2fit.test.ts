import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, models } from '../../src/index.js';
import { assertClose, assertThrows, golden, goldenState } from '../helpers.js';

type Tensor = torch.Tensor;

/** tools/goldens/g_form2fit.py: a PyTorch mirror of the network, 2 → 3 channels, width 4, input [2, 2, 8, 12]. */
const g = golden('form2fit');
const NARROW = { inChannels: 2, outChannels: 3, width: 4 };

function goldenNet(dtype: 'float32' | 'float64'): models.Form2FitFCN {
  const net = new models.Form2FitFCN(NARROW);
  net.loadStateDict(goldenState('form2fit', 'net'));
  return net.to(dtype);
}

/** |a − e| ≤ rtol·|e| + rtol·max|e|. */
function assertScaled(actual: Tensor, expected: Tensor, rtol: number, msg: string): void {
  const scale = torch.scope(() => expected.abs().max().item());
  assertClose(actual, expected, { rtol, atol: rtol * scale, checkDtype: false, msg });
}

/** Parameters written out: 3×3 convs without bias + BN (2c), the 1×1 head with bias. */
function expectedParameters(cin: number, cout: number, w: number): number {
  const block = (i: number, o: number): number => 9 * i * o + 2 * o;
  return (
    block(cin, w) +
    block(w, w) +
    block(w, 2 * w) +
    block(2 * w, 2 * w) +
    block(2 * w, 4 * w) +
    block(4 * w, 4 * w) +
    block(6 * w, 2 * w) +
    block(3 * w, w) +
    w * cout +
    cout
  );
}

test('Form2FitFCN: the state dict of the PyTorch mirror and the parameter counts', () => {
  const layout = (sd: Record<string, Tensor>): [string, number[]][] =>
    Object.entries(sd)
      .map(([k, t]): [string, number[]] => [k, t.shape])
      .sort(([a], [b]) => (a < b ? -1 : 1));
  assert.deepEqual(layout(new models.Form2FitFCN(NARROW).stateDict()), layout(goldenState('form2fit', 'net')), 'keys and shapes');
  for (const [cin, cout, w] of [
    [2, 1, 16],
    [2, 64, 32],
  ])
    assert.equal(
      new models.Form2FitFCN({ inChannels: cin, outChannels: cout, width: w }).numParameters(),
      expectedParameters(cin, cout, w),
    );
  assert.equal(new models.Form2FitFCN({ inChannels: 2, outChannels: 1, width: 16 }).numParameters(), 106_833);
});

test('Form2FitFCN in eval mode equals the PyTorch mirror (float32 and float64)', () => {
  for (const [dtype, rtol] of [
    ['float32', 1e-5],
    ['float64', 1e-10],
  ] as const)
    torch.scope(() => {
      const net = goldenNet(dtype).eval();
      const out = torch.noGrad(() => net.forward(g('net.x').to(dtype)));
      assert.deepEqual(out.shape, [2, 3, 8, 12]);
      assertScaled(out, g('net.eval.out'), rtol, `${dtype} output`);
    });
});

test('Form2FitFCN in train mode equals the PyTorch mirror in float64: batch statistics, running statistics, gradients', () => {
  torch.scope(() => {
    const net = goldenNet('float64').train();
    const out = net.forward(g('net.x').double());
    assertScaled(out, g('net.train.out'), 1e-9, 'output');
    const state = net.stateDict();
    for (const key of ['down2.1.1.running_var', 'up2.1.running_mean']) assertScaled(state[key], g(`net.train.${key}`), 1e-9, key);
    out
      .mul(torch.linspace(-1, 1, out.numel(), { dtype: 'float64' }).view(out.shape))
      .sum()
      .backward();
    const params = Object.fromEntries(net.namedParameters());
    for (const key of ['stem.0.0.weight', 'down1.0.1.weight', 'down2.1.0.weight', 'up1.0.weight', 'up2.1.bias', 'head.weight', 'head.bias'])
      assertScaled(params[key].grad!, g(`net.train.grad.${key}`), 1e-8, `grad ${key}`);
  });
});

test('Form2FitFCN gives full-resolution maps for any side divisible by 4, and the output depends on the normalisation', () => {
  const net = new models.Form2FitFCN({ inChannels: 2, outChannels: 5, width: 2 }).eval();
  torch.scope(() => {
    for (const [h, w] of [
      [4, 4],
      [20, 20],
      [80, 80],
      [12, 28],
    ])
      assert.deepEqual(net.forward(torch.rand([1, 2, h, w])).shape, [1, 5, h, w], `${h}×${w}`);
    const x = torch.rand([2, 2, 8, 8]);
    const scaled = new models.Form2FitFCN({ ...NARROW, mean: [0, 0], std: [1, 1] });
    scaled.loadStateDict(goldenNet('float32').stateDict());
    const a = goldenNet('float32').eval().forward(x);
    const b = scaled.eval().forward(x.sub(torch.tensor([0.5, 0.01]).view([1, 2, 1, 1])).div(torch.tensor([0.25, 0.02]).view([1, 2, 1, 1])));
    assertClose(a, b, { rtol: 1e-5, atol: 1e-5, msg: 'the fixed constants: (grey − 0.5)/0.25, (height − 1 cm)/2 cm' });
    assert.deepEqual(
      new models.Form2FitFCN({ inChannels: 3, outChannels: 1, width: 2 }).options.std,
      [1, 1, 1],
      'no default for 3 channels',
    );
  });
});

test('Form2FitFCN rejects bad options and inputs by name', () => {
  assertThrows(
    () => new models.Form2FitFCN({ ...NARROW, width: 0 }),
    /^Form2FitFCN: expected a positive integer for width but received 0$/,
    RangeError,
  );
  assertThrows(
    () => new models.Form2FitFCN({ ...NARROW, outChannels: 1.5 }),
    /^Form2FitFCN: expected a positive integer for outChannels but received 1.5$/,
    RangeError,
  );
  assertThrows(
    () => new models.Form2FitFCN({ ...NARROW, std: [1, 0] }),
    /^Form2FitFCN: expected std as 2 finite numbers > 0 \(one per input channel\) but received \[1,0\]$/,
    RangeError,
  );
  assertThrows(
    () => new models.Form2FitFCN({ ...NARROW, mean: [0] }),
    /^Form2FitFCN: expected mean as 2 finite numbers \(one per input channel\) but received \[0\]$/,
    RangeError,
  );
  const net = new models.Form2FitFCN(NARROW);
  torch.scope(() => {
    for (const shape of [
      [1, 2, 10, 12],
      [1, 3, 8, 8],
      [2, 8, 8],
      [1, 2, 0, 8],
    ])
      assertThrows(
        () => net.forward(torch.rand(shape)),
        new RegExp(`^Form2FitFCN: expected x as \\[N, 2, H, W\\] with H, W multiples of 4 but received \\[${shape.join(', ')}\\]$`),
        RangeError,
      );
  });
});
