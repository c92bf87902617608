import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { assertClose, assertThrows, golden, gradcheck } from '../helpers.js';

const g = golden('linalg');
const LA = torch.linalg;
const [a, b, ba, bb, v, w, c] = ['a', 'b', 'ba', 'bb', 'v', 'w', 'c'].map(g);
const [A, M, tall, spd, B] = ['A', 'M', 'tall', 'spd', 'B'].map(g);
const mT = (x: torch.Tensor): torch.Tensor => x.transpose(-2, -1);
const eye = (n: number): torch.Tensor => torch.eye(n, n, { dtype: 'float64' });
const F64 = { rtol: 1e-10, atol: 1e-10 };

test('products match PyTorch, with broadcasting and batches', () => {
  assertClose(torch.matmul(a, b), g('matmul'));
  assertClose(a.matmul(b), g('matmul'), { msg: 'method' });
  assertClose(ba.matmul(b), g('matmul.batched'));
  assertClose(a.matmul(v), g('matmul.mv'));
  assertClose(v.matmul(b), g('matmul.vm'));
  assertClose(torch.mm(a, b), g('mm'));
  assertClose(ba.bmm(bb), g('bmm'));
  assertClose(torch.dot(v, w), g('dot'));
  assertClose(v.outer(c), g('outer'));
  assertClose(torch.addmm(c, a, b, { beta: 0.5, alpha: 2 }), g('addmm'));
  assertClose(c.addmm(a, b, { beta: 0.5, alpha: 2 }), g('addmm'), { msg: 'method' });
});

test('einsum and cdist match PyTorch', () => {
  assertClose(torch.einsum('bij,bjk->bik', ba, bb), g('einsum.bmm'));
  assertClose(torch.einsum('ii', torch.narrow(a, 1, 0, 3)), g('einsum.trace'));
  assertClose(torch.einsum('i,j->ij', v, c), g('einsum.outer'));
  assertClose(torch.einsum('...ij->...ji', ba), g('einsum.ellipsis'));
  assertClose(torch.cdist(g('x1'), g('x2')), g('cdist'));
  assertClose(torch.cdist(g('x1'), g('x2'), 1), g('cdist.p1'));
});

test('sort is stable and argsort/topk/kthvalue/median match PyTorch', () => {
  const s = g('s');
  const r = g('r');
  for (const desc of [false, true]) {
    const o = torch.sort(s, 1, desc, true);
    assertClose(o.values, g(`sort.stable.${desc}.values`));
    assertClose(o.indices, g(`sort.stable.${desc}.indices`), { msg: `stable sort indices desc=${desc}` });
    assertClose(s.argsort(1, desc, true), g(`argsort.stable.${desc}`));
  }
  const o = r.sort(0);
  assertClose(o.values, g('sort.dim0.values'));
  assertClose(o.indices, g('sort.dim0.indices'));
  assertClose(torch.argsort(r, -1, true), g('argsort.r'));
  const t = r.topk(3);
  assertClose(t.values, g('topk.values'));
  assertClose(t.indices, g('topk.indices'));
  const ts = torch.topk(r, 2, 0, false);
  assertClose(ts.values, g('topk.smallest.values'));
  assertClose(ts.indices, g('topk.smallest.indices'));
  const k = r.kthvalue(3, 1);
  assertClose(k.values, g('kthvalue.values'));
  assertClose(k.indices, g('kthvalue.indices'));
  assertClose(r.median(), g('median.all'));
  const m = torch.median(r, 1, true);
  assertClose(m.values, g('median.dim.values'));
  assertClose(m.indices, g('median.dim.indices'));
});

test('unique and bincount match PyTorch', () => {
  const u = g('u');
  assertClose(torch.unique(u), g('unique'));
  const o = u.unique({ returnInverse: true, returnCounts: true });
  assertClose(o.values, g('unique'));
  assertClose(o.inverseIndices!, g('unique.inverse'));
  assertClose(o.counts!, g('unique.counts'));
  assert.equal(torch.unique(u, { returnCounts: true }).inverseIndices, undefined);
  const d = torch.unique(g('ud'), { dim: 0, returnInverse: true, returnCounts: true });
  assertClose(d.values, g('unique.dim0'));
  assertClose(d.inverseIndices!, g('unique.dim0.inverse'));
  assertClose(d.counts!, g('unique.dim0.counts'));
  assertClose(u.bincount(), g('bincount'));
  assertClose(torch.bincount(u, { weights: g('bw'), minlength: 6 }), g('bincount.weighted'), F64);
});

test('linalg norms match PyTorch (vector, matrix, dims, keepdim)', () => {
  assertClose(LA.norm(A), g('norm.default'), F64);
  assertClose(LA.norm(torch.select(M, 0, 0)), g('norm.vec'), F64);
  assertClose(LA.norm(torch.select(M, 0, 0), Infinity), g('norm.vec.inf'), F64);
  assertClose(LA.norm(M, 'fro'), g('norm.fro'), F64);
  assertClose(LA.norm(M, 'nuc'), g('norm.nuc'), F64);
  assertClose(LA.norm(M, 2), g('norm.2'), F64);
  assertClose(LA.norm(M, -1), g('norm.-1'), F64);
  assertClose(LA.norm(A, 3, 1, true), g('norm.dim'), F64);
  assertClose(LA.norm(A, 'nuc', [0, 2]), g('norm.dims'), F64);
  assertClose(LA.vectorNorm(A), g('vectorNorm'), F64);
  assertClose(LA.vectorNorm(A, 1, -1), g('vectorNorm.1'), F64);
  assertClose(LA.vectorNorm(A, Infinity, [1, 2]), g('vectorNorm.inf'), F64);
  assertClose(LA.vectorNorm(A, -Infinity, 0, true), g('vectorNorm.-inf'), F64);
  assertClose(LA.vectorNorm(A.clampMin(0), 0, -1), g('vectorNorm.0'), F64);
  assertClose(LA.vectorNorm(A, 3.5), g('vectorNorm.3.5'), F64);
  assertClose(LA.matrixNorm(A), g('matrixNorm.fro'), F64);
  assertClose(LA.matrixNorm(tall, 'nuc'), g('matrixNorm.nuc'), F64);
  assertClose(LA.matrixNorm(A, -2), g('matrixNorm.-2'), F64);
  assertClose(LA.matrixNorm(A, 1, [0, 2], true), g('matrixNorm.1'), F64);
  assertClose(LA.matrixNorm(A, Infinity), g('matrixNorm.inf'), F64);
});

test('svd: singular values match PyTorch, factors reconstruct and are orthonormal', () => {
  const { U, S, Vh } = LA.svd(tall, { fullMatrices: false });
  assert.deepEqual(
    [U.shape, S.shape, Vh.shape],
    [
      [2, 5, 3],
      [2, 3],
      [2, 3, 3],
    ],
  );
  assertClose(S, g('svd.S'), F64);
  assertClose(U.mul(S.unsqueeze(-2)).matmul(Vh), tall, F64);
  assertClose(mT(U).matmul(U), eye(3).expand([2, 3, 3]), F64);
  assertClose(Vh.matmul(mT(Vh)), eye(3).expand([2, 3, 3]), F64);
  const full = LA.svd(tall);
  assert.deepEqual(
    [full.U.shape, full.Vh.shape],
    [
      [2, 5, 5],
      [2, 3, 3],
    ],
  );
  assertClose(mT(full.U).matmul(full.U), eye(5).expand([2, 5, 5]), F64);
  assertClose(LA.svdvals(A), g('svdvals'), F64);
});

test('qr: |R| matches PyTorch, Q R = A with orthonormal Q, all modes', () => {
  const { Q, R } = LA.qr(tall);
  assert.deepEqual(
    [Q.shape, R.shape],
    [
      [2, 5, 3],
      [2, 3, 3],
    ],
  );
  assertClose(R.abs(), g('qr.absR'), F64);
  assertClose(Q.matmul(R), tall, F64);
  assertClose(mT(Q).matmul(Q), eye(3).expand([2, 3, 3]), F64);
  assertClose(R, R.triu(), { msg: 'R is upper triangular' });
  const full = LA.qr(tall, { mode: 'complete' });
  assert.deepEqual(full.Q.shape, [2, 5, 5]);
  assertClose(full.R.abs(), g('qr.complete.absR'), F64);
  assertClose(full.Q.matmul(full.R), tall, F64);
  const r = LA.qr(tall, { mode: 'r' });
  assert.equal(r.Q.numel(), 0);
  assertClose(r.R.abs(), g('qr.r.absR'), F64);
});

test('eigh: eigenvalues match PyTorch, V diag(λ) Vᵀ = A, both triangles', () => {
  const { eigenvalues: L, eigenvectors: V } = LA.eigh(spd);
  assertClose(L, g('eigh.values'), F64);
  assertClose(V.mul(L.unsqueeze(-2)).matmul(mT(V)), spd, F64);
  assertClose(mT(V).matmul(V), eye(4).expand([2, 4, 4]), F64);
  assertClose(LA.eigh(spd.triu(), 'U').eigenvalues, g('eigh.U.values'), F64);
});

test('det, inv, solve, cholesky and pinv match PyTorch (batched)', () => {
  assertClose(LA.det(A), g('det'), F64);
  assertClose(LA.inv(A), g('inv'), { rtol: 1e-9, atol: 1e-9 });
  assertClose(LA.solve(A, B), g('solve'), { rtol: 1e-9, atol: 1e-9 });
  assertClose(LA.solve(A, torch.select(B, -1, 0)), g('solve.vec'), { rtol: 1e-9, atol: 1e-9 });
  assertClose(LA.solve(A, mT(B), { left: false }), g('solve.right'), { rtol: 1e-9, atol: 1e-9 });
  const L = LA.cholesky(spd);
  assertClose(L, g('cholesky'), F64);
  assertClose(L.matmul(mT(L)), spd, F64);
  assertClose(LA.cholesky(spd, { upper: true }), g('cholesky.upper'), F64);
  assertClose(LA.pinv(tall), g('pinv'), F64);
  assertClose(LA.pinv(spd, { hermitian: true }), g('pinv.hermitian'), F64);
  assertClose(LA.pinv(M, { rtol: 0.5 }), g('pinv.rtol'), F64);
});

test('gradients of products and linalg match finite differences (float64)', () => {
  const gen = new torch.Generator(7);
  const r = (...s: number[]): torch.Tensor => torch.randn(s, { dtype: 'float64', generator: gen });
  const sq = (): torch.Tensor => r(2, 3, 3).add(eye(3).mul(3));
  gradcheck((x, y) => torch.matmul(x, y), [r(2, 3, 4), r(4, 2)], { msg: 'matmul' });
  gradcheck((x, y) => torch.bmm(x, y), [r(2, 3, 4), r(2, 4, 2)], { msg: 'bmm' });
  gradcheck((x, y) => torch.einsum('bij,jk->bik', x, y), [r(2, 2, 3), r(3, 2)], { msg: 'einsum' });
  gradcheck((x) => LA.norm(x), [r(3, 4)], { msg: 'norm' });
  gradcheck((x) => LA.norm(x, 'fro'), [r(3, 4)], { msg: 'norm fro' });
  gradcheck((x) => LA.vectorNorm(x, 3, 1), [r(3, 4)], { msg: 'vectorNorm' });
  gradcheck((x) => LA.det(x), [sq()], { msg: 'det' });
  gradcheck((x) => LA.inv(x), [sq()], { msg: 'inv' });
  gradcheck((x, y) => LA.solve(x, y), [sq(), r(2, 3, 2)], { msg: 'solve' });
  gradcheck((x) => LA.svdvals(x), [r(2, 4, 3)], { msg: 'svdvals' });
});

test('errors name the op and carry libtorch text, never crash', () => {
  assertThrows(
    () => torch.matmul(torch.ones([2, 3]), torch.ones([4, 5])),
    /^matmul: .*shapes cannot be multiplied \(2x3 and 4x5\)/,
    torch.TorchError,
  );
  assertThrows(() => torch.bmm(torch.ones([2, 3, 4]), torch.ones([3, 4, 5])), /^bmm: /, torch.TorchError);
  assertThrows(() => torch.einsum('ij,jk->ik', a), /^einsum: .*operands/, torch.TorchError);
  assertThrows(() => torch.einsum('ij->ij', ba), /^einsum: .*subscripts/, torch.TorchError);
  assertThrows(() => torch.einsum('i!->i', v), /^einsum: .*invalid subscript/, torch.TorchError);
  assertThrows(() => LA.norm(M, 'foo' as 'fro'), /^Expected one of fro, nuc for ord but received "foo"/, TypeError);
  assertThrows(() => LA.matrixNorm(M, 'inf' as 'fro'), /for ord/, TypeError);
  assertThrows(() => LA.qr(M, { mode: 'full' as 'r' }), /reduced, complete, r for mode/, TypeError);
  assertThrows(
    () =>
      LA.cholesky(
        torch.tensor(
          [
            [1, 2],
            [2, 1],
          ],
          { dtype: 'float64' },
        ),
      ),
    /^cholesky: .*not positive-definite/,
    torch.TorchError,
  );
  assertThrows(() => LA.inv(torch.zeros([2, 2], { dtype: 'float64' })), /^inv: .*singular/, torch.TorchError);
  assertThrows(() => LA.det(M), /^det: .*square/, torch.TorchError);
  assertThrows(() => torch.topk(v, 9), /^topk: .*k out of range/, torch.TorchError);
  assertThrows(() => torch.kthvalue(v, 0), /positive integer for k/, RangeError);
  assertThrows(() => torch.matmul(a, 3 as unknown as torch.Tensor), /a Tensor for other/, TypeError);
});
