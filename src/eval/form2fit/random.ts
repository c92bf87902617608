/**
 * The random baseline of the Form2Fit evaluation: suction at a uniformly
 * random raised pixel of the object half (an object, not the table), place at a
 * uniformly random pixel of the kit board's bounding box, and a random one of
 * the 20 rotation bins. Its generator is seeded, so a planner made with the same
 * seed gives the same actions for the same sequence of calls.
 */
import { int, within } from '../../torch/check.js';
import { mulberry32 } from '../../data/noise.js';
import type { Scene } from '../../sim/index.js';
import { MIN_HEIGHT, type Action, type Planner, type Views } from './types.js';

/** The random planner (see the module comment); null when nothing is raised on either half. */
export function randomPlanner(seed: number, rotations = 20): Planner {
  within('randomPlanner', () => {
    int(seed, 'seed', 0);
    int(rotations, 'rotations', 1, 360);
  });
  const random = mulberry32(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  return {
    name: 'random',
    plan: (scene: Scene, views: Views): Action | null => {
      const s = scene.size;
      const objects = raised(views.object, s, 'views.object');
      const board = raised(views.kit, s, 'views.kit');
      if (objects.length === 0 || board.length === 0) return null;
      const [x0, x1] = [Math.min(...board.map((i) => i % s)), Math.max(...board.map((i) => i % s))];
      const [y0, y1] = [Math.floor(board[0] / s), Math.floor(board[board.length - 1] / s)];
      const suction = pick(objects);
      return {
        suction: [suction % s, Math.floor(suction / s)],
        place: [x0 + Math.floor(random() * (x1 - x0 + 1)), y0 + Math.floor(random() * (y1 - y0 + 1))],
        rotation: (360 / rotations) * Math.floor(random() * rotations),
      };
    },
  };
}

/** Flat indices (ascending) of the pixels of a [2, S, S] half higher than MIN_HEIGHT. */
export function raised(half: Float32Array, size: number, name: string): number[] {
  if (!(half instanceof Float32Array) || half.length !== 2 * size * size)
    throw new RangeError(`planner: expected ${name} to be a Float32Array of 2×${size}×${size} values but received ${half?.length ?? half}`);
  const out: number[] = [];
  for (let i = 0; i < size * size; i++) if (half[size * size + i] > MIN_HEIGHT) out.push(i);
  return out;
}
