/**
 * VICReg (Bardes, Ponce, LeCun 2022, "VICReg: Variance-Invariance-Covariance
 * Regularization for Self-Supervised Learning", §3 eqs. 1–6 and Algorithm 1):
 * two views through one encoder and expander, and a loss of three terms on the
 * expander outputs (src/losses/vicreg.ts): invariance (mean squared distance
 * between the views), variance (a hinge keeping each dimension's std over the
 * batch at γ = 1) and covariance (off-diagonal covariances pushed to 0). Each
 * view goes through the network on its own, so batch norm sees one view at a
 * time (as the reference code).
 *
 * Small-data changes (paper → here):
 * - expander 3 × 8192 → 3 × 1024 (BN + ReLU after the hidden layers, last
 *   linear plain). The weights stay 25/25/1: the covariance term's noise floor
 *   grows as D/N, which is 8192/2048 in the paper and 1024/256 here.
 * - the variance terms of the two branches are summed (eq. 6) with μ = 25; the
 *   reference code averages them, i.e. its μ = 25 is 12.5 here (`--method.variance 12.5`).
 * - LARS with one lr for all parameters (biases and BN parameters unadapted)
 *   and weight decay 10⁻⁶, as the reference code: the pipeline's LARS is the
 *   same optimizer. lr 0.2 → 1.0 per 256 images: the paper trains for hundreds
 *   of epochs, here a few hundred steps; on Fashion-MNIST (ResNet-18 at width
 *   0.125, 300 steps of 256) kNN top-1 is 77.9 % at 0.2 and 79.6 % at 1.0 (a
 *   random encoder: 72.7 %).
 * - views: BYOL's asymmetric blur [1.0, 0.1] and solarize [0, 0.2], colour strength 0.5.
 */
import * as torch from '../torch/index.js';
import { num, parseConfig, z, type Config, type ConfigInput } from '../config/schema.js';
import { vicregLoss } from '../losses/index.js';
import { imageViewsSchema } from '../views/config.js';
import type { Encoder } from '../models/encoders.js';
import { headSchema, ImageMethod, twoViews } from './image-method.js';
import type { MethodSpec, TrainingStep } from './method.js';

type Tensor = torch.Tensor;

export const VICREG_OPTIONS = z.strictObject({
  head: headSchema('expander (paper: 3 × 8192; here 3 × 1024 for a 64-d encoder)', { layers: 3, hiddenDim: 1024, outDim: 1024 }),
  invariance: num('λ, weight of the invariance (mean squared error) term', 25, { min: 0 }),
  variance: num("μ, weight of the variance hinge, summed over both branches (the reference code's 25 on their mean is 12.5 here)", 25, {
    min: 0,
  }),
  covariance: num('ν, weight of the covariance term', 1, { min: 0 }),
  gamma: num('γ, the target standard deviation of each dimension', 1, { min: 0 }),
  views: imageViewsSchema({ scale: [0.08, 1], strength: 0.5, blur: [1, 0.1], solarize: [0, 0.2] }),
});
export type VICRegOptions = Config<typeof VICREG_OPTIONS>;

/** Encoder + expander + the VICReg loss. `project(x)` gives z; `representation(x)` the encoder's features. */
export class VICReg extends ImageMethod {
  readonly weights: { sim: number; var: number; cov: number; gamma: number };

  /** `options`: any of VICREG_OPTIONS' fields (the rest take their defaults); `imageSize`: the side of the input images. */
  constructor(encoder: Encoder, options: ConfigInput<typeof VICREG_OPTIONS> = {}, imageSize = 32) {
    const o = parseConfig(VICREG_OPTIONS, options, 'VICReg options');
    super(encoder, o.head, o.views, imageSize);
    this.weights = { sim: o.invariance, var: o.variance, cov: o.covariance, gamma: o.gamma };
  }

  /**
   * The loss on two views a, b [N, C, H, W] (row i of each a positive pair),
   * and its unweighted terms s(Z, Z′), v(Z) + v(Z′), c(Z) + c(Z′) (eq. 6).
   */
  trainingStep(views: Tensor[]): TrainingStep {
    const [a, b] = twoViews(views, 'VICReg');
    return torch.scope(() => {
      const [z1, z2] = [this.dist.gather(this.project(a)), this.dist.gather(this.project(b))]; // [N, D] each: every rank's (see DistContext)
      const t = vicregLoss(z1, z2, this.weights);
      return { loss: t.loss, logs: { invariance: t.invariance.item(), variance: t.variance.item(), covariance: t.covariance.item() } };
    });
  }
}

export const vicreg: MethodSpec<typeof VICREG_OPTIONS> = {
  name: 'vicreg',
  paper: 'Bardes, Ponce, LeCun 2022, VICReg: Variance-Invariance-Covariance Regularization for Self-Supervised Learning',
  modality: 'image',
  summary: 'variance-invariance-covariance: views agree, each dimension keeps unit std over the batch, dimensions decorrelate',
  options: VICREG_OPTIONS,
  optim: { name: 'lars', lr: 1, weightDecay: 1e-6, momentum: 0.9, warmupEpochs: 1 },
  build: (o, ctx) => new VICReg(ctx.encoder(), o, ctx.input.size),
};
