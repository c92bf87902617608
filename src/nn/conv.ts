/** Convolution layers (PyTorch's Conv1d, Conv2d, ConvTranspose2d and their initialisation). */
import * as torch from '../torch/index.js';
import { Module } from './module.js';
import * as init from './init.js';

type Tensor = torch.Tensor;
import * as F from '../torch/functional/index.js';
type Size = number | number[];

export interface ConvOptions {
  /** Default 1. */
  stride?: Size;
  /** Default 0; 'same' or 'valid' also accepted (stride 1). */
  padding?: Size | 'same' | 'valid';
  /** Default 1. */
  dilation?: Size;
  /** Default 1; inChannels and outChannels must be divisible by it. */
  groups?: number;
  /** Default true. */
  bias?: boolean;
}

const tuple = (v: Size, n: number): number[] => (typeof v === 'number' ? Array(n).fill(v) : v);

/** Shared parameters and initialisation of the convolution layers. */
abstract class ConvNd extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly groups: number;
  protected constructor(name: string, readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number[],
    o: { groups?: number; bias?: boolean }, transposed: boolean) {
    super();
    const groups = o.groups ?? 1;
    for (const [k, v] of [['inChannels', inChannels], ['outChannels', outChannels], ['groups', groups]] as const)
      if (!(Number.isInteger(v) && v > 0)) throw new RangeError(`${name}: expected a positive integer for ${k} but received ${JSON.stringify(v)}`);
    if (inChannels % groups || outChannels % groups)
      throw new RangeError(`${name}: inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${groups})`);
    this.groups = groups;
    const shape = transposed ? [inChannels, outChannels / groups, ...kernelSize] : [outChannels, inChannels / groups, ...kernelSize];
    this.weight = this.registerParameter('weight', torch.empty(shape));
    this.bias = this.registerParameter('bias', o.bias === false ? null : torch.empty([outChannels]));
    this.resetParameters();
  }
  /** W ~ kaiming_uniform(a=√5), b ~ U(±1/√fanIn), as PyTorch. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const { fanIn } = init.calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }
}

/** x: [N, Cin, L] → [N, Cout, L']. */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, readonly o: ConvOptions = {}) {
    super('Conv1d', inChannels, outChannels, tuple(kernelSize, 1), o, false);
  }
  forward(x: Tensor): Tensor {
    const { stride = 1, padding = 0, dilation = 1 } = this.o;
    return F.conv1d(x, this.weight, this.bias, { stride, padding, dilation, groups: this.groups });
  }
}

/** x: [N, Cin, H, W] → [N, Cout, H', W']. */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, readonly o: ConvOptions = {}) {
    super('Conv2d', inChannels, outChannels, tuple(kernelSize, 2), o, false);
  }
  forward(x: Tensor): Tensor {
    const { stride = 1, padding = 0, dilation = 1 } = this.o;
    return F.conv2d(x, this.weight, this.bias, { stride, padding, dilation, groups: this.groups });
  }
}

export interface ConvTransposeOptions {
  stride?: Size;
  padding?: Size;
  outputPadding?: Size;
  dilation?: Size;
  groups?: number;
  bias?: boolean;
}

/** Transposed convolution. x: [N, Cin, H, W] → [N, Cout, H', W']; weight [Cin, Cout/groups, kH, kW]. */
export class ConvTranspose2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, readonly o: ConvTransposeOptions = {}) {
    super('ConvTranspose2d', inChannels, outChannels, tuple(kernelSize, 2), o, true);
  }
  forward(x: Tensor): Tensor {
    const { stride = 1, padding = 0, outputPadding = 0, dilation = 1 } = this.o;
    return F.convTranspose2d(x, this.weight, this.bias, { stride, padding, outputPadding, dilation, groups: this.groups });
  }
}
