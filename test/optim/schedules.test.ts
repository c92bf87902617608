import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { assertClose, golden } from '../helpers.js';

const { warmupCosine, stepDecay, constant, EMA, clipGradNorm_ } = torch.optim;
const near = (a: number, b: number, msg: string): void => assert.ok(Math.abs(a - b) < 1e-12, `${msg}: got ${a}, expected ${b}`);

test('warmupCosine: linear warm-up from 0, then cosine to finalLr; updates 1 … totalSteps never run at 0 in warm-up', () => {
  const lr = warmupCosine({ baseLr: 0.4, warmupSteps: 10, totalSteps: 110, finalLr: 0.02 });
  near(lr(0), 0, 'step 0 (no update yet)');
  near(lr(1), 0.04, 'the first update: baseLr / warmupSteps');
  near(lr(5), 0.2, 'warm-up midpoint');
  near(lr(10), 0.4, 'warm-up end = cosine start');
  for (let s = 0; s < 10; s++) near(lr(s + 1) - lr(s), 0.04, `linear rise at ${s}`);
  near(lr(60), 0.21, 'cosine midpoint = (base + final) / 2');
  near(lr(35), 0.02 + 0.19 * (1 + Math.SQRT1_2), 'cosine quarter');
  near(lr(110), 0.02, 'end');
  near(lr(500), 0.02, 'after the end');
  for (let s = 10; s < 110; s++) assert.ok(lr(s + 1) <= lr(s), `monotone decay at ${s}`);
  const noWarm = warmupCosine({ baseLr: 1, warmupSteps: 0, totalSteps: 4 });
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((s) => Number(noWarm(s).toFixed(12))),
    [1, 0.853553390593, 0.5, 0.146446609407, 0],
  );
});

test('stepDecay and constant', () => {
  const lr = stepDecay({ baseLr: 0.1, stepSize: 3, gamma: 0.5 });
  assert.deepEqual([0, 2, 3, 5, 6, 9].map(lr), [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125]);
  const def = stepDecay({ baseLr: 1, stepSize: 2 });
  near(def(4), 0.01, 'default gamma 0.1');
  assert.deepEqual([0, 7, 1e6].map(constant(0.3)), [0.3, 0.3, 0.3]);
});

test('a schedule drives an optimizer through setLr', () => {
  const p = torch.zeros([1], { requiresGrad: true });
  const opt = new torch.optim.SGD([p], { lr: 1 });
  const lr = stepDecay({ baseLr: 1, stepSize: 1, gamma: 0.5 });
  for (let s = 0; s < 3; s++) {
    opt.setLr(lr(s));
    p.grad = torch.ones([1]);
    opt.step();
  }
  near(p.item(), -1.75, 'w = -(1 + 0.5 + 0.25)');
});

test('EMA follows shadow ← d·shadow + (1−d)·param and copies integer buffers', () => {
  const model = new torch.nn.Sequential(new torch.nn.Linear(3, 2), new torch.nn.BatchNorm1d(2));
  const sd = model.stateDict();
  const init = Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, t.detach().toArray()]));
  const ema = new EMA(model, 0.9);
  const expected = structuredClone(init);
  for (let step = 1; step <= 3; step++) {
    torch.noGrad(() => {
      model.parameters().forEach((p) => p.add_(step));
      sd['1.num_batches_tracked'].add_(1);
    });
    ema.update(model);
    for (const [k, t] of Object.entries(sd)) {
      const cur = t.detach().toArray();
      expected[k] = k.endsWith('num_batches_tracked') ? cur : expected[k].map((s, i) => 0.9 * s + 0.1 * cur[i]);
    }
  }
  for (const k of Object.keys(sd)) {
    const got = ema.shadow[k].toArray();
    got.forEach((v, i) => assert.ok(Math.abs(v - expected[k][i]) < 1e-5, `${k}[${i}]: got ${v}, expected ${expected[k][i]}`));
  }
  assert.deepEqual(ema.shadow['1.num_batches_tracked'].toArray(), [3]);
  // The model moved by 1, 3, 6; the shadow by 0.1·(0.81·1 + 0.9·3 + 6) = 0.951.
  const lag = sd['0.weight'].detach().toArray()[0] - ema.shadow['0.weight'].toArray()[0];
  assert.ok(Math.abs(lag - 5.049) < 1e-5, `lag of the shadow: ${lag}`);
  const fresh = new torch.nn.Sequential(new torch.nn.Linear(3, 2), new torch.nn.BatchNorm1d(2));
  ema.copyTo(fresh);
  assert.deepEqual(fresh.stateDict()['0.bias'].detach().toArray(), ema.shadow['0.bias'].toArray());
  assert.throws(
    () => ema.update(new torch.nn.Linear(3, 2)),
    /^Error: EMA.update: the model's keys differ from the shadow's \(missing: 0.weight, 0.bias, .*; new: weight, bias\)$/,
  );
});

test('clipGradNorm_ matches torch.nn.utils.clip_grad_norm_ (2-, 1- and inf-norm, and no clipping)', () => {
  const g = golden('optim');
  for (const [name, maxNorm, normType] of [
    ['l2', 1, 2],
    ['inf', 0.5, Infinity],
    ['l1', 2, 1],
    ['none', 100, 2],
  ] as const) {
    const params = [
      torch.zeros([3, 4], { requiresGrad: true }),
      torch.zeros([5], { requiresGrad: true }),
      torch.zeros([2], { requiresGrad: true }),
    ];
    params[0].grad = g('clip.g0').clone();
    params[1].grad = g('clip.g1').clone();
    const total = clipGradNorm_(params, maxNorm, normType);
    assert.ok(Math.abs(total - g(`clip.${name}.total`).item()) < 1e-5, `${name} total: ${total}`);
    assertClose(params[0].grad!, g(`clip.${name}.g0`), { msg: `${name} g0` });
    assertClose(params[1].grad!, g(`clip.${name}.g1`), { msg: `${name} g1` });
    assert.equal(params[2].grad, null);
  }
  const lone = torch.zeros([2], { requiresGrad: true });
  lone.grad = torch.tensor([3, 4]);
  assert.equal(clipGradNorm_(lone, 1), 5);
  assertClose(lone.grad!, torch.tensor([0.6, 0.8]), { atol: 1e-6 });
  assert.equal(clipGradNorm_([torch.zeros([2], { requiresGrad: true })], 1), 0, 'no gradients: norm 0');
});
