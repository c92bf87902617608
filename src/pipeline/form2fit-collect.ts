/**
 * `selfsup form2fit collect`: self-supervised data for Form2Fit (Zakka et al.
 * 2020, §IV-A) — the simulated robot disassembles assembled kits by random
 * suction, dropping each object it lifts at a random pose on the table; the
 * recording, played backwards, labels assembly (suction point, place point,
 * rotation, pixel correspondences). No hand labels anywhere. Writes
 * OUT/episodes.jsonl (poses only: scenes re-render deterministically; train on
 * it with `--data kits --data.path OUT/episodes.jsonl`), OUT/collect.json with
 * the counts, and strips (PNG + GIF) of the first episodes, each frame marking
 * the suction pixel of the next step.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { int, parseConfig, strs, z, type Config } from '../config/schema.js';
import { collectEpisodes, writeEpisodes } from '../data/scene-sets.js';
import { episodeGif, episodeScenes, episodeStrip, HALF_SIZE, TRAIN_KITS } from '../sim/index.js';
import { writeFileAtomic } from '../io/atomic.js';

export const form2fitCollectSchema = () =>
  z.strictObject({
    kits: strs(`kits to disassemble (default the training kits: ${TRAIN_KITS.map((k) => k.name).join(', ')})`),
    episodes: int('disassembly episodes (cycling through the kits, each at a random board pose)', 200, { min: 1, max: 1_000_000 }),
    size: int('side of each half in pixels (2 mm each)', HALF_SIZE, { min: 16, max: 512 }),
    strips: int('episodes drawn as strips (PNG + GIF)', 3, { min: 0, max: 100 }),
    seed: int('seed of the board poses, suction attempts and drops', 0, { min: 0 }),
  });
export type Form2FitCollectConfig = Config<ReturnType<typeof form2fitCollectSchema>>;

export interface CollectSummary {
  episodes: number;
  /** Assembly examples (successful disassembly steps) and suction attempts that failed. */
  examples: number;
  failedSuctions: number;
  /** Episodes that emptied their kit. */
  emptied: number;
}

/** Collects into `out`; an existing collection is kept (collection is seeded: the same options give the same file). */
export async function form2fitCollect(raw: Record<string, unknown>, out: string): Promise<CollectSummary> {
  const c: Form2FitCollectConfig = parseConfig(form2fitCollectSchema(), raw, 'form2fit collect');
  const file = join(out, 'episodes.jsonl');
  if (existsSync(file)) throw new Error(`form2fit collect: ${file} exists (collection is seeded: remove it to collect again)`);
  const started = Date.now();
  const episodes = collectEpisodes({ kits: c.kits ?? TRAIN_KITS.map((k) => k.name), episodes: c.episodes, seed: c.seed, size: c.size });
  const summary: CollectSummary = {
    episodes: episodes.length,
    examples: episodes.reduce((n, e) => n + e.steps.length, 0), // one assembly example per step (timeReverse)
    failedSuctions: episodes.reduce((n, e) => n + e.steps.reduce((m, s) => m + s.failedAttempts.length, 0), 0),
    emptied: episodes.filter((e) => e.steps.length === e.kit.slots.length).length,
  };
  mkdirSync(join(out, 'strips'), { recursive: true });
  for (const [k, e] of episodes.slice(0, c.strips).entries()) {
    const marks = [...e.steps.map((s) => ({ place: s.suction })), null];
    const scenes = episodeScenes(e);
    writeFileAtomic(join(out, 'strips', `episode-${k}.png`), await episodeStrip(scenes, { marks }), 'form2fit collect');
    writeFileAtomic(join(out, 'strips', `episode-${k}.gif`), await episodeGif(scenes, { marks }), 'form2fit collect');
  }
  writeFileAtomic(join(out, 'collect.json'), JSON.stringify({ config: c, ...summary }, null, 2), 'form2fit collect');
  writeEpisodes(file, episodes); // last: its presence marks a finished collection
  console.error(
    `form2fit collect: ${summary.episodes} episodes (${summary.emptied} emptied their kit), ${summary.examples} assembly examples, ` +
      `${summary.failedSuctions} failed suctions, ${((Date.now() - started) / 1000).toFixed(1)} s → ${file}`,
  );
  return summary;
}
