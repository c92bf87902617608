/**
 * The BPE tokenizer (tokenizer.ts) as a Hugging Face `tokenizer.json`: the schema
 * of the Rust `tokenizers` library (Python `tokenizers` ≥ 0.20, which reads merges
 * as [a, b] pairs: our tokens hold spaces, so the older "a b" strings cannot say
 * them) and of Tokenizers.js (`@huggingface/tokenizers`), set so that it encodes
 * and decodes as ours does:
 *  - model: BPE over characters with our vocabulary ids and merge ranks; a
 *    character outside the alphabet becomes one [UNK] (`fuse_unk` false, no byte
 *    fallback); every word goes through the merges (`ignore_merges` false), as in
 *    bpeWord, even one that is itself a vocabulary entry;
 *  - the 5 specials as added special tokens (skipped by decode's skip_special_tokens);
 *  - normalizer: Lowercase when we lowercase;
 *  - pre-tokenizer: Split (Isolated) with bpe.ts's regex in Oniguruma's dialect,
 *    which the Rust library compiles (and Tokenizers.js translates to JS): there
 *    `\s` is Unicode White_Space, while JS's `\s` is [\t\n\v\f\r\u2028\u2029\uFEFF\p{Zs}]
 *    (it adds U+FEFF and lacks U+0085), so `\s` and `\S` are spelled out as that class;
 *  - post-processor: [CLS] $A [SEP] (pairs: [CLS] $A [SEP] $B [SEP], B with type id 1);
 *  - decoder: Fuse, the concatenation of the tokens, as our decode.
 *
 * Differences tokenizer.json cannot remove: Hugging Face finds the specials' strings
 * in the raw text ('a [MASK] b' holds id 4), where we spell them out in characters;
 * the Rust library's Lowercase maps each character alone (Σ → σ) where JS's
 * toLowerCase, ours and Tokenizers.js's, makes a word-final Σ into ς (a lowercase
 * tokenizer whose alphabet holds σ or ς); and characters that the two engines'
 * Unicode versions class differently in \p{L}, \p{N} or \p{Zs}.
 */
import { PIECES } from './bpe.js';

/** JS's `\s` (ECMAScript WhiteSpace and LineTerminator) as the body of an Oniguruma character class. */
const JS_SPACE = String.raw`\t\n\v\f\r\x{2028}\x{2029}\x{FEFF}\p{Zs}`;

/** A JS regex source (u flag) with `\s` / `\S` rewritten to JS's whitespace class for Oniguruma. */
export function onigurumaPattern(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const e = source[++i];
      if (e === 's') out += inClass ? JS_SPACE : `[${JS_SPACE}]`;
      else if (e === 'S' && !inClass) out += `[^${JS_SPACE}]`;
      else if (e === 'S') throw new Error(`onigurumaPattern: \\S inside a character class is not supported (in /${source}/)`);
      else out += c + e;
    } else {
      if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      out += c;
    }
  }
  return out;
}

/** An added token of tokenizer.json: here always one of our specials, matched on the raw text. */
export interface HuggingFaceAddedToken {
  id: number;
  content: string;
  single_word: false;
  lstrip: false;
  rstrip: false;
  normalized: false;
  special: true;
}

type TemplatePiece = { SpecialToken: { id: string; type_id: number } } | { Sequence: { id: 'A' | 'B'; type_id: number } };

/** The `tokenizer.json` object of `Tokenizer.toHuggingFace()`. */
export interface HuggingFaceTokenizerJson {
  version: '1.0';
  truncation: null;
  padding: null;
  added_tokens: HuggingFaceAddedToken[];
  normalizer: { type: 'Lowercase' } | null;
  pre_tokenizer: { type: 'Split'; pattern: { Regex: string }; behavior: 'Isolated'; invert: false };
  post_processor: {
    type: 'TemplateProcessing';
    single: TemplatePiece[];
    pair: TemplatePiece[];
    special_tokens: Record<string, { id: string; ids: number[]; tokens: string[] }>;
  };
  decoder: { type: 'Fuse' };
  model: {
    type: 'BPE';
    dropout: null;
    unk_token: string;
    continuing_subword_prefix: null;
    end_of_word_suffix: null;
    fuse_unk: false;
    byte_fallback: false;
    ignore_merges: false;
    vocab: Record<string, number>;
    merges: [string, string][];
  };
}

/** What `huggingFaceJson` needs of a tokenizer. */
export interface HuggingFaceSource {
  vocab: readonly string[];
  merges: readonly (readonly [string, string])[];
  lowercase: boolean;
  /** [PAD] [UNK] [CLS] [SEP] [MASK], at their ids. */
  specials: readonly [string, string, string, string, string];
}

/** Builds tokenizer.json for a character-level BPE tokenizer with BERT specials (see the file comment). */
export function huggingFaceJson(t: HuggingFaceSource): HuggingFaceTokenizerJson {
  const [, unk, cls, sep] = t.specials;
  const special = (token: string): TemplatePiece => ({ SpecialToken: { id: token, type_id: 0 } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: t.specials.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: t.lowercase ? { type: 'Lowercase' } : null,
    pre_tokenizer: { type: 'Split', pattern: { Regex: onigurumaPattern(PIECES.source) }, behavior: 'Isolated', invert: false },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special(cls), { Sequence: { id: 'A', type_id: 0 } }, special(sep)],
      pair: [
        special(cls),
        { Sequence: { id: 'A', type_id: 0 } },
        special(sep),
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: sep, type_id: 1 } },
      ],
      special_tokens: Object.fromEntries([cls, sep].map((s) => [s, { id: s, ids: [t.specials.indexOf(s)], tokens: [s] }])),
    },
    decoder: { type: 'Fuse' },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: unk,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(t.vocab.map((s, id) => [s, id])), // own keys even for '__proto__'
      merges: t.merges.map(([a, b]) => [a, b]),
    },
  };
}

/**
 * The `tokenizer_config.json` that transformers' PreTrainedTokenizerFast and
 * Tokenizers.js read beside tokenizer.json: the special tokens' roles, and no
 * clean-up of spaces in decode (it would turn ' .' into '.', unlike ours).
 */
export function huggingFaceConfig(specials: HuggingFaceSource['specials']): Record<string, string | boolean> {
  const [pad_token, unk_token, cls_token, sep_token, mask_token] = specials;
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    clean_up_tokenization_spaces: false,
    pad_token,
    unk_token,
    cls_token,
    sep_token,
    mask_token,
  };
}
