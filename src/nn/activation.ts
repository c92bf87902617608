/** Activation layers: thin Modules over `torch.nn.functional`. Each maps x: any shape → the same shape. */
import type * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { Module } from './module.js';

type Tensor = torch.Tensor;

/** A parameter-free layer that applies `fn` to x: [*] → [*]. */
abstract class Elementwise extends Module {
  protected abstract fn(x: Tensor): Tensor;
  forward(x: Tensor): Tensor {
    return this.fn(x);
  }
}

/** max(0, x). [*] → [*]. */
export class ReLU extends Elementwise {
  protected fn(x: Tensor): Tensor {
    return F.relu(x);
  }
}
/** min(max(0, x), 6). [*] → [*]. */
export class ReLU6 extends Elementwise {
  protected fn(x: Tensor): Tensor {
    return F.relu6(x);
  }
}
/** x·σ(x) (Hendrycks & Gimpel 2016; Ramachandran et al. 2017). [*] → [*]. */
export class SiLU extends Elementwise {
  protected fn(x: Tensor): Tensor {
    return F.silu(x);
  }
}
/** x·tanh(softplus(x)) (Misra, 2019). [*] → [*]. */
export class Mish extends Elementwise {
  protected fn(x: Tensor): Tensor {
    return F.mish(x);
  }
}
/** x·relu6(x + 3)/6 (Howard et al., 2019). [*] → [*]. */
export class Hardswish extends Elementwise {
  protected fn(x: Tensor): Tensor {
    return F.hardswish(x);
  }
}
/** relu6(x + 3)/6. [*] → [*]. */
export class Hardsigmoid extends Elementwise {
  protected fn(x: Tensor): Tensor {
    return F.hardsigmoid(x);
  }
}
/** 1/(1 + e^−x). [*] → [*]. */
export class Sigmoid extends Elementwise {
  protected fn(x: Tensor): Tensor {
    return F.sigmoid(x);
  }
}
/** tanh(x). [*] → [*]. */
export class Tanh extends Elementwise {
  protected fn(x: Tensor): Tensor {
    return F.tanh(x);
  }
}

/** x·Φ(x) (Hendrycks & Gimpel, 2016), exact or with the tanh approximation. [*] → [*]. */
export class GELU extends Elementwise {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
  }
  protected fn(x: Tensor): Tensor {
    return F.gelu(x, { approximate: this.approximate });
  }
}

/** x if x ≥ 0 else negativeSlope·x (default 0.01). [*] → [*]. */
export class LeakyReLU extends Elementwise {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  protected fn(x: Tensor): Tensor {
    return F.leakyRelu(x, { negativeSlope: this.negativeSlope });
  }
}

/** log(1 + e^(βx))/β, linear where βx > threshold (defaults β 1, threshold 20). [*] → [*]. */
export class Softplus extends Elementwise {
  constructor(
    readonly beta = 1,
    readonly threshold = 20,
  ) {
    super();
  }
  protected fn(x: Tensor): Tensor {
    return F.softplus(x, { beta: this.beta, threshold: this.threshold });
  }
}

/** x if x > 0 else α(e^x − 1) (Clevert et al., 2015; α default 1). [*] → [*]. */
export class ELU extends Elementwise {
  constructor(readonly alpha = 1) {
    super();
  }
  protected fn(x: Tensor): Tensor {
    return F.elu(x, { alpha: this.alpha });
  }
}

/** Softmax along `dim`. [*] → [*], summing to 1 along dim. */
export class Softmax extends Elementwise {
  constructor(readonly dim: number) {
    super();
  }
  protected fn(x: Tensor): Tensor {
    return F.softmax(x, this.dim);
  }
}

/** log(softmax(x)) along `dim`, computed stably. [*] → [*]. */
export class LogSoftmax extends Elementwise {
  constructor(readonly dim: number) {
    super();
  }
  protected fn(x: Tensor): Tensor {
    return F.logSoftmax(x, this.dim);
  }
}
