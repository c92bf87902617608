/** Autograd against PyTorch goldens (tools/goldens/g_autograd.py). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { assertClose, assertThrows, golden } from '../helpers.js';

type Tensor = torch.Tensor;
const g = golden('autograd');
const x0 = g('x');
const w = g('w');
const v = g('v');

/** A fresh float leaf that requires grad, holding t's values. */
const leaf = (t: Tensor): Tensor => t.detach().clone().requiresGrad_();
const grad = (t: Tensor): Tensor => {
  const gr = t.grad;
  assert.ok(gr !== null, 'expected a gradient');
  return gr;
};

test('grad is null before backward; backward on a scalar matches PyTorch', () => {
  const x = leaf(x0);
  assert.equal(x.grad, null);
  assert.equal(x.requiresGrad, true);
  const y = x.pow(3).sum().add(x.sin().mean());
  assert.deepEqual(y.shape, []);
  y.backward();
  assertClose(grad(x), g('scalar.grad'), { rtol: 1e-12, atol: 1e-12 });
  assert.equal(grad(x).requiresGrad, false, 'gradients are plain tensors without createGraph');
});

test('backward with a gradient seed on a non-scalar; without a seed it is a TorchError', () => {
  const x = leaf(x0);
  const y = x.mul(w).add(x.exp());
  assertThrows(() => y.backward(), /^backward: grad can be implicitly created only for scalar outputs/, torch.TorchError);
  assertThrows(() => y.backward(torch.ones([4], { dtype: 'float64' })), /^backward: .*shape/, torch.TorchError);
  assert.equal(x.grad, null, 'failed calls leave no gradient');
  y.backward(v);
  assertClose(grad(x), g('seed.grad'), { rtol: 1e-12, atol: 1e-12 });
  assertThrows(
    () => y.backward(2 as unknown as Tensor),
    /^backward: expected a Tensor or undefined for gradient but received 2 of type number/,
    TypeError,
  );
});

test('gradients accumulate over two backward calls and can be reset', () => {
  const x = leaf(x0);
  x.mul(x).sum().backward();
  assertClose(grad(x), x0.mul(2), { rtol: 1e-12, atol: 1e-12 });
  x.mul(w).sum().backward();
  assertClose(grad(x), g('accum.grad'), { rtol: 1e-12, atol: 1e-12 });
  // zero_ on the gradient view resets the stored gradient (same storage)
  torch.noGrad(() => grad(x).zero_());
  assert.deepEqual(grad(x).toArray(), new Array(12).fill(0));
  x.grad = null;
  assert.equal(x.grad, null);
  x.mul(w).sum().backward();
  assertClose(grad(x), w, { rtol: 0, atol: 0 });
});

test('retainGraph allows a second backward; without it the error mentions the graph', () => {
  const x = leaf(x0);
  const y = x.tanh().mul(w).sum();
  y.backward(undefined, { retainGraph: true });
  assertClose(grad(x), g('retain.grad1'), { rtol: 1e-12, atol: 1e-12 });
  y.backward();
  assertClose(grad(x), g('retain.grad2'), { rtol: 1e-12, atol: 1e-12 });
  assertThrows(() => y.backward(), /^backward: Trying to backward through the graph a second time.*retain_graph=True/s, torch.TorchError);
  // the process survives and autograd still works
  const z = leaf(x0);
  z.sum().backward();
  assert.deepEqual(grad(z).toArray(), new Array(12).fill(1));
});

test('detach stops gradients and shares storage', () => {
  const x = leaf(x0);
  const d = x.detach();
  assert.equal(d.requiresGrad, false);
  assert.equal(d.isLeaf, true);
  assert.equal(d.gradFn, '');
  x.mul(d).sum().backward();
  assertClose(grad(x), g('detach.grad'), { rtol: 0, atol: 0 });
  // shares storage: an in-place change through the detached view shows in x
  torch.noGrad(() => d.fill_(2));
  assert.deepEqual(x.toArray(), new Array(12).fill(2));
  // detach_ turns a non-leaf into a leaf that does not require grad
  const h = leaf(x0).mul(3);
  assert.equal(h.isLeaf, false);
  h.detach_();
  assert.equal(h.isLeaf, true);
  assert.equal(h.requiresGrad, false);
});

test('noGrad/enableGrad nest and restore the previous mode, even when fn throws', () => {
  const x = leaf(x0);
  assert.equal(torch.isGradEnabled(), true);
  const r = torch.noGrad(() => {
    assert.equal(torch.isGradEnabled(), false);
    const inner = torch.enableGrad(() => {
      assert.equal(torch.isGradEnabled(), true);
      const y = x.mul(x).sum();
      assert.equal(y.requiresGrad, true);
      return y;
    });
    assert.equal(torch.isGradEnabled(), false, 'enableGrad restored noGrad');
    const y2 = x.mul(x).sum();
    assert.equal(y2.requiresGrad, false, 'no graph recorded under noGrad');
    assert.equal(y2.gradFn, '');
    return inner;
  });
  assert.equal(torch.isGradEnabled(), true);
  assertClose(torch.autograd.grad(r, x)[0]!, g('enableGrad.grad'), { rtol: 1e-12, atol: 1e-12 });

  assert.throws(
    () =>
      torch.noGrad(() => {
        throw new Error('boom');
      }),
    /^Error: boom$/,
  );
  assert.equal(torch.isGradEnabled(), true, 'restored after a throw in noGrad');
  torch.noGrad(() => {
    assert.throws(
      () =>
        torch.enableGrad(() => {
          throw new RangeError('inner');
        }),
      RangeError,
    );
    assert.equal(torch.isGradEnabled(), false, 'restored to noGrad after a throw in enableGrad');
  });
  assert.equal(torch.isGradEnabled(), true);
  assertThrows(() => torch.noGrad((async () => 1) as unknown as () => number), /^noGrad: fn is async/, TypeError);
  assert.equal(torch.isGradEnabled(), true);
});

test('autograd.grad with gradOutputs over two outputs and two inputs leaves .grad untouched', () => {
  const a = leaf(x0);
  const b = leaf(w);
  const [ga, gb] = torch.autograd.grad([a.mul(b), a.sin()], [a, b], { gradOutputs: [v, torch.onesLike(v)] });
  assertClose(ga!, g('grad.a'), { rtol: 1e-12, atol: 1e-12 });
  assertClose(gb!, g('grad.b'), { rtol: 1e-12, atol: 1e-12 });
  assert.equal(a.grad, null);
  assert.equal(b.grad, null);
  assertThrows(
    () => torch.autograd.grad(a.mul(b), a),
    /^autogradGrad: grad can be implicitly created only for scalar outputs/,
    torch.TorchError,
  );
  assertThrows(
    () => torch.autograd.grad(a.sum(), a, { gradOutputs: [] }),
    /^grad: gradOutputs has 0 entries but there are 1 outputs/,
    RangeError,
  );
  assertThrows(
    () => torch.autograd.grad(a.sum(), a, { gradOutputs: [3 as unknown as Tensor] }),
    /^grad: gradOutputs\[0\] must be a Tensor or null but received 3 of type number/,
    TypeError,
  );
  assertThrows(
    () => torch.autograd.grad(a.sum(), [] as Tensor[]),
    /Expected a Tensor or a non-empty array of Tensors for grad inputs/,
    TypeError,
  );
  assertThrows(
    () => torch.autograd.grad(a.sum(), torch.zeros([2])),
    /^autogradGrad: One of the differentiated Tensors does not require grad/,
    torch.TorchError,
  );
});

test('autograd.grad allowUnused gives null for an unused input; without it a TorchError', () => {
  const a = leaf(x0);
  const unused = leaf(w);
  const [ga, gu] = torch.autograd.grad(a.mul(a).sum(), [a, unused], { allowUnused: true });
  assertClose(ga!, x0.mul(2), { rtol: 1e-12, atol: 1e-12 });
  assert.equal(gu, null);
  assertThrows(
    () => torch.autograd.grad(a.mul(a).sum(), [a, unused]),
    /^autogradGrad: One of the differentiated Tensors appears to not have been used in the graph\. Set allow_unused=True/,
    torch.TorchError,
  );
});

test('createGraph gives higher derivatives: d/dx x^3 = 3x^2, d2/dx2 = 6x', () => {
  const x = leaf(x0);
  const [d1] = torch.autograd.grad(x.pow(3).sum(), x, { createGraph: true });
  assert.equal(d1!.requiresGrad, true, 'the first derivative is itself differentiable');
  assertClose(d1!, g('second.d1'), { rtol: 1e-12, atol: 1e-12 });
  assertClose(d1!, x0.pow(2).mul(3), { rtol: 1e-12, atol: 1e-12 });
  const [d2] = torch.autograd.grad(d1!.sum(), x);
  assertClose(d2!, g('second.d2'), { rtol: 1e-12, atol: 1e-12 });
  assertClose(d2!, x0.mul(6), { rtol: 1e-12, atol: 1e-12 });
  // the same through Tensor.backward with createGraph
  const y = leaf(x0);
  y.pow(3).sum().backward(undefined, { createGraph: true });
  const gy = grad(y);
  assert.equal(gy.requiresGrad, true);
  const [h2] = torch.autograd.grad(gy.sum(), y);
  assertClose(h2!, x0.mul(6), { rtol: 1e-12, atol: 1e-12 });
});

test('retainGrad keeps the gradient of a non-leaf', () => {
  const x = leaf(x0);
  const h = x.mul(2).add(1);
  assert.equal(h.retainsGrad, false);
  h.retainGrad();
  assert.equal(h.retainsGrad, true);
  h.pow(2).sum().backward();
  assertClose(grad(h), g('retainGrad.h'), { rtol: 1e-12, atol: 1e-12 });
  assertClose(grad(x), g('retainGrad.x'), { rtol: 1e-12, atol: 1e-12 });
  assertThrows(
    () => torch.zeros([2]).retainGrad(),
    /^retainGrad: can't retain_grad on Tensor that has requires_grad=False/,
    torch.TorchError,
  );
});

test('isLeaf and gradFn name the autograd nodes', () => {
  const x = leaf(x0);
  const c = torch.zeros([2]);
  assert.equal(x.isLeaf, true);
  assert.equal(c.isLeaf, true, 'tensors that do not require grad are leaves');
  assert.equal(x.gradFn, '');
  const cases: [Tensor, string][] = [
    [x.mul(x), 'MulBackward0'],
    [x.mul(2), 'MulBackward1'],
    [x.add(1), 'AddBackward1'],
    [x.pow(3), 'PowBackward0'],
    [x.sum(), 'SumBackward0'],
    [x.mean(), 'MeanBackward0'],
    [x.sin(), 'SinBackward0'],
    [x.exp(), 'ExpBackward0'],
  ];
  for (const [t, name] of cases) {
    assert.equal(t.gradFn, name);
    assert.equal(t.isLeaf, false, name);
    assert.equal(t.requiresGrad, true, name);
  }
});

test('requiresGrad on integer and bool tensors is a TorchError', () => {
  const i = torch.tensor([1, 2], { dtype: 'int64' });
  assertThrows(
    () => {
      i.requiresGrad = true;
    },
    /^setRequiresGrad: Only Tensors of floating point and complex dtype can require gradients/,
    torch.TorchError,
  );
  assertThrows(() => i.requiresGrad_(), /^setRequiresGrad: Only Tensors of floating point/, torch.TorchError);
  assertThrows(
    () => torch.zeros([2], { dtype: 'bool', requiresGrad: true }),
    /^setRequiresGrad: Only Tensors of floating point/,
    torch.TorchError,
  );
  assert.equal(i.requiresGrad, false);
  // a non-leaf cannot change its flag
  const h = leaf(x0).mul(2);
  assertThrows(
    () => {
      h.requiresGrad = false;
    },
    /^setRequiresGrad: you can only change requires_grad flags of leaf variables/,
    torch.TorchError,
  );
});

test('autograd.backward runs several outputs with seeds in one pass', () => {
  const x = leaf(x0);
  torch.autograd.backward([x.mul(2), x.exp()], [v, w]);
  assertClose(grad(x), g('backward.multi'), { rtol: 1e-12, atol: 1e-12 });
  // inputs: accumulate only into the named leaves
  const a = leaf(x0);
  const b = leaf(w);
  torch.autograd.backward(a.mul(b).sum(), undefined, { inputs: [b] });
  assert.equal(a.grad, null);
  assertClose(grad(b), x0, { rtol: 0, atol: 0 });
  assertThrows(
    () => torch.autograd.backward([x.mul(2)], [v, w]),
    /^backward: gradOutputs has 2 entries but there are 1 outputs/,
    RangeError,
  );
});

test('assigning .grad checks shape, dtype and identity', () => {
  const x = leaf(x0);
  x.grad = torch.onesLike(x0);
  assert.deepEqual(grad(x).toArray(), new Array(12).fill(1));
  x.mul(2).sum().backward();
  assert.deepEqual(grad(x).toArray(), new Array(12).fill(3), 'backward accumulates into an assigned grad');
  assertThrows(
    () => {
      x.grad = torch.zeros([4], { dtype: 'float64' });
    },
    /^setGrad: assigned grad has shape \[4\] but the tensor has shape \[3, 4\]/,
    torch.TorchError,
  );
  assertThrows(
    () => {
      x.grad = torch.zeros([3, 4]);
    },
    /^setGrad: assigned grad has dtype Float but the tensor has dtype Double/,
    torch.TorchError,
  );
  assertThrows(
    () => {
      x.grad = x;
    },
    /^setGrad: cannot assign a tensor as its own gradient/,
    torch.TorchError,
  );
  assertThrows(
    () => {
      x.grad = 1 as unknown as Tensor;
    },
    /^grad: expected a Tensor or null but received 1 of type number/,
    TypeError,
  );
  assert.deepEqual(grad(x).toArray(), new Array(12).fill(3), 'failed assignments leave the gradient');
});

/** Same formula as g_autograd.py: broadcast multiply + sum (matching float32 rounding). */
const lin = (inp: Tensor, W: Tensor, b: Tensor): Tensor => inp.unsqueeze(1).mul(W).sum(2).add(b);
const mlpLoss = (x: Tensor, y: Tensor, [W1, b1, W2, b2]: Tensor[]): Tensor =>
  lin(lin(x, W1, b1).clampMin(0), W2, b2)
    .sub(y)
    .pow(2)
    .mean();

test('a 2-layer MLP: gradients and 25 steps of manual SGD match PyTorch', () => {
  const x = g('mlp.x');
  const y = g('mlp.y');
  const names = ['W1', 'b1', 'W2', 'b2'];
  const params = names.map((k) => leaf(g(`mlp.${k}`)));
  const step = (): number =>
    torch.scope(() => {
      const loss = mlpLoss(x, y, params);
      loss.backward();
      const value = loss.item();
      torch.noGrad(() => {
        for (const p of params) {
          const gp = grad(p);
          p.add_(gp, -0.05);
          gp.zero_();
        }
      });
      return value;
    });
  // first step: loss and gradients
  const loss0 = torch.scope(() => {
    const loss = mlpLoss(x, y, params);
    loss.backward();
    names.forEach((k, i) => assertClose(grad(params[i]), g(`mlp.grad.${k}`), { rtol: 1e-5, atol: 1e-6, msg: `grad ${k}` }));
    torch.noGrad(() =>
      params.forEach((p) => {
        const gp = grad(p);
        p.add_(gp, -0.05);
        gp.zero_();
      }),
    );
    return loss.item();
  });
  assert.ok(Math.abs(loss0 - g('mlp.loss0').item()) <= 1e-6 * Math.abs(loss0), `loss0 ${loss0}`);
  let last = loss0;
  for (let i = 1; i < 25; i++) last = step();
  assert.ok(Math.abs(last - g('mlp.loss24').item()) <= 1e-4 * Math.abs(last), `loss24 ${last} vs ${g('mlp.loss24').item()}`);
  assert.ok(last < loss0 / 2, 'training reduced the loss');
  names.forEach((k, i) => assertClose(params[i].detach(), g(`mlp.trained.${k}`), { rtol: 1e-4, atol: 1e-5, msg: `trained ${k}` }));
});
