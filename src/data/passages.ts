/**
 * Cutting running text into passages of whole sentences: the unit of the
 * labelled text tasks (src/data/text-tasks.ts) and of the State of the Union
 * "paragraphs" (the speeches come without paragraph breaks).
 */

/** Words in `text`: whitespace-separated tokens holding a letter or digit (so Brown's punctuation tokens do not count). */
export function wordCount(text: string): number {
  let n = 0;
  for (const t of text.split(/\s+/)) if (/[\p{L}\p{N}]/u.test(t)) n++;
  return n;
}

/**
 * Sentences of running prose: breaks after '.', '!' or '?' (and any closing
 * quotes or brackets) followed by whitespace and an upper-case letter, digit or
 * opening quote. Abbreviations such as "Mr. Speaker" also break; a passage
 * built from the pieces still holds whole text, in order.
 */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?]["'”’)\]]*)\s+(?=["'“‘([]?[\p{Lu}\p{N}])/u)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export interface PassageOptions {
  /** A passage closes at the first sentence end at or after this many words (default 120). */
  target?: number;
  /** The last, shorter passage is kept only with at least this many words (default 30). */
  min?: number;
}

/** Consecutive sentences joined (by single spaces) into passages of about `target` words. */
export function passages(sentences: readonly string[], o: PassageOptions = {}): string[] {
  const { target = 120, min = 30 } = o;
  if (!(Number.isInteger(target) && target >= 1))
    throw new RangeError(`passages: expected a positive integer target but received ${target}`);
  const out: string[] = [];
  let cur: string[] = [];
  let words = 0;
  for (const s of sentences) {
    cur.push(s);
    words += wordCount(s);
    if (words >= target) {
      out.push(cur.join(' '));
      cur = [];
      words = 0;
    }
  }
  if (cur.length && words >= min) out.push(cur.join(' '));
  return out;
}
