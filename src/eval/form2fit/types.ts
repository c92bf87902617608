/**
 * What a kit-assembly planner sees and does (Zakka et al. 2020, "Form2Fit:
 * Learning Shape Priors for Generalizable Assembly from Disassembly", §III):
 * it reads the rendered kit and object halves and returns one pick-and-place
 * action — a suction pixel on the object half, a place pixel on the kit half
 * and the turn of the object between them.
 */
import type { Scene } from '../../sim/index.js';

/** One pick-and-place action; pixels are (x, y) = (column, row) in their half. */
export interface Action {
  /** Suction pixel on the object half. */
  suction: [number, number];
  /** Pixel of the kit half (unrotated) where the suction point is put down. */
  place: [number, number];
  /** Counter-clockwise turn of the object about the suction point, degrees. */
  rotation: number;
}

/** The two rendered halves, each [2, S, S] (grey, height in metres). */
export interface Views {
  kit: Float32Array;
  object: Float32Array;
}

/** A planner: `plan` returns the next action, or null when it sees nothing left to do. */
export interface Planner {
  name: string;
  plan(scene: Scene, views: Views): Action | null;
}

/** Pixels higher than this above the table (metres) hold something (an object or the board). */
export const MIN_HEIGHT = 0.003;
