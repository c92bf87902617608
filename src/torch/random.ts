/** Seeded random number generation (PyTorch's `torch.manual_seed` and `torch.Generator`). */
import { native } from './native.js';
import { fail, int, tensor } from './check.js';
import { Tensor } from './tensor.js';

/** Seeds the global generator used by every random op without an explicit generator. */
export function manualSeed(seed: number): void {
  native.manualSeed(int(seed, 'seed', 0));
}

/** The seed the global generator was last seeded with. */
export function initialSeed(): number {
  return native.generatorInitialSeed(null);
}

/** Frees native generators whose `Generator` was garbage-collected. */
const generatorFinalizer = new FinalizationRegistry<number>((g) => native.freeGenerator(g));

/** PyTorch's seed for a new `torch.Generator()` (c10's default_rng_seed_val). */
const DEFAULT_SEED = 67280421310721;

/** An independent CPU random generator; pass it as `{ generator }` to random ops. */
export class Generator {
  /** @internal native generator handle */
  readonly _g: number;
  /** `seed` defaults to PyTorch's default generator seed, so unseeded generators draw PyTorch's numbers. */
  constructor(seed = DEFAULT_SEED) {
    this._g = native.newGenerator(int(seed, 'seed', 0));
    generatorFinalizer.register(this, this._g);
  }
  manualSeed(seed: number): this {
    native.generatorSeed(this._g, int(seed, 'seed', 0));
    return this;
  }
  /** The seed this generator was last seeded with. */
  initialSeed(): number {
    return native.generatorInitialSeed(this._g);
  }
  /** The generator's full state as a uint8 tensor (save it to resume a run). */
  getState(): Tensor {
    return new Tensor(native.generatorGetState(this._g));
  }
  setState(state: Tensor): void {
    checkState(state);
    native.generatorSetState(this._g, state._h);
  }
}

function checkState(state: unknown): asserts state is Tensor {
  if (!(state instanceof Tensor)) fail(state, 'state', 'a uint8 Tensor from getState()/getRngState()');
  tensor(state, 'state');
}

/** State of the global generator (uint8 tensor). */
export function getRngState(): Tensor {
  return new Tensor(native.generatorGetState(null));
}

export function setRngState(state: Tensor): void {
  checkState(state);
  native.generatorSetState(null, state._h);
}

export function generatorHandle(g: Generator | undefined): number | null {
  if (g === undefined || g === null) return null;
  if (!(g instanceof Generator)) fail(g, 'generator', 'a torch.Generator');
  return g._g;
}
