/** An encoder with a linear classifier on top: what fine-tuning trains (SimCLR §4 / appendix B.5). */
import * as torch from '../torch/index.js';
import { Linear, Module } from '../nn/index.js';
import type { Encoder } from './encoders.js';

/** Encoder + linear classifier. x [N, C, H, W] → logits [N, numClasses]. Keys: encoder.*, fc.*. */
export class Classifier extends Module {
  readonly encoder: Encoder;
  readonly fc: Linear;
  constructor(encoder: Encoder, numClasses: number) {
    super();
    this.encoder = this.registerModule('encoder', encoder);
    this.fc = this.registerModule('fc', new Linear(encoder.featureDim, numClasses));
  }
  forward(x: torch.Tensor): torch.Tensor {
    return torch.scope(() => this.fc.forward(this.encoder.forward(x)));
  }
}
