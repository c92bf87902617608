/** Containers: Sequential, ModuleList, ModuleDict (children keyed like PyTorch: "0", "1", … or by name). */
import type * as torch from '../torch/index.js';
import { Module } from './module.js';
import { fail, int } from '../torch/check.js';

type Tensor = torch.Tensor;

/** A module that maps one tensor to one tensor (what Sequential chains). */
export interface TensorModule extends Module {
  forward(x: Tensor): Tensor;
}

/** Applies its children in order: Sequential(a, b).forward(x) = b(a(x)); x: whatever the first layer takes. */
export class Sequential extends Module {
  constructor(...layers: TensorModule[]) {
    super();
    layers.forEach((m, i) => this.registerModule(String(i), m instanceof Module ? m : fail(m, `Sequential layer ${i}`, 'a Module')));
  }
  get length(): number {
    return [...this.children()].length;
  }
  /** The i-th child (negative counts from the end). */
  at(i: number): TensorModule {
    int(i, 'index');
    const all = [...this.children()] as TensorModule[];
    const m = all[i < 0 ? i + all.length : i];
    if (!m) throw new RangeError(`Sequential.at: index ${i} out of range for ${all.length} layers`);
    return m;
  }
  /** Adds a layer at the end (key = its index). */
  append(m: TensorModule): this {
    this.registerModule(String(this.length), m);
    return this;
  }
  forward(x: Tensor): Tensor {
    for (const m of this.children()) x = (m as TensorModule).forward(x);
    return x;
  }
}

/** Holds modules in a list; registered as "0", "1", …. Has no forward of its own. */
export class ModuleList extends Module {
  private readonly items: Module[] = [];
  constructor(modules: Module[] = []) {
    super();
    if (!Array.isArray(modules)) fail(modules, 'ModuleList modules', 'an array of Modules');
    for (const m of modules) this.append(m);
  }
  append(m: Module): this {
    if (!(m instanceof Module)) fail(m, `ModuleList module ${this.items.length}`, 'a Module');
    this.registerModule(String(this.items.length), m);
    this.items.push(m);
    return this;
  }
  get length(): number {
    return this.items.length;
  }
  at(i: number): Module {
    int(i, 'index');
    const m = this.items[i < 0 ? i + this.items.length : i];
    if (!m) throw new RangeError(`ModuleList.at: index ${i} out of range for ${this.items.length} modules`);
    return m;
  }
  [Symbol.iterator](): Iterator<Module> {
    return this.items[Symbol.iterator]();
  }
  forward(): never {
    throw new Error('ModuleList has no forward(): iterate over it instead');
  }
}

/** Holds modules by name. Has no forward of its own. */
export class ModuleDict extends Module {
  private readonly items = new Map<string, Module>();
  constructor(modules: Record<string, Module> = {}) {
    super();
    if (modules === null || typeof modules !== 'object' || Array.isArray(modules))
      fail(modules, 'ModuleDict modules', 'an object mapping names to Modules');
    for (const [k, m] of Object.entries(modules)) this.set(k, m);
  }
  /** Adds `m` under `key`, replacing the module already there (PyTorch's `d[key] = m`). */
  set(key: string, m: Module): this {
    if (this.items.has(key)) this.setModule(key, m);
    else this.registerModule(key, m);
    this.items.set(key, m);
    return this;
  }
  get(key: string): Module {
    const m = this.items.get(key);
    if (!m) throw new RangeError(`ModuleDict.get: no module "${key}"; keys are ${[...this.items.keys()].join(', ')}`);
    return m;
  }
  keys(): string[] {
    return [...this.items.keys()];
  }
  forward(): never {
    throw new Error('ModuleDict has no forward(): look modules up with get() instead');
  }
}
