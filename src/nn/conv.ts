/** Convolution layers (PyTorch's Conv1d, Conv2d, ConvTranspose2d and their initialisation). */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { Module } from './module.js';
import * as init from './init.js';
import { bool, int, INT32_MAX, oneOf, options, tuple, within } from '../torch/check.js';

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

const CONV_KEYS = ['stride', 'padding', 'dilation', 'groups', 'bias'];
const CONVT_KEYS = ['stride', 'padding', 'outputPadding', 'dilation', 'groups', 'bias'];

/** Shared parameters and initialisation of the convolution layers. */
abstract class ConvNd extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly groups: number;
  readonly kernelSize: number[];
  protected constructor(
    name: string,
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Size,
    o: ConvOptions | ConvTransposeOptions,
    transposed: boolean,
    n: number,
  ) {
    super();
    const { groups, bias, kernel } = within(name, () => {
      const {
        groups = 1,
        bias = true,
        stride = 1,
        padding = 0,
        dilation = 1,
        ...rest
      } = options(o, name, transposed ? CONVT_KEYS : CONV_KEYS);
      int(inChannels, 'inChannels', 1, INT32_MAX);
      int(outChannels, 'outChannels', 1, INT32_MAX);
      int(groups, 'groups', 1, INT32_MAX);
      const kernel = tuple(kernelSize, 'kernelSize', n, 1);
      const strides = tuple(stride, 'stride', n, 1);
      if (typeof padding === 'string') oneOf(padding, 'padding', transposed ? [] : ['same', 'valid']);
      else tuple(padding, 'padding', n);
      if (padding === 'same' && strides.some((s) => s !== 1))
        throw new RangeError(`${name}: padding 'same' needs stride 1 but received stride ${JSON.stringify(stride)}`);
      tuple(dilation, 'dilation', n, 1);
      if ('outputPadding' in rest) tuple(rest.outputPadding, 'outputPadding', n);
      return { groups, bias: bool(bias, 'bias'), kernel };
    });
    this.kernelSize = kernel;
    if (inChannels % groups || outChannels % groups)
      throw new RangeError(`${name}: inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${groups})`);
    this.groups = groups;
    const k = this.kernelSize;
    const shape = transposed ? [inChannels, outChannels / groups, ...k] : [outChannels, inChannels / groups, ...k];
    this.weight = this.registerParameter('weight', torch.empty(shape));
    this.bias = this.registerParameter('bias', bias ? torch.empty([outChannels]) : null);
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
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Size,
    readonly o: ConvOptions = {},
  ) {
    super('Conv1d', inChannels, outChannels, kernelSize, o, false, 1);
  }
  forward(x: Tensor): Tensor {
    const { stride = 1, padding = 0, dilation = 1 } = this.o;
    return F.conv1d(x, this.weight, this.bias, { stride, padding, dilation, groups: this.groups });
  }
}

/** 2-D convolution. x: [N, Cin, H, W] → [N, Cout, H', W']; weight [Cout, Cin/groups, kH, kW], bias [Cout]. */
export class Conv2d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Size,
    readonly o: ConvOptions = {},
  ) {
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
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Size,
    readonly o: ConvTransposeOptions = {},
  ) {
    super('ConvTranspose2d', inChannels, outChannels, kernelSize, o, true, 2);
  }
  forward(x: Tensor): Tensor {
    const { stride = 1, padding = 0, outputPadding = 0, dilation = 1 } = this.o;
    return F.convTranspose2d(x, this.weight, this.bias, { stride, padding, outputPadding, dilation, groups: this.groups });
  }
}
