/**
 * Random calls: mostly well-formed tensors and small integers (so calls reach the
 * deeper checks) mixed with malformed and edge values — integers at and beyond
 * 2^31, 2^32, 2^40, 2^53, fractions, NaN, ±Infinity, -0, null, undefined, strings,
 * objects, BigInts, symbols, functions, empty and zero-size shapes, every dtype,
 * disposed tensors, and option objects with known, misspelt and unknown keys.
 */
import * as torch from '../../src/api/torch.js';
import type { Target } from './api.js';
import { num, type Call, type Fill, type Recipe } from './values.js';

/** Mulberry32: a small seeded generator, so a seed reproduces a run. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const EDGE_INTS = [
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32,
  2 ** 32 + 1,
  2 ** 40,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 31),
  -(2 ** 63),
  1e300,
  2 ** 16,
  2 ** 20,
  -1,
  -2,
  0,
];
const EDGE_NUMBERS = [0.5, 1.5, -0.5, -0, NaN, Infinity, -Infinity, 1e-300];
const SMALL_INTS = [0, 1, 1, 2, 2, 3, 4, -1];
const SHAPES = [
  [],
  [0],
  [1],
  [2],
  [3],
  [4],
  [2, 3],
  [3, 3],
  [4, 4],
  [2, 0, 3],
  [1, 2, 4],
  [1, 8, 9],
  [1, 1, 3, 3],
  [1, 4, 2, 2],
  [1, 2, 4, 4],
  [2, 3, 4, 5],
];
const FILLS: Fill[] = ['ones', 'arange', 'arange', 'zeros', 'neg'];
/** Option names found in the API, plus misspellings. */
const KEYS = [
  'dtype',
  'device',
  'requiresGrad',
  'generator',
  'stride',
  'padding',
  'dilation',
  'groups',
  'outputPadding',
  'ceilMode',
  'returnIndices',
  'countIncludePad',
  'divisorOverride',
  'dim',
  'keepdim',
  'reduction',
  'weight',
  'bias',
  'eps',
  'momentum',
  'p',
  'training',
  'alpha',
  'beta',
  'threshold',
  'mode',
  'value',
  'size',
  'scaleFactor',
  'alignCorners',
  'bigint',
  'copy',
  'retainGraph',
  'createGraph',
  'inputs',
  'gradOutputs',
  'sorted',
  'returnCounts',
  'minlength',
  'weights',
  'hopLength',
  'winLength',
  'window',
  'center',
  'length',
  'ignoreIndex',
  'labelSmoothing',
  'paddingIdx',
  'maxNorm',
  'start',
  'stop',
  'step',
  'shape',
  'dtpye',
  'kernel_size',
  '__proto__',
];

/** Option keys learned from "Expected options of f among a, b, c" errors, per target. */
export type Learned = Map<string, string[]>;

export class CallGenerator {
  /** Calls that returned normally, per target: mutating one value of them reaches the deep checks. */
  private readonly working = new Map<string, Call[]>();

  constructor(
    private readonly rng: Rng,
    private readonly learned: Learned,
  ) {}

  /** Remembers a call that returned normally (at most 64 per target). */
  worked(call: Call): void {
    const list = this.working.get(call.target) ?? [];
    if (list.length < 64) list.push(call);
    else list[this.rng.int(64)] = call;
    this.working.set(call.target, list);
  }

  /** An edge integer most of the time, else a malformed value. */
  edge(): Recipe {
    return this.rng.chance(0.6)
      ? num(this.rng.pick(EDGE_INTS))
      : this.rng.chance(0.3)
        ? num(this.rng.pick(EDGE_NUMBERS))
        : this.malformed();
  }

  /**
   * A working call with one value replaced by an edge value: an argument, an option,
   * an array entry, or an argument or known option key added.
   */
  mutate(call: Call): Call {
    const r = this.rng;
    const c = structuredClone(call);
    const slots: ((v: Recipe) => void)[] = [(v) => c.args.push(v)];
    c.args.forEach((a, i) => {
      slots.push((v) => (c.args[i] = v));
      if (a.t === 'obj') for (const k of Object.keys(a.v)) slots.push((v) => (a.v[k] = v));
      if (a.t === 'arr') a.v.forEach((_, j) => slots.push((v) => (a.v[j] = v)));
    });
    const known = this.learned.get(c.target);
    if (known) {
      const obj = c.args.find((a): a is Extract<Recipe, { t: 'obj' }> => a.t === 'obj');
      slots.push((v) => (obj ? (obj.v[r.pick(known)] = v) : c.args.push({ t: 'obj', v: { [r.pick(known)]: v } })));
    }
    r.pick(slots)(this.edge());
    return c;
  }

  tensor(valid = true): Recipe {
    const r = this.rng;
    const shape = r.pick(SHAPES);
    const dtype = r.chance(0.6) ? 'float32' : r.pick(torch.dtypeNames);
    return { t: 'tensor', shape, dtype, fill: r.pick(FILLS), grad: r.chance(0.1), disposed: !valid || r.chance(0.02) };
  }

  int(): Recipe {
    return num(this.rng.chance(0.8) ? this.rng.pick(SMALL_INTS) : this.rng.pick(EDGE_INTS));
  }

  shape(): Recipe {
    const r = this.rng;
    const n = r.int(4);
    return { t: 'arr', v: Array.from({ length: n }, () => (r.chance(0.85) ? num(r.pick([0, 1, 2, 3, 4])) : this.malformed(0))) };
  }

  /** A malformed or edge value (depth bounds nesting). */
  malformed(depth = 1): Recipe {
    const r = this.rng;
    switch (r.int(14)) {
      case 0:
      case 1:
        return num(r.pick(EDGE_INTS));
      case 2:
        return num(r.pick(EDGE_NUMBERS));
      case 3:
        return { t: 'null' };
      case 4:
        return { t: 'undef' };
      case 5:
        return { t: 'obj', v: depth > 0 && r.chance(0.5) ? { foo: this.any(depth - 1) } : {} };
      case 6:
        return { t: 'str', v: r.pick(['abc', '2', '', 'float32', 'cpu', 'mean']) };
      case 7:
        return { t: 'bool', v: r.chance(0.5) };
      case 8:
        return { t: 'big', v: r.pick(['0', '3', '9007199254740993']) };
      case 9:
        return r.chance(0.5) ? { t: 'sym' } : { t: 'fn' };
      case 10:
        return depth > 0 ? { t: 'arr', v: Array.from({ length: r.int(3) }, () => this.any(depth - 1)) } : { t: 'arr', v: [] };
      case 11:
        return this.tensor(false);
      case 12:
        return { t: 'tensor', shape: r.pick(SHAPES), dtype: r.pick(torch.dtypeNames), fill: r.pick(FILLS) };
      default:
        return this.shape();
    }
  }

  options(target: string, depth = 1): Recipe {
    const r = this.rng;
    const known = this.learned.get(target);
    const v: Record<string, Recipe> = Object.create(null); // so that __proto__ is a key
    for (let i = 1 + r.int(3); i > 0; i--) {
      const key = known && r.chance(0.8) ? r.pick(known) : r.pick(KEYS);
      v[key] = this.any(depth - 1);
    }
    return { t: 'obj', v };
  }

  /** Any argument: plausible most of the time, malformed otherwise. */
  any(depth = 1, target = ''): Recipe {
    const r = this.rng;
    const k = r.next();
    if (k < 0.3) return this.tensor();
    if (k < 0.55) return this.int();
    if (k < 0.65) return this.shape();
    if (k < 0.78 && depth > 0) return this.options(target, depth);
    return this.malformed(depth);
  }

  /** A random call of `t`, or mostly (70 %) a mutation of one that worked. */
  call(t: Target): Call {
    const r = this.rng;
    const working = this.working.get(t.name);
    if (working && r.chance(0.7)) return this.mutate(r.pick(working));
    const n = r.int(Math.max(t.arity, 1) + 3);
    const first = (): Recipe => (r.chance(0.6) ? this.tensor() : r.chance(0.5) ? this.shape() : this.any(1, t.name));
    const args = Array.from({ length: n }, (_, i) => (i === 0 && t.kind === 'function' ? first() : this.any(1, t.name)));
    const call: Call = { target: t.name, args };
    if (t.kind === 'method' || t.kind === 'setter') call.self = this.tensor();
    if (t.kind === 'constructor' && t.name.startsWith('nn.')) call.forward = this.tensor();
    return call;
  }

  /**
   * Well-formed calls in common argument patterns (an image batch and a conv weight, a
   * matrix and a dim, a shape, a list of tensors, …): those that work seed the mutations.
   */
  seeds(t: Target): Call[] {
    const f = (...shape: number[]): Recipe => ({ t: 'tensor', shape, dtype: 'float32', fill: 'arange' });
    const idx = (...shape: number[]): Recipe => ({ t: 'tensor', shape, dtype: 'int64', fill: 'zeros' });
    const n = (v: number): Recipe => num(v);
    const patterns: Recipe[][] = [
      [f(1, 2, 4, 4)],
      [f(1, 2, 4, 4), n(2)],
      [f(1, 2, 4, 4), f(2, 2, 1, 1)],
      [f(1, 2, 4, 4), f(2, 2, 1, 1), f(2)],
      [f(1, 2, 4)],
      [f(1, 2, 4), n(2)],
      [f(1, 2, 4), f(2, 2, 1)],
      [f(3, 3)],
      [f(3, 3), f(3, 3)],
      [f(3, 3), n(1)],
      [f(3, 3), n(0), idx(3, 3)],
      [f(4)],
      [f(4), f(4)],
      [f(1, 8, 9), n(4), n(2)],
      [{ t: 'arr', v: [n(2), n(3)] }],
      [n(3)],
      [n(3), n(3)],
      [{ t: 'arr', v: [f(2, 3), f(2, 3)] }],
    ];
    return patterns.map((args) => {
      const call: Call = { target: t.name, args: structuredClone(args) };
      if (t.kind === 'method' || t.kind === 'setter') call.self = f(3, 3);
      if (t.kind === 'constructor' && t.name.startsWith('nn.')) call.forward = f(1, 2, 4, 4);
      return call;
    });
  }

  /** Calls that make each target name its option keys (an unknown key at positions 0–3). */
  probes(t: Target): Call[] {
    return [0, 1, 2, 3].map((p) => {
      const args: Recipe[] = Array.from({ length: p }, () => this.tensor());
      args.push({ t: 'obj', v: { zzUnknown: num(1) } });
      const call: Call = { target: t.name, args };
      if (t.kind === 'method' || t.kind === 'setter') call.self = this.tensor();
      return call;
    });
  }
}

/** Learns option keys from an error message of `target`. */
export function learn(learned: Learned, target: string, message: string): void {
  const m = /^Expected options of \S+ among (.+) but received unknown option/.exec(message);
  if (!m) return;
  const keys = new Set([...(learned.get(target) ?? []), ...m[1].split(', ')]);
  learned.set(target, [...keys].sort());
}
