/**
 * SimCLR (Chen, Kornblith, Norouzi, Hinton 2020, "A Simple Framework for
 * Contrastive Learning of Visual Representations"): two augmented views of each
 * image, an encoder f and a projection head g, and the NT-Xent loss on
 * z = g(f(x)) (§2.1, eq. 1); the representation h = f(x) is taken before the
 * head (§4.2), or from a hidden layer of it (SimCLR v2 fine-tunes from the
 * head's first layer). Defaults: the CIFAR-10 recipe (appendix B.9: τ = 0.5,
 * colour strength 0.5, no blur), LARS at 0.3 × batch/256 (§B.1).
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { num, parseConfig, z, type Config, type ConfigInput } from '../config/schema.js';
import { ntXent, ntXentAccuracy } from '../losses/index.js';
import { imageViewsSchema } from '../views/config.js';
import type { Encoder } from '../models/encoders.js';
import { headSchema, ImageMethod, twoViews } from './image-method.js';
import type { MethodSpec, TrainingStep } from './method.js';

type Tensor = torch.Tensor;

export const SIMCLR_OPTIONS = z.strictObject({
  head: headSchema('projection head g (SimCLR v1: 2 layers; v2: 3)', { layers: 2, outDim: 128 }),
  temperature: num('NT-Xent temperature τ', 0.5, { min: 1e-4 }),
  views: imageViewsSchema({ scale: [0.08, 1], strength: 0.5, blur: [0] }),
});
export type SimCLROptions = Config<typeof SIMCLR_OPTIONS>;

/** Encoder f + projection head g + NT-Xent. `project(x)` gives z = g(f(x)); `representation(x)` gives h. */
export class SimCLR extends ImageMethod {
  readonly temperature: number;

  /** `options`: any of SIMCLR_OPTIONS' fields (the rest take their defaults); `imageSize`: the side of the input images. */
  constructor(encoder: Encoder, options: ConfigInput<typeof SIMCLR_OPTIONS> = {}, imageSize = 32) {
    const o = parseConfig(SIMCLR_OPTIONS, options, 'SimCLR options');
    super(encoder, o.head, o.views, imageSize);
    this.temperature = o.temperature;
  }

  /**
   * NT-Xent on two views a, b [n, C, H, W] (row i of a and of b are a positive
   * pair). Both views go through the network as one batch of 2n, so batch norm
   * sees both (as in SimCLR). Data-parallel: the negatives are every rank's. Returns the loss (scalar) and the contrastive
   * top-1 accuracy (how often the positive has the highest similarity).
   */
  loss(a: Tensor, b: Tensor): { loss: Tensor; accuracy: number } {
    twoViews([a, b], 'SimCLR.loss');
    return torch.scope(() => {
      const [z1, z2] = this.project(torch.cat([a, b])).chunk(2); // [n, outDim] each
      // across ranks: this rank's anchors against every rank's projections (see DistContext)
      const n = z1.shape[0];
      const anchors = { offset: this.dist.rank * n, count: n };
      const [g1, g2] = [this.dist.gather(z1), this.dist.gather(z2)]; // [N, outDim] each
      const accuracy = ntXentAccuracy(g1.detach(), g2.detach(), anchors);
      return { loss: ntXent(g1, g2, { temperature: this.temperature, anchors }), accuracy };
    });
  }

  /** The NT-Xent critic across the two views: cos(z_a,i, z_b,j)/τ, [N, N] (both views in one batch, as in training). */
  override pairScores(a: Tensor, b: Tensor): Tensor {
    twoViews([a, b], 'SimCLR.pairScores');
    return torch.scope(() => {
      const [z1, z2] = this.project(torch.cat([a, b])).chunk(2); // [N, outDim] each
      return F.normalize(z1, { dim: 1 })
        .matmul(F.normalize(z2, { dim: 1 }).t())
        .div(this.temperature);
    });
  }

  trainingStep(views: Tensor[]): TrainingStep {
    const { loss, accuracy } = this.loss(...twoViews(views, 'SimCLR'));
    return { loss, logs: { contrastiveAcc: accuracy } };
  }
}

export const simclr: MethodSpec<typeof SIMCLR_OPTIONS> = {
  name: 'simclr',
  paper: 'Chen, Kornblith, Norouzi, Hinton 2020, A Simple Framework for Contrastive Learning of Visual Representations',
  modality: 'image',
  summary: 'contrastive: two augmented views of one image are positives, the other 2N−2 views negatives (NT-Xent)',
  options: SIMCLR_OPTIONS,
  optim: { name: 'lars', lr: 0.3, weightDecay: 1e-6, momentum: 0.9, warmupEpochs: 1 },
  build: (o, ctx) => new SimCLR(ctx.encoder(), o, ctx.input.size),
};
