/**
 * Projection heads and predictors as data (SimCLR, Chen et al. 2020, §2.1 and
 * §4.2; SimCLR v2, Chen et al. 2020b, §2): a list of blocks, each
 * `Linear → [BatchNorm1d] → [ReLU | GELU]`. SimCLR v1 uses one hidden layer (2
 * linear layers), v2 three; the last block has no activation. `layers: 0` is
 * "no head" (the identity), `layers: 1` a linear head. SimSiam and MoCo v3 end
 * with a batch norm without affine parameters (`lastBatchNorm`); DINO's MLP
 * uses GELU and no batch norm.
 *
 *   x [N, inDim] → block 0 [N, hiddenDim] → … → block L−1 [N, outDim]
 *
 * State-dict keys: `<i>.linear.weight|bias`, `<i>.bn.weight|bias|running_mean|…`.
 */
import type * as torch from '../torch/index.js';
import { BatchNorm1d, GELU, Linear, Module, ReLU } from '../nn/index.js';

type Tensor = torch.Tensor;

/** One block of a head: in → out features, with batch norm and/or ReLU after the linear map. */
export interface HeadBlock {
  inDim: number;
  outDim: number;
  batchNorm: boolean;
  /** Batch norm with learnable scale and shift (default true). */
  affine?: boolean;
  relu: boolean;
  /** The activation when `relu` is set: ReLU (default) or GELU. */
  activation?: 'relu' | 'gelu';
}

export interface ProjectionHeadOptions {
  /** Linear layers in the head: 0 = none (identity), 1 = linear, 2 = SimCLR v1's MLP, 3 = v2's. Default 2. */
  layers?: number;
  /** Width of the hidden layers. Default inDim. */
  hiddenDim?: number;
  /** Output width (the space of the contrastive loss). Default 128. */
  outDim?: number;
  /** Batch norm after every hidden linear layer (v2 style; v1 had none in the paper). Default true. */
  batchNorm?: boolean;
  /** Batch norm without affine parameters after the last linear layer (SimSiam, MoCo v3). Default false. */
  lastBatchNorm?: boolean;
  /** Activation of the hidden layers. Default 'relu'. */
  activation?: 'relu' | 'gelu';
}

class Block extends Module {
  readonly linear: Linear;
  readonly bn: BatchNorm1d | null;
  readonly relu: ReLU | GELU | null;
  constructor(b: HeadBlock) {
    super();
    this.linear = this.registerModule('linear', new Linear(b.inDim, b.outDim, { bias: !b.batchNorm }));
    this.bn = b.batchNorm ? this.registerModule('bn', new BatchNorm1d(b.outDim, { affine: b.affine ?? true })) : null;
    this.relu = b.relu ? (b.activation === 'gelu' ? new GELU() : new ReLU()) : null;
  }
  forward(x: Tensor): Tensor {
    let h = this.linear.forward(x);
    if (this.bn) h = this.bn.forward(h);
    return this.relu ? this.relu.forward(h) : h;
  }
}

/** A stack of head blocks. `forward(x, upTo)` stops after `upTo` blocks (0 = x itself). */
export class ProjectionHead extends Module {
  readonly blocks: readonly HeadBlock[];
  readonly outDim: number;
  constructor(inDim: number, blocks: HeadBlock[]) {
    super();
    blocks.forEach((b, i) => {
      const expected = i === 0 ? inDim : blocks[i - 1].outDim;
      if (b.inDim !== expected) throw new RangeError(`ProjectionHead: block ${i} expects ${expected} inputs but declares inDim ${b.inDim}`);
      this.registerModule(String(i), new Block(b));
    });
    this.blocks = blocks;
    this.outDim = blocks.length ? blocks[blocks.length - 1].outDim : inDim;
  }

  /** Width after `upTo` blocks (0 = the input width). */
  dimAt(upTo: number, inDim: number): number {
    return upTo === 0 ? inDim : this.blocks[upTo - 1].outDim;
  }

  /** x: [N, inDim] → [N, outDim] (or the output of the first `upTo` blocks). */
  forward(x: Tensor, upTo = this.blocks.length): Tensor {
    if (!Number.isInteger(upTo) || upTo < 0 || upTo > this.blocks.length)
      throw new RangeError(`ProjectionHead: expected upTo in 0…${this.blocks.length} but received ${upTo}`);
    let h = x;
    [...this.children()].slice(0, upTo).forEach((b) => (h = (b as Block).forward(h)));
    return h;
  }
}

/** A head of `layers` linear layers, ReLU/GELU (and batch norm) between them, none after the last (SimCLR's by default). */
export function simclrHead(inDim: number, o: ProjectionHeadOptions = {}): ProjectionHead {
  const { layers = 2, hiddenDim = inDim, outDim = 128, batchNorm = true, lastBatchNorm = false, activation = 'relu' } = o;
  for (const [name, v, min] of [
    ['layers', layers, 0],
    ['hiddenDim', hiddenDim, 1],
    ['outDim', outDim, 1],
    ['inDim', inDim, 1],
  ] as const)
    if (!Number.isInteger(v) || v < min)
      throw new RangeError(`simclrHead: expected an integer >= ${min} for ${name} but received ${JSON.stringify(v)}`);
  const blocks: HeadBlock[] = [];
  for (let i = 0; i < layers; i++) {
    const last = i === layers - 1;
    const bn = last ? lastBatchNorm : batchNorm;
    blocks.push({
      inDim: i === 0 ? inDim : hiddenDim,
      outDim: last ? outDim : hiddenDim,
      batchNorm: bn,
      affine: !last,
      relu: !last,
      activation,
    });
  }
  return new ProjectionHead(inDim, blocks);
}
