/**
 * Base optimizer with PyTorch's structure: parameter groups with per-group
 * hyperparameters, per-parameter state, and a state dict that stores state by
 * parameter index so it can be saved and restored into a fresh model.
 */
import * as torch from '../torch/index.js';
import { bool, describe, fail, finite, within } from '../torch/check.js';

type Tensor = torch.Tensor;

/** A group of parameters with optional per-group overrides of the defaults. */
export type ParamGroupInput<O> = { params: Tensor[] } & Partial<O>;
export type ParamGroup<O> = { params: Tensor[] } & O;
/** One parameter's state: tensors shaped like the parameter, and numbers (e.g. `step`). */
export type ParamState = Record<string, Tensor | number>;

/** `stateDict()`: state keyed by parameter index (in group order), and each group's hyperparameters. */
export interface OptimizerState<O> {
  state: Record<number, ParamState>;
  paramGroups: (O & { params: number[] })[];
}

const FLOATING = new Set(['float16', 'bfloat16', 'float32', 'float64']);

export abstract class Optimizer<O extends { lr: number }> {
  readonly paramGroups: ParamGroup<O>[];
  /** The hyperparameters a group gets unless it overrides them. */
  readonly defaults: O;
  readonly state = new Map<Tensor, ParamState>();
  private readonly known: string[];
  /** Each group's lr at construction over the default lr (PyTorch's `initial_lr`, as a ratio): what `setLr` keeps. */
  private readonly lrRatios: number[];

  /**
   * `defaults` lists every option this optimizer knows (with its default value);
   * `opts` and each group may set only those, so a misspelt option is an error.
   */
  constructor(params: Tensor[] | ParamGroupInput<O>[], defaults: O, opts: Partial<O>) {
    const name = this.constructor.name;
    if (!Array.isArray(params) || params.length === 0)
      throw new TypeError(`${name}: expected a non-empty array of parameters or parameter groups but received ${describe(params)}`);
    this.known = Object.keys(defaults);
    if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) within(name, () => fail(opts, 'options', 'an options object'));
    this.checkKeys(opts, 'options');
    this.defaults = { ...defaults, ...opts };
    const groups = params[0] instanceof torch.Tensor ? [{ params: params as Tensor[] }] : (params as ParamGroupInput<O>[]);
    const seen = new Set<Tensor>();
    this.paramGroups = groups.map((g, i) => {
      if (g === null || typeof g !== 'object' || !Array.isArray(g.params))
        throw new TypeError(`${name}: parameter group ${i} must be an object with a params array but received ${describe(g)}`);
      this.checkKeys(g, `parameter group ${i}`);
      g.params.forEach((p, j) => {
        if (!(p instanceof torch.Tensor))
          throw new TypeError(`${name}: parameter ${j} of parameter group ${i} is not a Tensor (received ${describe(p)})`);
        if (seen.has(p)) throw new Error(`${name}: parameter ${j} of parameter group ${i} appears in more than one group`);
        seen.add(p);
      });
      const merged = { ...structuredClone(this.defaults), ...g, params: [...g.params] } as ParamGroup<O>;
      this.validate(merged, i);
      return merged;
    });
    this.lrRatios = this.paramGroups.map((g) => (g.lr === this.defaults.lr ? 1 : g.lr / this.defaults.lr));
  }

  /** Checks one group's hyperparameters; errors name the option, the value and the group. */
  protected abstract validate(group: O, index: number): void;

  /** Applies one update to every parameter that has a gradient. */
  abstract step(): void;

  private checkKeys(o: object, where: string): void {
    for (const k of Object.keys(o))
      if (k !== 'params' && !this.known.includes(k))
        throw new TypeError(`${this.constructor.name}: unknown option "${k}" in ${where} (valid options: ${this.known.join(', ')})`);
  }

  /** Checks a finite number in [lo, hi] (or [lo, hi) when `hiOpen`); errors name the optimizer, the option and the group. */
  protected checkRange(value: unknown, name: string, group: number, lo: number, hi = Infinity, hiOpen = false): void {
    within(
      this.constructor.name,
      () => {
        if (!hiOpen) return finite(value, name, lo, hi);
        if (typeof value !== 'number' || !(value >= lo && value < hi))
          fail(value, name, `a number in [${lo}, ${hi})`, typeof value === 'number' ? RangeError : TypeError);
      },
      ` (parameter group ${group})`,
    );
  }

  protected checkBoolean(value: unknown, name: string, group: number): void {
    within(this.constructor.name, () => bool(value, name), ` (parameter group ${group})`);
  }

  /** State of one parameter, created empty on first use. */
  protected stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (!s) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  /**
   * Calls `fn(param, grad, group, state)` for every parameter with a gradient, in
   * noGrad and a scope per parameter: tensors `fn` stores in `state` must be
   * `torch.keep`-ed.
   */
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

  /** Clears gradients (to null by default, as PyTorch ≥ 2.0; `setToNone=false` zeroes them in place). */
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

  /**
   * Sets the learning rates, as a schedule does each step. `setLr(lr)` is the rate
   * for the optimizer's default lr: each group gets `lr` times its construction lr
   * over the default, so groups keep their ratios (PyTorch's schedulers likewise
   * scale each group's own initial lr); a group built at the default lr gets `lr`.
   * `setLr([lr0, lr1, …])` sets each group's rate. Nothing changes unless all are valid.
   */
  setLr(lr: number | number[]): void {
    const name = this.constructor.name;
    if (typeof lr !== 'number' && !Array.isArray(lr))
      throw new TypeError(`${name}.setLr: expected a number or an array of numbers (one per parameter group) but received ${describe(lr)}`);
    if (Array.isArray(lr) && lr.length !== this.paramGroups.length)
      throw new RangeError(`${name}.setLr: expected ${this.paramGroups.length} rates, one per parameter group, but received ${lr.length}`);
    const rates = this.lrRatios.map((ratio, i) => {
      if (Array.isArray(lr)) return lr[i];
      if (!Number.isFinite(ratio))
        throw new RangeError(
          `${name}.setLr: parameter group ${i} has its own lr but the default lr is 0, so it has no ratio to keep; pass one rate per group`,
        );
      return lr * ratio;
    });
    rates.forEach((r, i) => this.checkRange(r, 'lr', i, 0));
    rates.forEach((r, i) => (this.paramGroups[i].lr = r));
  }

  /**
   * Hyperparameters (copied) and per-parameter state (tensors shared, as PyTorch);
   * parameters are numbered in group order, so the state loads into a fresh model.
   */
  stateDict(): OptimizerState<O> {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...rest } = g;
      const ids = params.map((p) => {
        index.set(p, index.size);
        return index.size - 1;
      });
      return { ...(structuredClone(rest) as unknown as O), params: ids };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, paramGroups };
  }

  /**
   * Restores a state dict saved from an optimizer of the same kind over the same
   * parameter layout: group hyperparameters are replaced (and validated), state
   * tensors are copied to each parameter's device and floating dtype.
   */
  loadStateDict(sd: OptimizerState<O>): void {
    const name = `${this.constructor.name}.loadStateDict`;
    if (sd === null || typeof sd !== 'object' || !Array.isArray(sd.paramGroups) || sd.state === null || typeof sd.state !== 'object')
      throw new TypeError(`${name}: expected { state, paramGroups } but received ${describe(sd)}`);
    if (sd.paramGroups.length !== this.paramGroups.length)
      throw new Error(
        `${name}: the saved state has ${sd.paramGroups.length} parameter groups but the optimizer has ${this.paramGroups.length}`,
      );
    const params: Tensor[] = [];
    const hypers = sd.paramGroups.map((saved, i) => {
      const group = this.paramGroups[i];
      if (saved === null || typeof saved !== 'object')
        throw new TypeError(`${name}: saved parameter group ${i} must be an object but is ${describe(saved)}`);
      if (!Array.isArray(saved.params) || saved.params.length !== group.params.length)
        throw new Error(
          `${name}: parameter group ${i} has ${saved.params?.length} parameters in the saved state but ${group.params.length} here`,
        );
      const { params: idx, ...hyper } = saved;
      this.checkKeys(hyper, `saved parameter group ${i}`);
      const merged = { ...group, ...structuredClone(hyper) };
      this.validate(merged, i);
      idx.forEach((k, j) => (params[k] = group.params[j]));
      return hyper;
    });
    const state = new Map<Tensor, ParamState>();
    for (const [k, s] of Object.entries(sd.state)) {
      const p = params[Number(k)];
      if (!p) throw new Error(`${name}: the saved state refers to parameter index ${k}, which no parameter group holds`);
      const copy: ParamState = {};
      for (const [key, v] of Object.entries(s)) {
        if (typeof v === 'number') copy[key] = v;
        else if (v instanceof torch.Tensor) {
          if (v.shape.join(',') !== p.shape.join(','))
            throw new Error(`${name}: state "${key}" of parameter ${k} has shape [${v.shape}] but the parameter has shape [${p.shape}]`);
          const dtype = FLOATING.has(v.dtype) ? p.dtype : v.dtype;
          copy[key] = torch.keep(v.to({ device: p.device, dtype, copy: true }));
        } else throw new TypeError(`${name}: state "${key}" of parameter ${k} must be a Tensor or a number but is ${describe(v)}`);
      }
      state.set(p, copy);
    }
    hypers.forEach((h, i) => Object.assign(this.paramGroups[i], structuredClone(h)));
    this.state.clear();
    for (const [p, s] of state) this.state.set(p, s);
  }
}
