/**
 * Placement physics and the success test (Form2Fit, Zakka et al. 2020: a
 * placement succeeds when the placed footprint's IoU with its cavity is at
 * least 0.9 and the angle error at most 9°). The gripped object turns about the
 * suction point and is released with that point over the place pixel. Among
 * the empty cavities of its shape, the one it overlaps best is scored: IoU
 * measures position (the footprint at the released position and the cavity's
 * orientation, against the cavity, on a sub-pixel grid) and the angle error
 * (modulo the shape's symmetry) measures orientation — with 20 rotation bins of
 * 18° every in-bin error is at most 9°. A placement that passes settles into
 * the cavity (the cavity's walls guide it); any other rests where released, on
 * the board or the table.
 *
 * Capture. Real kit cavities are tapered (blister packs, moulded trays), so an
 * object released over its cavity a few millimetres off slides in. With
 * `capture` c > 0, an object released within c px of an empty cavity of its
 * shape (centre to centre) and within 9° of its orientation settles into it, and
 * its resting footprint (IoU 1) is scored. Without it (c = 0, the strict test)
 * the footprint must land within about half a pixel for small shapes — tighter
 * than any pixel-wise planner whose rotation comes in 18° bins can aim, since a
 * 9° in-bin error about a suction point 10 px from the centre moves the object
 * 1.6 px.
 */
import { angleError as angleBetween, rotateVector, wrapDegrees, type Point } from './geometry.js';
import { placedOutline } from './kits.js';
import { polygonIou } from './raster.js';
import { cavityOutline, cavityPose, cloneScene, isSeated, type Scene } from './scene.js';

/** The least IoU of a successful placement. */
export const SUCCESS_IOU = 0.9;
/** The largest angle error (degrees) of a successful placement. */
export const SUCCESS_ANGLE = 9;

export interface PlaceOptions {
  /** Capture radius c in px (see the module comment). Default 0: the strict test. */
  capture?: number;
}

export interface Placement {
  /** The scene after the placement. */
  scene: Scene;
  success: boolean;
  /** IoU with the scored cavity (0 when no empty cavity of the object's shape is left). */
  iou: number;
  /** Angle error (degrees) against the scored cavity (180 when there is none). */
  angleError: number;
  /** The scored cavity, or null. */
  slot: number | null;
}

/** The slots whose cavity holds no seated object. */
export function emptySlots(s: Scene): number[] {
  const filled = new Set(s.objects.filter((_, i) => isSeated(s, i)).map((o) => o.slot));
  return s.kit.slots.map((_, k) => k).filter((k) => !filled.has(k));
}

function checkPoint(p: Point, name: string): void {
  if (!Array.isArray(p) || p.length !== 2 || !p.every(Number.isFinite))
    throw new RangeError(`place: expected ${name} to be a finite point [x, y] but received ${JSON.stringify(p)}`);
}

/**
 * Moves object `index` from the object half so that the point under `suction`
 * (object-half px) lands on `placePx` (kit-half px) after turning by `rotation`
 * degrees (CCW) about the suction point, settles it and scores it.
 */
export function place(scene: Scene, index: number, suction: Point, placePx: Point, rotation: number, po: PlaceOptions = {}): Placement {
  const { capture = 0 } = po;
  if (!Number.isFinite(capture) || capture < 0) throw new RangeError(`place: expected a capture radius ≥ 0 (px) but received ${capture}`);
  if (!Number.isInteger(index) || index < 0 || index >= scene.objects.length)
    throw new RangeError(`place: expected an object index in [0, ${scene.objects.length}) but received ${index}`);
  if (scene.objects[index].half !== 'object')
    throw new RangeError(`place: expected object ${index} to lie on the object half but it is on the ${scene.objects[index].half} half`);
  checkPoint(suction, 'suction');
  checkPoint(placePx, 'placePx');
  if (!Number.isFinite(rotation)) throw new RangeError(`place: expected a finite rotation but received ${rotation}`);
  const out = cloneScene(scene);
  const o = out.objects[index];
  const [dx, dy] = rotateVector([o.pose.x - suction[0], o.pose.y - suction[1]], rotation);
  const released = { x: placePx[0] + dx, y: placePx[1] + dy, theta: wrapDegrees(o.pose.theta + rotation) };
  let best: { slot: number | null; iou: number; angle: number } = { slot: null, iou: 0, angle: 180 };
  for (const slot of emptySlots(out)) {
    if (out.kit.slots[slot].shape.name !== o.shape.name) continue;
    const cavity = cavityPose(out, slot);
    const angle = angleBetween(released.theta, cavity.theta, o.shape.symmetry);
    const captured = angle <= SUCCESS_ANGLE && Math.hypot(released.x - cavity.x, released.y - cavity.y) <= capture;
    const iou = captured ? 1 : polygonIou(placedOutline(o.shape, { ...released, theta: cavity.theta }), cavityOutline(out, slot));
    if (iou > best.iou) best = { slot, iou, angle };
  }
  const success = best.slot !== null && best.iou >= SUCCESS_IOU && best.angle <= SUCCESS_ANGLE;
  o.half = 'kit';
  if (success && best.slot !== null) {
    const other = out.objects.findIndex((p, i) => i !== index && p.slot === best.slot);
    if (other >= 0) out.objects[other].slot = o.slot;
    o.slot = best.slot;
    o.pose = cavityPose(out, best.slot);
  } else o.pose = released;
  return { scene: out, success, iou: best.iou, angleError: best.angle, slot: best.slot };
}
