/**
 * An encoder with a linear classifier on top: what fine-tuning trains (SimCLR §4 /
 * appendix B.5), optionally with dropout on the features before the classifier
 * (EfficientNet's head, which Noisy Student's students train with rate 0.5, Xie et al. 2020 §3.1).
 */
import * as torch from '../torch/index.js';
import { Dropout, Linear, Module } from '../nn/index.js';
import { num, within } from '../torch/check.js';
import type { Encoder } from './encoders.js';

export interface ClassifierOptions {
  /** Dropout probability on the features in training mode, in [0, 1]. Default 0 (none). */
  dropout?: number;
}

/** Encoder + linear classifier. x [N, C, H, W] → logits [N, numClasses]. Keys: encoder.*, fc.* (dropout has none). */
export class Classifier extends Module {
  readonly encoder: Encoder;
  readonly fc: Linear;
  /** Registered only for a dropout > 0. */
  readonly dropout: Dropout | null;
  constructor(encoder: Encoder, numClasses: number, o: ClassifierOptions = {}) {
    super();
    const { dropout = 0 } = o ?? {};
    within('Classifier', () => num(dropout, 'dropout', 0, 1));
    this.encoder = this.registerModule('encoder', encoder);
    this.dropout = dropout === 0 ? null : this.registerModule('dropout', new Dropout(dropout));
    this.fc = this.registerModule('fc', new Linear(encoder.featureDim, numClasses));
  }
  forward(x: torch.Tensor): torch.Tensor {
    return torch.scope(() => {
      const features = this.encoder.forward(x); // [N, featureDim]
      return this.fc.forward(this.dropout ? this.dropout.forward(features) : features);
    });
  }
}
