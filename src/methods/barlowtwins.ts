/**
 * Barlow Twins (Zbontar, Jing, Misra, LeCun, Deny 2021, "Barlow Twins:
 * Self-Supervised Learning via Redundancy Reduction", §2 and Algorithm 1): two
 * views through one encoder and projector, and the loss that pulls the
 * cross-correlation matrix of the batch-standardised embeddings towards the
 * identity (src/losses/barlow-twins.ts). Each view goes through the network on
 * its own, so batch norm sees one view at a time (as the reference code).
 *
 * Small-data changes (paper → here):
 * - projector 3 × 8192 → 3 × 1024 (BN + ReLU after the hidden layers, last
 *   linear plain). λ stays 5·10⁻³: the off-diagonal sum's noise floor grows as
 *   D²/N and the diagonal as D, so the balance follows D/N, which is 8192/2048
 *   in the paper and 1024/256 here.
 * - LARS with two learning rates (0.2 for weights, 0.0048 for biases and BN
 *   parameters, per 256 images) → the pipeline's one LARS lr and the loss
 *   scaled by 0.024 = 0.0048/0.2, as the reference code's first release did
 *   (its `--scale-loss`): LARS' trust ratio makes the weights' steps independent
 *   of the loss scale, while the unadapted biases and BN parameters step by
 *   lr × 0.024, the paper's ratio. Weight decay 1.5·10⁻⁶ × 0.024 = 3.6·10⁻⁸,
 *   since LARS adds it to the scaled gradient.
 * - lr 0.2 → 1.0 per 256 images: the paper trains 1000 epochs, here a few
 *   hundred steps; on Fashion-MNIST (ResNet-18 at width 0.125, 300 steps of
 *   256) kNN top-1 is 74.7 % at 0.2, 76.4 % at 0.5, 77.9 % at 1.0, 76.2 % at 2.0
 *   (a random encoder: 72.7 %). λ = 0.02 instead of 5·10⁻³ gave 74.9 % at lr 0.2;
 *   a larger lr for biases and BN (scale 0.1 or 1) was worse.
 * - views: BYOL's asymmetric blur [1.0, 0.1] and solarize [0, 0.2], colour strength 0.5.
 */
import * as torch from '../torch/index.js';
import { num, parseConfig, z, type Config, type ConfigInput } from '../config/schema.js';
import { barlowTwinsTerms } from '../losses/index.js';
import { imageViewsSchema } from '../views/config.js';
import type { Encoder } from '../models/encoders.js';
import { headSchema, ImageMethod, twoViews } from './image-method.js';
import type { MethodSpec, TrainingStep } from './method.js';

type Tensor = torch.Tensor;

export const BARLOW_TWINS_OPTIONS = z.strictObject({
  head: headSchema('projector (paper: 3 × 8192; here 3 × 1024 for a 64-d encoder)', { layers: 3, hiddenDim: 1024, outDim: 1024 }),
  lambda: num('λ, weight of the redundancy-reduction (off-diagonal) term (paper 5e-3 at D/N = 8192/2048)', 5e-3, { min: 0 }),
  scaleLoss: num("factor on the loss: with LARS, the lr of biases and BN parameters relative to the weights' (paper 0.0048/0.2)", 0.024, {
    min: 1e-8,
  }),
  views: imageViewsSchema({ scale: [0.08, 1], strength: 0.5, blur: [1, 0.1], solarize: [0, 0.2] }),
});
export type BarlowTwinsOptions = Config<typeof BARLOW_TWINS_OPTIONS>;

/** Encoder + projector + Barlow Twins' loss. `project(x)` gives z; `representation(x)` the encoder's features. */
export class BarlowTwins extends ImageMethod {
  readonly lambda: number;
  readonly scaleLoss: number;

  /** `options`: any of BARLOW_TWINS_OPTIONS' fields (the rest take their defaults); `imageSize`: the side of the input images. */
  constructor(encoder: Encoder, options: ConfigInput<typeof BARLOW_TWINS_OPTIONS> = {}, imageSize = 32) {
    const o = parseConfig(BARLOW_TWINS_OPTIONS, options, 'Barlow Twins options');
    super(encoder, o.head, o.views, imageSize);
    this.lambda = o.lambda;
    this.scaleLoss = o.scaleLoss;
  }

  /**
   * The scaled loss on two views a, b [N, C, H, W] (row i of each a positive
   * pair), and its unweighted terms: the invariance Σ(1 − Cᵢᵢ)² and the
   * redundancy reduction Σ_{i≠j} Cᵢⱼ² (eq. 1); loss = scaleLoss·(invariance + λ·redundancy).
   */
  trainingStep(views: Tensor[]): TrainingStep {
    const [a, b] = twoViews(views, 'BarlowTwins');
    return torch.scope(() => {
      const [z1, z2] = [this.dist.gather(this.project(a)), this.dist.gather(this.project(b))]; // [N, D] each: every rank's (see DistContext)
      const t = barlowTwinsTerms(z1, z2, { lambda: this.lambda });
      return { loss: t.loss.mul(this.scaleLoss), logs: { invariance: t.invariance.item(), redundancy: t.redundancy.item() } };
    });
  }
}

export const barlowtwins: MethodSpec<typeof BARLOW_TWINS_OPTIONS> = {
  name: 'barlowtwins',
  paper: 'Zbontar, Jing, Misra, LeCun, Deny 2021, Barlow Twins: Self-Supervised Learning via Redundancy Reduction',
  modality: 'image',
  summary: "redundancy reduction: the two views' cross-correlation matrix of embedding dimensions is pulled to the identity",
  options: BARLOW_TWINS_OPTIONS,
  optim: { name: 'lars', lr: 1, weightDecay: 1.5e-6 * 0.024, momentum: 0.9, warmupEpochs: 1 },
  build: (o, ctx) => new BarlowTwins(ctx.encoder(), o, ctx.input.size),
};
