/**
 * The kit-assembly evaluation of Form2Fit (Zakka et al. 2020, §V): starting
 * from a disassembled scene, render both halves, ask the planner for an action,
 * grip with the simulator's suction model and place; repeat until no cavity is
 * empty, no object is left on the object half, the planner gives up or
 * `maxActions` actions were spent. A placement succeeds when the footprint IoU
 * with its cavity is at least 0.9 and the angle error at most 9° (the
 * simulator's `place`); a kit is completed when every object got seated. Every
 * random draw (depth noise, suction failures) comes from `seed`.
 */
import { int, num, options, within } from '../../torch/check.js';
import { mixSeed, mulberry32 } from '../../data/noise.js';
import { emptySlots, place, render, trySuction, type Scene } from '../../sim/index.js';
import type { Action, Planner } from './types.js';

export interface AssembleOptions {
  /** Most planner actions per scene (suction failures count). */
  maxActions: number;
  /** Seed of the depth noise and the suction failures. */
  seed: number;
  /** Depth noise σ of the rendered heightmaps (m). */
  noise: number;
  /** The simulator's capture radius in px (src/sim/place.ts; default 0, the strict test). */
  capture?: number;
}

/** One action and its outcome. */
export interface StepRecord {
  action: Action;
  /** The gripped object, or null when the suction failed (nothing moved). */
  object: number | null;
  /** Whether the object got seated in a cavity. */
  success: boolean;
  /** IoU with the scored cavity and angle error in degrees (NaN when nothing was placed). */
  iou: number;
  angleError: number;
  /** The object's shape name, or null. */
  shape: string | null;
}

export interface Trial {
  steps: StepRecord[];
  /** The scene before the first step and after each step (frames.length = steps.length + 1). */
  frames: Scene[];
  /** Objects in the scene and objects seated by the planner. */
  objects: number;
  seated: number;
  /** Whether every cavity was filled. */
  completed: boolean;
}

function checkAssemble(o: AssembleOptions, api: string): AssembleOptions {
  const { maxActions, seed, noise, capture = 0 } = options(o, api, ['maxActions', 'seed', 'noise', 'capture']);
  return within(api, () => ({
    maxActions: int(maxActions, 'maxActions', 1),
    seed: int(seed, 'seed', 0),
    noise: num(noise, 'noise', 0),
    capture: num(capture, 'capture', 0),
  }));
}

/** Runs `planner` on one disassembled scene (see the module comment). */
export function assembleScene(scene: Scene, planner: Planner, o: AssembleOptions): Trial {
  const { maxActions, seed, noise, capture } = checkAssemble(o, 'assembleScene');
  if (typeof planner?.plan !== 'function')
    throw new TypeError(`assembleScene: expected a planner with a plan method but received ${typeof planner}`);
  const steps: StepRecord[] = [];
  const frames = [scene];
  let now = scene;
  while (steps.length < maxActions && emptySlots(now).length > 0 && now.objects.some((ob) => ob.half === 'object')) {
    const k = steps.length;
    const action = planner.plan(now, render(now, { noise, seed: mixSeed(seed, 2 * k) }));
    if (action === null) break;
    const index = trySuction(now, 'object', action.suction, mulberry32(mixSeed(seed, 2 * k + 1)));
    if (index === null) steps.push({ action, object: null, success: false, iou: NaN, angleError: NaN, shape: null });
    else {
      const placed = place(now, index, action.suction, action.place, action.rotation, { capture });
      const { success, iou, angleError } = placed;
      steps.push({ action, object: index, success, iou, angleError, shape: now.objects[index].shape.name });
      now = placed.scene;
    }
    frames.push(now);
  }
  const seated = steps.filter((s) => s.success).length;
  return { steps, frames, objects: scene.objects.length, seated, completed: emptySlots(now).length === 0 };
}

export interface SplitResult {
  planner: string;
  kits: number;
  kitsCompleted: number;
  objects: number;
  /** Planner actions, suction failures among them, and placements (actions whose grip held). */
  actions: number;
  suctionFailures: number;
  placements: number;
  /** Successful placements. */
  successes: number;
  /** successes / placements, successes / objects, kitsCompleted / kits (NaN for 0/0). */
  placementSuccess: number;
  objectSuccess: number;
  completion: number;
  /** Mean IoU and angle error (degrees) over placements. */
  meanIou: number;
  meanAngleError: number;
  trials: Trial[];
}

/**
 * `assembleScene` over the scenes of a split, scene i with seed mixSeed(seed, i),
 * and the counts and rates of the whole split. The planner is called in scene
 * order, so a seeded planner's draws are the same from run to run.
 */
export function evaluateSplit(scenes: Scene[], planner: Planner, o: AssembleOptions): SplitResult {
  const { maxActions, seed, noise, capture } = checkAssemble(o, 'evaluateSplit');
  if (!Array.isArray(scenes) || scenes.length === 0)
    throw new RangeError(
      `evaluateSplit: expected a non-empty array of scenes but received ${Array.isArray(scenes) ? 'an empty array' : typeof scenes}`,
    );
  const trials = scenes.map((scene, i) => assembleScene(scene, planner, { maxActions, noise, capture, seed: mixSeed(seed, i) }));
  const steps = trials.flatMap((t) => t.steps);
  const placed = steps.filter((s) => s.object !== null);
  const successes = placed.filter((s) => s.success).length;
  const kitsCompleted = trials.filter((t) => t.completed).length;
  const objects = trials.reduce((a, t) => a + t.objects, 0);
  const mean = (v: number[]): number => (v.length === 0 ? NaN : v.reduce((a, b) => a + b, 0) / v.length);
  return {
    planner: planner.name,
    kits: scenes.length,
    kitsCompleted,
    objects,
    actions: steps.length,
    suctionFailures: steps.length - placed.length,
    placements: placed.length,
    successes,
    placementSuccess: successes / placed.length,
    objectSuccess: successes / objects,
    completion: kitsCompleted / scenes.length,
    meanIou: mean(placed.map((s) => s.iou)),
    meanAngleError: mean(placed.map((s) => s.angleError)),
    trials,
  };
}
