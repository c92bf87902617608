/** Pooling layers over `torch.nn.functional` (x: [N, C, L] for 1d, [N, C, H, W] for 2d; batch dim optional). */
import type * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { Module } from './module.js';

type Tensor = torch.Tensor;
type Size = number | number[];

export interface PoolOptions {
  /** Default: the kernel size. */
  stride?: Size;
  /** Default 0 (implicit −∞ for max pooling, zeros for average pooling). */
  padding?: Size;
  /** Default false: ceil instead of floor for the output size. */
  ceilMode?: boolean;
}
export type MaxPoolOptions = PoolOptions & { /** Default 1. */ dilation?: Size };
export type AvgPoolOptions = PoolOptions & { /** Default true: padding zeros count in the divisor. */ countIncludePad?: boolean };

/** Max over windows of `kernelSize`. [N, C, L] → [N, C, L']. */
export class MaxPool1d extends Module {
  constructor(
    readonly kernelSize: Size,
    readonly o: MaxPoolOptions = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.maxPool1d(x, this.kernelSize, this.o);
  }
}

/** Max over windows of `kernelSize`. [N, C, H, W] → [N, C, H', W']. */
export class MaxPool2d extends Module {
  constructor(
    readonly kernelSize: Size,
    readonly o: MaxPoolOptions = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.maxPool2d(x, this.kernelSize, this.o);
  }
}

/** Mean over windows of `kernelSize`. [N, C, L] → [N, C, L']. */
export class AvgPool1d extends Module {
  constructor(
    readonly kernelSize: Size,
    readonly o: AvgPoolOptions = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.avgPool1d(x, this.kernelSize, this.o);
  }
}

/** Mean over windows of `kernelSize` (`divisorOverride` replaces the window size). [N, C, H, W] → [N, C, H', W']. */
export class AvgPool2d extends Module {
  constructor(
    readonly kernelSize: Size,
    readonly o: AvgPoolOptions & { divisorOverride?: number | null } = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.avgPool2d(x, this.kernelSize, this.o);
  }
}

/** Mean pooling to a fixed length. [N, C, L] → [N, C, outputSize]. */
export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.adaptiveAvgPool1d(x, this.outputSize);
  }
}

/** Mean pooling to a fixed size (null keeps that dim). [N, C, H, W] → [N, C, oH, oW]. */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: number | (number | null)[]) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.adaptiveAvgPool2d(x, this.outputSize);
  }
}

/** Max pooling to a fixed size (null keeps that dim). [N, C, H, W] → [N, C, oH, oW]. */
export class AdaptiveMaxPool2d extends Module {
  constructor(readonly outputSize: number | (number | null)[]) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.adaptiveMaxPool2d(x, this.outputSize);
  }
}
