import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { extractFeatures } from '../../src/eval/index.js';
import { assertClose, assertThrows } from '../helpers.js';

const gen = new torch.Generator(5);
const images = torch.randint(256, [10, 1, 4, 4], { generator: gen, dtype: 'uint8' }); // [N, 1, H, W]
const weight = torch.randn([3, 16], { generator: gen, dtype: 'float64' }).requiresGrad_(); // a trainable "encoder"
const encode = (x: torch.Tensor): torch.Tensor => x.flatten(1).matmul(weight.t()); // [B, 16] → [B, 3]
const prepare = (b: torch.Tensor): torch.Tensor => b.double().div(255);

test('extractFeatures equals the encoder on the whole set, batch by batch, as float32 without autograd', () =>
  torch.scope(() => {
    const progress: [number, number][] = [];
    let gradSeen: boolean | null = null;
    const out = extractFeatures((x) => ((gradSeen = torch.isGradEnabled()), encode(x)), images, {
      batchSize: 3,
      prepare,
      onProgress: (done, total) => progress.push([done, total]),
    });
    assert.deepEqual(out.shape, [10, 3]);
    assert.equal(out.dtype, 'float32');
    assert.equal(out.requiresGrad, false);
    assert.equal(gradSeen, false);
    assert.deepEqual(progress, [
      [3, 10],
      [6, 10],
      [9, 10],
      [10, 10],
    ]);
    const whole = torch.noGrad(() => encode(prepare(images)).float());
    assertClose(out, whole, { rtol: 1e-6, atol: 1e-6 });
    assertClose(extractFeatures(encode, images, { prepare }), whole, { rtol: 1e-6, atol: 1e-6, msg: 'default batch size' });
  })); // the scope frees this test's tensors now, so the GC cannot disturb the counts below

test('extractFeatures keeps memory flat: per batch, only the output stays alive', () => {
  const base = torch.memoryStats().tensors;
  const live: number[] = [];
  const out = extractFeatures(encode, images, { batchSize: 2, prepare, onProgress: () => live.push(torch.memoryStats().tensors - base) });
  assert.deepEqual(live, [1, 1, 1, 1, 1], 'the output tensor and nothing else between batches');
  assert.equal(torch.memoryStats().tensors, base + 1);
  out.dispose();
  assertThrows(
    () =>
      extractFeatures(() => {
        throw new Error('encoder failed');
      }, images),
    /^encoder failed$/,
  );
  assert.equal(torch.memoryStats().tensors, base, 'a failing encoder leaves nothing behind');
});

test('extractFeatures names the batch, the shapes and the options in its errors', () => {
  const base = torch.memoryStats().tensors;
  assertThrows(
    () => extractFeatures((x) => x.double(), images, { batchSize: 4 }),
    /^extractFeatures: expected fn to return \[B, D\] = \[4, D\] for the batch at 0 but received \[4,1,4,4\]$/,
    RangeError,
  );
  let calls = 0;
  const shrinking = (x: torch.Tensor): torch.Tensor =>
    x
      .flatten(1)
      .narrow(1, 0, 16 - 8 * calls++)
      .float();
  assertThrows(
    () => extractFeatures(shrinking, images, { batchSize: 6 }),
    /^extractFeatures: expected fn to return \[B, D\] = \[4, 16\] for the batch at 6 but received \[4,8\]$/,
    RangeError,
  );
  assertThrows(
    () => extractFeatures(() => 3 as unknown as torch.Tensor, images),
    /^extractFeatures: expected fn to return \[B, D\] = \[10, D\] for the batch at 0 but received number$/,
    RangeError,
  );
  assert.equal(torch.memoryStats().tensors, base, 'errors free the partial output');
  assertThrows(
    () => extractFeatures(encode, images, { batchSize: 0 }),
    /^extractFeatures: expected a positive integer for batchSize but received 0 of type number$/,
    RangeError,
  );
  assertThrows(
    () => extractFeatures(encode, torch.zeros([0, 16])),
    /^extractFeatures: expected images \[N, \.\.\.\] with N >= 1 but received \[0,16\]$/,
    RangeError,
  );
  assertThrows(
    () => extractFeatures(encode, [1, 2] as unknown as torch.Tensor),
    /^extractFeatures: expected a Tensor for images but received \[1 of type number, 2 of type number\] of type array$/,
    TypeError,
  );
});
