/**
 * Polygon rasterisation for the kit simulator by scanlines: a pixel belongs
 * to a polygon when its centre lies inside (even–odd rule), and the overlap
 * (IoU) of two footprints measured exactly along rows and sampled across them
 * on a sub-pixel grid, so that it follows sub-pixel offsets.
 */
import type { Point } from './geometry.js';

/**
 * The sorted x where the row at height y crosses the polygon's edges (edges
 * count when y is in [min, max) of their ends); the inside is [c0, c1) ∪ [c2, c3) …
 */
function crossings(poly: readonly Point[], y: number): number[] {
  const xs: number[] = [];
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y) xs.push(((xj - xi) * (y - yi)) / (yj - yi) + xi);
  }
  return xs.sort((a, b) => a - b);
}

/** Whether (x, y) lies inside the polygon (even–odd rule). */
export function insidePolygon(poly: readonly Point[], x: number, y: number): boolean {
  return crossings(poly, y).filter((c) => c <= x).length % 2 === 1;
}

/** The bounding box [x0, y0, x1, y1] of points. */
export function bounds(poly: readonly Point[]): [number, number, number, number] {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of poly) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  return [x0, y0, x1, y1];
}

/** The pixels (indices y·size + x) of a size×size half whose centres lie inside the polygon. */
export function rasterize(poly: readonly Point[], size: number): Int32Array {
  const [, y0, , y1] = bounds(poly);
  const out: number[] = [];
  for (let y = Math.max(0, Math.ceil(y0)); y <= Math.min(size - 1, Math.floor(y1)); y++) {
    const xs = crossings(poly, y);
    for (let k = 0; k + 1 < xs.length; k += 2)
      for (let x = Math.max(0, Math.ceil(xs[k])); x < Math.min(size, Math.ceil(xs[k + 1])); x++) out.push(y * size + x);
  }
  return Int32Array.from(out);
}

/** The total length of the union and of the intersection of two sorted interval lists [a0, a1, a2, a3, …]. */
function overlap(a: number[], b: number[]): [number, number] {
  const edges = [...a.map((x, i) => [x, i % 2 === 0 ? 1 : -1, 0]), ...b.map((x, i) => [x, 0, i % 2 === 0 ? 1 : -1])].sort(
    (p, q) => p[0] - q[0],
  );
  let [inA, inB, last, union, inter] = [0, 0, 0, 0, 0];
  for (const [x, da, db] of edges) {
    if (inA || inB) union += x - last;
    if (inA && inB) inter += x - last;
    [inA, inB, last] = [inA + da, inB + db, x];
  }
  return [union, inter];
}

/** Intersection over union of two polygons' areas: exact along rows, `samples` rows per pixel. */
export function polygonIou(a: readonly Point[], b: readonly Point[], samples = 8): number {
  const [, ay0, , ay1] = bounds(a);
  const [, by0, , by1] = bounds(b);
  const [y0, y1] = [Math.min(ay0, by0), Math.max(ay1, by1)];
  let [union, inter] = [0, 0];
  for (let y = Math.floor(y0) + 0.5 / samples; y < y1; y += 1 / samples) {
    const [u, i] = overlap(crossings(a, y), crossings(b, y));
    union += u;
    inter += i;
  }
  return union === 0 ? 0 : inter / union;
}
