/**
 * WordNet 3.0 glosses (Miller 1995; Fellbaum 1998) from Debian's `wordnet-base`:
 * the `data.<pos>` files (wndb(5WN)) hold one synset a line —
 * `offset lex_filenum ss_type w_cnt word lex_id … p_cnt pointers… | gloss` —
 * after a licence header of lines starting with two spaces. 117,659 synsets:
 * 82,115 nouns, 13,767 verbs, 18,156 adjectives, 3,621 adverbs. `npm run setup`
 * installs the package (as root) or unpacks it into `.cache/debian/`, searched too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../torch/native.js';

export const WORDNET_SYSTEM_DIR = '/usr/share/wordnet';
export const WORDNET_INSTALL = 'apt-get install wordnet-base';
/** Folders searched, in order: Debian's, then setup's unpacked copy under `.cache/debian/`. */
export const WORDNET_DIRS = [WORDNET_SYSTEM_DIR, join(packageRoot, '.cache', 'debian', WORDNET_SYSTEM_DIR)];

/** Parts of speech, by their data file's suffix. */
export const WORDNET_POS = ['noun', 'verb', 'adj', 'adv'] as const;
export type WordnetPos = (typeof WORDNET_POS)[number];

/** One synset's gloss. */
export interface Gloss {
  pos: WordnetPos;
  /** Byte offset of the synset in its data file: with `pos`, its id. */
  offset: number;
  /** The synset's words, underscores made spaces, adjective markers such as '(a)' removed. */
  words: string[];
  /** The definition and any quoted examples, e.g. 'an entity that has physical existence'. */
  gloss: string;
}

/** The first of `candidates` holding the WordNet data files; fails naming the commands to run when none does. */
export function wordnetDir(candidates: readonly string[] = WORDNET_DIRS): string {
  const dir = candidates.find((d) => existsSync(join(d, 'data.noun')));
  if (dir) return dir;
  throw new Error(
    `WordNet: the data files are not installed (looked in ${candidates.join(' and ')}); run \`sudo ${WORDNET_INSTALL}\`, or \`npm run setup\` (as root it installs the package, otherwise it unpacks it into .cache/debian)`,
  );
}

/** Parses one `data.<pos>` file's text; `file` names it in errors. */
export function parseWordnetData(text: string, pos: WordnetPos, file: string): Gloss[] {
  const out: Gloss[] = [];
  text.split('\n').forEach((line, k) => {
    if (line === '' || line.startsWith('  ')) return;
    const bar = line.indexOf(' | ');
    const head = (bar < 0 ? line : line.slice(0, bar)).split(' ');
    const count = parseInt(head[3], 16);
    if (!/^\d{8}$/.test(head[0]) || !(count >= 1) || head.length < 4 + 2 * count)
      throw new Error(
        `WordNet: ${file}:${k + 1}: expected "offset lex_filenum ss_type w_cnt word lex_id …" but found ${JSON.stringify(line.slice(0, 60))}`,
      );
    const words: string[] = [];
    for (let w = 0; w < count; w++) words.push(head[4 + 2 * w].replace(/\([a-z]+\)$/, '').replace(/_/g, ' '));
    out.push({ pos, offset: Number(head[0]), words, gloss: bar < 0 ? '' : line.slice(bar + 3).trim() });
  });
  return out;
}

/** Loads the glosses of the parts of speech `pos` (default all four, nouns first), in file order. */
export function loadWordnetGlosses(o: { dir?: string; pos?: WordnetPos[] } = {}): Gloss[] {
  const dir = o.dir ?? wordnetDir();
  const pos = o.pos ?? [...WORDNET_POS];
  const bad = pos.filter((p) => !WORDNET_POS.includes(p));
  if (bad.length) throw new RangeError(`loadWordnetGlosses: unknown parts of speech ${bad.join(', ')}; valid: ${WORDNET_POS.join(', ')}`);
  return pos.flatMap((p) => {
    const file = join(dir, `data.${p}`);
    if (!existsSync(file)) throw new Error(`WordNet: ${file} is missing; reinstall with \`sudo ${WORDNET_INSTALL}\` or \`npm run setup\``);
    return parseWordnetData(readFileSync(file, 'utf8'), p, file);
  });
}
