/**
 * What the image methods share: the encoder + projection head + views of
 * SimCLR (Chen et al. 2020, §2.1), the head given as data, the representation
 * taken before the head or after any of its blocks (§4.2), and the cosine
 * momentum schedule of BYOL (Grill et al. 2020, §3.2) that MoCo v3 and DINO
 * use too.
 */
import * as torch from '../torch/index.js';
import { bool, int, section } from '../config/schema.js';
import { simclrHead, type ProjectionHead, type ProjectionHeadOptions } from '../models/heads.js';
import type { Encoder } from '../models/encoders.js';
import { ImageViews, type ImageViewsConfig } from '../views/config.js';
import { MethodModel, type ImageBatch, type StepInfo } from './method.js';

type Tensor = torch.Tensor;

/** The defaults of a projection head or predictor (its paper's, scaled to small encoders where noted). */
export interface HeadDefaults {
  layers: number;
  /** Hidden width; absent: the encoder's width. */
  hiddenDim?: number;
  outDim: number;
  batchNorm?: boolean;
  lastBatchNorm?: boolean;
}

/** The schema of a head section (`--method.head.*`, `--method.predictor.*`). */
export function headSchema(help: string, d: HeadDefaults) {
  return section(
    {
      layers: int('linear layers (0 = none)', d.layers, { min: 0, max: 8 }),
      hiddenDim:
        d.hiddenDim === undefined
          ? int("hidden width (default: the encoder's width)", undefined, { min: 1 })
          : int('hidden width', d.hiddenDim, { min: 1 }),
      outDim: int('output width', d.outDim, { min: 1 }),
      batchNorm: bool('batch norm after the hidden layers', d.batchNorm ?? true),
      lastBatchNorm: bool('batch norm (without affine) after the last layer', d.lastBatchNorm ?? false),
    },
    help,
  );
}

/** The momentum at step k of K, annealed from `base` to 1 by a cosine (BYOL §3.2): 1 − (1 − base)(cos(πk/K) + 1)/2. */
export function cosineMomentum(base: number, info: StepInfo): number {
  return 1 - ((1 - base) * (Math.cos((Math.PI * info.step) / Math.max(1, info.totalSteps)) + 1)) / 2;
}

/**
 * An image method with an encoder, a projection head and its views. Subclasses
 * add what they need (predictor, momentum copies, centre) and the loss.
 */
export abstract class ImageMethod extends MethodModel<ImageBatch> {
  readonly encoder: Encoder;
  readonly head: ProjectionHead;
  readonly imageViews: ImageViews;

  constructor(encoder: Encoder, head: ProjectionHeadOptions, views: ImageViewsConfig, imageSize: number) {
    super();
    this.encoder = this.registerModule('encoder', encoder);
    this.head = this.registerModule('head', simclrHead(encoder.featureDim, head));
    this.imageViews = new ImageViews(views, imageSize);
  }

  /** The encoder's width (twice that for a channel split, whose representation concatenates both halves). */
  get representationDim(): number {
    return this.encoder.featureDim * (this.imageViews.channelSplit ? 2 : 1);
  }
  override get representationLayers(): number {
    return this.head.blocks.length;
  }

  /**
   * h: x [N, C, H, W] → [N, D] (the encoder's output, or after `layer` head
   * blocks). A channel split (views.pair.kind channels) gives [h(x·m1), h(x·m2)]:
   * the features of both channel groups of the converted image, concatenated
   * as in Contrastive Multiview Coding (Tian et al. 2019). [N, 2D].
   */
  representation(x: Tensor, layer = 0): Tensor {
    const split = this.imageViews.channelSplit;
    return torch.scope(() => {
      if (!split) return this.head.forward(this.encoder.forward(x), layer);
      const [a, b] = this.head.forward(this.encoder.forward(torch.cat(split.halves(x))), layer).chunk(2); // [N, D] each
      return torch.cat([a, b], 1);
    });
  }

  /** z = g(f(x)): x [N, C, H, W] → [N, outDim]. */
  project(x: Tensor): Tensor {
    return torch.scope(() => this.head.forward(this.encoder.forward(x)));
  }

  views(batch: ImageBatch, generator: torch.Generator): Tensor[] {
    return this.imageViews.forward(batch.images, generator, batch.partners);
  }
}

/** Checks a method got the two global views it needs (and the same shape for both). */
export function twoViews(views: Tensor[], method: string): [Tensor, Tensor] {
  const [a, b] = views;
  if (views.length < 2 || a.shape.length !== 4 || a.shape.join() !== b.shape.join())
    throw new RangeError(
      `${method}: expected two views of the same shape [N, C, H, W] but received ${views.map((v) => `[${v.shape}]`).join(', ')}`,
    );
  return [a, b];
}
