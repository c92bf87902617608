/**
 * Unlabelled text for pretraining: documents streamed from the sources,
 * a BPE tokenizer trained on them (or a given one), and the token ids packed
 * into fixed-length sequences [CLS] t₁ … t_{L−2} [SEP] (documents concatenated,
 * as BERT's and ELECTRA's pretraining data). For the packaged corpora the
 * tokenizer and the packed ids are cached under .cache/text/, keyed by
 * everything that made them; folders of the user's files are read afresh.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../torch/index.js';
import { Tokenizer } from '../text/tokenizer.js';
import { cachedTensors, defaultCacheDir } from '../data/cache.js';
import { pretrainingTexts, DEFAULT_PRETRAINING_SOURCES } from '../data/pretraining-text.js';

export const DEFAULT_SOURCES: readonly string[] = DEFAULT_PRETRAINING_SOURCES;

export interface CorpusOptions {
  sources: readonly string[];
  maxLength: number;
  vocabSize: number;
  lowercase: boolean;
  /** A tokenizer.json (selfsup format) to use instead of training one. */
  tokenizer?: string;
  maxTokens?: number;
  log?: (message: string) => void;
}

export interface PackedCorpus {
  tokenizer: Tokenizer;
  /** int64 [S, maxLength]: every row [CLS] … [SEP], the last one padded with [PAD]. */
  sequences: torch.Tensor;
}

const isPackaged = (sources: readonly string[]): boolean => sources.every((s) => DEFAULT_SOURCES.includes(s));
const hash = (v: unknown): string => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);

/** The tokenizer and the packed sequences of the sources. */
export async function packedCorpus(o: CorpusOptions): Promise<PackedCorpus> {
  const log = o.log ?? (() => {});
  const cacheable = isPackaged(o.sources);
  const dir = join(defaultCacheDir(), 'text');
  const texts = (): Iterable<string> => {
    let seen = 0;
    return (function* () {
      for (const doc of pretrainingTexts([...o.sources])) {
        if (o.maxTokens !== undefined && seen >= o.maxTokens * 6) return; // tokens are fewer than characters / 6 rarely; a generous cut for training the vocabulary
        seen += doc.text.length;
        yield doc.text;
      }
    })();
  };
  let tokenizer: Tokenizer;
  if (o.tokenizer) tokenizer = Tokenizer.load(o.tokenizer);
  else {
    const file = join(dir, `tokenizer-${hash([o.sources, o.vocabSize, o.lowercase, o.maxTokens])}.json`);
    if (cacheable && existsSync(file)) tokenizer = Tokenizer.load(file);
    else {
      log(`training a ${o.vocabSize}-token BPE vocabulary on ${o.sources.join(', ')} …`);
      tokenizer = Tokenizer.train(texts(), { vocabSize: o.vocabSize, lowercase: o.lowercase });
      if (cacheable) {
        mkdirSync(dir, { recursive: true });
        tokenizer.save(file);
      }
    }
  }
  const build = async (): Promise<Record<string, torch.Tensor>> => {
    log(`tokenising ${o.sources.join(', ')} …`);
    return { sequences: pack(tokenizer, pretrainingTexts([...o.sources]), o.maxLength, o.maxTokens) };
  };
  const key = { sources: o.sources, maxLength: o.maxLength, maxTokens: o.maxTokens ?? null, tokenizer: hash(tokenizer.toJSON()) };
  const { tensors } = cacheable
    ? await cachedTensors(join(dir, `packed-${hash(key)}.safetensors`), key, build)
    : { tensors: await build() };
  const sequences = tensors.sequences;
  log(`${sequences.shape[0]} sequences of ${sequences.shape[1]} tokens, vocabulary ${tokenizer.vocabSize}`);
  return { tokenizer, sequences };
}

/** Token ids of the documents, concatenated and cut into rows [CLS] … [SEP] of `maxLength`. */
function pack(tokenizer: Tokenizer, docs: Iterable<{ text: string }>, maxLength: number, maxTokens = Infinity): torch.Tensor {
  const body = maxLength - 2;
  let ids = new Int32Array(1 << 20);
  let n = 0;
  for (const doc of docs) {
    for (const id of tokenizer.encode(doc.text)) {
      if (n === ids.length) {
        const grown = new Int32Array(ids.length * 2);
        grown.set(ids);
        ids = grown;
      }
      ids[n++] = id;
    }
    if (n >= maxTokens) break;
  }
  n = Math.min(n, maxTokens);
  const rows = Math.ceil(n / body);
  if (!rows) throw new Error(`text: the sources hold no tokens`);
  const out = new BigInt64Array(rows * maxLength); // [PAD] = 0
  for (let r = 0; r < rows; r++) {
    const start = r * body;
    const len = Math.min(body, n - start);
    out[r * maxLength] = BigInt(tokenizer.clsId);
    for (let i = 0; i < len; i++) out[r * maxLength + 1 + i] = BigInt(ids[start + i]);
    out[r * maxLength + 1 + len] = BigInt(tokenizer.sepId);
  }
  return torch.tensor(out, { shape: [rows, maxLength] });
}
