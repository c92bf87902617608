/**
 * Self-supervised data (Form2Fit, Zakka et al. 2020, §IV-A): a disassembly
 * episode sucks at random points on the assembled kit's objects until the kit
 * is empty, dropping each gripped object at a random pose on the object half
 * (failed attempts are logged); played backwards, every step becomes an
 * assembly example — the suction point on the object half, the place point in
 * the kit half, the rotation Δθ (and its 20-bin label) — and the known rigid
 * transform gives the pixel correspondences between the object and its cavity.
 */
import { applyPose, localPoint, rotationBin, wrapDegrees, type Point, type Pose } from './geometry.js';
import { randomDrop } from './drop.js';
import type { KitDesign } from './kits.js';
import { placedOutline } from './kits.js';
import { rasterize } from './raster.js';
import { assembledScene, cavityOutline, cavityPose, cloneScene, HALF_SIZE, layers, type Scene } from './scene.js';
import { trySuction, type SuctionOptions } from './suction.js';
import { mulberry32 } from '../data/noise.js';

export interface DisassemblyStep {
  /** The object removed. */
  index: number;
  /** The successful suction pixel (kit half). */
  suction: Point;
  /** The object's pose before (kit half) and after (object half). */
  from: Pose;
  to: Pose;
  /** Suction pixels (kit half) tried in vain before this step. */
  failedAttempts: Point[];
}

export interface Episode {
  seed: number;
  kit: KitDesign;
  kitPose: Pose;
  size: number;
  steps: DisassemblyStep[];
}

export interface DisassemblyOptions extends SuctionOptions {
  /** Side of each half (px). Default 80. */
  size?: number;
  /** Suction attempts before the episode stops (kit maybe not empty). Default 40. */
  maxAttempts?: number;
}

/** Random suction on the assembled kit at `kitPose` until it is empty or `maxAttempts` are spent; seeded. */
export function disassemble(kit: KitDesign, kitPose: Pose, seed: number, o: DisassemblyOptions = {}): Episode {
  const { size = HALF_SIZE, maxAttempts = 40, ...suction } = o;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new RangeError(`disassemble: expected a positive integer maxAttempts but received ${maxAttempts}`);
  const random = mulberry32(seed);
  const scene = assembledScene(kit, kitPose, size);
  const steps: DisassemblyStep[] = [];
  let failed: Point[] = [];
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const tops = layers(scene, 'kit').top;
    const candidates = tops.reduce<number[]>((acc, id, p) => (id >= 0 ? (acc.push(p), acc) : acc), []);
    if (candidates.length === 0) break;
    const p = candidates[Math.floor(random() * candidates.length)];
    const px: Point = [p % size, Math.floor(p / size)];
    const index = trySuction(scene, 'kit', px, random, suction);
    if (index === null) {
      failed.push(px);
      continue;
    }
    const obj = scene.objects[index];
    const from = { ...obj.pose };
    const to = randomDrop(scene, index, obj.shape, random, localPoint(from, px));
    Object.assign(obj, { half: 'object', pose: to });
    steps.push({ index, suction: px, from, to, failedAttempts: failed });
    failed = [];
  }
  return { seed, kit, kitPose: { ...kitPose }, size, steps };
}

/** The scenes of an episode: the assembled kit, then the state after each step. */
export function episodeScenes(e: Episode): Scene[] {
  const scenes = [assembledScene(e.kit, e.kitPose, e.size)];
  for (const step of e.steps) {
    const next = cloneScene(scenes[scenes.length - 1]);
    const obj = next.objects[step.index];
    if (!obj || obj.half !== 'kit')
      throw new RangeError(`episodeScenes: step removes object ${step.index}, which is not in the kit (episode seed ${e.seed})`);
    Object.assign(obj, { half: 'object', pose: { ...step.to } });
    scenes.push(next);
  }
  return scenes;
}

export interface AssemblyExample {
  /** The state before this assembly action. */
  scene: Scene;
  index: number;
  /** Suction pixel on the object half. */
  suction: Point;
  /** Place pixel in the kit half (where the suction point goes). */
  place: Point;
  /** Δθ (degrees CCW, [0, 360)) that turns the object from its pose on the table into its cavity. */
  rotation: number;
  rotationBin: number;
}

/** The episode played backwards: one assembly example per step, last removed first. */
export function timeReverse(e: Episode): AssemblyExample[] {
  const scenes = episodeScenes(e);
  return e.steps
    .map((step, k): AssemblyExample => {
      const [x, y] = applyPose(step.to, localPoint(step.from, step.suction));
      const rotation = wrapDegrees(step.from.theta - step.to.theta);
      return {
        scene: scenes[k + 1],
        index: step.index,
        suction: [Math.round(x), Math.round(y)],
        place: [...step.suction],
        rotation,
        rotationBin: rotationBin(rotation),
      };
    })
    .reverse();
}

/**
 * Every pixel of the object (object half) paired with the pixel of its cavity
 * (unrotated kit half) it lands on when assembled: the rigid transform from
 * the object's pose to the cavity's, rounded, kept when inside the cavity.
 */
export function correspondences(x: AssemblyExample): { object: Point[]; kit: Point[] } {
  const { scene } = x;
  const o = scene.objects[x.index];
  const cavity = cavityPose(scene, o.slot);
  const inCavity = new Set(rasterize(cavityOutline(scene, o.slot), scene.size));
  const out: { object: Point[]; kit: Point[] } = { object: [], kit: [] };
  for (const p of rasterize(placedOutline(o.shape, o.pose), scene.size)) {
    const q: Point = [p % scene.size, Math.floor(p / scene.size)];
    const [u, v] = applyPose(cavity, localPoint(o.pose, q)).map(Math.round);
    if (u < 0 || v < 0 || u >= scene.size || v >= scene.size || !inCavity.has(v * scene.size + u)) continue;
    out.object.push(q);
    out.kit.push([u, v]);
  }
  return out;
}
