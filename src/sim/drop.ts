/**
 * Random poses by rejection sampling: a board pose that keeps the whole board
 * inside the kit half, and a drop of an object at a random rotation on the
 * object half, inside it and clear of the objects already there (Form2Fit's
 * disassembly drops each object at a random pose in the free workspace).
 */
import { rotateVector, type Point, type Pose } from './geometry.js';
import type { KitDesign } from './kits.js';
import { placedOutline } from './kits.js';
import { bounds, rasterize } from './raster.js';
import type { Scene } from './scene.js';
import type { Shape } from './shapes.js';

/** Tries before a sampler gives up. */
const TRIES = 2000;
/** Free pixels kept between dropped objects, and between objects and the half's edge. */
const GAP = 1;

/** A pose of the board's centre, uniform in rotation and position, with the board inside a size×size half. */
export function randomKitPose(kit: KitDesign, size: number, random: () => number): Pose {
  for (let t = 0; t < TRIES; t++) {
    const theta = 360 * random();
    const [c, s] = rotateVector([1, 0], theta).map(Math.abs);
    const ex = (kit.board.width * c + kit.board.height * s) / 2;
    const ey = (kit.board.width * s + kit.board.height * c) / 2;
    if (2 * ex > size - 1 || 2 * ey > size - 1) continue;
    return { x: ex + (size - 1 - 2 * ex) * random(), y: ey + (size - 1 - 2 * ey) * random(), theta };
  }
  throw new RangeError(
    `randomKitPose: board ${kit.board.width}×${kit.board.height} px of kit ${kit.name} does not fit a ${size}×${size} half`,
  );
}

/** The object half's occupied pixels, grown by GAP. */
function occupied(scene: Scene, except: number): Uint8Array {
  const { size } = scene;
  const mask = new Uint8Array(size * size);
  scene.objects.forEach((o, i) => {
    if (o.half !== 'object' || i === except) return;
    for (const p of rasterize(placedOutline(o.shape, o.pose), size)) {
      const [x, y] = [p % size, Math.floor(p / size)];
      for (let dy = -GAP; dy <= GAP; dy++)
        for (let dx = -GAP; dx <= GAP; dx++) {
          const [u, v] = [x + dx, y + dy];
          if (u >= 0 && v >= 0 && u < size && v < size) mask[v * size + u] = 1;
        }
    }
  });
  return mask;
}

/**
 * A random pose for object `index` on the object half: uniform rotation, and
 * the shape's local point `anchor` on a uniform integer pixel (so a suction
 * point carried along lands on a pixel centre); the outline stays GAP px inside
 * the half and off the other objects there.
 */
export function randomDrop(scene: Scene, index: number, shape: Shape, random: () => number, anchor: Point = [0, 0]): Pose {
  const { size } = scene;
  const taken = occupied(scene, index);
  for (let t = 0; t < TRIES; t++) {
    const theta = 360 * random();
    const [ax, ay] = [Math.floor(size * random()), Math.floor(size * random())];
    const [ox, oy] = rotateVector(anchor, theta);
    const pose = { x: ax - ox, y: ay - oy, theta };
    const outline = placedOutline(shape, pose);
    const [x0, y0, x1, y1] = bounds(outline);
    if (x0 < GAP || y0 < GAP || x1 > size - 1 - GAP || y1 > size - 1 - GAP) continue;
    if (rasterize(outline, size).some((p) => taken[p] === 1)) continue;
    return pose;
  }
  throw new RangeError(`randomDrop: no free place for a ${shape.name} on the ${size}×${size} object half after ${TRIES} tries`);
}
