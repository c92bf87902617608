import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { disassemble, episodeScenes } from '../../src/sim/episodes.js';
import { placedOutline, TRAIN_KITS, UNSEEN_KITS } from '../../src/sim/kits.js';
import { bounds, rasterize } from '../../src/sim/raster.js';
import { SPLITS, splitScenes, type Split } from '../../src/sim/splits.js';
import { episodeGif, episodeStrip } from '../../src/sim/strip.js';
import { TRAIN_SHAPES } from '../../src/sim/shapes.js';
import { assertThrows } from '../helpers.js';

test('splitScenes: disassembled scenes — objects on the object half, inside it, apart — deterministic under the seed', () => {
  for (const split of SPLITS) {
    const scenes = splitScenes(split, 12, 3);
    assert.deepEqual(splitScenes(split, 12, 3), scenes);
    assert.notDeepEqual(
      splitScenes(split, 12, 4).map((s) => s.kitPose),
      scenes.map((s) => s.kitPose),
    );
    for (const s of scenes) {
      const seen = new Set<number>();
      for (const o of s.objects) {
        assert.equal(o.half, 'object');
        const outline = placedOutline(o.shape, o.pose);
        const [x0, y0, x1, y1] = bounds(outline);
        assert.ok(x0 >= 0 && y0 >= 0 && x1 <= s.size - 1 && y1 <= s.size - 1);
        for (const p of rasterize(outline, s.size)) {
          assert.ok(!seen.has(p), `${split}: objects overlap`);
          seen.add(p);
        }
      }
    }
  }
});

test('splitScenes: train-poses uses the training kits, combinations two of their groups, unseen only unseen shapes', () => {
  const names = (split: Split) => new Set(splitScenes(split, 30, 1).map((s) => s.kit.name));
  assert.deepEqual(names('train-poses'), new Set(TRAIN_KITS.map((k) => k.name)));
  assert.deepEqual(names('unseen'), new Set(UNSEEN_KITS.map((k) => k.name)));
  const combos = splitScenes('combinations', 30, 1);
  assert.ok(combos.every((s) => s.kit.name.split('+').length === 2 && s.kit.slots.length >= 2));
  assert.ok(splitScenes('unseen', 12, 1).every((s) => s.objects.every((o) => !TRAIN_SHAPES.includes(o.shape.name))));
  assertThrows(
    () => splitScenes('test' as Split, 2, 0),
    /splitKits: unknown split "test" \(valid: train-poses, combinations, unseen\)/,
    RangeError,
  );
  assertThrows(() => splitScenes('unseen', -1, 0), /splitScenes: expected a non-negative integer n but received -1/, RangeError);
});

test('episodeStrip / episodeGif: one PNG of the frames side by side with marks; an animated GIF of as many pages', async () => {
  const e = disassemble(TRAIN_KITS[3], { x: 40, y: 40, theta: 10 }, 2);
  const scenes = episodeScenes(e);
  const marks = [null, ...e.steps.map((s) => ({ place: s.suction }))];
  const png = await episodeStrip(scenes, { marks, scale: 2 });
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const frameWidth = 2 * 80 * 2 + 4;
  assert.deepEqual([info.width, info.height, info.channels], [4 * frameWidth + 3 * 4, 160, 3]);
  // a green cross at the second frame's place mark
  const [px, py] = e.steps[0].suction.map((v) => Math.round((v + 0.5) * 2));
  const at = (py * info.width + frameWidth + 4 + px) * 3;
  assert.deepEqual([...data.subarray(at, at + 3)], [40, 200, 60]);
  const gif = await episodeGif(scenes, { marks });
  const meta = await sharp(gif, { animated: true }).metadata();
  assert.equal(meta.format, 'gif');
  assert.equal(meta.pages, 4);
  await assert.rejects(episodeStrip([]), /episodeStrip: expected at least one frame but received none/);
  await assert.rejects(episodeStrip(scenes, { scale: 0 }), /episodeStrip: expected an integer scale in \[1, 16\] but received 0/);
});
