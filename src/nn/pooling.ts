/** Pooling layers over `torch.nn.functional` (x: [N, C, L] for 1d, [N, C, H, W] for 2d). */
import * as torch from '../torch/index.js';
import { Module } from './module.js';

type Tensor = torch.Tensor;
type Size = number | number[];
import * as F from '../torch/functional/index.js';

export interface PoolOptions {
  /** Default: the kernel size. */
  stride?: Size;
  padding?: Size;
  ceilMode?: boolean;
}

export class MaxPool1d extends Module {
  constructor(readonly kernelSize: Size, readonly o: PoolOptions & { dilation?: Size } = {}) { super(); }
  forward(x: Tensor): Tensor { return F.maxPool1d(x, this.kernelSize, this.o); }
}

export class MaxPool2d extends Module {
  constructor(readonly kernelSize: Size, readonly o: PoolOptions & { dilation?: Size } = {}) { super(); }
  forward(x: Tensor): Tensor { return F.maxPool2d(x, this.kernelSize, this.o); }
}

export class AvgPool1d extends Module {
  constructor(readonly kernelSize: Size, readonly o: PoolOptions & { countIncludePad?: boolean } = {}) { super(); }
  forward(x: Tensor): Tensor { return F.avgPool1d(x, this.kernelSize, this.o); }
}

export class AvgPool2d extends Module {
  constructor(readonly kernelSize: Size, readonly o: PoolOptions & { countIncludePad?: boolean } = {}) { super(); }
  forward(x: Tensor): Tensor { return F.avgPool2d(x, this.kernelSize, this.o); }
}

export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: number) { super(); }
  forward(x: Tensor): Tensor { return F.adaptiveAvgPool1d(x, this.outputSize); }
}

export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: number | (number | null)[]) { super(); }
  forward(x: Tensor): Tensor { return F.adaptiveAvgPool2d(x, this.outputSize); }
}

export class AdaptiveMaxPool2d extends Module {
  constructor(readonly outputSize: number | (number | null)[]) { super(); }
  forward(x: Tensor): Tensor { return F.adaptiveMaxPool2d(x, this.outputSize); }
}
