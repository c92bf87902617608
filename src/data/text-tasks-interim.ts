/**
 * INTERIM, until src/data/text-tasks.ts lands (it defines the same two
 * interfaces and `loadTextTask` with this signature, and more tasks): labelled
 * text tasks built from the packaged corpora, so text-eval can be built and
 * tested meanwhile. At merge, delete this file and import from './text-tasks.js'.
 *
 *   spam         SpamAssassin email bodies, ham / spam (imbalanced: 4,150 / 1,896)
 *   brown-genre  Brown corpus passages of 10 sentences, 15 genres; test passages
 *                come from other documents than training ones (every 5th document)
 */
import { permutation } from './samplers.js';
import * as torch from '../torch/index.js';
import { emailBody, loadBrown, loadSpamAssassin } from './text-corpora.js';

export interface TextExample {
  text: string;
  label: number;
}
export interface TextTask {
  name: string;
  classes: string[];
  train: TextExample[];
  test: TextExample[];
  /** true when classes are imbalanced: report macro-F1 too */
  imbalanced: boolean;
}

/** `examples` in a seeded random order, the first `limit` of them. */
function shuffled(examples: TextExample[], seed: number, limit = Infinity): TextExample[] {
  return permutation(examples.length, new torch.Generator(seed))
    .slice(0, limit)
    .map((i) => examples[i]);
}

export function loadTextTask(name: string, o: { seed?: number; trainLimit?: number; testLimit?: number } = {}): TextTask {
  const { seed = 0, trainLimit, testLimit } = o;
  if (name === 'spam') {
    const classes = ['ham', 'spam'];
    const all = shuffled(
      loadSpamAssassin().items.map((e) => ({ text: emailBody(e.text), label: classes.indexOf(e.label) })),
      seed,
    );
    const nTest = Math.min(testLimit ?? Math.round(all.length / 5), Math.round(all.length / 5));
    return { name, classes, test: all.slice(0, nTest), train: all.slice(nTest).slice(0, trainLimit), imbalanced: true };
  }
  if (name === 'brown-genre') {
    const docs = loadBrown().items;
    const classes = [...new Set(docs.map((d) => d.genre))].sort();
    const train: TextExample[] = [];
    const test: TextExample[] = [];
    docs.forEach((d, i) => {
      for (let s = 0; s < d.sentences.length; s += 10)
        (i % 5 === 4 ? test : train).push({
          text: d.sentences
            .slice(s, s + 10)
            .map((w) => w.join(' '))
            .join('\n'),
          label: classes.indexOf(d.genre),
        });
    });
    return { name, classes, train: shuffled(train, seed, trainLimit), test: shuffled(test, seed + 1, testLimit), imbalanced: true };
  }
  throw new Error(
    `text task "${name}" is not available on this branch (it comes with src/data/text-tasks.ts); available: spam, brown-genre, csv:FILE, jsonl:FILE`,
  );
}
