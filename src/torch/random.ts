/** Seeded random number generation (PyTorch's `torch.manual_seed` and `torch.Generator`). */
import { native } from './native.js';
import { checkInt } from './errors.js';
import { Tensor } from './tensor.js';

/** Seeds the global generator used by every random op without an explicit generator. */
export function manualSeed(seed: number): void {
  checkInt(seed, 'seed', 0);
  native.manualSeed(seed);
}

/** An independent CPU random generator; pass it as `{ generator }` to random ops. */
export class Generator {
  /** @internal native generator handle */
  readonly _g: number;
  constructor(seed = 0) {
    checkInt(seed, 'seed', 0);
    this._g = native.newGenerator(seed);
  }
  manualSeed(seed: number): this {
    checkInt(seed, 'seed', 0);
    native.generatorSeed(this._g, seed);
    return this;
  }
  /** The generator's full state as a uint8 tensor (save it to resume a run). */
  getState(): Tensor {
    return new Tensor(native.generatorGetState(this._g));
  }
  setState(state: Tensor): void {
    native.generatorSetState(this._g, state._h);
  }
}

/** State of the global generator (uint8 tensor). */
export function getRngState(): Tensor {
  return new Tensor(native.generatorGetState(null));
}

export function setRngState(state: Tensor): void {
  native.generatorSetState(null, state._h);
}

export function generatorHandle(g: Generator | undefined): number | null {
  return g === undefined ? null : g._g;
}
