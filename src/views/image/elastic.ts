/**
 * ImageNet-C's elastic transform (Hendrycks & Dietterich 2019, after Simard et
 * al. 2003), batched: a random affine map that moves three points around the
 * centre (the centre ± a third of the side) by up to `jitter` pixels each, then
 * a displacement field of uniform noise on [-1, 1] smoothed by a Gaussian of
 * σ = `sigma` (radius 3σ, reflect padding) and scaled by `alpha` pixels. The
 * reference resamples twice (cv2.warpAffine with reflect-101 borders, then
 * map_coordinates with reflect borders); here both maps are composed into one
 * grid — the output pixel p samples the input at A⁻¹(p + d(p)) — and sampled
 * once, bilinear with reflection padding.
 */
import * as torch from '../../torch/index.js';
import * as F from '../../torch/functional/index.js';
import { num } from '../../torch/check.js';
import { gaussianBlur } from './blur.js';
import { checkImages, uniforms } from './common.js';

type Tensor = torch.Tensor;

export interface ElasticParams {
  /** Scale of the smoothed displacement field, in pixels (0: affine part only). */
  alpha: number;
  /** σ of the Gaussian that smooths the field, in pixels. */
  sigma: number;
  /** Largest move of each of the three affine control points, in pixels. */
  jitter: number;
}

/** The 2×3 affine map [a b e; c d f] taking the points `from` to `to` (three (x, y) pairs each). */
function affineFrom(from: number[][], to: number[][]): number[] {
  const [[x0, y0], [x1, y1], [x2, y2]] = from;
  const det = x0 * (y1 - y2) + x1 * (y2 - y0) + x2 * (y0 - y1);
  const solve = (v: number[]): number[] => [
    (v[0] * (y1 - y2) + v[1] * (y2 - y0) + v[2] * (y0 - y1)) / det,
    (x0 * (v[1] - v[2]) + x1 * (v[2] - v[0]) + x2 * (v[0] - v[1])) / det,
    (x0 * (y1 * v[2] - y2 * v[1]) + x1 * (y2 * v[0] - y0 * v[2]) + x2 * (y0 * v[1] - y1 * v[0])) / det,
  ];
  const [a, b, e] = solve(to.map((p) => p[0]));
  const [c, d, f] = solve(to.map((p) => p[1]));
  return [a, b, e, c, d, f];
}

/** The inverse of a 2×3 affine map. */
function invert([a, b, e, c, d, f]: number[]): number[] {
  const det = a * d - b * c;
  const [ia, ib, ic, id] = [d / det, -b / det, -c / det, a / det];
  return [ia, ib, -(ia * e + ib * f), ic, id, -(ic * e + id * f)];
}

/**
 * Elastic warp with the randomness drawn from `generator`: 6 uniforms per
 * sample for the control points, then a field [N, 2, H, W].
 * x: float [N, C, H, W] in [0, 1] -> same.
 */
export function elasticTransform(x: Tensor, p: ElasticParams, generator?: torch.Generator): Tensor {
  const [n, , h, w] = checkImages(x, 'elasticTransform');
  const [alpha, sigma, jitter] = [num(p.alpha, 'alpha', 0), num(p.sigma, 'sigma', 0), num(p.jitter, 'jitter', 0)];
  const u = uniforms(n, 6, generator);
  const [cx, cy, s] = [Math.floor(w / 2), Math.floor(h / 2), Math.floor(Math.min(h, w) / 3)];
  const from = [
    [cx + s, cy + s],
    [cx + s, cy - s],
    [cx - s, cy - s],
  ];
  // per sample: the map from output pixel to input pixel, in pixel indices
  const inverse = new Float32Array(6 * n);
  for (let i = 0; i < n; i++) {
    const to = from.map(([px, py], k) => [px + jitter * (2 * u[6 * i + 2 * k] - 1), py + jitter * (2 * u[6 * i + 2 * k + 1] - 1)]);
    inverse.set(invert(affineFrom(from, to)), 6 * i);
  }
  return torch.scope(() => {
    const dev = { dtype: x.dtype, device: x.device };
    const xs = torch.arange(w, dev).view([1, 1, w]).expand([n, h, w]);
    const ys = torch.arange(h, dev).view([1, h, 1]).expand([n, h, w]);
    let [qx, qy] = [xs, ys];
    if (alpha > 0 && sigma > 0) {
      const radius = Math.min(Math.trunc(3 * sigma + 0.5), Math.min(h, w) - 1);
      const field = torch
        .rand([n * 2, 1, h, w], { generator })
        .to(dev)
        .mul_(2)
        .sub_(1);
      const d = gaussianBlur(field, 2 * radius + 1, sigma)
        .mul_(alpha)
        .view([n, 2, h, w]);
      [qx, qy] = [xs.add(d.select(1, 0)), ys.add(d.select(1, 1))];
    }
    const m = torch.tensor(inverse, { shape: [n, 6, 1, 1] }).to(dev);
    const at = (k: number): Tensor => m.select(1, k);
    // input pixel index of each output pixel, then grid_sample's [-1, 1] (align_corners=False)
    const ix = qx
      .mul(at(0))
      .add_(qy.mul(at(1)))
      .add_(at(2));
    const iy = qx
      .mul(at(3))
      .add_(qy.mul(at(4)))
      .add_(at(5));
    const grid = torch.stack([ix.mul_(2 / w).add_(1 / w - 1), iy.mul_(2 / h).add_(1 / h - 1)], 3); // [N, H, W, 2]
    return F.gridSample(x, grid, { mode: 'bilinear', paddingMode: 'reflection' }).clamp_(0, 1);
  });
}
