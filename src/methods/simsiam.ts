/**
 * SimSiam (Chen & He 2021, "Exploring Simple Siamese Representation
 * Learning", §3 and Algorithm 1): one network (encoder, projector) on both
 * views and a predictor on one side; the loss D(p₁, sg(z₂))/2 + D(p₂, sg(z₁))/2
 * with D = −cos (`simsiamLoss`) and no momentum encoder, negatives or large
 * batches — the stop-gradient alone prevents collapse (§4.1). The predictor's
 * learning rate is not decayed (§4.2, Table 1: 68.1 % fixed vs 67.7 %
 * decayed): its parameters form a `fixedLr` group.
 *
 * Architecture: the CIFAR variant of appendix D (a 2-layer projector; ImageNet:
 * 3 layers), batch norm on every projector layer including the output (without
 * affine); the bottleneck predictor, hidden = out/4 with batch norm in the
 * hidden layer. Views: MoCo v2's (crop 0.2–1, jitter 0.4/0.4/0.4/0.1)
 * without blur, as on CIFAR. Optimizer: SGD with momentum 0.9, no warm-up,
 * the CIFAR recipe's weight decay 5e-4 (ImageNet: 1e-4).
 *
 * Small-data changes: widths 512 and 128 (paper: 2048 and 512); lr 0.1 ×
 * batch/256 (paper: 0.05 on ImageNet, 0.03 on CIFAR, for hundreds of epochs —
 * in a run of a few hundred steps 0.03 stays below a random encoder's kNN
 * accuracy on Fashion-MNIST; see the README's results).
 */
import type * as torch from '../torch/index.js';
import { bool, parseConfig, z, type Config, type ConfigInput } from '../config/schema.js';
import { simsiamLoss } from '../losses/index.js';
import { imageViewsSchema } from '../views/config.js';
import type { Encoder } from '../models/encoders.js';
import { headSchema } from './image-method.js';
import { PredictorMethod, type ViewOutputs } from './siamese.js';
import type { MethodParamGroup, MethodSpec } from './method.js';

type Tensor = torch.Tensor;

export const SIMSIAM_OPTIONS = z.strictObject({
  head: headSchema('projector (paper: 3 layers of 2048 on ImageNet, 2 on CIFAR; here 2 of 512)', {
    layers: 2,
    hiddenDim: 512,
    outDim: 512,
    lastBatchNorm: true,
  }),
  predictor: headSchema("predictor h, a bottleneck: hidden = out/4 (paper: 512 for 2048; outDim must equal the projector's)", {
    layers: 2,
    hiddenDim: 128,
    outDim: 512,
  }),
  fixedPredictorLr: bool("keep the predictor's learning rate at its base value (no warm-up, no decay)", true),
  views: imageViewsSchema({ scale: [0.2, 1], strength: 0.5, blur: [0] }),
});
export type SimSiamOptions = Config<typeof SIMSIAM_OPTIONS>;

/** Encoder f + projector g + predictor h; `simsiamLoss(h(z₁), h(z₂), z₁, z₂)` with z = g(f(x)). */
export class SimSiam extends PredictorMethod {
  readonly fixedPredictorLr: boolean;

  /** `options`: any of SIMSIAM_OPTIONS' fields; `imageSize`: the side of the input images. */
  constructor(encoder: Encoder, options: ConfigInput<typeof SIMSIAM_OPTIONS> = {}, imageSize = 32) {
    const o = parseConfig(SIMSIAM_OPTIONS, options, 'SimSiam options');
    super(encoder, o, imageSize, 'SimSiam');
    this.fixedPredictorLr = o.fixedPredictorLr;
  }

  /** The target of a view is its own projection z (the loss stops its gradient). */
  protected outputs(x: Tensor): ViewOutputs {
    const { z, p } = this.online(x);
    return { z, p, t: z };
  }

  protected objective(p1: Tensor, p2: Tensor, z1: Tensor, z2: Tensor): Tensor {
    return simsiamLoss(p1, p2, z1, z2);
  }

  /** The encoder and projector, then the predictor (a fixed-lr group unless `fixedPredictorLr` is off). */
  override paramGroups(): MethodParamGroup[] {
    const predictor = new Set(this.predictor.parameters());
    return [
      { name: 'encoder+projector', params: this.trainableParameters().filter((p) => !predictor.has(p)) },
      { name: 'predictor', params: this.predictor.parameters(), fixedLr: this.fixedPredictorLr },
    ];
  }
}

export const simsiam: MethodSpec<typeof SIMSIAM_OPTIONS> = {
  name: 'simsiam',
  paper: 'Chen & He 2021, Exploring Simple Siamese Representation Learning',
  modality: 'image',
  summary: "non-contrastive: a predictor on one view regresses the other view's projection through a stop-gradient, no momentum encoder",
  options: SIMSIAM_OPTIONS,
  optim: { name: 'sgd', lr: 0.1, weightDecay: 5e-4, momentum: 0.9, warmupEpochs: 0 },
  build: (o, ctx) => new SimSiam(ctx.encoder(), o, ctx.input.size),
};
