/**
 * Labelled text classification tasks for evaluating text encoders (linear probes
 * and fine-tuning after ELECTRA-style pretraining). Built in:
 *  - `spam`: SpamAssassin email bodies, ham vs spam; 80/20 split stratified by class;
 *  - `brown-genre`: ~120-word passages of Brown documents labelled with one of
 *    four groups of the Brown genres (see BROWN_GENRE_GROUPS); split by document;
 *  - `sotu-party`: ~120-word State of the Union passages, Democratic vs
 *    Republican; split by speech;
 *  - `sotu-era`: the same passages from all 233 speeches, labelled with four eras; split by speech.
 * A user task is a manifest file (src/data/text-manifest.ts). Every split is
 * seeded; `trainLimit` / `testLimit` take seeded stratified subsamples.
 */
import { passages } from './passages.js';
import { loadSotu } from './stdlib-corpora.js';
import { emailBody, loadBrown, loadSpamAssassin } from './text-corpora.js';
import { isTextManifest, readTextTaskManifest } from './text-manifest.js';
import { groupSplit, stratifiedSample } from './text-split.js';

export interface TextExample {
  text: string;
  label: number;
}

export interface TextTask {
  name: string;
  /** Class names, by label. */
  classes: string[];
  train: TextExample[];
  test: TextExample[];
  /** True when classes are imbalanced (largest / smallest training class > IMBALANCE_RATIO): report macro-F1 too. */
  imbalanced: boolean;
}

export interface TextTaskOptions {
  /** Seed of the split and the subsamples (default 0). */
  seed?: number;
  /** Keep a seeded stratified subsample of this many training examples (default all). */
  trainLimit?: number;
  /** Keep a seeded stratified subsample of this many test examples (default all). */
  testLimit?: number;
}

/** Training-class-size ratio above which a task counts as imbalanced. */
export const IMBALANCE_RATIO = 1.5;
/** Share of the groups (documents, speeches, emails) of each class held out for test. */
export const TEST_FRACTION = 0.2;

/**
 * Brown's genres in the corpus's own four top-level sections (Francis & Kučera's
 * A–C press, D–G general prose, H and J learned/official, K–R fiction). The 15
 * genres are too fine for a held-out-document test: science fiction has 6
 * documents and humor 9, so a 20 % test split would hold one or two of them,
 * and genres such as adventure and romance differ little within 120 words.
 */
export const BROWN_GENRE_GROUPS: Readonly<Record<string, string>> = {
  news: 'press',
  editorial: 'press',
  reviews: 'press',
  religion: 'general',
  hobbies: 'general',
  lore: 'general',
  belles_lettres: 'general',
  government: 'learned',
  learned: 'learned',
  fiction: 'fiction',
  mystery: 'fiction',
  science_fiction: 'fiction',
  adventure: 'fiction',
  romance: 'fiction',
  humor: 'fiction',
};

/** State of the Union eras: [first year, name]. */
export const SOTU_ERAS: readonly (readonly [number, string])[] = [
  [1790, '1790-1860'],
  [1861, '1861-1932'],
  [1933, '1933-1980'],
  [1981, '1981-'],
];

/** Labelled items before splitting: each with the group (document) it comes from. */
interface Pool {
  classes: string[];
  items: { text: string; label: number; group: string }[];
}

const BUILT_IN: Record<string, () => Pool> = {
  spam() {
    const classes = ['ham', 'spam'];
    const items = loadSpamAssassin()
      .items.map((e) => ({ text: emailBody(e.text).trim(), label: classes.indexOf(e.label), group: `${e.group}/${e.id}` }))
      .filter((e) => e.text !== '');
    return { classes, items };
  },
  'brown-genre'() {
    const classes = ['press', 'general', 'learned', 'fiction'];
    const items = loadBrown().items.flatMap((d) =>
      passages(d.sentences.map((s) => s.join(' '))).map((text) => ({
        text,
        label: classes.indexOf(BROWN_GENRE_GROUPS[d.genre]),
        group: d.id,
      })),
    );
    return { classes, items };
  },
  'sotu-party'() {
    const classes = ['Democratic', 'Republican'];
    const items = loadSotu()
      .filter((s) => classes.includes(s.party))
      .flatMap((s) => s.paragraphs.map((text) => ({ text, label: classes.indexOf(s.party), group: s.id })));
    return { classes, items };
  },
  'sotu-era'() {
    const classes = SOTU_ERAS.map((e) => e[1]);
    const era = (year: number): number => SOTU_ERAS.filter(([from]) => year >= from).length - 1;
    const items = loadSotu().flatMap((s) => s.paragraphs.map((text) => ({ text, label: era(s.year), group: s.id })));
    return { classes, items };
  },
};

/** The names of the built-in tasks. */
export const TEXT_TASKS = Object.keys(BUILT_IN);

/** Whether the training class sizes of `train` (over `numClasses`) are imbalanced (see IMBALANCE_RATIO). */
export function isImbalanced(train: readonly TextExample[], numClasses: number): boolean {
  const counts = classCounts(train, numClasses);
  return Math.max(...counts) > IMBALANCE_RATIO * Math.min(...counts);
}

/** Examples per class of `examples`, by label. */
export function classCounts(examples: readonly TextExample[], numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const e of examples) counts[e.label]++;
  return counts;
}

/**
 * Loads a task by name: a built-in one (TEXT_TASKS) or a manifest — `csv:<path>`,
 * `jsonl:<path>`, or a path ending in .csv, .jsonl or .ndjson. An unknown name
 * lists the valid ones.
 */
export function loadTextTask(name: string, o: TextTaskOptions = {}): TextTask {
  const { seed = 0, trainLimit, testLimit } = o;
  let task: Omit<TextTask, 'imbalanced'>;
  if (isTextManifest(name)) task = readTextTaskManifest(name);
  else if (name in BUILT_IN) {
    const pool = BUILT_IN[name]();
    const split = groupSplit(
      pool.items.map((e) => e.group),
      pool.items.map((e) => e.label),
      TEST_FRACTION,
      seed,
    );
    const pick = (ix: number[]): TextExample[] => ix.map((i) => ({ text: pool.items[i].text, label: pool.items[i].label }));
    task = { name, classes: pool.classes, train: pick(split.train), test: pick(split.test) };
  } else
    throw new RangeError(
      `loadTextTask: unknown task ${JSON.stringify(name)} (valid: ${TEXT_TASKS.join(', ')}, or a manifest: csv:<path>, jsonl:<path>, or a .csv / .jsonl file)`,
    );
  const limit = (xs: TextExample[], n: number | undefined): TextExample[] =>
    n === undefined
      ? xs
      : stratifiedSample(
          xs.map((e) => e.label),
          n,
          seed,
        ).map((i) => xs[i]);
  const train = limit(task.train, trainLimit);
  return { ...task, train, test: limit(task.test, testLimit), imbalanced: isImbalanced(train, task.classes.length) };
}
