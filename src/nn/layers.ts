/** Basic layers: Linear, Identity, Flatten, Embedding, Dropout, DropPath (PyTorch's initialisation). */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { Module } from './module.js';
import * as init from './init.js';

type Tensor = torch.Tensor;

/** Throws `RangeError: <layer>: expected a positive integer for <name> but received <v>`. */
export function checkPositive(v: unknown, name: string, layer: string): void {
  if (!(typeof v === 'number' && Number.isInteger(v) && v > 0))
    throw new RangeError(`${layer}: expected a positive integer for ${name} but received ${JSON.stringify(v)}`);
}

/** y = x Wᵀ + b. x: [*, inFeatures] → [*, outFeatures]. W ~ U(±1/√in), b ~ U(±1/√in). */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  constructor(readonly inFeatures: number, readonly outFeatures: number, o: { bias?: boolean } = {}) {
    super();
    checkPositive(inFeatures, 'inFeatures', 'Linear');
    checkPositive(outFeatures, 'outFeatures', 'Linear');
    this.weight = this.registerParameter('weight', torch.empty([outFeatures, inFeatures]));
    this.bias = this.registerParameter('bias', o.bias === false ? null : torch.empty([outFeatures]));
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
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
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
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, readonly o: Omit<F.EmbeddingOptions, 'paddingIdx'> & { paddingIdx?: number } = {}) {
    super();
    checkPositive(numEmbeddings, 'numEmbeddings', 'Embedding');
    checkPositive(embeddingDim, 'embeddingDim', 'Embedding');
    const p = o.paddingIdx;
    if (p !== undefined && !(Number.isInteger(p) && p >= -numEmbeddings && p < numEmbeddings))
      throw new RangeError(`Embedding: expected an integer in [${-numEmbeddings}, ${numEmbeddings - 1}] for paddingIdx but received ${JSON.stringify(p)}`);
    this.paddingIdx = p === undefined ? null : p < 0 ? p + numEmbeddings : p;
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
    if (!(p >= 0 && p <= 1)) throw new RangeError(`Dropout: expected p in [0, 1] but received ${p}`);
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
    if (!(p >= 0 && p < 1)) throw new RangeError(`DropPath: expected p in [0, 1) but received ${p}`);
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
