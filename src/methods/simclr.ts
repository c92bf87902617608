/**
 * SimCLR (Chen, Kornblith, Norouzi, Hinton 2020, "A Simple Framework for
 * Contrastive Learning of Visual Representations"): two augmented views of each
 * image, an encoder f and a projection head g, and the NT-Xent loss on
 * z = g(f(x)); the representation h = f(x) is taken before the head (§4.2), or
 * from a hidden layer of it (SimCLR v2 fine-tunes from the head's first layer).
 */
import * as torch from '../torch/index.js';
import { Module } from '../nn/index.js';
import { ntXent, ntXentAccuracy } from '../losses/index.js';
import { simclrHead, type ProjectionHead, type ProjectionHeadOptions } from '../models/heads.js';
import type { Encoder } from '../models/encoders.js';

type Tensor = torch.Tensor;

export interface SimCLROptions {
  /** Projection head (default 2 layers, hidden = featureDim, out 128, batch norm). */
  head?: ProjectionHeadOptions;
  /** NT-Xent temperature τ. Default 0.5 (SimCLR's CIFAR-10 setting). */
  temperature?: number;
  /** Head blocks applied before taking the representation (0 = before the head). Default 0. */
  representationLayer?: number;
}

/** The defaults of a SimCLR pretraining run (SimCLR's CIFAR-10 recipe, scaled to small budgets). */
export const SIMCLR_DEFAULTS = {
  /** Images per batch (each gives two views, so 2·batchSize go through the encoder). */
  batchSize: 256,
  temperature: 0.5,
  /** LARS with lr = 0.3 × batchSize / 256 (§B.1 uses square-root or linear scaling), 10 warm-up epochs in the paper. */
  optimizer: 'lars' as const,
  lr: 0.3,
  weightDecay: 1e-6,
  /** Colour-distortion strength: 0.5 for 32×32 images, 1 for ImageNet. */
  strength: 0.5,
  head: { layers: 2, outDim: 128, batchNorm: true },
};

/** Encoder f + projection head g. `forward(x)` gives z = g(f(x)); `representation(x)` gives h. */
export class SimCLR extends Module {
  readonly encoder: Encoder;
  readonly head: ProjectionHead;
  readonly temperature: number;
  readonly representationLayer: number;

  constructor(encoder: Encoder, o: SimCLROptions = {}) {
    super();
    this.encoder = this.registerModule('encoder', encoder);
    this.head = this.registerModule('head', simclrHead(encoder.featureDim, o.head));
    this.temperature = o.temperature ?? SIMCLR_DEFAULTS.temperature;
    this.representationLayer = o.representationLayer ?? 0;
    if (!Number.isInteger(this.representationLayer) || this.representationLayer < 0 || this.representationLayer > this.head.blocks.length)
      throw new RangeError(`SimCLR: expected representationLayer in 0…${this.head.blocks.length} (the head's layers) but received ${o.representationLayer}`);
  }

  /** Width of the representation. */
  get representationDim(): number {
    return this.head.dimAt(this.representationLayer, this.encoder.featureDim);
  }

  /** h: x [N, C, H, W] → [N, representationDim] (before the head, or after `representationLayer` of its blocks). */
  representation(x: Tensor, layer = this.representationLayer): Tensor {
    return torch.scope(() => this.head.forward(this.encoder.forward(x), layer));
  }

  /** z = g(f(x)): x [N, C, H, W] → [N, outDim]. */
  forward(x: Tensor): Tensor {
    return torch.scope(() => this.head.forward(this.encoder.forward(x)));
  }

  /**
   * NT-Xent on two views a, b [N, C, H, W] (row i of a and of b are a positive
   * pair). Both views go through the network as one batch of 2N, so batch norm
   * sees both (as in SimCLR). Returns the loss (scalar) and the contrastive
   * top-1 accuracy (how often the positive has the highest similarity).
   */
  loss(a: Tensor, b: Tensor): { loss: Tensor; accuracy: number } {
    if (a.shape.length !== 4 || a.shape.join() !== b.shape.join())
      throw new RangeError(`SimCLR.loss: expected two views of the same shape [N, C, H, W] but received [${a.shape}] and [${b.shape}]`);
    return torch.scope(() => {
      const [z1, z2] = this.forward(torch.cat([a, b])).chunk(2); // [N, outDim] each
      const accuracy = ntXentAccuracy(z1.detach(), z2.detach());
      return { loss: ntXent(z1, z2, { temperature: this.temperature }), accuracy };
    });
  }
}
