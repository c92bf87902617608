/**
 * The text sets of the data-set registry (src/data/registry.ts): one split of a
 * labelled text task (src/data/text-tasks.ts) — the examples, class names and
 * whether the classes are imbalanced. `limit` keeps a seeded stratified
 * subsample (not the first N: task examples are grouped by document).
 *
 *   { name: 'sotu-party', split: 'test', limit: 500 }
 *   { name: 'text-manifest', path: 'reviews.csv', split: 'train' }   CSV/JSONL with text,label,split
 */
import { int, z } from '../config/schema.js';
import type { DataConfig, DataSetSpec } from './registry.js';
import { loadTextTask, type TextExample } from './text-tasks.js';

export interface TextSet {
  classes: string[];
  examples: TextExample[];
  /** True when the task's training classes are imbalanced: report macro-F1 too. */
  imbalanced: boolean;
}

const seed = int('seed of the train/test split and of the limit subsample', 0, { min: 0 });

/** One split of `task`, as the registry's loaders return it. */
function loadSplit(task: string, c: DataConfig): TextSet {
  if (c.split !== 'train' && c.split !== 'test')
    throw new RangeError(`text set ${c.name}: expected split "train" or "test" but received ${JSON.stringify(c.split)}`);
  const limit = c.split === 'train' ? { trainLimit: c.limit } : { testLimit: c.limit };
  const t = loadTextTask(task, { seed: (c as DataConfig & { seed: number }).seed, ...limit });
  return { classes: t.classes, examples: t[c.split], imbalanced: t.imbalanced };
}

const builtIn = (name: string, summary: string): DataSetSpec<TextSet> => ({
  name,
  modality: 'text',
  summary,
  options: { seed },
  load: async (c) => loadSplit(name, c),
});

/** The text sets by name. */
export const TEXT_SET_SPECS: Record<string, DataSetSpec<TextSet>> = {
  spam: builtIn('spam', 'SpamAssassin email bodies, ham vs spam (6,046 emails; 80/20 split stratified by class)'),
  'brown-genre': builtIn(
    'brown-genre',
    'Brown corpus ~120-word passages in 4 genre groups (press, general, learned, fiction); split by document',
  ),
  'sotu-party': builtIn('sotu-party', 'State of the Union ~120-word passages, Democratic vs Republican; split by speech'),
  'sotu-era': builtIn(
    'sotu-era',
    'State of the Union ~120-word passages in 4 eras (1790-1860, 1861-1932, 1933-1980, 1981-); split by speech',
  ),
  'text-manifest': {
    name: 'text-manifest',
    modality: 'text',
    summary: 'a CSV or JSON-lines text task: text, label and split (train/test) fields',
    options: { path: z.string().min(1).describe('the manifest file (.csv, .jsonl or .ndjson)'), seed },
    load: async (c) => {
      const path = (c as DataConfig & { path: string }).path;
      return loadSplit(/\.(jsonl|ndjson)$/i.test(path) ? `jsonl:${path}` : `csv:${path}`, c);
    },
  },
};
