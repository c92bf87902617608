/**
 * A subword tokenizer: character-level BPE (bpe.ts) with BERT's special tokens
 * (Devlin et al., 2019) at ids 0–4: [PAD] [UNK] [CLS] [SEP] [MASK]. Trained on a
 * corpus, it encodes text to ids and decodes them back exactly (characters outside
 * the learned alphabet become [UNK]); batches are padded / truncated into tensors;
 * the vocabulary is saved as JSON (atomic write).
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic.js';
import * as torch from '../torch/index.js';
import { bpeWord, preTokenize, trainBpe, type BpeModel } from './bpe.js';
import { huggingFaceConfig, huggingFaceJson, type HuggingFaceTokenizerJson } from './huggingface.js';

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
export const [PAD_ID, UNK_ID, CLS_ID, SEP_ID, MASK_ID] = [0, 1, 2, 3, 4];

export interface TrainTokenizerOptions {
  /** Vocabulary size including the 5 special tokens (default 8000). */
  vocabSize?: number;
  /** Minimum count of a pair to be merged (default 2). */
  minFrequency?: number;
  /** At most this many single characters, the most frequent (default 1000). */
  maxAlphabet?: number;
  /** Lower-case text before tokenising (default false; decoding then returns lower case). */
  lowercase?: boolean;
}

export interface EncodeBatchOptions {
  /** Longest sequence kept, specials included (default 512); longer ones are truncated. */
  maxLength?: number;
  /** 'longest': pad to the longest sequence in the batch (default); 'maxLength': pad to maxLength. */
  padding?: 'longest' | 'maxLength';
  /** Wrap each sequence as [CLS] … [SEP] (default true). */
  addSpecialTokens?: boolean;
}

/** A padded batch: both int64 [B, T]; attentionMask is 1 on real tokens and 0 on [PAD]. */
export interface Batch {
  inputIds: torch.Tensor;
  attentionMask: torch.Tensor;
  /** How many of the texts were longer than maxLength and were cut. */
  truncated: number;
}

/** The JSON file format of `save` / `load`. */
interface TokenizerJson {
  type: 'bpe';
  version: 1;
  lowercase: boolean;
  specialTokens: string[];
  alphabet: string[];
  merges: [string, string][];
}

/** BPE tokenizer with BERT-style special tokens. */
export class Tokenizer {
  /** Token strings by id: the 5 specials, the alphabet, then the merged strings. */
  readonly vocab: readonly string[];
  readonly specialIds: readonly number[] = SPECIAL_TOKENS.map((_, i) => i);
  readonly padId = PAD_ID;
  readonly unkId = UNK_ID;
  readonly clsId = CLS_ID;
  readonly sepId = SEP_ID;
  readonly maskId = MASK_ID;
  private readonly ids = new Map<string, number>();
  private readonly ranks = new Map<string, number>();
  private readonly cache = new Map<string, number[]>();

  constructor(
    readonly model: BpeModel,
    readonly lowercase = false,
  ) {
    const vocab: string[] = [...SPECIAL_TOKENS];
    const add = (s: string): void => {
      if (!this.ids.has(s)) {
        this.ids.set(s, vocab.length);
        vocab.push(s);
      }
    };
    vocab.forEach((s, i) => this.ids.set(s, i));
    model.alphabet.forEach(add);
    model.merges.forEach(([a, b], r) => {
      this.ranks.set(`${a}\u0000${b}`, r);
      add(a + b);
    });
    this.vocab = vocab;
  }

  /** Trains on texts (e.g. Brown documents); the vocabulary holds at most vocabSize tokens. */
  static train(texts: Iterable<string>, o: TrainTokenizerOptions = {}): Tokenizer {
    const { vocabSize = 8000, minFrequency = 2, maxAlphabet = 1000, lowercase = false } = o;
    if (!Number.isInteger(vocabSize) || vocabSize <= SPECIAL_TOKENS.length)
      throw new RangeError(
        `Tokenizer.train: expected an integer vocabSize > ${SPECIAL_TOKENS.length} (the special tokens) but received ${vocabSize}`,
      );
    if (!Number.isInteger(minFrequency) || minFrequency < 1)
      throw new RangeError(`Tokenizer.train: expected a positive integer minFrequency but received ${minFrequency}`);
    const counts = new Map<string, number>();
    for (const text of texts) for (const w of preTokenize(lowercase ? text.toLowerCase() : text)) counts.set(w, (counts.get(w) ?? 0) + 1);
    const model = trainBpe(counts, { vocabSize, reserved: SPECIAL_TOKENS.length, minFrequency, maxAlphabet });
    return new Tokenizer(model, lowercase);
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  /** The id of a token string, or undefined. */
  tokenToId(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** Token ids of a text, without special tokens unless `addSpecialTokens` ([CLS] … [SEP]). */
  encode(text: string, o: { addSpecialTokens?: boolean } = {}): number[] {
    if (typeof text !== 'string') throw new TypeError(`Tokenizer.encode: expected a string but received ${typeof text}`);
    const out: number[] = o.addSpecialTokens ? [CLS_ID] : [];
    for (const w of preTokenize(this.lowercase ? text.toLowerCase() : text)) {
      let ids = this.cache.get(w);
      if (!ids) {
        ids = bpeWord(w, this.ranks).flatMap((t) => this.ids.get(t) ?? Array.from(t, (ch) => this.ids.get(ch) ?? UNK_ID));
        if (this.cache.size < 100_000) this.cache.set(w, ids);
      }
      for (const id of ids) out.push(id);
    }
    if (o.addSpecialTokens) out.push(SEP_ID);
    return out;
  }

  /** Token strings of a text (no special tokens). */
  tokenize(text: string): string[] {
    return this.encode(text).map((id) => this.vocab[id]);
  }

  /** Text of token ids (a number array or an int tensor [T]); special tokens are dropped unless skipSpecialTokens is false. */
  decode(ids: readonly number[] | torch.Tensor, o: { skipSpecialTokens?: boolean } = {}): string {
    const { skipSpecialTokens = true } = o;
    const list = ids instanceof torch.Tensor ? ids.toArray() : ids;
    let s = '';
    for (const id of list) {
      const t = this.vocab[id];
      if (t === undefined) throw new RangeError(`Tokenizer.decode: id ${id} is outside the vocabulary [0, ${this.vocabSize})`);
      if (!(skipSpecialTokens && id < SPECIAL_TOKENS.length)) s += t;
    }
    return s;
  }

  /**
   * Encodes texts into a padded batch { inputIds, attentionMask }, int64 [B, T]:
   * each sequence is [CLS] tokens [SEP], truncated to maxLength (keeping [SEP]) and
   * right-padded with [PAD] to the longest sequence or to maxLength; `truncated`
   * counts the texts that were cut.
   */
  encodeBatch(texts: readonly string[], o: EncodeBatchOptions = {}): Batch {
    const { maxLength = 512, padding = 'longest', addSpecialTokens = true } = o;
    const specials = addSpecialTokens ? 2 : 0;
    if (!Number.isInteger(maxLength) || maxLength < specials + 1)
      throw new RangeError(`Tokenizer.encodeBatch: expected an integer maxLength >= ${specials + 1} but received ${maxLength}`);
    if (padding !== 'longest' && padding !== 'maxLength')
      throw new TypeError(`Tokenizer.encodeBatch: expected padding 'longest' or 'maxLength' but received ${JSON.stringify(padding)}`);
    let truncated = 0;
    const seqs = texts.map((t) => {
      const all = this.encode(t);
      if (all.length > maxLength - specials) truncated++;
      const ids = all.slice(0, maxLength - specials);
      return addSpecialTokens ? [CLS_ID, ...ids, SEP_ID] : ids;
    });
    const width = padding === 'maxLength' ? maxLength : Math.max(1, ...seqs.map((s) => s.length));
    const ids = new BigInt64Array(seqs.length * width); // [PAD] = 0
    const mask = new BigInt64Array(seqs.length * width);
    seqs.forEach((s, b) =>
      s.forEach((id, t) => {
        ids[b * width + t] = BigInt(id);
        mask[b * width + t] = 1n;
      }),
    );
    return {
      inputIds: torch.tensor(ids, { shape: [seqs.length, width] }),
      attentionMask: torch.tensor(mask, { shape: [seqs.length, width] }),
      truncated,
    };
  }

  toJSON(): TokenizerJson {
    return {
      type: 'bpe',
      version: 1,
      lowercase: this.lowercase,
      specialTokens: [...SPECIAL_TOKENS],
      alphabet: this.model.alphabet,
      merges: this.model.merges,
    };
  }

  /** Writes the vocabulary and merges as JSON atomically. */
  save(path: string): void {
    writeFileAtomic(path, JSON.stringify(this.toJSON()), 'Tokenizer.save');
  }

  /**
   * The Hugging Face `tokenizer.json` object of this tokenizer (huggingface.ts): loaded
   * by Tokenizers.js or Python's `tokenizers` (≥ 0.20), it gives the same ids as
   * `encode` (add_special_tokens: [CLS] … [SEP]) and decodes as `decode`.
   */
  toHuggingFace(): HuggingFaceTokenizerJson {
    return huggingFaceJson({ vocab: this.vocab, merges: this.model.merges, lowercase: this.lowercase, specials: SPECIAL_TOKENS });
  }

  /** The `tokenizer_config.json` object that goes beside tokenizer.json (special token roles, no space clean-up). */
  toHuggingFaceConfig(): Record<string, string | boolean> {
    return huggingFaceConfig(SPECIAL_TOKENS);
  }

  /** Writes `toHuggingFace()` as JSON to `path` (conventionally `tokenizer.json`) atomically. */
  saveHuggingFace(path: string): void {
    writeFileAtomic(path, JSON.stringify(this.toHuggingFace()), 'Tokenizer.saveHuggingFace');
  }

  /** Reads a tokenizer written by `save`; errors name the file and the bad field. */
  static load(path: string): Tokenizer {
    let j: Partial<TokenizerJson>;
    try {
      j = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new Error(`Tokenizer.load: cannot read ${path}: ${(e as Error).message}`);
    }
    if (j.type !== 'bpe' || j.version !== 1)
      throw new Error(
        `Tokenizer.load: ${path} is not a selfsup BPE tokenizer (type ${JSON.stringify(j.type)}, version ${JSON.stringify(j.version)})`,
      );
    if (JSON.stringify(j.specialTokens) !== JSON.stringify(SPECIAL_TOKENS))
      throw new Error(
        `Tokenizer.load: ${path} has special tokens ${JSON.stringify(j.specialTokens)}, expected ${JSON.stringify(SPECIAL_TOKENS)}`,
      );
    if (!Array.isArray(j.alphabet) || !Array.isArray(j.merges) || !j.merges.every((m) => Array.isArray(m) && m.length === 2))
      throw new Error(`Tokenizer.load: ${path} needs an 'alphabet' array and a 'merges' array of [a, b] pairs`);
    return new Tokenizer({ alphabet: j.alphabet, merges: j.merges }, j.lowercase === true);
  }
}
