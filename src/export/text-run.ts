/**
 * The exportable network of a text pretraining run (`selfsup pretrain --method
 * electra|mlm`): its encoder (RUN/encoder.safetensors, ELECTRA's discriminator
 * or the masked-LM baseline's encoder — what `selfsup text-eval` fine-tunes),
 * fed token ids of the run's own BPE tokenizer (RUN/tokenizer.json); int8
 * calibrates on the run's own packed training sequences.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../torch/index.js';
import { Bert, attentionMaskOf } from '../models/bert.js';
import { Tokenizer } from '../text/tokenizer.js';
import { textModelSection, textModelSize } from '../pipeline/pretrain-text.js';
import { DEFAULT_SOURCES, packedCorpus } from '../pipeline/text-corpus.js';
import { spread } from '../data/collate.js';
import type { Exportable, RunConfig } from './run.js';

/** The data section of a text run's config (src/pipeline/pretrain-text.ts). */
interface TextData {
  maxLength: number;
  sources?: string[];
  lowercase?: boolean;
  maxTokens?: number;
}

/** How to make the inputs, for metadata_props: the tokenizer files and the Node calls that reproduce the ids. */
function tokenizerSpec(t: Tokenizer, maxLength: number): Record<string, unknown> {
  return {
    type: 'selfsup BPE over characters (src/text/tokenizer.ts) with BERT special tokens',
    file: 'tokenizer.json in the run folder (selfsup format)',
    huggingFace: 'hf/tokenizer.json in the run folder (tokenizers / Tokenizers.js format, the same ids)',
    node: `Tokenizer.load('RUN/tokenizer.json').encodeBatch(texts, { maxLength: ${maxLength} }) from selfsup gives input_ids and attention_mask`,
    lowercase: t.lowercase,
    specialTokens: { '[PAD]': t.padId, '[UNK]': t.unkId, '[CLS]': t.clsId, '[SEP]': t.sepId, '[MASK]': t.maskId },
    sequence: `[CLS] tokens [SEP], then [PAD] (id ${t.padId}, attention_mask 0) to the batch's longest; at most ${maxLength} tokens`,
  };
}

/** Text runs: the trained encoder, ids and mask int64 [batch, sequence] → last_hidden_state [batch, sequence, H] and pooled [batch, H]. */
export function textRun(dir: string, c: RunConfig, configPath: string): Exportable {
  const data = (c as { data?: Partial<TextData> }).data;
  const parsed = textModelSection.safeParse(c.model);
  if (c.model === undefined || !parsed.success || typeof data?.maxLength !== 'number')
    throw new Error(`export: ${configPath} has no text model or data.maxLength (not a text pretraining run)`);
  const tokenizerPath = join(dir, 'tokenizer.json');
  if (!existsSync(tokenizerPath)) throw new Error(`export: ${dir} has no tokenizer.json (a text pretraining run writes one)`);
  const path = join(dir, 'encoder.safetensors');
  if (!existsSync(path))
    throw new Error(`export: ${dir} has no encoder.safetensors (the trained encoder; has the run finished? resume it with --resume)`);
  const tokenizer = Tokenizer.load(tokenizerPath);
  const size = textModelSize(parsed.data, tokenizer.vocabSize, data.maxLength);
  const model = new Bert(size);
  torch.scope(() => model.loadStateDict(torch.safetensors.loadFile(path), true, path));
  const input = {
    input_ids: { shape: ['batch', 'sequence'], dtype: 'int64', range: `[0, ${size.vocabSize})`, sequence: `at most ${size.maxPositions}` },
    attention_mask: { shape: ['batch', 'sequence'], dtype: 'int64', values: '1 on tokens, 0 on [PAD]' },
    token_type_ids: 'none: selfsup feeds segment 0 only, built into the graph',
  };
  const output = {
    last_hidden_state: `[batch, sequence, ${size.hiddenSize}] the encoder's final hidden states`,
    pooled: `[batch, ${size.hiddenSize}] their mean over the tokens where attention_mask is 1 (selfsup's text representation)`,
  };
  return {
    model,
    inputShape: [size.maxPositions],
    what: 'encoder',
    metadata: {
      method: c.method?.name ?? 'unknown',
      vocab_size: String(size.vocabSize),
      max_length: String(size.maxPositions),
      input: JSON.stringify(input),
      output: JSON.stringify(output),
      tokenizer: JSON.stringify(tokenizerSpec(tokenizer, size.maxPositions)),
    },
    calibration: async (n) => {
      const d = data as TextData;
      const corpus = await packedCorpus({
        sources: d.sources ?? DEFAULT_SOURCES,
        maxLength: size.maxPositions,
        vocabSize: size.vocabSize,
        lowercase: d.lowercase ?? false,
        tokenizer: tokenizerPath,
        maxTokens: d.maxTokens,
      });
      const ids = spread(corpus.sequences, n); // [n, T]: the run's own packed sequences, [CLS] … [SEP], no padding
      return { input_ids: ids, attention_mask: attentionMaskOf(ids) };
    },
  };
}
