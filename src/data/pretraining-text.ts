/**
 * Unlabelled text for pretraining (e.g. ELECTRA's replaced-token detection,
 * Clark et al. 2020), streamed one document at a time from named corpora or
 * folders of `.txt` files. A document is one Brown document, one State of the
 * Union address, one Moby-Dick chapter, a batch of WORDNET_BATCH WordNet glosses
 * (one a line) or one file. Folder files are read one at a time, in sorted
 * order, strictly (src/data/text-file.ts): an empty, binary or invalid-UTF-8
 * file stops the stream with an Error naming it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadMobyDick, loadSotu } from './stdlib-corpora.js';
import { loadBrown } from './text-corpora.js';
import { readTextFile } from './text-file.js';
import { loadWordnetGlosses } from './wordnet.js';

/** One pretraining document: where it comes from ('brown:ca01', 'sotu:1790_george_washington_n', a file path…) and its text. */
export interface TextDocument {
  source: string;
  text: string;
}

/** Glosses per WordNet document. */
export const WORDNET_BATCH = 100;

/** The built-in corpora, each a generator of its documents. */
const CORPORA: Record<string, () => Iterable<TextDocument>> = {
  *brown() {
    for (const d of loadBrown().items) yield { source: `brown:${d.id}`, text: d.text };
  },
  *sotu() {
    for (const s of loadSotu()) yield { source: `sotu:${s.id}`, text: s.text };
  },
  *'moby-dick'() {
    for (const c of loadMobyDick()) yield { source: `moby-dick:${c.chapter}`, text: c.text };
  },
  *wordnet() {
    const glosses = loadWordnetGlosses();
    for (let i = 0; i < glosses.length; i += WORDNET_BATCH) {
      const batch = glosses.slice(i, i + WORDNET_BATCH);
      yield { source: `wordnet:${i / WORDNET_BATCH}`, text: batch.map((g) => `${g.words.join(', ')}: ${g.gloss}`).join('\n') };
    }
  },
};

/** Every built-in corpus: 'brown', 'sotu', 'moby-dick', 'wordnet'. */
export const DEFAULT_PRETRAINING_SOURCES: readonly string[] = Object.keys(CORPORA);

/** The `.txt` files under `dir`, recursively, sorted by path (code-point order); fails when there are none. */
export function textFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.toLowerCase().endsWith('.txt')) out.push(p);
    }
  };
  walk(dir);
  if (!out.length) throw new Error(`pretrainingTexts: no .txt files under ${dir}`);
  return out.sort();
}

/**
 * Yields the documents of `sources` in order: each a corpus name (DEFAULT_PRETRAINING_SOURCES)
 * or a folder of `.txt` files. An unknown name that is not a folder fails before
 * anything is read, listing the valid names.
 */
export function* pretrainingTexts(sources: readonly string[] = DEFAULT_PRETRAINING_SOURCES): Generator<TextDocument> {
  if (!sources.length) throw new RangeError('pretrainingTexts: expected at least one source but received none');
  for (const s of sources)
    if (!(s in CORPORA) && !(existsSync(s) && statSync(s).isDirectory()))
      throw new RangeError(
        `pretrainingTexts: unknown source ${JSON.stringify(s)}: expected a corpus (${DEFAULT_PRETRAINING_SOURCES.join(', ')}) or a folder of .txt files`,
      );
  for (const s of sources) {
    if (s in CORPORA) yield* CORPORA[s]();
    else for (const file of textFiles(s)) yield { source: file, text: readTextFile(file, 'pretrainingTexts') };
  }
}
