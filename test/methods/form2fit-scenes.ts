/**
 * Hand-made Form2Fit batches for the method tests: an L-shaped object (no
 * rotational symmetry) lying on the object half at a random multiple of 18°
 * and shift, and a board on the kit half with its L-shaped cavity at another
 * multiple of 18° and shift; labels built from the known rigid transforms.
 */
import { torch, views, methods } from '../../src/index.js';
import { mulberry32 } from '../../src/data/noise.js';

type Tensor = torch.Tensor;

export const S = 24;
/** The L in canonical pose, about the image centre (11.5, 11.5): a bar 3 × 10 and a foot 5 × 3. */
const L: [number, number][] = [];
for (let y = 7; y <= 16; y++) for (let x = 8; x <= 10; x++) L.push([x, y]);
for (let y = 14; y <= 16; y++) for (let x = 11; x <= 15; x++) L.push([x, y]);
/** A pixel on the bar: the suction label in canonical pose. */
const GRIP: [number, number] = [9, 11];

/** Pixel masks [N, 1, S, S] of the L turned by each angle (nearest) and shifted by (dx, dy). */
function placed(angles: number[], shifts: [number, number][]): Tensor {
  return torch.scope(() => {
    const canon = torch.zeros([1, 1, S, S]);
    for (const [x, y] of L) canon.select(2, y).select(2, x).fill_(1);
    const turned = views.rotate(canon.expand([angles.length, 1, S, S]).contiguous(), angles);
    return torch.cat(turned.unbind(0).map((t, i) => t.roll(shifts[i], [2, 1]).unsqueeze(0)));
  });
}

/** Canonical points [K, 2] turned by each angle and shifted → rounded [N, K, 2] int64. */
function transformed(points: [number, number][], angles: number[], shifts: [number, number][]): Tensor {
  return torch.scope(() => {
    const p = torch.tensor(angles.map(() => points)); // [N, K, 2]
    const shift = torch.tensor(shifts, { dtype: 'float64' }).unsqueeze(1); // [N, 1, 2]
    return views.rotatePixels(p, angles, S, S).round().add(shift).long();
  });
}

/** N scenes drawn from `seed`; the last match row of every scene is padding (−1). */
export function lScenes(n: number, seed: number): methods.SceneBatch {
  const random = mulberry32(seed);
  const pick = (k: number): number => Math.floor(random() * k);
  const objectAngles = Array.from({ length: n }, () => 18 * pick(20));
  const kitAngles = Array.from({ length: n }, () => 18 * pick(20));
  const objectShifts = Array.from({ length: n }, (): [number, number] => [pick(9) - 4, pick(9) - 4]);
  const kitShifts = Array.from({ length: n }, (): [number, number] => [pick(5) - 2, pick(5) - 2]);
  return torch.scope(() => {
    const objectMask = placed(objectAngles, objectShifts);
    const cavity = placed(kitAngles, kitShifts);
    const background = torch.zeros([n, 1, S, S]);
    const board = background.clone();
    board
      .narrow(2, 3, S - 6)
      .narrow(3, 3, S - 6)
      .fill_(1);
    const object = torch.cat([objectMask.mul(0.6).add(0.2), objectMask.mul(0.03)], 1);
    const solid = board.mul(cavity.rsub(1)); // the board without its cavity
    const kit = torch.cat([solid.mul(0.3).add(board.mul(0.2)).add(0.1), solid.mul(0.015)], 1);
    const obj = transformed(L, objectAngles, objectShifts);
    const kitPx = transformed(L, kitAngles, kitShifts);
    const matches = torch.cat([torch.cat([obj, kitPx], 2), torch.full([n, 1, 4], -1, { dtype: 'int64' })], 1);
    const centre: [number, number][] = [[(S - 1) / 2, (S - 1) / 2]];
    return {
      object,
      kit,
      suction: transformed([GRIP], objectAngles, objectShifts).squeeze(1),
      place: transformed(centre, kitAngles, kitShifts).squeeze(1),
      rotation: torch.tensor(
        kitAngles.map((k, i) => ((((k - objectAngles[i]) / 18) % 20) + 20) % 20),
        { dtype: 'int64' },
      ),
      matches,
    };
  });
}

/** Whether each sample's suction argmax lies on its object: [N] booleans. */
export function argmaxOnObject(logits: Tensor, object: Tensor): boolean[] {
  return torch.scope(() => {
    const idx = logits.flatten(1).argmax(1); // [N]
    const onObject = object.select(1, 1).flatten(1).gather(1, idx.unsqueeze(1)).squeeze(1).gt(0.01).float();
    return onObject.toArray().map(Boolean);
  });
}
