/**
 * A scene of the kit simulator: a square kit half (a board with cavities at a
 * pose, holding objects) and a square object half (objects lying on the
 * table), both S×S pixels at 2 mm/px. `layers` rasterises a half into its
 * height map (m above the table), grey image and the index of the object whose
 * top is seen at each pixel — what the renderer, the suction model and the
 * placement test read.
 */
import { composePose, type Point, type Pose } from './geometry.js';
import { CAVITY_DEPTH, placedOutline, type KitDesign } from './kits.js';
import { insidePolygon, rasterize } from './raster.js';
import type { Shape } from './shapes.js';

/** Default side of each half (px): 80 px = 16 cm. */
export const HALF_SIZE = 80;
/** Grey of the table. */
export const TABLE_GREY = 0.15;
/** Grey of a cavity's floor, relative to the board's. */
const FLOOR_SHADE = 0.6;

export type Half = 'kit' | 'object';

/** An object: its shape, the slot it belongs to (its cavity in the kit), its pose and the half it lies in. */
export interface SceneObject {
  shape: Shape;
  slot: number;
  pose: Pose;
  half: Half;
}

export interface Scene {
  size: number;
  kit: KitDesign;
  /** The board centre's pose in the kit half. */
  kitPose: Pose;
  objects: SceneObject[];
}

/** A half rasterised: height (m above the table), grey, and the object whose top is seen at each pixel (−1: none). */
export interface Layers {
  height: Float32Array;
  grey: Float32Array;
  top: Int32Array;
}

/** The kit at `kitPose` with every cavity filled by its object. */
export function assembledScene(kit: KitDesign, kitPose: Pose, size = HALF_SIZE): Scene {
  if (!Number.isInteger(size) || size < 8) throw new RangeError(`assembledScene: expected an integer size ≥ 8 but received ${size}`);
  if (![kitPose.x, kitPose.y, kitPose.theta].every(Number.isFinite))
    throw new RangeError(`assembledScene: expected a finite kitPose but received ${JSON.stringify(kitPose)}`);
  const scene: Scene = { size, kit, kitPose: { ...kitPose }, objects: [] };
  scene.objects = kit.slots.map((s, slot) => ({ shape: s.shape, slot, pose: cavityPose(scene, slot), half: 'kit' as Half }));
  return scene;
}

/** A copy of the scene whose objects can be changed without touching the original. */
export function cloneScene(s: Scene): Scene {
  return { ...s, kitPose: { ...s.kitPose }, objects: s.objects.map((o) => ({ ...o, pose: { ...o.pose } })) };
}

/** The pose of cavity `slot` in the kit half. */
export function cavityPose(s: Scene, slot: number): Pose {
  const at = s.kit.slots[slot];
  if (!at) throw new RangeError(`cavityPose: expected a slot in [0, ${s.kit.slots.length}) but received ${slot}`);
  return composePose(s.kitPose, at.pose);
}

/** The outline of cavity `slot` in the kit half. */
export const cavityOutline = (s: Scene, slot: number): Point[] => placedOutline(s.kit.slots[slot].shape, cavityPose(s, slot));

/** The board's outline in the kit half. */
export function boardOutline(s: Scene): Point[] {
  const [w, h] = [s.kit.board.width / 2, s.kit.board.height / 2];
  return placedOutline(
    {
      name: 'board',
      vertices: [
        [-w, -h],
        [w, -h],
        [w, h],
        [-w, h],
      ],
      height: 0,
      symmetry: 2,
      grey: 0,
    },
    s.kitPose,
  );
}

/** Whether object `i` sits in its cavity (in the kit half, at exactly the cavity's pose). */
export function isSeated(s: Scene, i: number): boolean {
  const o = s.objects[i];
  if (o.half !== 'kit') return false;
  const c = cavityPose(s, o.slot);
  return Math.abs(o.pose.x - c.x) < 1e-9 && Math.abs(o.pose.y - c.y) < 1e-9 && Math.abs(o.pose.theta - c.theta) < 1e-9;
}

/** The height (m) of the surface object `i` stands on: a cavity floor, the board's top or the table. */
export function objectBase(s: Scene, i: number): number {
  const o = s.objects[i];
  if (o.half === 'object') return 0;
  if (isSeated(s, i)) return s.kit.board.thickness - CAVITY_DEPTH;
  return insidePolygon(boardOutline(s), o.pose.x, o.pose.y) ? s.kit.board.thickness : 0;
}

/** Rasterises one half: table, then (kit half) board and cavity floors, then objects, the highest surface winning. */
export function layers(s: Scene, half: Half): Layers {
  const n = s.size * s.size;
  const out: Layers = { height: new Float32Array(n), grey: new Float32Array(n).fill(TABLE_GREY), top: new Int32Array(n).fill(-1) };
  const paint = (pixels: Int32Array, height: number, grey: number, top: number, overwrite: boolean): void => {
    for (const p of pixels)
      if (overwrite || height >= out.height[p]) {
        out.height[p] = height;
        out.grey[p] = grey;
        out.top[p] = top;
      }
  };
  if (half === 'kit') {
    const { thickness, grey } = s.kit.board;
    paint(rasterize(boardOutline(s), s.size), thickness, grey, -1, true);
    for (let slot = 0; slot < s.kit.slots.length; slot++)
      paint(rasterize(cavityOutline(s, slot), s.size), thickness - CAVITY_DEPTH, grey * FLOOR_SHADE, -1, true);
  }
  s.objects.forEach((o, i) => {
    if (o.half === half)
      paint(rasterize(placedOutline(o.shape, o.pose), s.size), objectBase(s, i) + o.shape.height, o.shape.grey, i, false);
  });
  return out;
}
