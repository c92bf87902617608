/**
 * Affine warps of image batches with a matrix per sample, as torchvision's
 * `affine` and `rotate` on tensors (functional_tensor.py): the inverse matrix of
 * `_get_inverse_affine_matrix`, a grid of pixel centres relative to the image
 * centre multiplied by it (`_gen_affine_grid`), one `gridSample` for the whole
 * batch, and the fill colour blended through a sampled mask of ones
 * (`_apply_grid_transform`). They warp any number of channels (heightmaps: grey
 * and height). The geometric ops of RandAugment (Cubuk et al.
 * 2020) — rotate, shear, translate — are these warps.
 */
import * as torch from '../../torch/index.js';
import * as F from '../../torch/functional/index.js';
import { fail, num, oneOf, options } from '../../torch/check.js';
import { checkImages, pipe } from './common.js';

type Tensor = torch.Tensor;

/** A per-sample parameter given in JS: one number for the whole batch, or one per sample. */
export type Each = number | ArrayLike<number>;

export interface WarpOptions {
  /** 'nearest' (torchvision's default for tensors) or 'bilinear'. */
  interpolation?: 'nearest' | 'bilinear';
  /** Colour of the pixels that come from outside the image: one value or one per channel. Default: none (zeros, as torchvision's fill=None). */
  fill?: number | number[];
}

/** The values of `v` for each of n samples (finite numbers). */
export function eachOf(v: Each, n: number, name: string, api: string): Float64Array {
  if (typeof v === 'number') return new Float64Array(n).fill(num(v, name));
  if (v === null || typeof v !== 'object' || typeof v.length !== 'number') return fail(v, name, 'a number or one number per sample');
  if (v.length !== n) throw new RangeError(`${api}: expected ${name} to hold one value per sample (${n}) but received ${v.length}`);
  const out = Float64Array.from(v);
  if (!out.every(Number.isFinite)) throw new RangeError(`${api}: expected finite values of ${name} but received [${Array.from(v)}]`);
  return out;
}

/**
 * torchvision's `_get_inverse_affine_matrix`: the 2×3 matrix taking an output
 * pixel to the input pixel it samples, in pixels relative to the image centre.
 * `center` is relative to the image centre too; angle (clockwise) and shear in degrees.
 */
export function inverseAffineMatrix(
  center: [number, number],
  angle: number,
  translate: [number, number],
  scale: number,
  shear: [number, number],
): number[] {
  const rot = (angle * Math.PI) / 180;
  const [sx, sy] = [(shear[0] * Math.PI) / 180, (shear[1] * Math.PI) / 180];
  const [cx, cy] = center;
  const [tx, ty] = translate;
  const a = Math.cos(rot - sy) / Math.cos(sy);
  const b = (-Math.cos(rot - sy) * Math.tan(sx)) / Math.cos(sy) - Math.sin(rot);
  const c = Math.sin(rot - sy) / Math.cos(sy);
  const d = (-Math.sin(rot - sy) * Math.tan(sx)) / Math.cos(sy) + Math.cos(rot);
  const m = [d, -b, 0, -c, a, 0].map((e) => e / scale);
  m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty) + cx;
  m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty) + cy;
  return m;
}

/**
 * Warps each sample by its inverse matrix (6 numbers per sample, row-major, as
 * `inverseAffineMatrix` gives). x: [N, C, H, W] -> same.
 */
export function warpAffine(x: Tensor, matrices: ArrayLike<number>, o: WarpOptions = {}): Tensor {
  const [n, c, h, w] = checkImages(x, 'warpAffine', 'any');
  const { interpolation = 'nearest', fill } = options(o, 'warpAffine', ['interpolation', 'fill']);
  const mode = oneOf(interpolation, 'interpolation', ['nearest', 'bilinear']);
  if (matrices.length !== 6 * n)
    throw new RangeError(`warpAffine: expected 6 matrix entries per sample (${6 * n}) but received ${matrices.length}`);
  const fills = fill === undefined ? null : typeof fill === 'number' ? [fill] : fill;
  if (fills && !(Array.isArray(fills) && (fills.length === 1 || fills.length === c) && fills.every(Number.isFinite)))
    fail(fill, 'fill', `a number or ${c} numbers (one per channel)`);
  return torch.scope(() => {
    const dev = { dtype: x.dtype, device: x.device };
    // base grid [1, H·W, 3] of (x, y, 1) pixel centres relative to the image centre
    const xs = torch
      .linspace(-w * 0.5 + 0.5, w * 0.5 - 0.5, w, dev)
      .view([1, w])
      .expand([h, w]);
    const ys = torch
      .linspace(-h * 0.5 + 0.5, h * 0.5 - 0.5, h, dev)
      .view([h, 1])
      .expand([h, w]);
    const base = torch.stack([xs, ys, torch.ones([h, w], dev)], 2).view([1, h * w, 3]);
    const theta = torch.tensor(Float32Array.from(matrices), { shape: [n, 2, 3] }).to(dev);
    const rescaled = theta.transpose(1, 2).div(torch.tensor([0.5 * w, 0.5 * h], dev)); // [N, 3, 2]
    const grid = base
      .expand([n, h * w, 3])
      .bmm(rescaled)
      .view([n, h, w, 2]);
    if (!fills) return F.gridSample(x, grid, { mode });
    const sampled = F.gridSample(torch.cat([x, torch.ones([n, 1, h, w], dev)], 1), grid, { mode });
    const img = sampled.narrow(1, 0, c);
    const mask = sampled.narrow(1, c, 1); // [N, 1, H, W]: the share of each output pixel inside the image
    const colour = torch.tensor(fills, dev).view([1, fills.length, 1, 1]);
    if (mode === 'nearest') return torch.where(mask.lt(0.5), colour.expand([n, c, h, w]), img);
    return pipe(img.mul(mask), (t) => t.add_(mask.rsub(1).mul(colour)));
  });
}

/** Builds one inverse matrix per sample from its parameters `at(i)`. */
function matrices(n: number, at: (i: number) => number[]): Float64Array {
  const out = new Float64Array(6 * n);
  for (let i = 0; i < n; i++) out.set(at(i), 6 * i);
  return out;
}

export interface AffineParams {
  /** Clockwise rotation in degrees. Default 0. */
  angle?: Each;
  /** Translation [dx, dy] in pixels. Default [0, 0]. */
  translate?: [Each, Each];
  /** Scale factor (> 0). Default 1. */
  scale?: Each;
  /** Shear angles [x, y] in degrees. Default [0, 0]. */
  shear?: [Each, Each];
  /** Centre of rotation, scale and shear in pixels from the top-left corner. Default: the image centre. */
  center?: [number, number];
}

/**
 * torchvision's `affine(x, angle, translate, scale, shear, interpolation, fill,
 * center)` with each parameter one number or one per sample. x: [N, C, H, W] -> same.
 */
export function affine(x: Tensor, p: AffineParams, o?: WarpOptions): Tensor {
  const [n, , h, w] = checkImages(x, 'affine', 'any');
  const {
    angle = 0,
    translate = [0, 0],
    scale = 1,
    shear = [0, 0],
    center,
  } = options(p, 'affine', ['angle', 'translate', 'scale', 'shear', 'center']);
  const [a, tx, ty, s, sx, sy] = [
    eachOf(angle, n, 'angle', 'affine'),
    eachOf(translate[0], n, 'translate[0]', 'affine'),
    eachOf(translate[1], n, 'translate[1]', 'affine'),
    eachOf(scale, n, 'scale', 'affine'),
    eachOf(shear[0], n, 'shear[0]', 'affine'),
    eachOf(shear[1], n, 'shear[1]', 'affine'),
  ];
  if (!s.every((v) => v > 0)) throw new RangeError(`affine: expected scale > 0 but received [${Array.from(s)}]`);
  const c: [number, number] = center ? [num(center[0], 'center[0]') - w * 0.5, num(center[1], 'center[1]') - h * 0.5] : [0, 0];
  return warpAffine(
    x,
    matrices(n, (i) => inverseAffineMatrix(c, a[i], [tx[i], ty[i]], s[i], [sx[i], sy[i]])),
    o,
  );
}

/** torchvision's `rotate` (counter-clockwise degrees about the image centre, same size). x: [N, C, H, W] -> same. */
export function rotate(x: Tensor, angle: Each, o?: WarpOptions): Tensor {
  const [n] = checkImages(x, 'rotate', 'any');
  const a = eachOf(angle, n, 'angle', 'rotate');
  return warpAffine(
    x,
    matrices(n, (i) => inverseAffineMatrix([0, 0], -a[i], [0, 0], 1, [0, 0])),
    o,
  );
}

/**
 * Where `rotate(x, angle)` takes pixel centres: points [N, K, 2] as (x, y) =
 * (column, row) in images of height h and width w, rotated by each sample's
 * angle (counter-clockwise degrees, as `rotate`) about the image centre
 * ((w − 1)/2, (h − 1)/2) → [N, K, 2] float64, unrounded:
 *
 *   x' = c_x + (x − c_x) cos a + (y − c_y) sin a,   y' = c_y − (x − c_x) sin a + (y − c_y) cos a
 *
 * (y points down, so a counter-clockwise turn on screen).
 */
export function rotatePixels(points: Tensor, angle: Each, h: number, w: number): Tensor {
  if (!(points instanceof torch.Tensor)) return fail(points, 'points', 'a Tensor [N, K, 2]');
  if (points.ndim !== 3 || points.shape[2] !== 2)
    throw new RangeError(`rotatePixels: expected points as [N, K, 2] but received [${points.shape.join(', ')}]`);
  for (const [name, v] of [
    ['h', h],
    ['w', w],
  ] as const)
    if (!(Number.isInteger(v) && v >= 1)) fail(v, name, 'a positive integer', RangeError);
  const a = eachOf(angle, points.shape[0], 'angle', 'rotatePixels');
  return torch.scope(() => {
    const rad = torch.tensor(Float64Array.from(a, (v) => (v * Math.PI) / 180)).view([-1, 1]); // [N, 1]
    const [cos, sin] = [rad.cos(), rad.sin()];
    const p = points.to('float64');
    const dx = p.select(2, 0).sub((w - 1) / 2); // [N, K]
    const dy = p.select(2, 1).sub((h - 1) / 2);
    const x = dx
      .mul(cos)
      .add(dy.mul(sin))
      .add((w - 1) / 2);
    const y = dy
      .mul(cos)
      .sub(dx.mul(sin))
      .add((h - 1) / 2);
    return torch.stack([x, y], 2);
  });
}

/** The inverse matrix of a shear by `factor` about the top-left corner (PIL's (1, f, 0, 0, 1, 0) for x). */
export function shearMatrix(factor: number, axis: 'x' | 'y', h: number, w: number): number[] {
  const deg = (Math.atan(factor) * 180) / Math.PI;
  return inverseAffineMatrix([-w * 0.5, -h * 0.5], 0, [0, 0], 1, axis === 'x' ? [deg, 0] : [0, deg]);
}

/**
 * Shears along x (`axis` 'x': pixel (u, v) samples (u + f·v, v)) or y, about the
 * top-left corner, as RandAugment's ShearX/ShearY (torchvision's
 * `affine(shear=atan(f) in degrees, center=[0, 0])`). x: [N, C, H, W] -> same.
 */
export function shear(x: Tensor, factor: Each, axis: 'x' | 'y', o?: WarpOptions): Tensor {
  const [n, , h, w] = checkImages(x, 'shear', 'any');
  if (axis !== 'x' && axis !== 'y') fail(axis, 'axis', '"x" or "y"', RangeError);
  const f = eachOf(factor, n, 'factor', 'shear');
  return warpAffine(
    x,
    matrices(n, (i) => shearMatrix(f[i], axis, h, w)),
    o,
  );
}

/** Moves the content by (dx, dy) pixels (torchvision's `affine(translate=[dx, dy])`). x: [N, C, H, W] -> same. */
export function translate(x: Tensor, dx: Each, dy: Each, o?: WarpOptions): Tensor {
  const [n] = checkImages(x, 'translate', 'any');
  const [tx, ty] = [eachOf(dx, n, 'dx', 'translate'), eachOf(dy, n, 'dy', 'translate')];
  return warpAffine(
    x,
    matrices(n, (i) => inverseAffineMatrix([0, 0], 0, [tx[i], ty[i]], 1, [0, 0])),
    o,
  );
}
