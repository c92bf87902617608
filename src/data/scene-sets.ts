/**
 * The scene sets of the data-set registry (src/data/registry.ts): `kits`, the
 * self-supervised disassembly episodes of the kit simulator (Form2Fit, Zakka
 * et al. 2020) and their time-reversed assembly examples — collected here,
 * seeded, or read from a JSON-lines file of episodes written by `writeEpisodes`
 * (a scene re-renders deterministically from its episode, so the file holds
 * poses only).
 *
 *   { name: 'kits', kits: ['circle', 'triangle-L'], episodes: 500, seed: 1, noise: 0.001 }
 *   { name: 'kits', path: 'runs/f2f/episodes.jsonl' }
 */
import { readFileSync } from 'node:fs';
import { int, num, strs, z } from '../config/schema.js';
import { writeFileAtomic } from '../io/atomic.js';
import {
  disassemble,
  getKits,
  HALF_SIZE,
  randomKitPose,
  timeReverse,
  TRAIN_KITS,
  type AssemblyExample,
  type Episode,
} from '../sim/index.js';
import { mixSeed, mulberry32 } from './noise.js';
import type { DataConfig, DataSetSpec } from './registry.js';

/** What the `kits` set loads: the episodes, their assembly examples (assembly order within each episode) and the depth noise to render with. */
export interface KitScenes {
  episodes: Episode[];
  examples: AssemblyExample[];
  noise: number;
}

export interface CollectOptions {
  /** Kit names; episode i uses kit i mod their count. */
  kits: readonly string[];
  episodes: number;
  seed: number;
  /** Side of each half (px). Default 80. */
  size?: number;
}

/** Disassembly episodes of the named kits at random board poses; episode i is seeded by (seed, i). */
export function collectEpisodes(o: CollectOptions): Episode[] {
  const kits = getKits(o.kits);
  if (kits.length === 0) throw new RangeError('collectEpisodes: expected at least one kit name but received none');
  if (!Number.isInteger(o.episodes) || o.episodes < 0)
    throw new RangeError(`collectEpisodes: expected a non-negative integer episodes but received ${o.episodes}`);
  const size = o.size ?? HALF_SIZE;
  return Array.from({ length: o.episodes }, (_, i) => {
    const seed = mixSeed(o.seed, i);
    const kit = kits[i % kits.length];
    return disassemble(kit, randomKitPose(kit, size, mulberry32(mixSeed(seed, 1))), seed, { size });
  });
}

/** Writes episodes as JSON lines, atomically. */
export function writeEpisodes(path: string, episodes: readonly Episode[]): void {
  writeFileAtomic(path, episodes.map((e) => JSON.stringify(e) + '\n').join(''), 'writeEpisodes');
}

const finite = z.number().refine(Number.isFinite);
const point = z.tuple([finite, finite]);
const pose = z.strictObject({ x: finite, y: finite, theta: finite });
const shape = z.strictObject({
  name: z.string(),
  vertices: z.array(point).min(3),
  height: finite.refine((h) => h > 0),
  symmetry: z.number().int().min(0),
  grey: z.number().min(0).max(1),
});
const episodeSchema = z.strictObject({
  seed: z.number().int(),
  kit: z.strictObject({
    name: z.string(),
    board: z.strictObject({ width: finite, height: finite, thickness: finite, grey: z.number().min(0).max(1) }),
    slots: z.array(z.strictObject({ shape, pose })).min(1),
  }),
  kitPose: pose,
  size: z.number().int().min(8),
  steps: z.array(z.strictObject({ index: z.number().int().min(0), suction: point, from: pose, to: pose, failedAttempts: z.array(point) })),
});

/** Reads a JSON-lines file of episodes; a bad line is named with its field. */
export function readEpisodes(path: string): Episode[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`readEpisodes: cannot read ${path}: ${(e as Error).message}`);
  }
  return text.split('\n').flatMap((line, i) => {
    if (line.trim() === '') return [];
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new RangeError(`readEpisodes: ${path} line ${i + 1} is not JSON: ${(e as Error).message}`);
    }
    const r = episodeSchema.safeParse(value);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new RangeError(`readEpisodes: ${path} line ${i + 1}: field ${issue.path.join('.') || '(episode)'}: ${issue.message}`);
    }
    return [r.data as Episode];
  });
}

const kits: DataSetSpec<KitScenes> = {
  name: 'kits',
  modality: 'scene',
  summary: 'self-supervised disassembly episodes of simulated kits (Form2Fit), time-reversed into assembly examples',
  options: {
    kits: strs(`kits to disassemble (default the training kits: ${TRAIN_KITS.map((k) => k.name).join(', ')})`),
    episodes: int('disassembly episodes to collect', 200, { min: 1 }),
    seed: int('seed of the board poses, suction attempts and drops', 0, { min: 0 }),
    noise: num('depth noise σ of the rendered heightmaps (m)', 0, { min: 0 }),
    size: int('side of each half in pixels (2 mm each)', HALF_SIZE, { min: 8 }),
    path: z.string().min(1).optional().describe('a JSON-lines file of episodes (written by collect) to read instead of collecting'),
  },
  async load(c) {
    const o = c as DataConfig & { kits?: string[]; episodes: number; seed: number; noise: number; size: number; path?: string };
    if (c.split !== 'train')
      throw new RangeError(
        `scene set kits: expected split "train" but received ${JSON.stringify(c.split)} (evaluation scenes come from splitScenes)`,
      );
    const episodes = o.path
      ? readEpisodes(o.path)
      : collectEpisodes({ kits: o.kits ?? TRAIN_KITS.map((k) => k.name), episodes: o.episodes, seed: o.seed, size: o.size });
    return { episodes, examples: episodes.flatMap(timeReverse), noise: o.noise };
  },
};

/** The scene sets, by name. */
export const SCENE_SET_SPECS: Readonly<Record<string, DataSetSpec<KitScenes>>> = { kits };
