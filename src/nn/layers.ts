/** Basic layers: Linear, Identity, Flatten, Embedding, Dropout, DropPath (PyTorch's initialisation). */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { Module } from './module.js';
import * as init from './init.js';
import { bool, fail, int, num, options, within } from '../torch/check.js';

type Tensor = torch.Tensor;

/** y = x Wᵀ + b. x: [*, inFeatures] → [*, outFeatures]. W ~ U(±1/√in), b ~ U(±1/√in). */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    o?: { bias?: boolean },
  ) {
    super();
    const bias = within('Linear', () => {
      int(inFeatures, 'inFeatures', 1);
      int(outFeatures, 'outFeatures', 1);
      return bool(options(o, 'Linear', ['bias']).bias ?? true, 'bias');
    });
    this.weight = this.registerParameter('weight', torch.empty([outFeatures, inFeatures]));
    this.bias = this.registerParameter('bias', bias ? torch.empty([outFeatures]) : null);
    this.resetParameters();
  }
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const bound = 1 / Math.sqrt(this.inFeatures);
      init.uniform_(this.bias, -bound, bound);
    }
  }
  forward(x: Tensor): Tensor {
    return F.linear(x, this.weight, this.bias);
  }
}

/** Returns its input unchanged: any shape. */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** Flattens dims startDim..endDim (default 1..-1): [N, C, H, W] → [N, C·H·W]. */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
    within('Flatten', () => [int(startDim, 'startDim'), int(endDim, 'endDim')]);
  }
  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
}

/**
 * Lookup table: int64 indices [*] → [*, embeddingDim]; weight [numEmbeddings, embeddingDim]
 * ~ N(0, 1) with the paddingIdx row zero (it gets no gradient; negative counts from the end).
 */
export class Embedding extends Module {
  readonly weight: Tensor;
  readonly paddingIdx: number | null;
  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    readonly o: Omit<F.EmbeddingOptions, 'paddingIdx'> & { paddingIdx?: number } = {},
  ) {
    super();
    const p = within('Embedding', () => {
      int(numEmbeddings, 'numEmbeddings', 1);
      int(embeddingDim, 'embeddingDim', 1);
      const { paddingIdx } = options(o, 'Embedding', ['paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq']);
      return paddingIdx === undefined || paddingIdx === null ? null : int(paddingIdx, 'paddingIdx', -numEmbeddings, numEmbeddings - 1);
    });
    this.paddingIdx = p === null ? null : p < 0 ? p + numEmbeddings : p;
    this.weight = this.registerParameter('weight', torch.empty([numEmbeddings, embeddingDim]));
    this.resetParameters();
  }
  resetParameters(): void {
    init.normal_(this.weight);
    const p = this.paddingIdx;
    if (p !== null) torch.noGrad(() => torch.scope(() => void this.weight.select(0, p).fill_(0)));
  }
  forward(x: Tensor): Tensor {
    return F.embedding(x, this.weight, { ...this.o, paddingIdx: this.paddingIdx });
  }
}

/** Zeroes elements with probability p in training and scales the rest by 1/(1−p); identity in eval. x: any shape. */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    within('Dropout', () => num(p, 'p', 0, 1));
  }
  forward(x: Tensor): Tensor {
    return F.dropout(x, { p: this.p, training: this.training });
  }
}

/**
 * Stochastic depth (Huang et al., 2016): drops the whole residual branch of a sample
 * with probability p in training, scaling kept samples by 1/(1−p). x: [N, *].
 */
export class DropPath extends Module {
  constructor(readonly p = 0) {
    super();
    within('DropPath', () => num(p, 'p', 0, 1) < 1 || fail(p, 'p', 'a number in [0, 1)', RangeError));
  }
  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    const keep = 1 - this.p;
    return torch.scope(() => {
      const u = torch.rand([x.shape[0], ...x.shape.slice(1).map(() => 1)], { dtype: x.dtype, device: x.device }); // [N, 1, …]
      return x.mul(u.lt(keep).to(x.dtype).div_(keep));
    });
  }
}
