/**
 * The evaluation splits of Form2Fit's benchmark (Zakka et al. 2020, §V):
 * `train-poses` — the training kits at new random board poses;
 * `combinations` — boards holding the cavity groups of two training kits (a
 * mixture of kits, or copies of one); `unseen` — the kits of shapes never used
 * in training. Every scene starts disassembled: its objects lie at random
 * poses on the object half, ready to be assembled.
 */
import { mixSeed, mulberry32 } from '../data/noise.js';
import { randomDrop, randomKitPose } from './drop.js';
import { combinationKits, TRAIN_KITS, UNSEEN_KITS, type KitDesign } from './kits.js';
import { assembledScene, HALF_SIZE, type Scene } from './scene.js';

export type Split = 'train-poses' | 'combinations' | 'unseen';
export const SPLITS: readonly Split[] = ['train-poses', 'combinations', 'unseen'];

/** The kits a split draws from. */
export function splitKits(split: Split, size = HALF_SIZE): KitDesign[] {
  if (split === 'train-poses') return [...TRAIN_KITS];
  if (split === 'combinations') return combinationKits(size);
  if (split === 'unseen') return [...UNSEEN_KITS];
  throw new RangeError(`splitKits: unknown split ${JSON.stringify(split)} (valid: ${SPLITS.join(', ')})`);
}

/** Scene `kit` at a random pose with every object dropped at a random pose on the object half. */
export function disassembledScene(kit: KitDesign, seed: number, size = HALF_SIZE): Scene {
  const random = mulberry32(seed);
  const scene = assembledScene(kit, randomKitPose(kit, size, random), size);
  scene.objects.forEach((o, i) => {
    o.pose = randomDrop(scene, i, o.shape, random);
    o.half = 'object';
  });
  return scene;
}

/** `n` disassembled scenes of a split, cycling through its kits; scene i is seeded by (seed, i). */
export function splitScenes(split: Split, n: number, seed: number, size = HALF_SIZE): Scene[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`splitScenes: expected a non-negative integer n but received ${n}`);
  const kits = splitKits(split, size);
  if (kits.length === 0) throw new RangeError(`splitScenes: no kit of split ${split} fits a ${size}×${size} half`);
  return Array.from({ length: n }, (_, i) => disassembledScene(kits[i % kits.length], mixSeed(seed, i), size));
}
