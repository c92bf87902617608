/** Convolution layers (PyTorch's Conv1d, Conv2d, ConvTranspose2d and their initialisation). */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { Module } from './module.js';
import { checkPositive } from './layers.js';
import * as init from './init.js';

type Tensor = torch.Tensor;
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

/** One positive int per spatial dim from a number or a list of n numbers. */
function tuple(v: Size, n: number, name: string, layer: string): number[] {
  const t = typeof v === 'number' ? Array<number>(n).fill(v) : v;
  if (!Array.isArray(t) || t.length !== n) throw new RangeError(`${layer}: expected a number or ${n} numbers for ${name} but received ${JSON.stringify(v)}`);
  t.forEach((k) => checkPositive(k, name, layer));
  return t;
}

/** Shared parameters and initialisation of the convolution layers. */
abstract class ConvNd extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly groups: number;
  readonly kernelSize: number[];
  protected constructor(name: string, readonly inChannels: number, readonly outChannels: number, kernelSize: Size,
    o: ConvOptions | ConvTransposeOptions, transposed: boolean, n: number) {
    super();
    const groups = o.groups ?? 1;
    checkPositive(inChannels, 'inChannels', name);
    checkPositive(outChannels, 'outChannels', name);
    checkPositive(groups, 'groups', name);
    this.kernelSize = tuple(kernelSize, n, 'kernelSize', name);
    const stride = tuple(o.stride ?? 1, n, 'stride', name);
    if (o.padding === 'same' && stride.some((s) => s !== 1))
      throw new RangeError(`${name}: padding 'same' needs stride 1 but received stride ${JSON.stringify(o.stride)}`);
    if (inChannels % groups || outChannels % groups)
      throw new RangeError(`${name}: inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${groups})`);
    this.groups = groups;
    const k = this.kernelSize;
    const shape = transposed ? [inChannels, outChannels / groups, ...k] : [outChannels, inChannels / groups, ...k];
    this.weight = this.registerParameter('weight', torch.empty(shape));
    this.bias = this.registerParameter('bias', o.bias === false ? null : torch.empty([outChannels]));
    this.resetParameters();
  }
  /** W ~ kaiming_uniform(a=√5) = U(±1/√fanIn), b ~ U(±1/√fanIn), as PyTorch (fanIn from the weight's dim 1, also when transposed). */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const { fanIn } = init.calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }
}

/** 1-D convolution. x: [N, Cin, L] → [N, Cout, L']; weight [Cout, Cin/groups, k], bias [Cout]. */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, readonly o: ConvOptions = {}) {
    super('Conv1d', inChannels, outChannels, kernelSize, o, false, 1);
  }
  forward(x: Tensor): Tensor {
    const { stride = 1, padding = 0, dilation = 1 } = this.o;
    return F.conv1d(x, this.weight, this.bias, { stride, padding, dilation, groups: this.groups });
  }
}

/** 2-D convolution. x: [N, Cin, H, W] → [N, Cout, H', W']; weight [Cout, Cin/groups, kH, kW], bias [Cout]. */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, readonly o: ConvOptions = {}) {
    super('Conv2d', inChannels, outChannels, kernelSize, o, false, 2);
  }
  forward(x: Tensor): Tensor {
    const { stride = 1, padding = 0, dilation = 1 } = this.o;
    return F.conv2d(x, this.weight, this.bias, { stride, padding, dilation, groups: this.groups });
  }
}

export interface ConvTransposeOptions {
  /** Default 1. */
  stride?: Size;
  /** Default 0: removes dilation·(k−1)−padding from each side of the full output. */
  padding?: Size;
  /** Default 0: extra rows/columns on one side (< stride or dilation). */
  outputPadding?: Size;
  /** Default 1. */
  dilation?: Size;
  /** Default 1. */
  groups?: number;
  /** Default true. */
  bias?: boolean;
}

/** Transposed convolution. x: [N, Cin, H, W] → [N, Cout, H', W']; weight [Cin, Cout/groups, kH, kW]. */
export class ConvTranspose2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, readonly o: ConvTransposeOptions = {}) {
    super('ConvTranspose2d', inChannels, outChannels, kernelSize, o, true, 2);
  }
  forward(x: Tensor): Tensor {
    const { stride = 1, padding = 0, outputPadding = 0, dilation = 1 } = this.o;
    return F.convTranspose2d(x, this.weight, this.bias, { stride, padding, outputPadding, dilation, groups: this.groups });
  }
}
