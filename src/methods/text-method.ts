/**
 * What the text methods (ELECTRA, the masked-LM baseline) share: the encoder's
 * size and the vocabulary from the build context, the masking of a batch and
 * the masked-LM loss, the pooled representation, the Hugging Face export.
 */
import * as torch from '../torch/index.js';
import { attentionMaskOf, meanOverTokens, type Bert, type BertConfig } from '../models/bert.js';
import type { Module } from '../nn/module.js';
import * as F from '../torch/functional/index.js';
import { IGNORE_INDEX, maskTokens, type MaskingOptions } from '../text/masking.js';
import { MethodModel, type BuildContext, type TextBatch, type TextModelSize } from './method.js';

type Tensor = torch.Tensor;

/** The text part of a build context, or an error naming the method when it is built for another modality. */
export function textContext(ctx: BuildContext, method: string): NonNullable<BuildContext['text']> {
  if (!ctx.text) throw new Error(`${method} is a text method: it is built by the text pretraining pipeline (data: text corpora)`);
  return ctx.text;
}

/** The flattened [B·T] indices [M] of the masked positions (labels ≠ −100) of MLM labels [B, T]. */
function maskedPositions(labels: Tensor): Tensor {
  return torch.scope(() => torch.nonzero(labels.flatten().ne(IGNORE_INDEX)).squeeze(1));
}

/**
 * The masked-LM loss at the masked positions — cross-entropy of logits [M, V]
 * against the original ids [M], 0 (with gradient) when no token was masked —
 * and the fraction predicted right.
 */
export function maskedLmLoss(logits: Tensor, targets: Tensor): { loss: Tensor; accuracy: number } {
  if (!targets.shape[0]) return { loss: logits.sum(), accuracy: 0 };
  const accuracy = torch.noGrad(() => torch.scope(() => torch.argmax(logits, 1).eq(targets).to({ dtype: 'float32' }).mean().item()));
  return { loss: F.crossEntropy(logits, targets), accuracy };
}

/** A module exported under Hugging Face's names: its Hugging Face class and its encoder's config. */
export interface HuggingFaceExport {
  architecture: string;
  module: Module;
  config: Required<BertConfig>;
}

/** The tokenizer's ids a text method masks with. */
export interface TextVocab {
  maskId: number;
  specialIds: readonly number[];
}

/** A text method: its encoder is a BERT-style Transformer; `flopsPerStep` counts its training cost. */
export abstract class TextMethod extends MethodModel<TextBatch, Bert> {
  constructor(
    readonly size: TextModelSize,
    private readonly vocab: TextVocab,
  ) {
    super();
  }
  get representationDim(): number {
    return this.size.hiddenSize;
  }
  /**
   * MLM masking of token ids [B, T] (`maskTokens`; special tokens never
   * selected, draws from `generator`): the masked ids and the flattened [B·T]
   * indices [M] of the masked positions.
   */
  protected mask(
    inputIds: Tensor,
    o: Omit<MaskingOptions, 'generator'>,
    generator: torch.Generator,
  ): { masked: Tensor; positions: Tensor } {
    return torch.scope(() => {
      const { inputIds: masked, labels } = maskTokens(inputIds, { ...this.vocab, vocabSize: this.size.vocabSize }, { ...o, generator });
      return { masked, positions: maskedPositions(labels) };
    });
  }
  /** The module to export under Hugging Face's names (ELECTRA's discriminator, the MLM model). */
  abstract huggingFace(): HuggingFaceExport;
  /** Training FLOPs of one step on `batchSize` sequences of `length` tokens. */
  abstract flopsPerStep(batchSize: number, length: number): number;
  /**
   * The mean of the encoder's hidden states over the real tokens (id ≠ [PAD] = 0):
   * inputIds int64 [N, T] → [N, H]. `layer` is not used (no projection head).
   */
  representation(inputIds: Tensor): Tensor {
    return torch.scope(() => {
      const mask = attentionMaskOf(inputIds); // [N, T]
      return meanOverTokens(this.encoder.forward(inputIds, { attentionMask: mask }), mask); // [N, H]
    });
  }
}
