import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { assertClose, assertThrows, golden, goldenState, gradcheck } from '../helpers.js';

const nn = torch.nn;
const g = golden('transformer');
type Tensor = torch.Tensor;

/** The golden state dict stored under `<prefix>.sd.`. */
const state = (prefix: string): Record<string, Tensor> => goldenState('transformer', prefix);

function loaded(o: ConstructorParameters<typeof nn.MultiheadAttention>[2] = {}, prefix = 'mha'): torch.nn.MultiheadAttention {
  const m = new nn.MultiheadAttention(8, 2, o);
  m.loadStateDict(state(prefix));
  return m;
}

test('MultiheadAttention has PyTorch keys, shapes and initialisation', () => {
  const m = new nn.MultiheadAttention(8, 2);
  const sd = m.stateDict();
  assert.deepEqual(Object.keys(sd).sort(), ['in_proj_bias', 'in_proj_weight', 'out_proj.bias', 'out_proj.weight']);
  assert.deepEqual(sd.in_proj_weight.shape, [24, 8]);
  assert.deepEqual(sd.in_proj_bias.toArray(), Array(24).fill(0));
  assert.deepEqual(sd['out_proj.bias'].toArray(), Array(8).fill(0));
  const bound = Math.sqrt(6 / (24 + 8)); // xavier_uniform_ on [3E, E]
  const w = sd.in_proj_weight.abs();
  assert.ok(w.max().item() <= bound && w.max().item() > 0.8 * bound, `in_proj_weight within ±${bound}`);
  const sep = new nn.MultiheadAttention(8, 2, { kdim: 6, vdim: 3, bias: false });
  const shapes = Object.fromEntries(Object.entries(sep.stateDict()).map(([k, t]) => [k, t.shape]));
  assert.deepEqual(shapes, { q_proj_weight: [8, 8], k_proj_weight: [8, 6], v_proj_weight: [8, 3], 'out_proj.weight': [8, 8] });
  assert.equal(sep.numParameters(), 64 + 48 + 24 + 64);
});

test('self-attention (seq-first) matches PyTorch, weights averaged over heads', () => {
  const m = loaded();
  const [out, w] = m.forward(g('mha.q'), g('mha.q'), g('mha.q'));
  assertClose(out, g('mha.self.out'), { atol: 1e-5 });
  assertClose(w!, g('mha.self.w'), { atol: 1e-6 });
  assertClose(w!.sum(-1), torch.ones([2, 4]), { atol: 1e-6, msg: 'rows sum to 1' });
});

test('cross-attention with bool key padding and 2-D bool masks matches PyTorch per head', () => {
  const m = loaded();
  const [out, w] = m.forward(g('mha.q'), g('mha.k'), g('mha.v'), {
    keyPaddingMask: g('mha.kpm'),
    attnMask: g('mha.am2d'),
    averageAttnWeights: false,
  });
  assertClose(out, g('mha.cross.bool.out'), { atol: 1e-5 });
  assertClose(w!, g('mha.cross.bool.w'), { atol: 1e-6 });
  assert.deepEqual(w!.shape, [2, 2, 4, 5]);
  // Masked keys get exactly zero weight: padding (batch 0, keys 3, 4) and the attn mask (query 0, key 1).
  assert.deepEqual(
    w!
      .index(0, 0, 0)
      .toArray()
      .map((x) => x === 0),
    [false, true, false, true, true],
  );
});

test('float 3-D attention mask plus key padding matches PyTorch, and so do gradients', () => {
  const m = loaded();
  const q = g('mha.q').clone().requiresGrad_();
  const [out, w] = m.forward(q, g('mha.k'), g('mha.v'), { keyPaddingMask: g('mha.kpm'), attnMask: g('mha.am3d') });
  assertClose(out, g('mha.cross.float.out'), { atol: 1e-5 });
  assertClose(w!, g('mha.cross.float.w'), { atol: 1e-6 });
  out.mul(g('mha.grad.w')).sum().backward();
  assertClose(q.grad!, g('mha.grad.q'), { atol: 1e-5 });
  assertClose(m.inProjWeight!.grad!, g('mha.grad.in_proj_weight'), { atol: 1e-5 });
  assertClose(m.outProj.weight.grad!, g('mha.grad.out_proj.weight'), { atol: 1e-5 });
});

test('batchFirst gives PyTorch batch_first results; needWeights false returns null', () => {
  const m = loaded({ batchFirst: true });
  const bf = (name: string): Tensor => g(name).transpose(0, 1);
  const [out, w] = m.forward(bf('mha.q'), bf('mha.k'), bf('mha.v'), {
    keyPaddingMask: g('mha.kpm'),
    attnMask: g('mha.am2d'),
    needWeights: false,
  });
  assert.equal(w, null);
  assertClose(out, g('mha.bf.out'), { atol: 1e-5 });
  assertClose(out.transpose(0, 1), g('mha.cross.bool.out'), { atol: 1e-5, msg: 'same as seq-first' });
});

test('kdim/vdim ≠ embedDim uses separate q/k/v projections, as PyTorch', () => {
  const m = loaded({ kdim: 6, vdim: 3, batchFirst: true }, 'mkv');
  assert.equal(m.inProjWeight, null);
  const [out, w] = m.forward(g('mha.q').transpose(0, 1), g('mkv.k'), g('mkv.v'), { keyPaddingMask: g('mha.kpm') });
  assertClose(out, g('mkv.out'), { atol: 1e-5 });
  assertClose(w!, g('mkv.w'), { atol: 1e-6 });
});

test('unbatched inputs give the batch-0 slice of the batched result', () => {
  const m = loaded();
  const q0 = g('mha.q').select(1, 0); // [T, E]
  const [out, w] = m.forward(q0, q0, q0);
  assertClose(out, g('mha.self.out').select(1, 0), { atol: 1e-5 });
  const [, wb] = m.forward(g('mha.q'), g('mha.q'), g('mha.q'));
  assertClose(w!, wb!.select(0, 0), { atol: 1e-6 });
});

test('gradient check (float64) through attention with masks', () => {
  const gen = new torch.Generator(3);
  const m = new nn.MultiheadAttention(4, 2, { kdim: 3 }).to('float64');
  const rnd = (shape: number[]): Tensor => torch.randn(shape, { dtype: 'float64', generator: gen });
  const kpm = torch.tensor(
    [
      [false, false, true],
      [false, false, false],
    ],
    { dtype: 'bool' },
  );
  const am = rnd([2, 3]);
  gradcheck((q, k, v) => m.forward(q, k, v, { keyPaddingMask: kpm, attnMask: am })[0], [rnd([2, 2, 4]), rnd([3, 2, 3]), rnd([3, 2, 4])], {
    msg: 'mha',
  });
});

test('attention dropout in training zeroes weights with probability p and scales the rest by 1/(1-p)', () => {
  torch.manualSeed(5);
  const m = new nn.MultiheadAttention(8, 2, { dropout: 0.5 });
  const x = torch.randn([16, 8, 8]);
  const [, ref] = m.eval().forward(x, x, x, { averageAttnWeights: false });
  const [, w] = m.train().forward(x, x, x, { averageAttnWeights: false });
  const kept = w!.ne(0);
  const frac = kept.float().mean().item();
  assert.ok(Math.abs(frac - 0.5) < 0.05, `kept fraction ${frac}`);
  assertClose(w!.maskedSelect(kept), ref!.maskedSelect(kept).mul(2), { atol: 1e-6, msg: 'kept weights scaled by 2' });
  const [, again] = m.eval().forward(x, x, x, { averageAttnWeights: false });
  assertClose(again!, ref!, { msg: 'eval mode is deterministic' });
});

test('MultiheadAttention argument errors name what was expected and received', () => {
  assertThrows(() => new nn.MultiheadAttention(10, 3), /embedDim \(10\) must be divisible by numHeads \(3\)/, RangeError);
  assertThrows(
    () => new nn.MultiheadAttention(8, 2, { dropout: 1.5 }),
    /^MultiheadAttention: expected a number in \[0, 1\] for dropout but received 1.5 of type number$/,
    RangeError,
  );
  const m = new nn.MultiheadAttention(8, 2);
  const q = torch.randn([4, 2, 8]);
  assertThrows(
    () => m.forward(q, torch.randn([5, 2, 7]), torch.randn([5, 2, 8])),
    /3-D key with 8 features .* received shape \[5,2,7\]/,
    RangeError,
  );
  assertThrows(
    () => m.forward(q, q, q, { attnMask: torch.zeros([4, 5]) }),
    /attnMask of shape \[4, 4\] or \[4, 4, 4\] .* received \[4,5\]/,
    RangeError,
  );
  assertThrows(
    () => m.forward(q, q, q, { keyPaddingMask: torch.zeros([4, 2], { dtype: 'bool' }) }),
    /keyPaddingMask of shape \[2, 4\] .* received \[4,2\]/,
    RangeError,
  );
  assertThrows(
    () => m.forward(q, q, q, { attnMask: torch.zeros([4, 4], { dtype: 'int64' }) }),
    /bool or floating attnMask but received dtype int64/,
    TypeError,
  );
});
