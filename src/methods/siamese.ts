/**
 * What SimSiam (Chen & He 2021), BYOL (Grill et al. 2020) and MoCo v3 (Chen,
 * Xie & He 2021) share: an online network — encoder f, projector g and a
 * predictor q on the projection — whose prediction p = q(g(f(x₁))) of one view
 * is pulled towards a target t of the other view. SimSiam's target is the same
 * network's projection z = g(f(x₂)) (stop-gradient inside the loss); BYOL's
 * and MoCo v3's is the projection of a target (momentum) network ξ, a frozen
 * copy of f and g moved towards the online weights θ after every step,
 * ξ ← τξ + (1 − τ)θ, with τ annealed from its base value to 1 by a cosine
 * (BYOL §3.2; MoCo v3 §4, "momentum encoder"). Each view goes through the
 * networks on its own, so batch norm sees one view at a time (as the
 * reference implementations do). The target network is registered as
 * `targetEncoder` and `targetHead`, so it is in the state dict.
 */
import * as torch from '../torch/index.js';
import { normalizedStd } from '../eval/collapse.js';
import { simclrHead, type ProjectionHead, type ProjectionHeadOptions } from '../models/heads.js';
import type { Encoder } from '../models/encoders.js';
import { frozenCopy, momentumUpdate_ } from '../optim/ema.js';
import type { ImageViewsConfig } from '../views/config.js';
import { cosineMomentum, ImageMethod, twoViews } from './image-method.js';
import type { StepInfo, TrainingStep } from './method.js';

type Tensor = torch.Tensor;

/** One view's outputs: the online projection z and prediction p, and the target t that the other view's prediction regresses. */
export interface ViewOutputs {
  z: Tensor;
  p: Tensor;
  t: Tensor;
}

export interface PredictorOptions {
  head: ProjectionHeadOptions;
  predictor: ProjectionHeadOptions;
  views: ImageViewsConfig;
}

/** Encoder f + projector g + predictor q, and a loss between the predictions of one view and the targets of the other. */
export abstract class PredictorMethod extends ImageMethod {
  readonly predictor: ProjectionHead;

  /** `method` names the method in errors. */
  constructor(
    encoder: Encoder,
    o: PredictorOptions,
    imageSize: number,
    readonly method: string,
  ) {
    super(encoder, o.head, o.views, imageSize);
    this.predictor = this.registerModule('predictor', simclrHead(this.head.outDim, o.predictor));
    if (this.predictor.outDim !== this.head.outDim)
      throw new RangeError(
        `${method} options.predictor.outDim: expected the projector's output width ${this.head.outDim} but received ${this.predictor.outDim}`,
      );
  }

  /** The online network on one view: z = g(f(x)) and p = q(z), x [N, C, H, W] → [N, outDim] each. */
  online(x: Tensor): { z: Tensor; p: Tensor } {
    return torch.scope(() => {
      const z = this.project(x);
      return { z, p: this.predictor.forward(z) };
    });
  }

  /** z, p and the target t of one view x [N, C, H, W]. */
  protected abstract outputs(x: Tensor): ViewOutputs;
  /** The symmetrised loss of predictions p1, p2 against targets t1, t2 of views 1 and 2 ([N, outDim] each). */
  protected abstract objective(p1: Tensor, p2: Tensor, t1: Tensor, t2: Tensor): Tensor;

  /**
   * The loss on two views a, b [N, C, H, W] (row i of a and of b show one
   * image) and the std of the normalised projections of a times √D (SimSiam
   * §4.1: about 1 when spread out, 0 when collapsed).
   */
  loss(a: Tensor, b: Tensor): { loss: Tensor; projectionStd: number } {
    twoViews([a, b], `${this.method}.loss`);
    return torch.scope(() => {
      const v1 = this.outputs(a);
      const v2 = this.outputs(b);
      const projectionStd = torch.noGrad(() => normalizedStd(v1.z) * Math.sqrt(v1.z.shape[1]));
      return { loss: this.objective(v1.p, v2.p, v1.t, v2.t), projectionStd };
    });
  }

  trainingStep(views: Tensor[], _info: StepInfo): TrainingStep {
    const { loss, projectionStd } = this.loss(...twoViews(views, this.method));
    return { loss, logs: { projectionStd } };
  }
}

export interface MomentumOptions extends PredictorOptions {
  /** Base momentum τ_base of the target network (annealed to 1). */
  momentum: number;
}

/** A predictor method whose targets come from a momentum copy ξ of the encoder and projector (BYOL, MoCo v3). */
export abstract class MomentumMethod extends PredictorMethod {
  readonly targetEncoder: Encoder;
  readonly targetHead: ProjectionHead;
  readonly baseMomentum: number;

  /** `makeEncoder`: a fresh encoder per call (the first is the online one, the second the target's). */
  constructor(makeEncoder: () => Encoder, o: MomentumOptions, imageSize: number, method: string) {
    const encoder = makeEncoder();
    super(encoder, o, imageSize, method);
    this.baseMomentum = o.momentum;
    this.targetEncoder = this.registerModule('targetEncoder', frozenCopy(makeEncoder, encoder));
    this.targetHead = this.registerModule(
      'targetHead',
      frozenCopy(() => simclrHead(encoder.featureDim, o.head), this.head),
    );
  }

  /** τ at this step: 1 − (1 − τ_base)(cos(πk/K) + 1)/2 (BYOL §3.2). */
  momentum(info: StepInfo): number {
    return cosineMomentum(this.baseMomentum, info);
  }

  /** The target network's projection z′ = g_ξ(f_ξ(x)), without gradient: x [N, C, H, W] → [N, outDim]. */
  target(x: Tensor): Tensor {
    return torch.noGrad(() => torch.scope(() => this.targetHead.forward(this.targetEncoder.forward(x))));
  }

  protected outputs(x: Tensor): ViewOutputs {
    return torch.scope(() => ({ ...this.online(x), t: this.target(x) }));
  }

  override trainingStep(views: Tensor[], info: StepInfo): TrainingStep {
    const r = super.trainingStep(views, info);
    return { loss: r.loss, logs: { ...r.logs, momentum: this.momentum(info) } };
  }

  /** ξ ← τξ + (1 − τ)θ for the encoder and the projector, with the τ logged by this step. */
  override afterStep(info: StepInfo): void {
    const m = this.momentum(info);
    momentumUpdate_(this.targetEncoder, this.encoder, m);
    momentumUpdate_(this.targetHead, this.head, m);
  }
}
