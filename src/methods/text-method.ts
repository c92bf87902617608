/**
 * What the text methods (ELECTRA, the masked-LM baseline) share: the batch type,
 * the encoder's size from the build context, the pooled representation, and the
 * masked positions of a batch.
 */
import * as torch from '../torch/index.js';
import type { Bert, BertConfig } from '../models/bert.js';
import type { Module } from '../nn/module.js';
import { IGNORE_INDEX } from '../text/masking.js';
import { MethodModel, type BuildContext, type TextBatch, type TextModelSize } from './method.js';

type Tensor = torch.Tensor;

/** The text part of a build context, or an error naming the method when it is built for another modality. */
export function textContext(ctx: BuildContext, method: string): NonNullable<BuildContext['text']> {
  if (!ctx.text) throw new Error(`${method} is a text method: it is built by the text pretraining pipeline (data: text corpora)`);
  return ctx.text;
}

/** The flattened [B·T] indices [M] of the masked positions (labels ≠ −100) of MLM labels [B, T]. */
export function maskedPositions(labels: Tensor): Tensor {
  return torch.scope(() => torch.nonzero(labels.flatten().ne(IGNORE_INDEX)).squeeze(1));
}

/** A text method: its encoder is a BERT-style Transformer; `flopsPerStep` counts its training cost. */
export abstract class TextMethod extends MethodModel<TextBatch, Bert> {
  abstract readonly size: TextModelSize;
  get representationDim(): number {
    return this.size.hiddenSize;
  }
  /** The module to export under Hugging Face's names (ELECTRA's discriminator, the MLM model), its Hugging Face class and encoder config. */
  abstract huggingFace(): { architecture: string; module: Module; config: Required<BertConfig> } | null;
  /** Training FLOPs of one step on `batchSize` sequences of `length` tokens. */
  abstract flopsPerStep(batchSize: number, length: number): number;
  /**
   * The mean of the encoder's hidden states over the real tokens (id ≠ [PAD] = 0):
   * inputIds int64 [N, T] → [N, H]. `layer` is not used (no projection head).
   */
  representation(inputIds: Tensor): Tensor {
    return torch.scope(() => {
      const mask = inputIds.ne(0).to({ dtype: 'int64' }); // [N, T]
      const h = this.encoder.forward(inputIds, { attentionMask: mask }); // [N, T, H]
      const w = mask.to({ dtype: h.dtype }).unsqueeze(2); // [N, T, 1]
      return h.mul(w).sum(1).div(w.sum(1).clamp(1, Infinity)); // [N, H]
    });
  }
}
