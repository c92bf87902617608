import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { assertClose, assertThrows, golden, gradcheck } from '../helpers.js';

const F = torch.nn.functional;
const g = golden('nn');
const gen = new torch.Generator(3);
const rnd = (shape: number[]): torch.Tensor => torch.randn(shape, { dtype: 'float64', generator: gen });
const rand = (shape: number[]): torch.Tensor => torch.rand(shape, { dtype: 'float64', generator: gen });
const long = (v: number[]): torch.Tensor => torch.tensor(v, { dtype: 'int64' });
const close = { atol: 1e-5, rtol: 1e-5 };

test('crossEntropy with class indices matches PyTorch (weight, ignoreIndex, labelSmoothing, reductions)', () => {
  const [z, y, yi, w] = [g('ce.x'), g('ce.y'), g('ce.y.ign'), g('ce.w')];
  assertClose(F.crossEntropy(z, y), g('ce'), close);
  assertClose(F.crossEntropy(z, y, { reduction: 'sum' }), g('ce.sum'), close);
  assertClose(F.crossEntropy(z, y, { reduction: 'none' }), g('ce.none'), close);
  assertClose(F.crossEntropy(z, y, { weight: w }), g('ce.weight'), close);
  assertClose(F.crossEntropy(z, yi), g('ce.ignore'), close);
  assertClose(F.crossEntropy(z, y, { weight: w, ignoreIndex: 2, reduction: 'sum' }), g('ce.ignore2.weight'), close);
  assertClose(F.crossEntropy(z, y, { labelSmoothing: 0.1 }), g('ce.smooth'), close);
  assertClose(F.crossEntropy(z, yi, { weight: w, labelSmoothing: 0.2 }), g('ce.smooth.weight.ignore'), close);
  assertClose(F.crossEntropy(z, y, { labelSmoothing: 0.3, reduction: 'none' }), g('ce.smooth.none'), close);
  assertClose(F.crossEntropy(z.select(0, 0), y.select(0, 0)), g('ce.unbatched'), close);
  assertClose(F.crossEntropy(g('ce.xk'), g('ce.yk')), g('ce.kdim'), close);
  assertClose(F.crossEntropy(g('ce.xk'), g('ce.yk'), { reduction: 'none', labelSmoothing: 0.1 }), g('ce.kdim.none'), close);
});

test('crossEntropy with probability targets matches PyTorch (with label smoothing)', () => {
  const [z, p, w] = [g('ce.x'), g('ce.p'), g('ce.w')];
  assertClose(F.crossEntropy(z, p), g('ce.prob'), close);
  assertClose(F.crossEntropy(z, p, { reduction: 'none' }), g('ce.prob.none'), close);
  assertClose(F.crossEntropy(z, p, { weight: w, labelSmoothing: 0.25 }), g('ce.prob.smooth.weight'), close);
  // One-hot probabilities give the same loss as class indices.
  const onehot = F.oneHot(g('ce.y'), 5).float();
  assertClose(F.crossEntropy(z, onehot), g('ce'), close);
});

test('nllLoss matches PyTorch', () => {
  const lp = F.logSoftmax(g('ce.x'), 1);
  assertClose(F.nllLoss(lp, g('ce.y')), g('nll'), close);
  assertClose(F.nllLoss(lp, g('ce.y'), { weight: g('ce.w'), reduction: 'sum' }), g('nll.weight.sum'), close);
  assertClose(F.nllLoss(lp, g('ce.y.ign'), { reduction: 'none' }), g('nll.ignore.none'), close);
  assertClose(F.nllLoss(F.logSoftmax(g('ce.xk'), 1), g('ce.yk')), g('nll.kdim'), close);
});

test('regression losses match PyTorch for every reduction', () => {
  const [a, b] = [g('reg.a'), g('reg.b')];
  for (const reduction of ['mean', 'sum', 'none'] as const) {
    assertClose(F.mseLoss(a, b, { reduction }), g(`mse.${reduction}`), { ...close, msg: `mse ${reduction}` });
    assertClose(F.l1Loss(a, b, { reduction }), g(`l1.${reduction}`), { ...close, msg: `l1 ${reduction}` });
    assertClose(F.smoothL1Loss(a, b, { reduction }), g(`smoothL1.${reduction}`), { ...close, msg: `smoothL1 ${reduction}` });
    assertClose(F.huberLoss(a, b, { reduction }), g(`huber.${reduction}`), { ...close, msg: `huber ${reduction}` });
  }
  assertClose(F.smoothL1Loss(a, b, { beta: 0.5 }), g('smoothL1.beta05'), close);
  assertClose(F.smoothL1Loss(a, b, { beta: 0 }), g('smoothL1.beta0'), close);
  assertClose(F.smoothL1Loss(a, b, { beta: 0 }), g('l1.mean'), { ...close, msg: 'beta 0 is l1' });
  assertClose(F.huberLoss(a, b, { delta: 0.7, reduction: 'sum' }), g('huber.delta07'), close);
  // Broadcasting target against input, as PyTorch does (with a warning there).
  const row = b.narrow(0, 0, 1);
  assertClose(F.mseLoss(a, row, { reduction: 'none' }), a.sub(row).square(), close);
});

test('binary cross entropy (probabilities and logits) matches PyTorch', () => {
  const [p, t, w, pw, a] = [g('bce.p'), g('bce.t'), g('bce.w'), g('bce.pw'), g('reg.a')];
  assertClose(F.binaryCrossEntropy(p, t), g('bce'), close);
  assertClose(F.binaryCrossEntropy(p, t, { weight: w, reduction: 'sum' }), g('bce.weight.sum'), close);
  assertClose(F.binaryCrossEntropy(p, t, { reduction: 'none' }), g('bce.none'), close);
  assertClose(F.binaryCrossEntropyWithLogits(a, t), g('bcel'), close);
  assertClose(F.binaryCrossEntropyWithLogits(a, t, { posWeight: pw }), g('bcel.pw'), close);
  assertClose(F.binaryCrossEntropyWithLogits(a, t, { weight: w, posWeight: pw, reduction: 'none' }), g('bcel.w.pw.none'), close);
  assertClose(F.binaryCrossEntropyWithLogits(a, t), F.binaryCrossEntropy(a.sigmoid(), t), { ...close, msg: 'logits = sigmoid then bce' });
});

test('klDiv matches PyTorch for none, mean, sum, batchmean and logTarget', () => {
  const [ki, kt] = [g('kl.in'), g('kl.t')];
  for (const reduction of ['mean', 'batchmean', 'sum', 'none'] as const) {
    assertClose(F.klDiv(ki, kt, { reduction }), g(`kl.${reduction}`), { ...close, msg: reduction });
  }
  assertClose(F.klDiv(ki, kt.log(), { reduction: 'batchmean', logTarget: true }), g('kl.logtarget.batchmean'), close);
  assert.ok(Math.abs(g('kl.batchmean').item() - g('kl.sum').item() / 3) < 1e-6, 'batchmean = sum / batch');
});

test('cosineSimilarity and pairwiseDistance match PyTorch', () => {
  const [c1, c2] = [g('cos.a'), g('cos.b')];
  assertClose(F.cosineSimilarity(c1, c2), g('cos'), close);
  assertClose(F.cosineSimilarity(c1, c2, { dim: 0 }), g('cos.dim0'), close);
  assertClose(F.cosineSimilarity(c1, c2.narrow(0, 0, 1), { dim: 1, eps: 1e-3 }), g('cos.bcast'), close);
  assertClose(F.pairwiseDistance(c1, c2), g('pdist'), close);
  assertClose(F.pairwiseDistance(c1, c2, { p: 1, keepdim: true }), g('pdist.p1.keep'), close);
});

test('loss gradients match finite differences', () => {
  torch.scope(() => {
    const z = rnd([3, 4]);
    const y = long([1, 3, 0]);
    const w = rand([4]).add(0.5);
    const probs = F.softmax(rnd([3, 4]), 1);
    gradcheck((u) => F.crossEntropy(u, y), [z], { msg: 'crossEntropy' });
    gradcheck((u) => F.crossEntropy(u, y, { weight: w, labelSmoothing: 0.2 }), [z], { msg: 'crossEntropy weight+smoothing' });
    gradcheck((u) => F.crossEntropy(u, long([1, -100, 2]), { reduction: 'sum' }), [z], { msg: 'crossEntropy ignore' });
    gradcheck((u, p) => F.crossEntropy(u, p, { labelSmoothing: 0.1 }), [z, probs], { msg: 'crossEntropy probabilities' });
    gradcheck(
      (u) =>
        F.crossEntropy(
          u,
          torch.tensor(
            [
              [0, 2],
              [1, 1],
            ],
            { dtype: 'int64' },
          ),
          { reduction: 'none' },
        ),
      [rnd([2, 4, 2])],
      { msg: 'crossEntropy K-dim' },
    );
    gradcheck((u) => F.nllLoss(u, y, { weight: w }), [z], { msg: 'nllLoss' });
    const [a, b] = [rnd([2, 3]), rnd([2, 3])];
    gradcheck((u, v) => F.mseLoss(u, v), [a, b], { msg: 'mseLoss' });
    gradcheck((u, v) => F.l1Loss(u, v, { reduction: 'sum' }), [a, b], { msg: 'l1Loss' });
    gradcheck((u, v) => F.smoothL1Loss(u, v, { beta: 0.5 }), [a, b], { msg: 'smoothL1Loss' });
    gradcheck((u, v) => F.huberLoss(u, v, { delta: 0.7, reduction: 'none' }), [a, b], { msg: 'huberLoss' });
    const p = rand([2, 3]).mul(0.8).add(0.1);
    const t = rand([2, 3]);
    gradcheck((u, v) => F.binaryCrossEntropy(u, v, { weight: w.narrow(0, 0, 3) }), [p, t], { msg: 'binaryCrossEntropy' });
    const pw = rand([3]).add(0.5);
    gradcheck((u, v) => F.binaryCrossEntropyWithLogits(u, v, { posWeight: pw }), [a, t], { msg: 'bceWithLogits' });
    const lq = F.logSoftmax(rnd([2, 3]), 1);
    gradcheck((u, v) => F.klDiv(u, v, { reduction: 'batchmean' }), [lq, F.softmax(rnd([2, 3]), 1)], { msg: 'klDiv' });
    gradcheck((u, v) => F.klDiv(u, v, { logTarget: true, reduction: 'sum' }), [lq, rnd([2, 3])], { msg: 'klDiv logTarget' });
    gradcheck((u, v) => F.cosineSimilarity(u, v), [a, b], { msg: 'cosineSimilarity' });
    gradcheck((u, v) => F.pairwiseDistance(u, v), [a, b], { msg: 'pairwiseDistance' });
  });
});

test('loss errors: bad targets are TorchErrors, bad options TypeErrors', () => {
  const [z, y] = [g('ce.x'), g('ce.y')];
  assertThrows(() => F.crossEntropy(z, long([1, 0, 5, 2])), /^crossEntropy: Target 5 is out of bounds/, torch.TorchError);
  assertThrows(
    () => F.crossEntropy(z, long([1, 0, -3, 2]), { labelSmoothing: 0.1 }),
    /^crossEntropy: Target -3 is out of bounds/,
    torch.TorchError,
  );
  assertThrows(
    () => F.crossEntropy(z, long([1, 0])),
    /^crossEntropy: Expected input batch_size \(4\) to match target batch_size \(2\)/,
    torch.TorchError,
  );
  assertThrows(() => F.crossEntropy(z, y.float()), /^crossEntropy: expected scalar type Long but found Float/, torch.TorchError);
  assertThrows(
    () => F.crossEntropy(z, g('ce.p'), { ignoreIndex: 3 }),
    /^crossEntropy: ignore_index is not supported for floating point target/,
    torch.TorchError,
  );
  assertThrows(() => F.nllLoss(z, long([1, 0, 7, 2])), /^nllLoss: Target 7 is out of bounds/, torch.TorchError);
  assertThrows(
    () => F.crossEntropy(z, y, { reduction: 'avg' as 'mean' }),
    /^Expected one of none, mean, sum for reduction but received "avg"/,
    TypeError,
  );
  assertThrows(
    () => F.crossEntropy(z, y, { labelSmoothing: 1.5 }),
    /Expected a number in \[0, 1\] for labelSmoothing but received 1.5/,
    RangeError,
  );
  assertThrows(() => F.crossEntropy(z, y, { ignore_index: 1 } as never), /unknown option "ignore_index"/, TypeError);
  assertThrows(() => F.klDiv(z, z, { reduction: 'batch' as 'sum' }), /Expected one of none, batchmean, sum, mean for reduction/, TypeError);
  assertThrows(
    () => F.mseLoss(z, g('reg.a')),
    /^mseLoss: The size of tensor a \(5\) must match the size of tensor b \(4\)/,
    torch.TorchError,
  );
  assertThrows(
    () => F.binaryCrossEntropy(g('bce.p'), g('bce.t').narrow(0, 0, 2)),
    /^binaryCrossEntropy: target size \[2, 4\] must be the same as input size \[3, 4\]/,
    torch.TorchError,
  );
  assertThrows(
    () => F.binaryCrossEntropyWithLogits(g('reg.a'), g('bce.t').view([4, 3])),
    /^binaryCrossEntropyWithLogits: target size \[4, 3\] must be the same as input size \[3, 4\]/,
    torch.TorchError,
  );
  assertThrows(() => F.huberLoss(z, z, { delta: 0 }), /Expected a positive number for delta but received 0/, TypeError);
  assertThrows(() => F.smoothL1Loss(z, z, { beta: -1 }), /Expected a number >= 0 for beta but received -1/, RangeError);
  assertThrows(() => F.cosineSimilarity(z, g('reg.a')), /^cosineSimilarity: The size of tensor a \(5\) must match/, torch.TorchError);
});
