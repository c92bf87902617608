/**
 * BYOL (Grill et al. 2020, "Bootstrap Your Own Latent: A New Approach to
 * Self-Supervised Learning", §3): the online network (encoder, projector,
 * predictor) predicts the target network's projection of the other view; the
 * target is an exponential moving average of the online encoder and projector,
 * τ annealed from 0.996 to 1 by a cosine over the run (§3.2), and gets no
 * gradient. Loss: the symmetrised normalised MSE 2 − 2·cos(q, z′) of eq. 2
 * (`byolLoss`). Views: appendix B's asymmetric pair (blur 1.0 / 0.1, solarize
 * 0 / 0.2, colour jitter 0.4/0.4/0.2/0.1 ≈ strength 0.5). Optimizer: LARS,
 * 0.2 × batch/256, weight decay 1.5e-6, biases and batch norm excluded (§3.3).
 *
 * Small-data changes: the projector and predictor are 512 → 128 (paper: 4096 →
 * 256, for a 2048-d ResNet-50; here the encoder gives 64–512 features); lr 2.0
 * × batch/256 (paper: 0.2, for 300–1000 epochs) and base τ 0.99 (paper:
 * 0.996), so that a run of a few hundred steps moves the online network and
 * its target far enough (see the README's results).
 */
import type * as torch from '../torch/index.js';
import { num, parseConfig, z, type Config, type ConfigInput } from '../config/schema.js';
import { byolLoss } from '../losses/index.js';
import { imageViewsSchema } from '../views/config.js';
import type { Encoder } from '../models/encoders.js';
import { headSchema } from './image-method.js';
import { MomentumMethod } from './siamese.js';
import type { MethodSpec } from './method.js';

type Tensor = torch.Tensor;

export const BYOL_OPTIONS = z.strictObject({
  head: headSchema('projector g (paper: 4096 → 256; here 512 → 128 for small encoders)', { layers: 2, hiddenDim: 512, outDim: 128 }),
  predictor: headSchema("predictor q on the projection (the projector's shape; outDim must equal the projector's)", {
    layers: 2,
    hiddenDim: 512,
    outDim: 128,
  }),
  momentum: num('base momentum τ of the target network, annealed to 1 by a cosine over the run (paper: 0.996)', 0.99, { min: 0, max: 1 }),
  views: imageViewsSchema({ scale: [0.08, 1], strength: 0.5, blur: [1, 0.1], solarize: [0, 0.2] }),
});
export type BYOLOptions = Config<typeof BYOL_OPTIONS>;

/** Online f, g, q; target ξ = EMA of f, g; `byolLoss(q(z₁), q(z₂), z′₁, z′₂)`. */
export class BYOL extends MomentumMethod {
  /** `makeEncoder`: a fresh encoder per call (online, then target); `options`: any of BYOL_OPTIONS' fields. */
  constructor(makeEncoder: () => Encoder, options: ConfigInput<typeof BYOL_OPTIONS> = {}, imageSize = 32) {
    super(makeEncoder, parseConfig(BYOL_OPTIONS, options, 'BYOL options'), imageSize, 'BYOL');
  }

  protected objective(p1: Tensor, p2: Tensor, t1: Tensor, t2: Tensor): Tensor {
    return byolLoss(p1, p2, t1, t2);
  }
}

export const byol: MethodSpec<typeof BYOL_OPTIONS> = {
  name: 'byol',
  paper: 'Grill et al. 2020, Bootstrap Your Own Latent: A New Approach to Self-Supervised Learning',
  modality: 'image',
  summary: "non-contrastive: the online network predicts a momentum target network's projection of the other view",
  options: BYOL_OPTIONS,
  optim: { name: 'lars', lr: 2.0, weightDecay: 1.5e-6, momentum: 0.9, warmupEpochs: 1 },
  build: (o, ctx) => new BYOL(ctx.encoder, o, ctx.input.size),
};
