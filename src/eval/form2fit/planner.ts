/**
 * Form2Fit's planner (Zakka et al. 2020, §III-D; `planner/planner.py` of the
 * reference): candidates are the local maxima of the suction map on the object
 * half and of the place map on the kit half (sigmoids of the nets' logits,
 * `peakLocalMax` with threshold_rel 0.1); for each (place, suction) pair and each
 * of R rotations, the L2 distance between the object descriptor at the suction
 * pixel and the kit descriptor at the place pixel in kit view r (the kit turned
 * by −360·r/R degrees, the place pixel turned with it); the pair and rotation
 * with the least distance act, with rotation 360·r/R.
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
}

/** The Form2Fit planner over `nets` (see the module comment); put the nets in eval mode first (batch-norm statistics). */
export function form2fitPlanner(nets: Form2FitNets, o: Form2FitPlannerOptions = {}): Planner {
  const keys = ['rotations', 'minDistance', 'thresholdRel', 'maxPeaks', 'minHeight'];
  const {
    rotations = 20,
    minDistance = 0,
    thresholdRel = 0.1,
    maxPeaks = 128,
    minHeight = MIN_HEIGHT,
  } = options(o, 'form2fitPlanner', keys);
  within('form2fitPlanner', () => {
    int(rotations, 'rotations', 1, 360);
    int(minDistance, 'minDistance', 0);
    num(thresholdRel, 'thresholdRel', 0, 1);
    int(maxPeaks, 'maxPeaks', 1);
    num(minHeight, 'minHeight', 0);
    for (const f of ['suctionLogits', 'placeLogits', 'descriptors'] as const)
      if (typeof nets?.[f] !== 'function') throw new TypeError(`Expected nets with a ${f} method but received ${typeof nets?.[f]}`);
  });
  const peaks = { minDistance, thresholdRel, maxPeaks };
  return {
    name: 'form2fit',
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
          const best = bestMatch(nets, object, kit, suction, place, rotations);
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
  const suctionIdx = torch.tensor(
    Float64Array.from(suction, ([x, y]) => y * size + x),
    { dtype: 'int64' },
  );
  const objRows = objDesc.view([d, area]).indexSelect(1, suctionIdx).t().contiguous(); // [Ns, D]
  // kit pixel of place p in view r, flat over [R, S, S]; -1 where it leaves the view
  const kitIdx = new Float64Array(place.length * rotations);
  place.forEach((p, i) =>
    angles.forEach((angle, r) => {
      const [x, y] = rotatePixel(p, angle, size).map(Math.round);
      kitIdx[i * rotations + r] = x >= 0 && x < size && y >= 0 && y < size ? r * area + y * size + x : -1;
    }),
  );
  const kitRows = kitDesc
    .permute([0, 2, 3, 1])
    .reshape([rotations * area, d])
    .indexSelect(
      0,
      torch.tensor(
        kitIdx.map((i) => Math.max(i, 0)),
        { dtype: 'int64' },
      ),
    ); // [Np·R, D]
  const dist = torch.cdist(kitRows, objRows).data() as Float32Array; // [Np·R, Ns]
  let best: { p: number; s: number; r: number } | null = null;
  let least = Infinity;
  for (let p = 0; p < place.length; p++)
    for (let s = 0; s < suction.length; s++)
      for (let r = 0; r < rotations; r++) {
        const row = p * rotations + r;
        if (kitIdx[row] >= 0 && dist[row * suction.length + s] < least) {
          least = dist[row * suction.length + s];
          best = { p, s, r };
        }
      }
  return best;
}
