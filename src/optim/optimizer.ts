/**
 * Base optimizer with PyTorch's structure: parameter groups with per-group
 * hyperparameters, per-parameter state, and a state dict that stores state by
 * parameter index so it can be saved and restored into a fresh model.
 */
import * as torch from '../torch/index.js';

type Tensor = torch.Tensor;

/** A group of parameters with optional per-group overrides of the defaults. */
export type ParamGroupInput<O> = { params: Tensor[] } & Partial<O>;
export type ParamGroup<O> = { params: Tensor[] } & O;
export type ParamState = Record<string, Tensor | number>;

export interface OptimizerState<O> {
  state: Record<number, ParamState>;
  paramGroups: (O & { params: number[] })[];
}

export abstract class Optimizer<O extends { lr: number }> {
  readonly paramGroups: ParamGroup<O>[];
  readonly state = new Map<Tensor, ParamState>();

  constructor(params: Tensor[] | ParamGroupInput<O>[], defaults: O) {
    if (!Array.isArray(params) || params.length === 0)
      throw new TypeError(`${this.constructor.name}: expected a non-empty array of parameters or parameter groups`);
    const groups = params[0] instanceof torch.Tensor ? [{ params: params as Tensor[] }] : (params as ParamGroupInput<O>[]);
    const seen = new Set<Tensor>();
    this.paramGroups = groups.map((g, i) => {
      if (!Array.isArray(g.params)) throw new TypeError(`${this.constructor.name}: parameter group ${i} has no params array`);
      for (const p of g.params) {
        if (!(p instanceof torch.Tensor)) throw new TypeError(`${this.constructor.name}: parameter group ${i} holds a non-Tensor`);
        if (seen.has(p)) throw new Error(`${this.constructor.name}: a parameter appears in more than one group`);
        seen.add(p);
      }
      const merged = { ...defaults, ...g } as ParamGroup<O>;
      this.validate(merged, i);
      return merged;
    });
  }

  /** Checks one group's hyperparameters; errors name the option and the group. */
  protected abstract validate(group: O, index: number): void;

  /** Applies one update to every parameter that has a gradient. */
  abstract step(): void;

  protected checkRange(value: unknown, name: string, group: number, lo: number, hi = Infinity, hiOpen = false): void {
    const ok = typeof value === 'number' && value >= lo && (hiOpen ? value < hi : value <= hi);
    if (!ok) {
      const range = hi === Infinity ? `>= ${lo}` : `in [${lo}, ${hi}${hiOpen ? ')' : ']'}`;
      throw new RangeError(`${this.constructor.name}: expected ${name} ${range} but received ${JSON.stringify(value)} (parameter group ${group})`);
    }
  }

  /** State of one parameter, created on first use. */
  protected stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (!s) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  /** Calls `fn(param, grad, group, state)` for every parameter with a gradient, inside noGrad and a scope. */
  protected eachParam(fn: (p: Tensor, grad: Tensor, group: ParamGroup<O>, state: ParamState) => void): void {
    torch.noGrad(() => {
      for (const group of this.paramGroups)
        for (const p of group.params)
          torch.scope(() => {
            const g = p.grad;
            if (g) fn(p, g, group, this.stateOf(p));
          });
    });
  }

  /** Clears gradients (to null by default, as PyTorch ≥ 2.0). */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups)
      for (const p of group.params) {
        const g = p.grad;
        if (!g) continue;
        if (setToNone) p.grad = null;
        else g.zero_();
        g.dispose();
      }
  }

  /** Sets the learning rate of every group (used by schedules). */
  setLr(lr: number): void {
    for (const g of this.paramGroups) g.lr = lr;
  }

  /** Hyperparameters and per-parameter state; parameters are referred to by index. */
  stateDict(): OptimizerState<O> {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...rest } = g;
      return { ...(rest as unknown as O), params: params.map((p) => { index.set(p, index.size); return index.size - 1; }) };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, paramGroups };
  }

  /** Restores a state dict saved from an optimizer over the same parameter layout. */
  loadStateDict(sd: OptimizerState<O>): void {
    if (sd.paramGroups.length !== this.paramGroups.length)
      throw new Error(`${this.constructor.name}.loadStateDict: the saved state has ${sd.paramGroups.length} parameter groups but the optimizer has ${this.paramGroups.length}`);
    const params: Tensor[] = [];
    sd.paramGroups.forEach((saved, i) => {
      const group = this.paramGroups[i];
      if (saved.params.length !== group.params.length)
        throw new Error(`${this.constructor.name}.loadStateDict: parameter group ${i} has ${saved.params.length} parameters in the saved state but ${group.params.length} here`);
      const { params: idx, ...hyper } = saved;
      Object.assign(group, hyper);
      idx.forEach((k, j) => (params[k] = group.params[j]));
    });
    this.state.clear();
    for (const [k, s] of Object.entries(sd.state)) {
      const p = params[Number(k)];
      if (!p) throw new Error(`${this.constructor.name}.loadStateDict: state for unknown parameter index ${k}`);
      const copy: ParamState = {};
      for (const [name, v] of Object.entries(s)) {
        if (typeof v !== 'number') {
          const pShape = p.shape.join(',');
          if (v.numel() === p.numel() && v.shape.join(',') !== pShape)
            throw new Error(`${this.constructor.name}.loadStateDict: state "${name}" of parameter ${k} has shape [${v.shape}] but the parameter has [${pShape}]`);
          copy[name] = v.to({ device: p.device, copy: true });
        } else copy[name] = v;
      }
      this.state.set(p, copy);
    }
  }
}
