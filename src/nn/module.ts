/**
 * `nn.Module`: PyTorch's container semantics. Parameters, buffers and children are
 * registered explicitly in ordered maps; `stateDict()` keys are dotted paths equal
 * to PyTorch's, so weights move both ways through safetensors.
 */
import * as torch from '../torch/index.js';
import { native } from '../torch/native.js';

type Tensor = torch.Tensor;

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export abstract class Module {
  training = true;
  private readonly _parameters = new Map<string, Tensor | null>();
  private readonly _buffers = new Map<string, Tensor | null>();
  private readonly _nonPersistent = new Set<string>();
  private readonly _modules = new Map<string, Module | null>();

  /** The computation; `module.forward(x)` is PyTorch's `module(x)`. */
  abstract forward(...inputs: unknown[]): unknown;

  // ------------------------------------------------------------ registration
  /** Registers a trainable tensor (made a leaf that requires grad) under `name`. */
  registerParameter<T extends Tensor | null>(name: string, param: T): T {
    this.checkName(name, this._parameters);
    if (param !== null && !param.requiresGrad) param.requiresGrad = true;
    this._parameters.set(name, param);
    return param;
  }
  /** Registers a state tensor (e.g. running statistics); `persistent=false` keeps it out of stateDict. */
  registerBuffer<T extends Tensor | null>(name: string, buffer: T, persistent = true): T {
    this.checkName(name, this._buffers);
    this._buffers.set(name, buffer);
    if (!persistent) this._nonPersistent.add(name);
    return buffer;
  }
  registerModule<M extends Module | null>(name: string, module: M): M {
    this.checkName(name, this._modules);
    this._modules.set(name, module);
    return module;
  }
  private checkName(name: string, own: Map<string, unknown>): void {
    if (typeof name !== 'string' || name === '' || name.includes('.'))
      throw new TypeError(`Expected a non-empty name without "." but received ${JSON.stringify(name)}`);
    const taken = [this._parameters, this._buffers, this._modules].some((m) => m !== own && m.has(name));
    if (taken) throw new Error(`${this.constructor.name}: "${name}" is already registered as another kind of attribute`);
  }
  /** Replaces a registered buffer's tensor (e.g. after an out-of-place update). */
  protected setBuffer(name: string, value: Tensor): void {
    if (!this._buffers.has(name)) throw new Error(`${this.constructor.name}: no buffer named "${name}"`);
    this._buffers.set(name, value);
  }
  protected getBuffer(name: string): Tensor | null {
    return this._buffers.get(name) ?? null;
  }

  // ------------------------------------------------------------ traversal
  *namedChildren(): Generator<[string, Module]> {
    for (const [n, m] of this._modules) if (m) yield [n, m];
  }
  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }
  *namedModules(prefix = ''): Generator<[string, Module]> {
    yield [prefix, this];
    for (const [n, m] of this.namedChildren()) yield* m.namedModules(prefix ? `${prefix}.${n}` : n);
  }
  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }
  *namedParameters(prefix = '', recurse = true): Generator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    for (const [mp, m] of recurse ? this.namedModules(prefix) : ([[prefix, this]] as [string, Module][]))
      for (const [n, p] of m._parameters)
        if (p && !seen.has(p)) {
          seen.add(p);
          yield [mp ? `${mp}.${n}` : n, p];
        }
  }
  parameters(recurse = true): Tensor[] {
    return [...this.namedParameters('', recurse)].map(([, p]) => p);
  }
  *namedBuffers(prefix = '', recurse = true): Generator<[string, Tensor]> {
    for (const [mp, m] of recurse ? this.namedModules(prefix) : ([[prefix, this]] as [string, Module][]))
      for (const [n, b] of m._buffers) if (b) yield [mp ? `${mp}.${n}` : n, b];
  }
  buffers(recurse = true): Tensor[] {
    return [...this.namedBuffers('', recurse)].map(([, b]) => b);
  }
  /** Number of parameter elements (trainable only when `trainableOnly`). */
  numParameters(trainableOnly = false): number {
    return this.parameters().filter((p) => !trainableOnly || p.requiresGrad).reduce((s, p) => s + p.numel(), 0);
  }

  // ------------------------------------------------------------ modes and moves
  /** Sets training mode on this module and every descendant. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  eval(): this {
    return this.train(false);
  }
  /** Calls `fn` on every module, children first (PyTorch's `apply`). */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }
  /**
   * Moves/casts parameters and buffers in place (their Tensor objects stay the same,
   * so optimizers keep working). Integer buffers keep their dtype on a dtype cast.
   */
  to(target: { device?: string; dtype?: torch.DType } | string): this {
    const o = typeof target === 'string' ? (torch.dtypeNames.includes(target as torch.DType) ? { dtype: target as torch.DType } : { device: target }) : target;
    const floating = (t: Tensor): boolean => ['float16', 'float32', 'float64', 'bfloat16'].includes(t.dtype);
    torch.noGrad(() => {
      for (const t of [...this.parameters(), ...this.buffers()]) {
        const moved = t.to({ device: o.device, dtype: floating(t) ? o.dtype : undefined });
        native.setData(t._h, moved._h);
        moved.dispose();
      }
    });
    return this;
  }
  /** Clears gradients: sets them to null (default) or zeros them in place. */
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      const g = p.grad;
      if (!g) continue;
      if (setToNone) p.grad = null;
      else g.zero_();
      g.dispose();
    }
  }

  // ------------------------------------------------------------ state
  /** Parameters and persistent buffers by dotted PyTorch key (tensors shared, not copied). */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [prefix, m] of this.namedModules()) {
      const key = (n: string): string => (prefix ? `${prefix}.${n}` : n);
      for (const [n, p] of m._parameters) if (p) out[key(n)] = p;
      for (const [n, b] of m._buffers) if (b && !m._nonPersistent.has(n)) out[key(n)] = b;
    }
    return out;
  }
  /**
   * Copies values from `state` into the registered tensors. `strict` (default) fails
   * on missing or unexpected keys; shape mismatches always fail, naming the key and
   * both shapes. `source` names the file in error messages.
   */
  loadStateDict(state: Record<string, Tensor>, strict = true, source = 'state dict'): LoadResult {
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !(k in state));
    const unexpectedKeys = Object.keys(state).filter((k) => !(k in own));
    if (strict && (missingKeys.length || unexpectedKeys.length)) {
      const parts = [];
      if (missingKeys.length) parts.push(`missing keys: ${missingKeys.join(', ')}`);
      if (unexpectedKeys.length) parts.push(`unexpected keys: ${unexpectedKeys.join(', ')}`);
      throw new Error(`${this.constructor.name}.loadStateDict (${source}): ${parts.join('; ')}`);
    }
    for (const [k, t] of Object.entries(own)) {
      const src = state[k];
      if (!src) continue;
      const a = t.shape.join(',');
      const b = src.shape.join(',');
      if (a !== b)
        throw new Error(`${this.constructor.name}.loadStateDict (${source}): size mismatch for ${k}: the model has shape [${a}] but the checkpoint has [${b}]`);
    }
    torch.noGrad(() => {
      for (const [k, t] of Object.entries(own)) if (state[k]) t.copy_(state[k]);
    });
    return { missingKeys, unexpectedKeys };
  }
}
