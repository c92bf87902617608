/**
 * Form2Fit's planner (Zakka et al. 2020, §III-D; `planner/planner.py` of the
 * reference): candidates are the local maxima of the suction map on the object
 * half and of the place map on the kit half (sigmoids of the nets' logits,
 * `peakLocalMax` with threshold_rel 0.1); for each (place, suction) pair and each
 * of R rotations, the L2 distance between the object descriptor at the suction
 * pixel and the kit descriptor at the place pixel in kit view r (the kit turned
 * by −360·r/R degrees, the place pixel turned with it); the pair and rotation
 * with the least distance act, with rotation 360·r/R.
 *
 * `patch` k > 1 (ours, not the paper's) compares k×k patches instead of single
 * pixels: the distance is the root of the summed squared descriptor distances
 * at the same offsets around the suction pixel and around the place pixel in
 * view r (the view is already turned into the object's orientation, so offsets
 * correspond), which pools evidence on the rotation over a neighbourhood.
 */
import * as torch from '../../torch/index.js';
import { int, num, options, within } from '../../torch/check.js';
import { rotate } from '../../views/image/affine.js';
import { rotatePixel, type Scene } from '../../sim/index.js';
import { peakLocalMax } from './peaks.js';
import { MIN_HEIGHT, type Action, type Planner, type Views } from './types.js';

type Tensor = torch.Tensor;

/** The three Form2Fit networks, as `Form2FitModel` (src/methods/form2fit.ts) exposes them. */
export interface Form2FitNets {
  /** [N, 2, S, S] object halves -> [N, S, S] suction logits. */
  suctionLogits(object: Tensor): Tensor;
  /** [N, 2, S, S] kit halves -> [N, S, S] place logits. */
  placeLogits(kit: Tensor): Tensor;
  /** [N, 2, S, S] halves -> [N, D, S, S] descriptors of the 'object' or 'kit' stream. */
  descriptors(x: Tensor, stream: 'object' | 'kit'): Tensor;
}

export interface Form2FitPlannerOptions {
  /** Rotated kit views (default 20, 18° apart). */
  rotations?: number;
  /** peakLocalMax's minDistance for both maps (default 0, as the reference: every pixel above the threshold). */
  minDistance?: number;
  /** Candidates must exceed this share of their map's maximum (default 0.1). */
  thresholdRel?: number;
  /** At most this many candidates of each kind, the highest scored (default 128). */
  maxPeaks?: number;
  /** Suction candidates only where the object half is higher than this (metres; default MIN_HEIGHT, 0 turns the mask off). */
  minHeight?: number;
  /** Side k of the compared descriptor patches (odd; default 1, the paper's single pixels). */
  patch?: number;
}

/** The Form2Fit planner over `nets` (see the module comment); put the nets in eval mode first (batch-norm statistics). */
export function form2fitPlanner(nets: Form2FitNets, o: Form2FitPlannerOptions = {}): Planner {
  const keys = ['rotations', 'minDistance', 'thresholdRel', 'maxPeaks', 'minHeight', 'patch'];
  const {
    rotations = 20,
    minDistance = 0,
    thresholdRel = 0.1,
    maxPeaks = 128,
    minHeight = MIN_HEIGHT,
    patch = 1,
  } = options(o, 'form2fitPlanner', keys);
  within('form2fitPlanner', () => {
    int(rotations, 'rotations', 1, 360);
    int(minDistance, 'minDistance', 0);
    num(thresholdRel, 'thresholdRel', 0, 1);
    int(maxPeaks, 'maxPeaks', 1);
    num(minHeight, 'minHeight', 0);
    int(patch, 'patch', 1, 15);
    if (patch % 2 === 0) throw new RangeError(`Expected an odd patch but received ${patch}`);
    for (const f of ['suctionLogits', 'placeLogits', 'descriptors'] as const)
      if (typeof nets?.[f] !== 'function') throw new TypeError(`Expected nets with a ${f} method but received ${typeof nets?.[f]}`);
  });
  const peaks = { minDistance, thresholdRel, maxPeaks };
  return {
    name: patch === 1 ? 'form2fit' : `form2fit-patch${patch}`,
    plan: (scene: Scene, views: Views): Action | null =>
      torch.noGrad(() =>
        torch.scope(() => {
          const s = scene.size;
          const [object, kit] = [halfTensor(views.object, s, 'views.object'), halfTensor(views.kit, s, 'views.kit')];
          const suctionMap = nets.suctionLogits(object).sigmoid().data() as Float32Array; // [S·S]
          const placeMap = nets.placeLogits(kit).sigmoid().data() as Float32Array; // [S·S]
          if (minHeight > 0) for (let i = 0; i < s * s; i++) if (!(views.object[s * s + i] > minHeight)) suctionMap[i] = 0;
          const suction = peakLocalMax(suctionMap, s, peaks);
          const place = peakLocalMax(placeMap, s, peaks);
          if (suction.length === 0 || place.length === 0) return null;
          const best = bestMatch(nets, object, kit, suction, place, rotations, patch);
          return best && { suction: suction[best.s], place: place[best.p], rotation: (360 / rotations) * best.r };
        }),
      ),
  };
}

/** A [2, S, S] half as a [1, 2, S, S] tensor, checked. */
function halfTensor(x: Float32Array, size: number, name: string): Tensor {
  if (!(x instanceof Float32Array) || x.length !== 2 * size * size)
    throw new RangeError(
      `form2fitPlanner: expected ${name} to be a Float32Array of 2×${size}×${size} values but received ${x?.length ?? x}`,
    );
  return torch.tensor(x, { shape: [1, 2, size, size] });
}

/**
 * The (place p, suction s, rotation r) of least descriptor distance; ties go to
 * the first in (p, s, r) order, as the reference's loops. Null when no place
 * pixel stays inside any rotated view.
 */
function bestMatch(
  nets: Form2FitNets,
  object: Tensor,
  kit: Tensor,
  suction: [number, number][],
  place: [number, number][],
  rotations: number,
  patch: number,
): { p: number; s: number; r: number } | null {
  const size = object.shape[3];
  const area = size * size;
  const angles = Array.from({ length: rotations }, (_, r) => (-360 / rotations) * r);
  const views = rotate(kit.expand([rotations, 2, size, size]), angles); // [R, 2, S, S]
  const kitDesc = nets.descriptors(views, 'kit'); // [R, D, S, S]
  const objDesc = nets.descriptors(object, 'object'); // [1, D, S, S]
  const d = objDesc.shape[1];
  if (kitDesc.shape.join() !== [rotations, d, size, size].join())
    throw new RangeError(
      `form2fitPlanner: expected kit descriptors of shape [${rotations}, ${d}, ${size}, ${size}] but received [${kitDesc.shape.join(', ')}]`,
    );
  const clamp = (v: number): number => Math.min(size - 1, Math.max(0, v));
  const h = (patch - 1) / 2;
  const objFlat = objDesc.view([d, area]).t(); // [S·S, D]
  const kitFlat = kitDesc.permute([0, 2, 3, 1]).reshape([rotations * area, d]); // [R·S·S, D]
  // kit pixel of place p in view r; inside[] false where it leaves the view
  const inside = new Uint8Array(place.length * rotations);
  const kitPixel = place.flatMap((p, i) =>
    angles.map((angle, r) => {
      const [x, y] = rotatePixel(p, angle, size).map(Math.round);
      inside[i * rotations + r] = x >= 0 && x < size && y >= 0 && y < size ? 1 : 0;
      return [r, x, y];
    }),
  );
  const rows = (t: Tensor, idx: number[]): Tensor => t.indexSelect(0, torch.tensor(Float64Array.from(idx), { dtype: 'int64' }));
  // squared distances summed over the patch offsets: [Np·R, Ns]
  let total: Tensor | null = null;
  for (let dy = -h; dy <= h; dy++)
    for (let dx = -h; dx <= h; dx++) {
      const objRows = rows(
        objFlat,
        suction.map(([x, y]) => clamp(y + dy) * size + clamp(x + dx)),
      ); // [Ns, D]
      const kitRows = rows(
        kitFlat,
        kitPixel.map(([r, x, y]) => r * area + clamp(y + dy) * size + clamp(x + dx)),
      ); // [Np·R, D]
      const sq = torch.cdist(kitRows, objRows).pow(2);
      total = total ? total.add(sq) : sq;
    }
  const dist = total!.data() as Float32Array; // [Np·R, Ns]
  let best: { p: number; s: number; r: number } | null = null;
  let least = Infinity;
  for (let p = 0; p < place.length; p++)
    for (let s = 0; s < suction.length; s++)
      for (let r = 0; r < rotations; r++) {
        const row = p * rotations + r;
        if (inside[row] && dist[row * suction.length + s] < least) {
          least = dist[row * suction.length + s];
          best = { p, s, r };
        }
      }
  return best;
}
