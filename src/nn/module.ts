/**
 * `nn.Module`: PyTorch's container semantics. Parameters, buffers and children are
 * registered explicitly in ordered maps; `stateDict()` keys are dotted paths equal
 * to PyTorch's, so weights move both ways through safetensors.
 */
import * as torch from '../torch/index.js';
import { isComplex, isFloating } from '../torch/dtype.js';
import { native } from '../torch/native.js';
import { bool, describe, fail, options, str, within } from '../torch/check.js';

type Tensor = torch.Tensor;
type Kind = 'parameter' | 'buffer' | 'module';

/** What `loadStateDict` reports: keys the model has but the state lacks, and the reverse. */
export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

const floatingOrComplex = (d: torch.DType): boolean => isFloating(d) || isComplex(d);
const joined = (prefix: string, name: string): string => (prefix ? `${prefix}.${name}` : name);

/** Base class of every layer and model: subclasses register tensors and children in the constructor and define `forward`. */
export abstract class Module {
  /** Training mode (Dropout, BatchNorm, DropPath behave differently in eval). Set with `train()` / `eval()`. */
  training = true;
  private readonly _parameters = new Map<string, Tensor | null>();
  private readonly _buffers = new Map<string, Tensor | null>();
  private readonly _nonPersistent = new Set<string>();
  private readonly _modules = new Map<string, Module | null>();

  /** The computation; `module.forward(x)` is PyTorch's `module(x)`. */
  abstract forward(...inputs: unknown[]): unknown;

  // ------------------------------------------------------------ registration
  /**
   * Registers a trainable leaf tensor under `name` (it is made to require grad and
   * taken out of any open `torch.scope`, so it outlives the scope). Returns it.
   */
  registerParameter<T extends Tensor | null>(name: string, param: T): T {
    this.checkName(name, 'parameter', param !== null && !(param instanceof torch.Tensor));
    if (param) {
      if (!param.isLeaf)
        throw new TypeError(
          `${this.constructor.name}.registerParameter: "${name}" must be a leaf tensor (the result of an op recorded by autograd is not); pass t.detach()`,
        );
      torch.keep(param);
      if (!param.requiresGrad) param.requiresGrad = true;
    }
    this._parameters.set(name, param);
    return param;
  }
  /** Registers a state tensor (e.g. running statistics), kept out of scopes; `persistent=false` keeps it out of stateDict. */
  registerBuffer<T extends Tensor | null>(name: string, buffer: T, persistent = true): T {
    this.checkName(name, 'buffer', buffer !== null && !(buffer instanceof torch.Tensor));
    if (buffer) torch.keep(buffer);
    this._buffers.set(name, buffer);
    if (!persistent) this._nonPersistent.add(name);
    return buffer;
  }
  /** Registers a child module under `name` (its keys become `name.*`). */
  registerModule<M extends Module | null>(name: string, module: M): M {
    this.checkName(name, 'module', module !== null && !(module instanceof Module));
    this._modules.set(name, module);
    return module;
  }
  private checkName(name: string, kind: Kind, badValue: boolean): void {
    const api = `${this.constructor.name}.register${kind[0].toUpperCase()}${kind.slice(1)}`;
    if (typeof name !== 'string' || name === '' || name.includes('.'))
      throw new TypeError(`${api}: expected a non-empty name without "." but received ${describe(name)}`);
    const maps: [Kind, Map<string, unknown>][] = [
      ['parameter', this._parameters],
      ['buffer', this._buffers],
      ['module', this._modules],
    ];
    const taken = maps.find(([, m]) => m.has(name));
    if (taken) throw new Error(`${api}: "${name}" is already registered as a ${taken[0]}`);
    if (badValue) throw new TypeError(`${api}: expected ${kind === 'module' ? 'a Module' : 'a Tensor'} or null for "${name}"`);
  }
  /** Replaces a registered buffer's tensor (e.g. after an out-of-place update). */
  protected setBuffer(name: string, value: Tensor): void {
    if (!this._buffers.has(name)) throw new Error(`${this.constructor.name}.setBuffer: no buffer named "${name}"`);
    this._buffers.set(name, torch.keep(value));
  }
  /** Replaces a registered child (containers use it; a field pointing at the old child is not updated). */
  protected setModule(name: string, module: Module | null): void {
    if (!this._modules.has(name)) throw new Error(`${this.constructor.name}.setModule: no child named "${name}"`);
    if (module !== null && !(module instanceof Module))
      throw new TypeError(`${this.constructor.name}.setModule: expected a Module or null for "${name}" but received ${describe(module)}`);
    this._modules.set(name, module);
  }

  // ------------------------------------------------------------ traversal
  /** Direct children in registration order, as [name, module]. */
  *namedChildren(): Generator<[string, Module]> {
    for (const [n, m] of this._modules) if (m) yield [n, m];
  }
  /** Direct children in registration order. */
  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }
  /** This module and all descendants, pre-order, with dotted names ('' for this one); shared modules once. */
  *namedModules(prefix = '', memo = new Set<Module>()): Generator<[string, Module]> {
    if (memo.has(this)) return;
    memo.add(this);
    yield [prefix, this];
    for (const [n, m] of this.namedChildren()) yield* m.namedModules(joined(prefix, n), memo);
  }
  /** This module and all descendants, pre-order. */
  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }
  /** The first child found at a dotted path ('' is this module), or an error naming the missing part. */
  getSubmodule(target: string): Module {
    within(`${this.constructor.name}.getSubmodule`, () => str(target, 'target'));
    let m = this as Module;
    for (const part of target ? target.split('.') : []) {
      const next = m._modules.get(part);
      if (!next) throw new Error(`${m.constructor.name} has no child named "${part}" (looking up "${target}")`);
      m = next;
    }
    return m;
  }
  private *namedTensors(which: '_parameters' | '_buffers', prefix: string, recurse: boolean): Generator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    const mods: Iterable<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [mp, m] of mods)
      for (const [n, t] of m[which])
        if (t && !seen.has(t)) {
          seen.add(t);
          yield [joined(mp, n), t];
        }
  }
  /** Parameters with dotted names in PyTorch's `named_parameters()` order (each tensor once). */
  namedParameters(prefix = '', recurse = true): Generator<[string, Tensor]> {
    return this.namedTensors('_parameters', prefix, recurse);
  }
  /** Parameters in `namedParameters()` order (what optimizers take). */
  parameters(recurse = true): Tensor[] {
    return [...this.namedParameters('', recurse)].map(([, p]) => p);
  }
  /** Buffers (persistent or not) with dotted names, each tensor once. */
  namedBuffers(prefix = '', recurse = true): Generator<[string, Tensor]> {
    return this.namedTensors('_buffers', prefix, recurse);
  }
  /** Buffers in `namedBuffers()` order. */
  buffers(recurse = true): Tensor[] {
    return [...this.namedBuffers('', recurse)].map(([, b]) => b);
  }
  /** Number of parameter elements (only those requiring grad when `trainableOnly`). */
  numParameters(trainableOnly = false): number {
    within(`${this.constructor.name}.numParameters`, () => bool(trainableOnly, 'trainableOnly'));
    return this.parameters()
      .filter((p) => !trainableOnly || p.requiresGrad)
      .reduce((s, p) => s + p.numel(), 0);
  }

  // ------------------------------------------------------------ modes and moves
  /** Sets training mode here and, through each child's `train`, on every descendant. */
  train(mode = true): this {
    if (typeof mode !== 'boolean')
      throw new TypeError(`${this.constructor.name}.train: expected a boolean for mode but received ${describe(mode)}`);
    this.training = mode;
    for (const c of this.children()) c.train(mode);
    return this;
  }
  /** `train(false)`: Dropout/DropPath become identities, BatchNorm uses its running statistics. */
  eval(): this {
    return this.train(false);
  }
  /** Sets `requiresGrad` on every parameter (false freezes the module). */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
  }
  /** Calls `fn` on every module, children first, then this one (PyTorch's `apply`). */
  apply(fn: (m: Module) => void): this {
    if (typeof fn !== 'function') within(`${this.constructor.name}.apply`, () => fail(fn, 'fn', 'a function'));
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }
  /**
   * Moves/casts parameters, their gradients and buffers in place: the Tensor objects
   * stay the same, so an optimizer made before keeps updating them. A dtype applies
   * to floating tensors only (num_batches_tracked stays int64).
   */
  to(target: { device?: torch.Device; dtype?: torch.DType } | torch.Device | torch.DType): this {
    const api = `${this.constructor.name}.to`;
    if (target === undefined || target === null) within(api, () => fail(target, 'target', 'a dtype, a device or { device, dtype }'));
    const o =
      typeof target === 'string'
        ? torch.dtypeNames.includes(target as torch.DType)
          ? { dtype: target as torch.DType }
          : { device: target }
        : within(api, () => options(target, api, ['device', 'dtype']));
    if (o.dtype !== undefined && !floatingOrComplex(o.dtype))
      throw new TypeError(`${api}: expected a floating point or complex dtype but received ${describe(o.dtype)}`);
    const move = (t: Tensor): void => {
      const dtype = o.dtype !== undefined && floatingOrComplex(t.dtype) ? o.dtype : t.dtype;
      native.setData(t._h, t.to({ device: o.device ?? t.device, dtype })._h);
    };
    torch.noGrad(() =>
      torch.scope(() => {
        for (const t of [...this.parameters(), ...this.buffers()]) {
          move(t);
          const g = t.grad;
          if (g) move(g);
        }
      }),
    );
    return this;
  }
  /** Clears parameter gradients: drops them (setToNone, the default) or zeroes them in place. */
  zeroGrad(setToNone = true): void {
    within(`${this.constructor.name}.zeroGrad`, () => bool(setToNone, 'setToNone'));
    for (const p of this.parameters()) {
      const g = p.grad;
      if (!g) continue;
      if (setToNone) p.grad = null;
      else torch.noGrad(() => g.detach_().zero_());
      g.dispose();
    }
  }

  // ------------------------------------------------------------ state
  /** Parameters and persistent buffers by dotted PyTorch key, in `state_dict()` order (tensors shared, not copied). */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    this.collectState('', out);
    return out;
  }
  /** Own parameters, then own persistent buffers, then each child's (shared children under every name). */
  private collectState(prefix: string, out: Record<string, Tensor>): void {
    for (const [n, p] of this._parameters) if (p) out[joined(prefix, n)] = p;
    for (const [n, b] of this._buffers) if (b && !this._nonPersistent.has(n)) out[joined(prefix, n)] = b;
    for (const [n, m] of this.namedChildren()) m.collectState(joined(prefix, n), out);
  }
  /**
   * Copies `state` into the registered tensors (casting dtype). `strict` (default)
   * fails on missing or unexpected keys; otherwise they are returned. A shape
   * mismatch always fails, naming the key and both shapes; nothing is copied on error.
   */
  loadStateDict(state: Record<string, Tensor>, strict = true, source = 'state dict'): LoadResult {
    within(`${this.constructor.name}.loadStateDict`, () => {
      if (state === null || typeof state !== 'object' || Array.isArray(state)) fail(state, 'state', 'an object mapping keys to Tensors');
      bool(strict, 'strict');
    });
    const own = this.stateDict();
    const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
    const missingKeys = Object.keys(own).filter((k) => !has(state, k));
    const unexpectedKeys = Object.keys(state).filter((k) => !has(own, k));
    const errors: string[] = [];
    if (strict && missingKeys.length) errors.push(`missing keys: ${missingKeys.join(', ')}`);
    if (strict && unexpectedKeys.length) errors.push(`unexpected keys: ${unexpectedKeys.join(', ')}`);
    for (const [k, t] of Object.entries(own)) {
      if (!has(state, k)) continue;
      const src = state[k];
      if (!(src instanceof torch.Tensor)) errors.push(`${k}: expected a Tensor but received ${describe(src)}`);
      else if (src.shape.join() !== t.shape.join())
        errors.push(`size mismatch for ${k}: the model has shape [${t.shape}] but the checkpoint has [${src.shape}]`);
    }
    if (errors.length) throw new Error(`${this.constructor.name}.loadStateDict (${source}): ${errors.join('; ')}`);
    torch.noGrad(() => {
      for (const [k, t] of Object.entries(own)) if (has(state, k)) t.copy_(state[k]);
    });
    return { missingKeys, unexpectedKeys };
  }
}
