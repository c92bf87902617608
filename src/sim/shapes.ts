/**
 * The object library of the kit simulator: extruded polygons, convex and not,
 * with and without rotational symmetry, 16–26 px (3–5 cm) across and 1–3 cm
 * tall, as the household objects of Form2Fit's benchmark kits (Zakka et al.
 * 2020, §V). Vertices are given about the shape's area centroid, in pixels,
 * y down. Training kits use TRAIN_SHAPES; the unseen kits use only UNSEEN_SHAPES.
 */
import type { Point } from './geometry.js';

/** An extruded polygon: its outline about its centroid (px), height (m), rotational symmetry and albedo. */
export interface Shape {
  name: string;
  vertices: Point[];
  /** Height in metres. */
  height: number;
  /** Order of rotational symmetry: 1 none, n every 360/n degrees, 0 a disc (any angle). */
  symmetry: number;
  /** Albedo in [0, 1] (the grey image's value on its top). */
  grey: number;
}

/** The outline moved so that its area centroid is the origin (shoelace formula). */
function centred(points: Point[]): Point[] {
  let [area, cx, cy] = [0, 0, 0];
  for (let i = 0; i < points.length; i++) {
    const [x0, y0] = points[i];
    const [x1, y1] = points[(i + 1) % points.length];
    const cross = x0 * y1 - x1 * y0;
    area += cross / 2;
    cx += ((x0 + x1) * cross) / 6;
    cy += ((y0 + y1) * cross) / 6;
  }
  return points.map(([x, y]) => [x - cx / area, y - cy / area]);
}

/** `n` points on a circle of radius r (alternating with radius `inner` when given), the first one straight up. */
function ring(n: number, r: number, inner?: number): Point[] {
  const k = inner === undefined ? n : 2 * n;
  return Array.from({ length: k }, (_, i): Point => {
    const radius = inner !== undefined && i % 2 === 1 ? inner : r;
    const a = -Math.PI / 2 + (2 * Math.PI * i) / k;
    return [radius * Math.cos(a), radius * Math.sin(a)];
  });
}

const box = (w: number, h: number): Point[] => [
  [-w / 2, -h / 2],
  [w / 2, -h / 2],
  [w / 2, h / 2],
  [-w / 2, h / 2],
];

const shape = (name: string, outline: Point[], height: number, symmetry: number, grey: number): Shape => ({
  name,
  vertices: centred(outline),
  height,
  symmetry,
  grey,
});

/** A polygon from flat coordinates x0, y0, x1, y1, … */
const poly = (...xy: number[]): Point[] => Array.from({ length: xy.length / 2 }, (_, i): Point => [xy[2 * i], xy[2 * i + 1]]);

/** Every shape, by name. */
export const SHAPES: Readonly<Record<string, Shape>> = Object.fromEntries(
  [
    shape('square', box(18, 18), 0.02, 4, 0.8),
    shape('rectangle', box(24, 12), 0.015, 2, 0.65),
    shape('triangle', ring(3, 13), 0.025, 3, 0.9),
    shape('L', poly(0, 0, 10, 0, 10, 14, 20, 14, 20, 22, 0, 22), 0.02, 1, 0.55),
    shape('T', poly(0, 0, 24, 0, 24, 8, 16, 8, 16, 22, 8, 22, 8, 8, 0, 8), 0.03, 1, 0.7),
    shape('circle', ring(32, 10), 0.012, 0, 0.85),
    shape('hexagon', ring(6, 11.5), 0.018, 6, 0.6),
    shape('trapezoid', poly(-12, 8, 12, 8, 7, -8, -7, -8), 0.022, 1, 0.75),
    shape('cross', poly(-4, -11, 4, -11, 4, -4, 11, -4, 11, 4, 4, 4, 4, 11, -4, 11, -4, 4, -11, 4, -11, -4, -4, -4), 0.02, 4, 0.7),
    shape('star', ring(5, 13, 6), 0.015, 5, 0.9),
    shape('half-disc', ring(32, 12).slice(8, 25), 0.02, 1, 0.6),
    shape('arrow', poly(-12, -4, 2, -4, 2, -10, 12, 0, 2, 10, 2, 4, -12, 4), 0.018, 1, 0.8),
    shape('pentagon', ring(5, 12), 0.025, 5, 0.65),
    shape('diamond', poly(0, -13, 8, 0, 0, 13, -8, 0), 0.02, 2, 0.85),
    shape('chevron', poly(-10, -10, 0, -10, 10, 0, 0, 10, -10, 10, 0, 0), 0.015, 1, 0.75),
    shape('parallelogram', poly(-12, -6, 6, -6, 12, 6, -6, 6), 0.022, 2, 0.55),
    shape('U', poly(-11, -10, -4, -10, -4, 4, 4, 4, 4, -10, 11, -10, 11, 10, -11, 10), 0.025, 1, 0.7),
    shape('octagon', ring(8, 11), 0.012, 8, 0.8),
    shape('kite', poly(0, -13, 8, -3, 0, 11, -8, -3), 0.02, 1, 0.9),
    shape('Z', poly(-12, -8, 4, -8, 4, 0, 12, 0, 12, 8, -4, 8, -4, 0, -12, 0), 0.018, 2, 0.6),
  ].map((s) => [s.name, s]),
);

/** The shapes of the training kits. */
export const TRAIN_SHAPES: readonly string[] = ['square', 'rectangle', 'triangle', 'L', 'T', 'circle', 'hexagon', 'trapezoid'];
/** The shapes never used in training kits. */
export const UNSEEN_SHAPES: readonly string[] = Object.keys(SHAPES).filter((n) => !TRAIN_SHAPES.includes(n));

/** The shape named `name`; an unknown name lists the valid ones. */
export function getShape(name: string): Shape {
  const s = SHAPES[name];
  if (!s) throw new RangeError(`getShape: unknown shape ${JSON.stringify(name)} (valid: ${Object.keys(SHAPES).join(', ')})`);
  return s;
}

/** The radius of the smallest centred disc holding the shape, in pixels. */
export function shapeRadius(s: Shape): number {
  return Math.max(...s.vertices.map(([x, y]) => Math.hypot(x, y)));
}
