/**
 * Kits of the simulator: a board with cavities, one per slot, each the exact
 * footprint of its shape (Form2Fit, Zakka et al. 2020: kits are boards with
 * object-shaped cavities). Five training kits of 1–3 cavities made of
 * TRAIN_SHAPES, six unseen kits made only of UNSEEN_SHAPES (the paper's
 * benchmark has 5 training and 6 generalisation kits), and combinations that
 * stack the cavity groups of training kits — different kits or copies of one —
 * on a new board.
 */
import { applyPose, type Point, type Pose } from './geometry.js';
import { bounds } from './raster.js';
import { getShape, type Shape } from './shapes.js';

/** Board thickness (m): its top's height above the table. */
export const BOARD_THICKNESS = 0.025;
/** Depth of a cavity below the board's top (m); objects in a cavity stand on its floor. */
export const CAVITY_DEPTH = 0.015;
/** Board grey (albedo). */
export const BOARD_GREY = 0.45;
/** Border of board around the cavities (px). */
const MARGIN = 4;

export interface KitDesign {
  name: string;
  /** Board size in pixels (width along its x, height along its y), thickness in metres, albedo. */
  board: { width: number; height: number; thickness: number; grey: number };
  /** Cavities: a shape and its pose relative to the board centre. */
  slots: { shape: Shape; pose: Pose }[];
}

/** The outline of `shape` at `pose`. */
export function placedOutline(shape: Shape, pose: Pose): Point[] {
  return shape.vertices.map((v) => applyPose(pose, v));
}

/** A kit whose board holds the given slots (poses about any origin) with a margin; the slots are recentred on the board. */
export function makeKit(name: string, slots: { shape: Shape; pose: Pose }[]): KitDesign {
  if (slots.length === 0) throw new RangeError(`makeKit: expected at least one slot for kit ${JSON.stringify(name)} but received none`);
  const [x0, y0, x1, y1] = bounds(slots.flatMap((s) => placedOutline(s.shape, s.pose)));
  const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
  return {
    name,
    board: {
      width: Math.ceil(x1 - x0) + 2 * MARGIN,
      height: Math.ceil(y1 - y0) + 2 * MARGIN,
      thickness: BOARD_THICKNESS,
      grey: BOARD_GREY,
    },
    slots: slots.map((s) => ({ shape: s.shape, pose: { x: s.pose.x - cx, y: s.pose.y - cy, theta: s.pose.theta } })),
  };
}

const kit = (name: string, slots: [string, number, number, number][]): KitDesign =>
  makeKit(
    name,
    slots.map(([shape, x, y, theta]) => ({ shape: getShape(shape), pose: { x, y, theta } })),
  );

/** The five training kits. */
export const TRAIN_KITS: readonly KitDesign[] = [
  kit('circle', [['circle', 0, 0, 0]]),
  kit('square-rectangle', [
    ['square', -12, 0, 0],
    ['rectangle', 12, 0, 90],
  ]),
  kit('triangle-L', [
    ['triangle', -14, 0, 0],
    ['L', 13, 0, 0],
  ]),
  kit('T-trapezoid-hexagon', [
    ['T', -14, -13, 0],
    ['trapezoid', 14, -13, 180],
    ['hexagon', 0, 13, 0],
  ]),
  kit('square-circle-triangle', [
    ['square', -13, -12, 0],
    ['circle', 13, -12, 0],
    ['triangle', 0, 12, 180],
  ]),
];

/** The six kits of shapes never used in training kits. */
export const UNSEEN_KITS: readonly KitDesign[] = [
  kit('cross', [['cross', 0, 0, 0]]),
  kit('star-half-disc', [
    ['star', -14, 0, 0],
    ['half-disc', 14, 0, 90],
  ]),
  kit('arrow-pentagon', [
    ['arrow', -13, 0, 90],
    ['pentagon', 13, 0, 0],
  ]),
  kit('U-diamond', [
    ['U', -12, 0, 0],
    ['diamond', 12, 0, 0],
  ]),
  kit('octagon-chevron-kite', [
    ['octagon', -13, -12, 0],
    ['chevron', 13, -12, 0],
    ['kite', 0, 13, 0],
  ]),
  kit('Z-parallelogram', [
    ['Z', 0, -10, 0],
    ['parallelogram', 0, 10, 0],
  ]),
];

/** Kits by name: training and unseen kits. */
export const KITS: Readonly<Record<string, KitDesign>> = Object.fromEntries([...TRAIN_KITS, ...UNSEEN_KITS].map((k) => [k.name, k]));

/** The kits named `names`; an unknown name lists the valid ones. */
export function getKits(names: readonly string[]): KitDesign[] {
  return names.map((n) => {
    const k = KITS[n];
    if (!k) throw new RangeError(`getKits: unknown kit ${JSON.stringify(n)} (valid: ${Object.keys(KITS).join(', ')})`);
    return k;
  });
}

/** One board holding the cavity groups of `kits` (repeats allowed), stacked top to bottom, each group keeping its layout. */
export function combineKits(kits: readonly KitDesign[]): KitDesign {
  let top = 0;
  const slots: { shape: Shape; pose: Pose }[] = [];
  for (const k of kits) {
    const inner = k.board.height - 2 * MARGIN;
    for (const s of k.slots) slots.push({ shape: s.shape, pose: { ...s.pose, y: s.pose.y + top + inner / 2 } });
    top += inner + MARGIN;
  }
  return makeKit(kits.map((k) => k.name).join('+'), slots);
}

/**
 * The combinations and mixtures of training kits whose board fits a `size`
 * half: every pair of training kits (a kit with itself for copies) with at
 * most four cavities in all.
 */
export function combinationKits(size: number): KitDesign[] {
  const out: KitDesign[] = [];
  for (let i = 0; i < TRAIN_KITS.length; i++)
    for (let j = i; j < TRAIN_KITS.length; j++) {
      if (TRAIN_KITS[i].slots.length + TRAIN_KITS[j].slots.length > 4) continue;
      const k = combineKits([TRAIN_KITS[i], TRAIN_KITS[j]]);
      if (Math.max(k.board.width, k.board.height) <= size - 4) out.push(k);
    }
  return out;
}
