/**
 * Byte-pair encoding (Sennrich et al., 2016, "Neural Machine Translation of Rare
 * Words with Subword Units") over characters: pre-tokenisation, training (the
 * merge list) and merging one word. The tokenizer (tokenizer.ts) builds on these.
 *
 * Pre-tokenisation splits text GPT-2 style into runs of letters, digits or other
 * symbols, each with the space before it (' the', ' 1961', ' ,'), and whitespace
 * runs; the pieces concatenate back to the text, so decoding is exact.
 */

/** The pre-tokenisation regex (JS dialect, u flag); huggingface.ts exports it to Hugging Face's Oniguruma dialect. */
export const PIECES = / ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** Splits text into pre-tokens whose concatenation is the text. */
export function preTokenize(text: string): string[] {
  return text.match(PIECES) ?? [];
}

export interface BpeTrainOptions {
  /** Target number of distinct tokens, specials included. */
  vocabSize: number;
  /** Number of special tokens reserved at the start of the vocabulary. */
  reserved: number;
  /** Stop merging when the most frequent pair occurs fewer times (default 2). */
  minFrequency?: number;
  /** Keep at most this many characters, the most frequent (default 1000); rarer ones encode as [UNK]. */
  maxAlphabet?: number;
}

/** What training learns: the alphabet (single characters) and the merges in rank order. */
export interface BpeModel {
  alphabet: string[];
  merges: [string, string][];
}

/** A max-heap of (count, pair key), ties to the smaller key; entries go stale and are skipped on pop. */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];
  private better(i: number, j: number): boolean {
    const [c, k] = [this.counts, this.keys];
    return c[i] > c[j] || (c[i] === c[j] && k[i] < k[j]);
  }
  private swap(i: number, j: number): void {
    const [c, k] = [this.counts, this.keys];
    [c[i], c[j]] = [c[j], c[i]];
    [k[i], k[j]] = [k[j], k[i]];
  }
  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    for (let i = this.counts.length - 1; i > 0 && this.better(i, (i - 1) >> 1); i = (i - 1) >> 1) this.swap(i, (i - 1) >> 1);
  }
  /** Removes the top entry and returns [count, key], or null when empty. */
  pop(): [number, number] | null {
    const n = this.counts.length;
    if (!n) return null;
    const top: [number, number] = [this.counts[0], this.keys[0]];
    this.swap(0, n - 1);
    this.counts.pop();
    this.keys.pop();
    for (let i = 0; ;) {
      const [l, r] = [2 * i + 1, 2 * i + 2];
      let m = i;
      if (l < n - 1 && this.better(l, m)) m = l;
      if (r < n - 1 && this.better(r, m)) m = r;
      if (m === i) return top;
      this.swap(i, m);
      i = m;
    }
  }
}

/**
 * Learns BPE merges from pre-token counts: repeatedly merges the most frequent
 * adjacent pair (ties broken by earlier-created symbols) until the vocabulary
 * (reserved + alphabet + distinct merged strings) reaches vocabSize or no pair
 * occurs minFrequency times. Pair counts are updated locally around each merge.
 */
export function trainBpe(wordCounts: Map<string, number>, o: BpeTrainOptions): BpeModel {
  const { vocabSize, reserved, minFrequency = 2, maxAlphabet = 1000 } = o;
  const charCounts = new Map<string, number>();
  for (const [w, c] of wordCounts) for (const ch of w) charCounts.set(ch, (charCounts.get(ch) ?? 0) + c);
  const alphabet = [...charCounts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map((e) => e[0])
    .slice(0, Math.min(maxAlphabet, vocabSize - reserved));
  const symbols = [...alphabet];
  const idOf = new Map(alphabet.map((s, i) => [s, i]));
  const words = [...wordCounts].map(([w, count]) => ({ s: Array.from(w, (ch) => idOf.get(ch) ?? -1), count }));
  // A pair (x, y) is the key x · shift + y; symbol ids stay below shift (small keys keep the maps fast).
  const shift = 2 ** Math.ceil(Math.log2(2 * vocabSize + alphabet.length));
  const counts = new Map<number, number>();
  const where = new Map<number, number[]>(); // words that held the pair (may repeat or be stale)
  const seen = new Int32Array(words.length).fill(-1); // last merge that visited each word
  let touched = new Set<number>();
  /** Adds d to the count of pair (x, y) seen in word wi; pairs with an unknown character (−1) are not counted. */
  const bump = (x: number, y: number, d: number, wi: number): void => {
    if (x < 0 || y < 0) return;
    const key = x * shift + y;
    counts.set(key, (counts.get(key) ?? 0) + d);
    touched.add(key);
    if (d > 0) {
      const list = where.get(key);
      if (list) list.push(wi);
      else where.set(key, [wi]);
    }
  };
  words.forEach(({ s, count }, wi) => {
    for (let i = 0; i + 1 < s.length; i++) bump(s[i], s[i + 1], count, wi);
  });
  const heap = new PairHeap();
  const flush = (): void => {
    for (const k of touched) {
      const c = counts.get(k)!;
      if (c > 0) heap.push(c, k);
      else counts.delete(k);
    }
    touched = new Set();
  };
  flush();
  const merges: [string, string][] = [];
  const strings = new Set(symbols);
  while (reserved + strings.size < vocabSize && symbols.length < shift) {
    const top = heap.pop();
    if (!top) break;
    const [count, key] = top;
    if (counts.get(key) !== count) continue; // stale entry
    if (count < minFrequency) break;
    const [a, b] = [Math.floor(key / shift), key % shift];
    const m = symbols.length;
    symbols.push(symbols[a] + symbols[b]);
    strings.add(symbols[m]);
    merges.push([symbols[a], symbols[b]]);
    for (const wi of where.get(key)!) {
      if (seen[wi] === merges.length) continue;
      seen[wi] = merges.length;
      const { s, count: c } = words[wi];
      const out: number[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          // (prev, a) → (prev, m) and (b, next) → (m, next); prev may be an m just made.
          bump(a, b, -c, wi);
          if (out.length) {
            bump(out[out.length - 1], a, -c, wi);
            bump(out[out.length - 1], m, c, wi);
          }
          if (i + 2 < s.length) {
            bump(b, s[i + 2], -c, wi);
            bump(m, s[i + 2], c, wi);
          }
          out.push(m);
          i++;
        } else out.push(s[i]);
      }
      words[wi].s = out;
    }
    where.delete(key);
    flush();
  }
  return { alphabet, merges };
}

/**
 * Splits one pre-token into BPE tokens: starts from characters and applies the
 * lowest-ranked adjacent merge until none applies. `ranks` maps `a + '\u0000' + b`
 * to the merge's rank.
 */
export function bpeWord(word: string, ranks: Map<string, number>): string[] {
  const s = Array.from(word);
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < s.length; i++) {
      const r = ranks.get(`${s[i]}\u0000${s[i + 1]}`);
      if (r !== undefined && r < bestRank) {
        bestRank = r;
        best = i;
      }
    }
    if (best < 0) return s;
    const [a, b] = [s[best], s[best + 1]];
    for (let i = 0; i + 1 < s.length; i++) if (s[i] === a && s[i + 1] === b) s.splice(i, 2, a + b);
  }
}
