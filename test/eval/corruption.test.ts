import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { corruptionAccuracy, type CorruptionProgress } from '../../src/eval/index.js';

type Tensor = torch.Tensor;

// 4 black and 4 mid-grey flat images [8, 1, 28, 28]: each corruption's effect on them follows from its definition.
const clean = torch.cat([torch.zeros([4, 1, 28, 28]), torch.full([4, 1, 28, 28], 128)]).to({ dtype: 'uint8' });
const labels = torch.arange(8);

/** A "classifier" right on exactly the images the corruption left unchanged. */
function unchanged(images: Tensor, y: Tensor): number {
  assert.equal(y, labels, 'the labels are passed through');
  return torch.scope(() => images.eq(clean).flatten(1).all(1).to({ dtype: 'float32' }).mean().item() as number);
}

test('corruptionAccuracy: per corruption and severity, and the mean (mCA), on flat images', async () => {
  const names = ['contrast', 'blur', 'brightness', 'rotate'];
  const seen: CorruptionProgress[] = [];
  const r = await corruptionAccuracy(unchanged, clean, labels, { names, seed: 3, onProgress: (p) => seen.push(p) });
  // contrast keeps a flat image (it is its own mean); blur keeps it (reflect padding of a constant); brightness
  // lifts every pixel by at least .05·255 ≈ 13 levels; rotate fills the corners with black, which only the black
  // images do not notice.
  assert.deepEqual(r.perCorruption, {
    contrast: [1, 1, 1, 1, 1],
    blur: [1, 1, 1, 1, 1],
    brightness: [0, 0, 0, 0, 0],
    rotate: [0.5, 0.5, 0.5, 0.5, 0.5],
  });
  assert.equal(r.mean, (5 + 5 + 0 + 2.5) / 20);
  assert.deepEqual(
    seen.map((p) => [p.name, p.severity, p.done, p.total]),
    names.flatMap((n, i) => [1, 2, 3, 4, 5].map((s) => [n, s, 5 * i + s, 20])),
  );
});

test('corruptionAccuracy: a subset of severities, in the order given', async () => {
  const r = await corruptionAccuracy(async (x) => unchanged(x, labels), clean, labels, {
    names: ['gaussianNoise', 'blur'],
    severities: [5, 1],
  });
  // noise of σ >= .04 (about 10 levels) moves some of the 784 pixels of every image
  assert.deepEqual(r.perCorruption, { gaussianNoise: [0, 0], blur: [1, 1] });
  assert.equal(r.mean, 0.5);
});

test('corruptionAccuracy: errors name the argument', async () => {
  const run = (o: object, y: Tensor = labels, score = unchanged): Promise<unknown> => corruptionAccuracy(score, clean, y, o);
  await assert.rejects(run({ names: ['fog'] }), /names/);
  await assert.rejects(run({ names: [] }), /names/);
  await assert.rejects(run({ severities: [0] }), /severities/);
  await assert.rejects(run({}, torch.arange(7)), /expected labels \[8\] \(one per image\) but received \[7\]/);
  await assert.rejects(
    run({ names: ['blur'] }, labels, () => 1.5),
    /expected score to return a top-1 accuracy in \[0, 1\] but received 1.5 on blur severity 1/,
  );
  await assert.rejects(run({ seed: -1 }), /seed/);
});
