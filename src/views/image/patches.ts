/**
 * Patch-pair views (Tian et al. 2020, "What Makes for Good Views for
 * Contrastive Learning?", §3, the spatial-patch experiment): two patches of one image whose top-left
 * corners lie exactly `distance` pixels apart along +x, −x, +y or −y, so the
 * distance is the one knob that sets how much the views share. Both patches
 * are cut with one index gather per axis (exact pixels, no resampling).
 */
import * as torch from '../../torch/index.js';
import { options, int } from '../../torch/check.js';
import { checkImages, coins, probability, uniforms } from './common.js';

type Tensor = torch.Tensor;

/** The top-left corners of the two patches of each sample, in pixels. */
export interface PatchCorners {
  top: [Int32Array, Int32Array];
  left: [Int32Array, Int32Array];
}

export interface PatchPairOptions {
  /** Side of both patches. */
  size: number;
  /** Pixels between the two top-left corners, along one axis. */
  distance: number;
  /** Probability of mirroring each patch left-right (drawn per patch). Default 0. */
  flip?: number;
}

/** Checks a `size` patch pair `distance` apart fits an h × w image; errors start with `api`. */
export function checkPatchFit(size: number, distance: number, h: number, w: number, api: string): void {
  if (size + distance > Math.min(h, w))
    throw new RangeError(
      `${api}: expected patch size + distance <= the image side ${Math.min(h, w)} but received size ${size} + distance ${distance} = ${size + distance}`,
    );
}

/**
 * Draws each sample's pair: an axis direction (±x, ±y, equally likely), the
 * lower corner along that axis uniform in [0, side − size − distance] (the
 * other corner `distance` further), and a shared position along the other axis.
 */
export function patchPairParams(
  n: number,
  h: number,
  w: number,
  size: number,
  distance: number,
  generator?: torch.Generator,
): PatchCorners {
  checkPatchFit(size, distance, h, w, 'patchPairParams');
  const u = uniforms(n, 3, generator);
  const c: PatchCorners = { top: [new Int32Array(n), new Int32Array(n)], left: [new Int32Array(n), new Int32Array(n)] };
  for (let s = 0; s < n; s++) {
    const dir = Math.min(3, Math.floor(4 * u[3 * s])); // 0 +x, 1 −x, 2 +y, 3 −y
    const [along, across] = dir < 2 ? [c.left, c.top] : [c.top, c.left];
    const [alongSide, acrossSide] = dir < 2 ? [w, h] : [h, w];
    const low = Math.floor(u[3 * s + 1] * (alongSide - size - distance + 1));
    const first = dir % 2 === 0 ? low : low + distance;
    along[0][s] = first;
    along[1][s] = dir % 2 === 0 ? first + distance : first - distance;
    across[0][s] = across[1][s] = Math.floor(u[3 * s + 2] * (acrossSide - size + 1));
  }
  return c;
}

/**
 * The `size` × `size` patches at (top, left) of each sample, mirrored where
 * `flip` is true. x: [N, C, H, W] → [N, C, size, size].
 */
export function cropPatches(x: Tensor, top: Int32Array, left: Int32Array, size: number, flip?: readonly boolean[]): Tensor {
  const [n, c, h, w] = checkImages(x, 'cropPatches');
  for (let s = 0; s < n; s++) {
    if (!(top[s] >= 0 && left[s] >= 0 && top[s] + size <= h && left[s] + size <= w))
      throw new RangeError(
        `cropPatches: sample ${s}: the ${size}-pixel patch at (${top[s]}, ${left[s]}) does not lie inside the ${h}×${w} image`,
      );
  }
  const rows = new Int32Array(n * size);
  const cols = new Int32Array(n * size);
  for (let s = 0; s < n; s++) {
    for (let j = 0; j < size; j++) {
      rows[s * size + j] = top[s] + j;
      cols[s * size + (flip?.[s] ? size - 1 - j : j)] = left[s] + j;
    }
  }
  return torch.scope(() => {
    const dev = { dtype: 'int64' as const, device: x.device };
    const r = torch
      .tensor(rows, { shape: [n, 1, size, 1] })
      .to(dev)
      .expand([n, c, size, w]);
    const k = torch
      .tensor(cols, { shape: [n, 1, 1, size] })
      .to(dev)
      .expand([n, c, size, size]);
    return x.gather(2, r).gather(3, k); // [N, C, size, W] → [N, C, size, size]
  });
}

/** Two patches of each image, `distance` apart (see `patchPairParams`). x: [N, C, H, W] → two [N, C, size, size]. */
export class PatchPair {
  readonly size: number;
  readonly distance: number;
  readonly flip: number;
  constructor(o: PatchPairOptions) {
    const { size, distance, flip = 0 } = options(o, 'PatchPair', ['size', 'distance', 'flip']);
    this.size = int(size, 'size', 1);
    this.distance = int(distance, 'distance', 0);
    this.flip = probability(flip, 'flip');
  }

  forward(x: Tensor, generator?: torch.Generator): [Tensor, Tensor] {
    const [n, , h, w] = checkImages(x, 'PatchPair');
    const c = patchPairParams(n, h, w, this.size, this.distance, generator);
    const flips = [0, 1].map(() => (this.flip > 0 ? coins(n, this.flip, generator) : undefined));
    return [0, 1].map((i) => cropPatches(x, c.top[i], c.left[i], this.size, flips[i])) as [Tensor, Tensor];
  }
}
