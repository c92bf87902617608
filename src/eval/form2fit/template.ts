/**
 * The template-matching baseline of the Form2Fit evaluation: hand-written,
 * nothing learned. From the heightmaps alone it segments the objects on the
 * object half (raised 4-connected regions) and the empty cavities of the kit
 * (regions below the board's top that the table does not reach, at the level
 * of the lowest such floor), then scores every object against every cavity at
 * every rotation step and small shift by the footprint IoU of the turned object
 * over the cavity, and acts on the best: suction at the object's most interior
 * pixel, placed so that its centroid lands on the cavity's.
 */
import { int, num, options, within } from '../../torch/check.js';
import { rotateVector, type Scene } from '../../sim/index.js';
import { raised } from './random.js';
import { edgeDistance, innermost, medianHeights, regions, type Region } from './segment.js';
import { MIN_HEIGHT, type Action, type Planner, type Views } from './types.js';

export interface TemplateOptions {
  /** Rotation step in degrees (default 5). */
  step?: number;
  /** Largest shift of the object's centroid from the cavity's tried, in pixels each way (default 1). */
  shift?: number;
  /** Regions smaller than this many pixels are ignored (default 12). */
  minArea?: number;
  /** Height tolerance in metres of "below the board's top" and "at the floor" (default 0.003). */
  tolerance?: number;
}

/** The template-matching planner (see the module comment); null when it sees no object or no empty cavity. */
export function templatePlanner(o: TemplateOptions = {}): Planner {
  const { step = 5, shift = 1, minArea = 12, tolerance = 0.003 } = options(o, 'templatePlanner', ['step', 'shift', 'minArea', 'tolerance']);
  within('templatePlanner', () => {
    num(step, 'step', 0.1, 180);
    int(shift, 'shift', 0, 10);
    int(minArea, 'minArea', 1);
    num(tolerance, 'tolerance', 0);
  });
  return {
    name: 'template',
    plan: (scene: Scene, views: Views): Action | null => {
      const s = scene.size;
      raised(views.object, s, 'views.object');
      raised(views.kit, s, 'views.kit');
      const objectMask = Uint8Array.from(medianHeights(views.object, s), (h) => (h > MIN_HEIGHT ? 1 : 0));
      const objects = regions(objectMask, s).filter((r) => r.pixels.length >= minArea);
      const cavities = emptyCavities(medianHeights(views.kit, s), s, minArea, tolerance);
      if (objects.length === 0 || cavities.length === 0) return null;
      const label = new Int32Array(s * s).fill(-1);
      objects.forEach((r, k) => r.pixels.forEach((i) => (label[i] = k)));
      const radius = objects.map(
        (r) => 1 + Math.ceil(Math.max(...r.pixels.map((i) => Math.hypot((i % s) - r.centroid[0], Math.floor(i / s) - r.centroid[1])))),
      );
      let best = { iou: -1, object: 0, cavity: 0, angle: 0, dx: 0, dy: 0 };
      objects.forEach((obj, k) =>
        cavities.forEach((cav, c) => {
          const [a, b] = [obj.pixels.length, cav.pixels.length];
          if (Math.min(a, b) / Math.max(a, b) <= best.iou) return; // the IoU cannot beat the best
          const inCavity = new Uint8Array(s * s);
          cav.pixels.forEach((i) => (inCavity[i] = 1));
          for (let angle = 0; angle < 360 - 1e-9; angle += step)
            for (let dy = -shift; dy <= shift; dy++)
              for (let dx = -shift; dx <= shift; dx++) {
                const iou = overlap(obj, k, label, cav, inCavity, angle, dx, dy, radius[k], s);
                if (iou > best.iou) best = { iou, object: k, cavity: c, angle, dx, dy };
              }
        }),
      );
      const obj = objects[best.object];
      const suction = innermost(obj, edgeDistance(objectMask, s), s);
      const [cx, cy] = cavities[best.cavity].centroid;
      const [vx, vy] = rotateVector([suction[0] - obj.centroid[0], suction[1] - obj.centroid[1]], best.angle);
      return { suction, place: [Math.round(cx + best.dx + vx), Math.round(cy + best.dy + vy)], rotation: best.angle };
    },
  };
}

/**
 * Empty cavities of a kit half's heights ([S, S], m): regions of pixels below
 * the board's top (its most common raised height, to `tolerance`) that do not
 * touch the image border, kept where they lie within `tolerance` of the lowest
 * such level (an object in a cavity lifts it).
 */
export function emptyCavities(height: Float32Array, size: number, minArea: number, tolerance: number): Region[] {
  const counts = new Map<number, number>();
  for (const h of height) if (h > MIN_HEIGHT) counts.set(Math.round(h / tolerance), (counts.get(Math.round(h / tolerance)) ?? 0) + 1);
  if (counts.size === 0) return [];
  const top = tolerance * [...counts].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  const enclosed = regions(
    Uint8Array.from(height, (h) => (h < top - tolerance ? 1 : 0)),
    size,
  ).filter((r) => !r.border);
  if (enclosed.length === 0) return [];
  const floor = Math.min(...enclosed.flatMap((r) => r.pixels.map((i) => height[i])));
  const atFloor = new Uint8Array(height.length);
  for (const r of enclosed) for (const i of r.pixels) atFloor[i] = height[i] < floor + tolerance ? 1 : 0;
  return regions(atFloor, size).filter((r) => r.pixels.length >= minArea);
}

/** IoU of object region `k` (within `radius` of its centroid) turned by `angle` with its centroid on the cavity's + (dx, dy), against the cavity. */
function overlap(
  obj: Region,
  k: number,
  label: Int32Array,
  cav: Region,
  inCavity: Uint8Array,
  angle: number,
  dx: number,
  dy: number,
  radius: number,
  size: number,
): number {
  const [ox, oy] = obj.centroid;
  const [cx, cy] = [cav.centroid[0] + dx, cav.centroid[1] + dy];
  let [turned, both] = [0, 0];
  for (let y = Math.round(cy) - radius; y <= Math.round(cy) + radius; y++)
    for (let x = Math.round(cx) - radius; x <= Math.round(cx) + radius; x++) {
      const [u, v] = rotateVector([x - cx, y - cy], -angle);
      const [px, py] = [Math.round(ox + u), Math.round(oy + v)];
      if (px < 0 || px >= size || py < 0 || py >= size || label[py * size + px] !== k) continue;
      turned++;
      if (x >= 0 && x < size && y >= 0 && y < size && inCavity[y * size + x]) both++;
    }
  return both / (turned + cav.pixels.length - both);
}
