/**
 * MoCo v3 (Chen, Xie & He 2021, "An Empirical Study of Training
 * Self-Supervised Vision Transformers", §3 and Algorithm 1): queries q = the
 * base encoder + projector + predictor of one view, keys k = the momentum
 * encoder + projector of the other view; InfoNCE of each query against the
 * batch's keys, its own the positive, scaled by 2τ and symmetrised
 * (`mocoV3Loss`); no queue. The momentum encoder is a frozen EMA of the base
 * encoder and projector, m annealed from 0.99 to 1 by a cosine.
 *
 * Architecture: the reference code's ResNet setting — a 2-layer projector
 * ending in batch norm without affine, a 2-layer predictor without it (its
 * ViT setting has a 3-layer projector). Views: BYOL's asymmetric pair with crop
 * scale 0.2–1, as the reference code. Optimizer: LARS, weight decay 1e-6.
 *
 * Small-data changes: projector/predictor 512 → 128 (reference: 4096 → 256);
 * lr 1.0 × batch/256 (reference: 0.6 for 100 epochs, 0.3 for 300 and more;
 * a run of a few hundred steps learns faster with larger steps); τ = 0.2
 * (reference: 1.0 for ResNets, 0.2 for ViTs; on Fashion-MNIST 0.2 did a
 * little better in short runs — see the README's results).
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { num, parseConfig, z, type Config, type ConfigInput } from '../config/schema.js';
import { mocoV3Loss } from '../losses/index.js';
import { imageViewsSchema } from '../views/config.js';
import type { Encoder } from '../models/encoders.js';
import { headSchema, twoViews } from './image-method.js';
import { MomentumMethod } from './siamese.js';
import type { MethodSpec } from './method.js';

type Tensor = torch.Tensor;

export const MOCOV3_OPTIONS = z.strictObject({
  head: headSchema('projector (reference: 2 layers 4096 → 256 for ResNets, 3 for ViTs; here 512 → 128)', {
    layers: 2,
    hiddenDim: 512,
    outDim: 128,
    lastBatchNorm: true,
  }),
  predictor: headSchema("predictor on the query side (reference: 2 layers 4096 → 256; outDim must equal the projector's)", {
    layers: 2,
    hiddenDim: 512,
    outDim: 128,
  }),
  momentum: num('base momentum m of the momentum encoder, annealed to 1 by a cosine over the run', 0.99, { min: 0, max: 1 }),
  temperature: num('InfoNCE temperature τ (reference: 1.0 for ResNets, 0.2 for ViTs)', 0.2, { min: 1e-4 }),
  views: imageViewsSchema({ scale: [0.2, 1], strength: 0.5, blur: [1, 0.1], solarize: [0, 0.2] }),
});
export type MoCoV3Options = Config<typeof MOCOV3_OPTIONS>;

/** Base f, g, predictor; momentum encoder = EMA of f, g; `mocoV3Loss(q₁, q₂, k₁, k₂)`. */
export class MoCoV3 extends MomentumMethod {
  readonly temperature: number;

  /** `makeEncoder`: a fresh encoder per call (base, then momentum encoder); `options`: any of MOCOV3_OPTIONS' fields. */
  constructor(makeEncoder: () => Encoder, options: ConfigInput<typeof MOCOV3_OPTIONS> = {}, imageSize = 32) {
    const o = parseConfig(MOCOV3_OPTIONS, options, 'MoCo v3 options');
    super(makeEncoder, o, imageSize, 'MoCo v3');
    this.temperature = o.temperature;
  }

  /** Queries q1, q2 against the momentum encoder's keys k1, k2 — every rank's, in a data-parallel run (see DistContext). */
  protected objective(q1: Tensor, q2: Tensor, k1: Tensor, k2: Tensor): Tensor {
    const [keys1, keys2] = [this.dist.gather(k1.detach()), this.dist.gather(k2.detach())]; // [N, D] each
    return mocoV3Loss(q1, q2, keys1, keys2, { temperature: this.temperature, offset: this.dist.rank * q1.shape[0] });
  }

  /** The InfoNCE critic of its loss: normalised queries of a against the momentum keys of b, over τ; [N, N]. */
  override pairScores(a: Tensor, b: Tensor): Tensor {
    twoViews([a, b], 'MoCo v3.pairScores');
    return torch.scope(() =>
      F.normalize(this.online(a).p, { dim: 1 })
        .matmul(F.normalize(this.target(b), { dim: 1 }).t())
        .div(this.temperature),
    );
  }
}

export const mocov3: MethodSpec<typeof MOCOV3_OPTIONS> = {
  name: 'mocov3',
  paper: 'Chen, Xie & He 2021, An Empirical Study of Training Self-Supervised Vision Transformers',
  modality: 'image',
  summary: "contrastive: queries of one view against a momentum encoder's keys of the other view in the batch (InfoNCE ×2τ)",
  options: MOCOV3_OPTIONS,
  optim: { name: 'lars', lr: 1.0, weightDecay: 1e-6, momentum: 0.9, warmupEpochs: 1 },
  build: (o, ctx) => new MoCoV3(ctx.encoder, o, ctx.input.size),
};
