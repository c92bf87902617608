/** Text: a BPE subword tokenizer with BERT's special tokens, and MLM masking. */
export { preTokenize, trainBpe, bpeWord, type BpeModel, type BpeTrainOptions } from './bpe.js';
export {
  Tokenizer,
  SPECIAL_TOKENS,
  PAD_ID,
  UNK_ID,
  CLS_ID,
  SEP_ID,
  MASK_ID,
  type TrainTokenizerOptions,
  type EncodeBatchOptions,
  type Batch,
} from './tokenizer.js';
export { huggingFaceJson, huggingFaceConfig, onigurumaPattern, type HuggingFaceTokenizerJson } from './huggingface.js';
export { maskTokens, specialTokensMask, IGNORE_INDEX, type MaskVocab, type MaskingOptions, type Masked } from './masking.js';
