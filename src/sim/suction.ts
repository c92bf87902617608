/**
 * The suction model of the simulator (Form2Fit's disassembly picks by suction
 * at random points): a suction cup at pixel p grips an object when p is on the
 * object's visible top, every pixel within `radius` px is on that same top (far
 * enough from its edges and not covered by another object) and those heights
 * agree within `flatness` (a flat seal); even then it fails with probability
 * `failure`.
 */
import type { Point } from './geometry.js';
import { layers, type Half, type Layers, type Scene } from './scene.js';

export interface SuctionOptions {
  /** Radius of the cup's seal (px). Default 2 (4 mm). */
  radius?: number;
  /** The largest height difference (m) under the seal. Default 0.002. */
  flatness?: number;
  /** Probability that a good grip still fails. Default 0.05. */
  failure?: number;
}

export const SUCTION_DEFAULTS: Required<SuctionOptions> = { radius: 2, flatness: 0.002, failure: 0.05 };

/** Checks that p is an integer pixel of a size×size half. */
export function checkPixel(p: Point, size: number, name: string, api: string): void {
  const ok = Array.isArray(p) && p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0 && v < size);
  if (!ok) throw new RangeError(`${api}: expected ${name} to be an integer pixel [x, y] in [0, ${size}) but received ${JSON.stringify(p)}`);
}

/** Whether the seal at p lies on one flat top of object `top[p]` (the geometric part of the model). */
export function sealHolds(l: Layers, size: number, p: Point, radius: number, flatness: number): boolean {
  const [x, y] = p;
  const id = l.top[y * size + x];
  if (id < 0) return false;
  const h0 = l.height[y * size + x];
  const r = Math.ceil(radius);
  for (let dy = -r; dy <= r; dy++)
    for (let dx = -r; dx <= r; dx++) {
      if (dx * dx + dy * dy > radius * radius) continue;
      const [u, v] = [x + dx, y + dy];
      if (u < 0 || v < 0 || u >= size || v >= size) return false;
      const q = v * size + u;
      if (l.top[q] !== id || Math.abs(l.height[q] - h0) > flatness) return false;
    }
  return true;
}

/**
 * Suction at pixel p of a half: the index of the gripped object, or null when
 * the seal does not hold or the random failure strikes (one draw of `random`,
 * only when the seal holds).
 */
export function trySuction(scene: Scene, half: Half, p: Point, random: () => number, o: SuctionOptions = {}): number | null {
  if (half !== 'kit' && half !== 'object')
    throw new RangeError(`trySuction: expected half "kit" or "object" but received ${JSON.stringify(half)}`);
  checkPixel(p, scene.size, 'p', 'trySuction');
  const { radius, flatness, failure } = { ...SUCTION_DEFAULTS, ...o };
  const l = layers(scene, half);
  if (!sealHolds(l, scene.size, p, radius, flatness)) return null;
  return random() < failure ? null : l.top[p[1] * scene.size + p[0]];
}
