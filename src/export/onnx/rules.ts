/**
 * How modules become ONNX nodes: one rule per module class (the exact class, so
 * a subclass with its own forward is never exported as its parent), looked up
 * while walking a model from its root. A rule mirrors its module's eval-mode
 * forward on ONNX values and names its weights by their state-dict keys.
 */
import type * as torch from '../../torch/index.js';
import type { Module } from '../../nn/index.js';
import type { Graph } from './graph.js';

/** Where a rule runs: the graph, the module's dotted path, and how to emit children and weights. */
export interface At {
  readonly g: Graph;
  /** The module's dotted path in the exported model ('' for the root). */
  readonly path: string;
  /** Emits the child registered as `name` on value `x`; returns its output value. */
  child(name: string, x: string): string;
  /** Emits `m` (a child or deeper descendant at `path.name`) on `x`. */
  emit(m: Module, name: string, x: string): string;
  /** The initializer of tensor `t`, named `path.name` (its state-dict key). */
  weight(name: string, t: torch.Tensor): string;
}

/** A module's forward on ONNX values: input value → output value. */
export type Rule<M extends Module> = (m: M, x: string, at: At) => string;

type Class<M extends Module> = abstract new (...args: never[]) => M;

const RULES = new Map<Class<Module>, Rule<Module>>();

/** Registers the rule of module class `cls`. */
export function rule<M extends Module>(cls: Class<M>, r: Rule<M>): void {
  RULES.set(cls, r as Rule<Module>);
}

/** The classes that have a rule, sorted by name (for error messages and docs). */
export const supportedModules = (): string[] => [...RULES.keys()].map((c) => c.name).sort();

const joined = (path: string, name: string): string => (path ? `${path}.${name}` : name);

/** The context of module `m` at dotted `path` in `g`. */
export function atOf(g: Graph, m: Module, path: string): At {
  return {
    g,
    path,
    child: (name, v) => emitModule(g, m.getSubmodule(name), joined(path, name), v),
    emit: (child, name, v) => emitModule(g, child, joined(path, name), v),
    weight: (name, t) => g.weight(joined(path, name), t),
  };
}

/** Emits module `m` at dotted `path` on value `x` into `g`; an unsupported module is an error naming its path and class. */
export function emitModule(g: Graph, m: Module, path: string, x: string): string {
  const r = RULES.get(m.constructor as Class<Module>);
  if (!r)
    throw new TypeError(
      `exportOnnx: no ONNX rule for module ${JSON.stringify(path || '(root)')} of class ${m.constructor.name} (supported: ${supportedModules().join(', ')})`,
    );
  return r(m, x, atOf(g, m, path));
}
