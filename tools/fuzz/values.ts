/**
 * Argument recipes: JSON descriptions of the values a fuzzed call receives, so that
 * the parent process can generate a call, send it to a child, and print it as a
 * one-line JavaScript repro. Numbers keep NaN, ±Infinity, -0 and BigInts exact.
 */
import * as torch from '../../src/api/torch.js';

export type Recipe =
  | { t: 'num'; v: number | 'NaN' | 'Infinity' | '-Infinity' | '-0' }
  | { t: 'big'; v: string }
  | { t: 'str'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'null' }
  | { t: 'undef' }
  | { t: 'sym' }
  | { t: 'fn' }
  | { t: 'arr'; v: Recipe[] }
  | { t: 'obj'; v: Record<string, Recipe> }
  | { t: 'tensor'; shape: number[]; dtype: torch.DType; fill: Fill; grad?: boolean; disposed?: boolean };

/** Tensor contents: constants, 0, 1, 2, … in row-major order, or its negation. */
export type Fill = 'ones' | 'zeros' | 'arange' | 'neg';

/** One call: a target, the receiver of a method or setter, the arguments, and for modules a forward input. */
export interface Call {
  target: string;
  self?: Recipe;
  args: Recipe[];
  forward?: Recipe;
}

export const num = (v: number): Recipe => {
  if (Number.isNaN(v)) return { t: 'num', v: 'NaN' };
  if (v === Infinity) return { t: 'num', v: 'Infinity' };
  if (v === -Infinity) return { t: 'num', v: '-Infinity' };
  if (Object.is(v, -0)) return { t: 'num', v: '-0' };
  return { t: 'num', v };
};

// ---------------------------------------------------------------- to values (child)
const FLOATING = new Set(['float16', 'bfloat16', 'float32', 'float64', 'complex64', 'complex128']);

function makeTensor(r: Extract<Recipe, { t: 'tensor' }>): torch.Tensor {
  const n = r.shape.reduce((a, b) => a * b, 1);
  const base =
    r.fill === 'ones'
      ? torch.ones(r.shape)
      : r.fill === 'zeros'
        ? torch.zeros(r.shape)
        : torch
            .arange(n, { dtype: 'float32' })
            .mul(r.fill === 'neg' ? -1 : 1)
            .reshape(r.shape);
  const t = base.to({ dtype: r.dtype });
  if (t !== base) base.dispose();
  if (r.grad && FLOATING.has(r.dtype)) t.requiresGrad_(true);
  if (r.disposed) t.dispose();
  return t;
}

/** The value a recipe describes (tensors are new each time). */
export function materialize(r: Recipe): unknown {
  switch (r.t) {
    case 'num':
      return typeof r.v === 'number' ? r.v : r.v === '-0' ? -0 : Number(r.v);
    case 'big':
      return BigInt(r.v);
    case 'str':
      return r.v;
    case 'bool':
      return r.v;
    case 'null':
      return null;
    case 'undef':
      return undefined;
    case 'sym':
      return Symbol('fuzz');
    case 'fn':
      return () => 1;
    case 'arr':
      return r.v.map(materialize);
    case 'obj':
      return Object.fromEntries(Object.entries(r.v).map(([k, v]) => [k, materialize(v)]));
    case 'tensor':
      return makeTensor(r);
  }
}

// ---------------------------------------------------------------- to source (repros)
/** `2 ** 32 + 1` rather than 4294967297. */
function renderNumber(v: number): string {
  if (Math.abs(v) < 2 ** 20 || !Number.isInteger(v)) return String(v);
  if (v < 0) return `-(${renderNumber(-v)})`;
  for (const delta of [0, 1, -1, 2]) {
    const k = Math.round(Math.log2(v - delta));
    if (2 ** k + delta === v) return `2 ** ${k}${delta > 0 ? ` + ${delta}` : delta < 0 ? ` - ${-delta}` : ''}`;
  }
  return String(v);
}

/** JavaScript source that builds the value. */
export function render(r: Recipe): string {
  switch (r.t) {
    case 'num':
      return typeof r.v === 'number' ? renderNumber(r.v) : r.v;
    case 'big':
      return `${r.v}n`;
    case 'str':
      return JSON.stringify(r.v);
    case 'bool':
      return String(r.v);
    case 'null':
      return 'null';
    case 'undef':
      return 'undefined';
    case 'sym':
      return "Symbol('fuzz')";
    case 'fn':
      return '() => 1';
    case 'arr':
      return `[${r.v.map(render).join(', ')}]`;
    case 'obj': {
      const entries = Object.entries(r.v).map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${render(v)}`);
      return entries.length ? `{ ${entries.join(', ')} }` : '{}';
    }
    case 'tensor': {
      const shape = `[${r.shape.join(', ')}]`;
      const dtype = r.dtype === 'float32' ? '' : `, { dtype: '${r.dtype}' }`;
      let s =
        r.fill === 'ones' || r.fill === 'zeros'
          ? `torch.${r.fill}(${shape}${dtype})`
          : `torch.arange(${r.shape.reduce((a, b) => a * b, 1)}${r.fill === 'neg' ? ", { dtype: 'float32' }).neg()" : ", { dtype: 'float32' })"}.reshape(${shape})${dtype ? `.to('${r.dtype}')` : ''}`;
      if (r.grad && FLOATING.has(r.dtype)) s += '.requiresGrad_()';
      return r.disposed ? `disposed(${s})` : s;
    }
  }
}

/** A one-line repro of a call. */
export function renderCall(c: Call): string {
  const args = c.args.map(render).join(', ');
  const dot = c.target.lastIndexOf('.');
  const key = c.target.slice(dot + 1);
  if (c.target.startsWith('Tensor.')) {
    return key.endsWith('=')
      ? `${render(c.self!)}.${key.slice(0, -1)} = ${render(c.args[0] ?? { t: 'undef' })}`
      : `${render(c.self!)}.${key}(${args})`;
  }
  if (c.target.startsWith('nn.') && !c.target.startsWith('nn.init.')) {
    return `new ${c.target}(${args})${c.forward ? `.forward(${render(c.forward)})` : ''}`;
  }
  if (c.target === 'torch.Generator') return `new torch.Generator(${args})`;
  return `${c.target}(${args})`;
}
