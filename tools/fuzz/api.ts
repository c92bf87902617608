/**
 * The public API the fuzzer calls, enumerated from the live `torch` namespace:
 * top-level functions (`torch.*`, `torch.linalg.*`, `torch.fft.*`, `torch.autograd.*`,
 * `torch.cuda.*`), `Tensor` methods and property setters, `torch.nn.functional.*`,
 * `torch.nn.init.*`, and the module and generator constructors.
 */
import * as torch from '../../src/api/torch.js';

/** How a target is called. */
export type Kind = 'function' | 'method' | 'setter' | 'constructor';

export interface Target {
  /** Name in repros: `torch.add`, `F.conv2d`, `Tensor.sub_`, `Tensor.grad=`, `nn.Conv2d`. */
  name: string;
  kind: Kind;
  /** Declared parameters before the first default (the function's `length`). */
  arity: number;
}

// File I/O (safetensors files) is not fuzzed here.
const SKIP = new Set(['torch.safetensors']);
const NAMESPACES: [string, Record<string, unknown>][] = [
  ['torch', torch],
  ['torch.linalg', torch.linalg],
  ['torch.fft', torch.fft],
  ['torch.autograd', torch.autograd],
  ['torch.cuda', torch.cuda],
  ['F', torch.nn.functional],
  ['nn.init', torch.nn.init],
];

const isClass = (f: object): boolean => /^class\b/.test(Function.prototype.toString.call(f));

/** Every target, in a fixed order (so a seed reproduces a run). */
export function targets(): Target[] {
  const out: Target[] = [];
  for (const [prefix, ns] of NAMESPACES) {
    for (const [key, value] of Object.entries(ns).sort(([a], [b]) => a.localeCompare(b))) {
      if (typeof value !== 'function' || SKIP.has(`${prefix}.${key}`)) continue;
      if (isClass(value)) {
        if (key === 'Generator') out.push({ name: `${prefix}.${key}`, kind: 'constructor', arity: value.length });
        continue;
      }
      out.push({ name: `${prefix}.${key}`, kind: 'function', arity: value.length });
    }
  }
  for (const [key, value] of Object.entries(torch.nn).sort(([a], [b]) => a.localeCompare(b))) {
    if (typeof value === 'function' && isClass(value) && key !== 'Module' && value.prototype instanceof torch.nn.Module)
      out.push({ name: `nn.${key}`, kind: 'constructor', arity: value.length });
  }
  const proto = torch.Tensor.prototype as unknown as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(proto).sort()) {
    if (key === 'constructor' || key.startsWith('_')) continue;
    const d = Object.getOwnPropertyDescriptor(proto, key)!;
    if (typeof d.value === 'function') out.push({ name: `Tensor.${key}`, kind: 'method', arity: d.value.length });
    if (d.set) out.push({ name: `Tensor.${key}=`, kind: 'setter', arity: 1 });
  }
  return out;
}

/** The function (or class) a target names. */
export function resolve(name: string): (...args: unknown[]) => unknown {
  const dot = name.lastIndexOf('.');
  const [prefix, key] = [name.slice(0, dot), name.slice(dot + 1)];
  if (prefix === 'nn') return (torch.nn as unknown as Record<string, never>)[key];
  if (prefix === 'Tensor') return (torch.Tensor.prototype as unknown as Record<string, never>)[key];
  const ns = NAMESPACES.find(([p]) => p === prefix);
  if (!ns) throw new Error(`fuzz: unknown target ${name}`);
  return ns[1][key] as (...args: unknown[]) => unknown;
}
