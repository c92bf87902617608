import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, methods, models } from '../../src/index.js';
import * as V from '../../src/views/index.js';
import { assertClose, assertThrows } from '../helpers.js';

const gen = (seed: number): torch.Generator => new torch.Generator(seed);
const x = torch.rand([6, 3, 20, 20], { generator: gen(0) });

test('channel-split strings: a space and two groups of its channels (case-insensitive); bad ones list the valid names', () => {
  const groups = (s: string): number[][] => V.parseChannelSplit(s).groups;
  assert.deepEqual(groups('lab:L|ab'), [[0], [1, 2]]);
  assert.deepEqual(groups('ydbdr:Y|DbDr'), [[0], [1, 2]]);
  assert.deepEqual(groups('YCbCr:y|crcb'), [[0], [2, 1]]);
  assert.deepEqual(groups('rgb:G|RB'), [[1], [0, 2]]);
  assert.deepEqual(groups('hsv:V|HS'), [[2], [0, 1]]);
  assert.equal(V.parseChannelSplit('xyz:Y|XZ').space.name, 'xyz');
  const list = /\(valid spaces and channels: rgb \(R, G, B\); hsv \(H, S, V\); lab \(L, a, b\); xyz \(X, Y, Z\); ydbdr \(Y, Db, Dr\)/;
  for (const bad of ['lab:L|xy', 'lab:L|L', 'lab:|ab', 'luv:L|uv', 'lab:L', 'lab:L|a|b'])
    assertThrows(() => V.parseChannelSplit(bad, 'views.pair.channels'), list);
  assertThrows(
    () => V.parseChannelSplit('lab:L|xy', 'views.pair.channels'),
    /views\.pair\.channels: expected two non-empty groups of lab's channels \(L, a, b\), each channel at most once but received "lab:L\|xy"/,
  );
});

test('channel-split views: one shared crop, view 1 + view 2 = the converted crop, which converts back to it', () => {
  for (const split of ['lab:L|ab', 'ydbdr:Y|DbDr', 'hsv:V|HS', 'rgb:R|GB']) {
    const views = new V.ChannelSplitViews({ split, size: 12, scale: [0.2, 1] });
    const [a, b] = views.forward(x, gen(1));
    const crop = new V.RandomResizedCrop({ size: 12, scale: [0.2, 1], flip: 0.5 }).forward(x, gen(1));
    const space = views.split.space;
    assertClose(a.add(b), space.fromRgb(crop), { atol: 0, rtol: 0, msg: split });
    assertClose(space.toRgb(a.add(b)), crop, { atol: 1e-4, rtol: 0, msg: `${split} back to RGB` });
    const [g1, g2] = views.split.groups;
    for (let c = 0; c < 3; c++) {
      assert.equal(a.select(1, c).abs().max().item() === 0, !g1.includes(c), `${split}: view 1 channel ${c}`);
      assert.equal(b.select(1, c).abs().max().item() === 0, !g2.includes(c), `${split}: view 2 channel ${c}`);
    }
    const [a2] = views.forward(x, gen(1));
    assertClose(a2, a, { atol: 0, rtol: 0, msg: `${split} seeded` });
    assert.ok(views.forward(x, gen(2))[0].sub(a).abs().max().item() > 0, `${split}: another seed, another crop`);
  }
  const uncropped = new V.ChannelSplitViews({ split: 'lab:L|ab', size: 12, crop: false, flip: 0 });
  const [l, ab] = uncropped.forward(x, gen(3));
  const [hl, hab] = uncropped.halves(x);
  assertClose(l, hl, { atol: 0, rtol: 0 });
  assertClose(ab, hab, { atol: 0, rtol: 0 });
});

test('channel splits refuse grayscale images; displayed views are RGB with the other channels at mid-grey', () => {
  const views = new V.ChannelSplitViews({ split: 'lab:L|ab', size: 12 });
  assertThrows(
    () => views.forward(x.narrow(1, 0, 1), gen(0)),
    /views\.pair\.channels: a channel split \(lab\) needs RGB images \(3 channels\) but received 1-channel images/,
  );
  const [l, ab] = views.forward(x, gen(0));
  const grey = views.toRgb(l, 0); // L alone over neutral a = b = 0: a grey image
  assert.ok(grey.amax(1).sub(grey.amin(1)).max().item() < 1e-3, 'L-only view is grey');
  const chroma = views.toRgb(ab, 1);
  assert.ok(chroma.min().item() >= 0 && chroma.max().item() <= 1);
  assert.ok(chroma.amax(1).sub(chroma.amin(1)).max().item() > 0.05, 'ab-only view keeps colour');
});

const simclr = (views: Record<string, unknown>): methods.SimCLR =>
  new methods.SimCLR(models.createEncoder({ arch: 'resnet18', width: 0.0625, smallStem: false, inChannels: 3 }), { views }, 20);

test('views.pair: augment is the default and unchanged; patches and channels give two views; multi-crop only with augment', () => {
  const c = V.imageViewsSchema().parse({});
  assert.deepEqual(c.pair, { kind: 'augment', patch: { size: 32, distance: 0, flip: 0 }, channels: 'lab:L|ab' });
  const views = new V.ImageViews(c, 20);
  assert.equal(views.pair, null);
  const base = { size: 20, scale: c.scale as [number, number], strength: c.strength, jitter: c.jitter, grayscale: c.grayscale };
  const [a, b] = views.forward(x, gen(4));
  const g = gen(4);
  assertClose(a, V.viewPipeline(base).forward(x, g), { atol: 0, rtol: 0, msg: 'augment view 1' });
  assertClose(b, V.viewPipeline(base).forward(x, g), { atol: 0, rtol: 0, msg: 'augment view 2' });
  const patches = new V.ImageViews(V.imageViewsSchema().parse({ pair: { kind: 'patches', patch: { size: 8, distance: 4 } } }), 20);
  assert.deepEqual(
    patches.forward(x, gen(5)).map((v) => v.shape),
    [
      [6, 3, 8, 8],
      [6, 3, 8, 8],
    ],
  );
  assertThrows(() => patches.forward(x, gen(5), x.clone()), /views\.pair\.kind: patches and channels take both views from one image/);
  const dino = V.imageViewsSchema({ localCount: 6 });
  assertThrows(
    () => new V.ImageViews(dino.parse({ pair: { kind: 'channels' } }), 20),
    /views\.pair\.kind: channels gives two views only, but local\.count is 6 \(set --method\.views\.local\.count 0\)/,
  );
  const bad = V.imageViewsSchema().safeParse({ pair: { kind: 'channels', channels: 'lab:L|q' } }); // rejected by the schema, before any view is built
  assert.ok(!bad.success && /channel split: expected two non-empty groups/.test(bad.error.issues[0].message));
});

test('a channel-split SimCLR represents an image by both halves: [f(x·m1), f(x·m2)], twice the encoder width', () => {
  const plain = simclr({});
  const split = simclr({ pair: { kind: 'channels', channels: 'ydbdr:Y|DbDr' } });
  split.loadStateDict(plain.stateDict());
  split.eval();
  plain.eval();
  const d = plain.encoder.featureDim;
  assert.deepEqual([plain.representationDim, split.representationDim], [d, 2 * d]);
  const h = split.representation(x);
  assert.deepEqual(h.shape, [6, 2 * d]);
  const [y, dbdr] = split.imageViews.channelSplit!.halves(x);
  assertClose(h, torch.cat([plain.representation(y), plain.representation(dbdr)], 1), { atol: 1e-5, rtol: 1e-4 });
  assert.deepEqual(split.representation(x, 1).shape, [6, 2 * d]);
  const loss = split.trainingStep(split.views({ images: x, partners: x }, gen(6))).loss;
  assert.ok(Number.isFinite(loss.item()));
  assertThrows(() => split.representation(x.narrow(1, 0, 1)), /needs RGB images \(3 channels\) but received 1-channel images/);
});
