/** Activation layers: thin Modules over `torch.nn.functional`. */
import * as torch from '../torch/index.js';
import { Module } from './module.js';

type Tensor = torch.Tensor;
import * as F from '../torch/functional/index.js';

/** A parameter-free layer that applies `fn` elementwise. */
abstract class Elementwise extends Module {
  protected abstract fn(x: Tensor): Tensor;
  forward(x: Tensor): Tensor {
    return this.fn(x);
  }
}

export class ReLU extends Elementwise { protected fn(x: Tensor): Tensor { return F.relu(x); } }
export class ReLU6 extends Elementwise { protected fn(x: Tensor): Tensor { return F.relu6(x); } }
export class SiLU extends Elementwise { protected fn(x: Tensor): Tensor { return F.silu(x); } }
export class Mish extends Elementwise { protected fn(x: Tensor): Tensor { return F.mish(x); } }
export class Hardswish extends Elementwise { protected fn(x: Tensor): Tensor { return F.hardswish(x); } }
export class Hardsigmoid extends Elementwise { protected fn(x: Tensor): Tensor { return F.hardsigmoid(x); } }
export class Sigmoid extends Elementwise { protected fn(x: Tensor): Tensor { return F.sigmoid(x); } }
export class Tanh extends Elementwise { protected fn(x: Tensor): Tensor { return F.tanh(x); } }

export class GELU extends Elementwise {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') { super(); }
  protected fn(x: Tensor): Tensor { return F.gelu(x, { approximate: this.approximate }); }
}

export class LeakyReLU extends Elementwise {
  constructor(readonly negativeSlope = 0.01) { super(); }
  protected fn(x: Tensor): Tensor { return F.leakyRelu(x, { negativeSlope: this.negativeSlope }); }
}

export class Softplus extends Elementwise {
  constructor(readonly beta = 1, readonly threshold = 20) { super(); }
  protected fn(x: Tensor): Tensor { return F.softplus(x, { beta: this.beta, threshold: this.threshold }); }
}

export class ELU extends Elementwise {
  constructor(readonly alpha = 1) { super(); }
  protected fn(x: Tensor): Tensor { return F.elu(x, { alpha: this.alpha }); }
}

export class Softmax extends Elementwise {
  constructor(readonly dim: number) { super(); }
  protected fn(x: Tensor): Tensor { return F.softmax(x, this.dim); }
}

export class LogSoftmax extends Elementwise {
  constructor(readonly dim: number) { super(); }
  protected fn(x: Tensor): Tensor { return F.logSoftmax(x, this.dim); }
}
