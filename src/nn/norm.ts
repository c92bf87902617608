/** Normalisation layers: BatchNorm1d/2d (running statistics), SyncBatchNorm, LayerNorm, GroupNorm. */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { Module } from './module.js';
import { globalBatchStats } from './sync-stats.js';
import { bool, fail, finite, int, ints, options, within } from '../torch/check.js';

type Tensor = torch.Tensor;

export interface BatchNormOptions {
  /** Default 1e-5. */
  eps?: number;
  /** Weight of the new batch statistic; null = cumulative average. Default 0.1. */
  momentum?: number | null;
  /** Learnable γ, β. Default true. */
  affine?: boolean;
  /** Keep running mean/var for eval mode. Default true. */
  trackRunningStats?: boolean;
}

/**
 * Batch normalisation (Ioffe & Szegedy, 2015) over every dim but C. In training it
 * uses batch statistics and updates running_mean / running_var (unbiased) with
 * `momentum` (null: cumulative average 1/num_batches_tracked); in eval it uses them.
 */
abstract class BatchNormBase extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
  /**
   * Statistics over every rank's batch in training (SyncBatchNorm), when a process
   * group of more than one rank is initialized; set by `convertSyncBatchNorm`.
   */
  sync = false;

  protected constructor(
    private readonly ranks: number[],
    readonly numFeatures: number,
    o: BatchNormOptions,
  ) {
    super();
    const name = this.constructor.name;
    const {
      eps = 1e-5,
      momentum = 0.1,
      affine = true,
      trackRunningStats = true,
    } = within(name, () => {
      int(numFeatures, 'numFeatures', 1);
      const c = options(o, name, ['eps', 'momentum', 'affine', 'trackRunningStats']);
      if (c.eps !== undefined && !(finite(c.eps, 'eps') > 0)) fail(c.eps, 'eps', 'a positive number', RangeError);
      const m = c.momentum;
      if (m !== undefined && m !== null && !(typeof m === 'number' && m >= 0 && m <= 1))
        fail(m, 'momentum', 'null or a number in [0, 1]', typeof m === 'number' ? RangeError : TypeError);
      bool(c.affine ?? true, 'affine');
      bool(c.trackRunningStats ?? true, 'trackRunningStats');
      return c;
    });
    this.eps = eps;
    this.momentum = momentum;
    this.weight = this.registerParameter('weight', affine ? torch.ones([numFeatures]) : null);
    this.bias = this.registerParameter('bias', affine ? torch.zeros([numFeatures]) : null);
    this.runningMean = this.registerBuffer('running_mean', trackRunningStats ? torch.zeros([numFeatures]) : null);
    this.runningVar = this.registerBuffer('running_var', trackRunningStats ? torch.ones([numFeatures]) : null);
    this.numBatchesTracked = this.registerBuffer('num_batches_tracked', trackRunningStats ? torch.zeros([], { dtype: 'int64' }) : null);
  }

  forward(x: Tensor): Tensor {
    if (!this.ranks.includes(x.dim()))
      throw new RangeError(`${this.constructor.name}: expected a ${this.ranks.join('-D or ')}-D input but received shape [${x.shape}]`);
    let momentum = this.momentum ?? 0;
    if (this.training && this.numBatchesTracked) {
      torch.noGrad(() => this.numBatchesTracked!.add_(1));
      if (this.momentum === null) momentum = 1 / this.numBatchesTracked.item();
    }
    const useBatch = this.training || !this.runningMean;
    if (this.sync && this.training && torch.distributed.isInitialized() && torch.distributed.getWorldSize() > 1)
      return this.syncForward(x, momentum);
    return F.batchNorm(x, useBatch && !this.training ? null : this.runningMean, useBatch && !this.training ? null : this.runningVar, {
      weight: this.weight,
      bias: this.bias,
      training: useBatch,
      momentum,
      eps: this.eps,
    });
  }

  /** Training with the global batch's mean and (biased) variance; running statistics from them (unbiased variance). */
  private syncForward(x: Tensor, momentum: number): Tensor {
    return torch.scope(() => {
      const { mean, variance, count } = globalBatchStats(x); // [C] each
      if (this.runningMean && this.runningVar)
        torch.noGrad(() => {
          this.runningMean!.mul_(1 - momentum).add_(mean.mul(momentum));
          this.runningVar!.mul_(1 - momentum).add_(variance.mul((momentum * count) / Math.max(1, count - 1)));
        });
      const shape = [1, this.numFeatures, ...x.shape.slice(2).map(() => 1)]; // broadcast over N and the spatial dims
      let y = x.sub(mean.view(shape)).mul(variance.add(this.eps).rsqrt().view(shape));
      if (this.weight) y = y.mul(this.weight.view(shape));
      return this.bias ? y.add(this.bias.view(shape)) : y;
    });
  }
}

/** Batch norm over [N, C] or [N, C, L] (statistics per channel C); same shape out. */
export class BatchNorm1d extends BatchNormBase {
  constructor(numFeatures: number, o: BatchNormOptions = {}) {
    super([2, 3], numFeatures, o);
  }
}

/** Batch norm over [N, C, H, W] (statistics per channel C); same shape out. */
export class BatchNorm2d extends BatchNormBase {
  constructor(numFeatures: number, o: BatchNormOptions = {}) {
    super([4], numFeatures, o);
  }
}

/**
 * PyTorch's `nn.SyncBatchNorm`: batch norm over [N, C, *] whose training statistics
 * are those of the global batch, every rank's inputs together (Peng et al. 2018,
 * "MegDet", §4; src/nn/sync-stats.ts). Gradients are exact: each rank's loss reaches
 * every rank's inputs through the statistics. Without a process group (or with one
 * rank) it is BatchNorm.
 */
export class SyncBatchNorm extends BatchNormBase {
  constructor(numFeatures: number, o: BatchNormOptions = {}) {
    super([2, 3, 4, 5], numFeatures, o);
    this.sync = true;
  }
}

/**
 * Turns every batch norm of `module` into a SyncBatchNorm, in place (PyTorch's
 * `SyncBatchNorm.convert_sync_batchnorm`, which returns a new tree instead: here
 * the layers keep their parameters and buffers and change how they train). Returns `module`.
 */
export function convertSyncBatchNorm<M extends Module>(module: M): M {
  for (const m of module.modules()) if (m instanceof BatchNormBase) m.sync = true;
  return module;
}

/** Layer norm (Ba et al., 2016) over the trailing dims: x [*, ...normalizedShape], same shape out; γ = 1, β = 0 initially. */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  constructor(
    normalizedShape: number | number[],
    readonly o: { eps?: number; elementwiseAffine?: boolean; bias?: boolean } = {},
  ) {
    super();
    const {
      shape,
      eps,
      elementwiseAffine = true,
      bias = true,
    } = within('LayerNorm', () => {
      const shape = typeof normalizedShape === 'number' ? [normalizedShape] : ints(normalizedShape, 'normalizedShape').slice();
      shape.forEach((d) => int(d, 'normalizedShape', 1));
      const c = options(o, 'LayerNorm', ['eps', 'elementwiseAffine', 'bias']);
      if (c.eps !== undefined) finite(c.eps, 'eps', 0);
      bool(c.elementwiseAffine ?? true, 'elementwiseAffine');
      bool(c.bias ?? true, 'bias');
      return { ...c, shape };
    });
    this.normalizedShape = shape;
    this.o = { eps };
    this.weight = this.registerParameter('weight', elementwiseAffine ? torch.ones(this.normalizedShape) : null);
    this.bias = this.registerParameter('bias', elementwiseAffine && bias ? torch.zeros(this.normalizedShape) : null);
  }
  forward(x: Tensor): Tensor {
    return F.layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.o.eps ?? 1e-5 });
  }
}

/** Group norm (Wu & He, 2018): normalises each of `numGroups` channel groups per sample. x: [N, C, *], same shape out. */
export class GroupNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    readonly o: { eps?: number; affine?: boolean } = {},
  ) {
    super();
    const { eps, affine = true } = within('GroupNorm', () => {
      int(numGroups, 'numGroups', 1);
      int(numChannels, 'numChannels', 1);
      const c = options(o, 'GroupNorm', ['eps', 'affine']);
      if (c.eps !== undefined) finite(c.eps, 'eps', 0);
      bool(c.affine ?? true, 'affine');
      return c;
    });
    this.o = { eps };
    if (numChannels % numGroups !== 0)
      throw new RangeError(`GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    this.weight = this.registerParameter('weight', affine ? torch.ones([numChannels]) : null);
    this.bias = this.registerParameter('bias', affine ? torch.zeros([numChannels]) : null);
  }
  forward(x: Tensor): Tensor {
    return F.groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.o.eps ?? 1e-5 });
  }
}
