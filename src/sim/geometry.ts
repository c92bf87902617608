/**
 * Planar geometry of the kit simulator (Form2Fit, Zakka et al. 2020): poses of
 * boards, cavities and objects in pixels of a half (2 mm/px, as Form2Fit's
 * `HEIGHTMAP_RES`), the rotation of a pixel that matches `rotate` in
 * src/views/image/affine.ts (torchvision's convention), the 20 rotation bins of
 * 18° (nearest bin, > 351° → bin 0) and angle errors between symmetric shapes.
 *
 * Conventions: (x, y) = (column, row), pixel centres at integers, y down;
 * angles in degrees, counter-clockwise as seen in the image.
 */

/** Metres per pixel. */
export const PIXEL_SIZE = 0.002;
/** The number of rotation bins (18° each). */
export const ROTATION_BINS = 20;

/** A rigid pose in a half: position in pixels, rotation in degrees (CCW as seen in the image). */
export interface Pose {
  x: number;
  y: number;
  theta: number;
}

export type Point = [number, number];

/** `degrees` wrapped into [0, 360). */
export function wrapDegrees(degrees: number): number {
  const w = degrees % 360;
  return w < 0 ? w + 360 : w;
}

/** The vector `v` turned by `degrees` counter-clockwise as seen in the image (y down). */
export function rotateVector(v: Point, degrees: number): Point {
  const r = (degrees * Math.PI) / 180;
  const [c, s] = [Math.cos(r), Math.sin(r)];
  return [c * v[0] + s * v[1], -s * v[0] + c * v[1]];
}

/** A point given in a pose's local frame, in the frame the pose lives in. */
export function applyPose(pose: Pose, local: Point): Point {
  const [dx, dy] = rotateVector(local, pose.theta);
  return [pose.x + dx, pose.y + dy];
}

/** A point of the pose's frame in the pose's local frame (the inverse of `applyPose`). */
export function localPoint(pose: Pose, p: Point): Point {
  return rotateVector([p[0] - pose.x, p[1] - pose.y], -pose.theta);
}

/** The pose `inner` (relative to `outer`'s frame) in the frame `outer` lives in. */
export function composePose(outer: Pose, inner: Pose): Pose {
  const [x, y] = applyPose(outer, [inner.x, inner.y]);
  return { x, y, theta: wrapDegrees(outer.theta + inner.theta) };
}

/**
 * Where the content of pixel `p` lands when an S×S image is rotated by
 * `degrees` about its centre ((S − 1)/2, (S − 1)/2): `rotate(x, degrees)` of
 * src/views/image/affine.ts moves pixel p to `rotatePixel(p, degrees, S)`.
 */
export function rotatePixel(p: Point, degrees: number, size: number): Point {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`rotatePixel: expected a positive integer size but received ${size}`);
  const c = (size - 1) / 2;
  return applyPose({ x: c, y: c, theta: degrees }, [p[0] - c, p[1] - c]);
}

/** The nearest of `bins` equal rotation bins for an angle in degrees (any sign): round(θ / (360/bins)) mod bins. */
export function rotationBin(degrees: number, bins = ROTATION_BINS): number {
  if (!Number.isFinite(degrees)) throw new RangeError(`rotationBin: expected a finite angle but received ${degrees}`);
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`rotationBin: expected a positive integer bins but received ${bins}`);
  return Math.round(wrapDegrees(degrees) / (360 / bins)) % bins;
}

/**
 * The angle (degrees, in [0, 180]) between orientations a and b of a shape with
 * rotational symmetry of order `symmetry` (1: none, n: every 360/n degrees;
 * 0: a disc, any angle): the distance to the nearest equivalent angle.
 */
export function angleError(a: number, b: number, symmetry: number): number {
  if (!Number.isInteger(symmetry) || symmetry < 0)
    throw new RangeError(`angleError: expected symmetry to be a non-negative integer but received ${symmetry}`);
  if (symmetry === 0) return 0;
  const period = 360 / symmetry;
  const d = wrapDegrees(a - b) % period;
  return Math.min(d, period - d);
}
