/**
 * Installs the op functions as `Tensor` methods (`a.add(b)` calls `add(a, b)`),
 * deriving each method's type from its function so signatures are written once.
 */
import { Tensor } from './tensor.js';
import * as math from './math.js';
import * as reduce from './reduce.js';
import * as shape from './shape.js';
import * as products from './products.js';

function omit<O extends object, K extends keyof O>(o: O, ...keys: K[]): Omit<O, K> {
  const out = { ...o };
  for (const k of keys) delete out[k];
  return out;
}

// Functions whose first argument is not the tensor stay functions only.
const methodOps = {
  ...omit(math, 'where', 'complex'),
  ...omit(shape, 'slice', 'cat', 'stack', 'meshgrid'),
  sum: reduce.sum,
  mean: reduce.mean,
  prod: reduce.prod,
  var: reduce.variance,
  std: reduce.std,
  amax: reduce.amax,
  amin: reduce.amin,
  argmax: reduce.argmax,
  argmin: reduce.argmin,
  logsumexp: reduce.logsumexp,
  cumsum: reduce.cumsum,
  cumprod: reduce.cumprod,
  all: reduce.all,
  any: reduce.any,
  countNonzero: reduce.countNonzero,
  norm: reduce.norm,
};

type AsMethod<F> = F extends (self: Tensor, ...args: infer A) => infer R ? (...args: A) => R : never;
type Methods<M> = { [K in keyof M]: AsMethod<M[K]> };
type OpMethods = Methods<typeof methodOps> & Methods<typeof products.tensorMethods>;

declare module './tensor.js' {
  interface Tensor extends OpMethods {
    max(): Tensor;
    max(dim: number, keepdim?: boolean): reduce.ValuesIndices;
    min(): Tensor;
    min(dim: number, keepdim?: boolean): reduce.ValuesIndices;
  }
}

/** Ops taking a variable number of arguments after the tensor. */
const variadic = new Set(['index']);

/** Adds function ops (taking the tensor first) to Tensor.prototype under the given names. */
export function installMethods(ops: Record<string, unknown>): void {
  const proto = Tensor.prototype as unknown as Record<string, unknown>;
  for (const [name, fn] of Object.entries(ops)) {
    if (typeof fn !== 'function' || name in proto) continue;
    const f = fn as (...a: unknown[]) => unknown;
    // Fixed arity avoids a rest-array allocation per call (hot path); variadic ops spread.
    proto[name] = variadic.has(name)
      ? function (this: Tensor, ...args: unknown[]) {
          return f(this, ...args);
        }
      : function (this: Tensor, a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, g?: unknown) {
          return f(this, a, b, c, d, e, g);
        };
  }
}

installMethods({ ...methodOps, ...products.tensorMethods, max: reduce.max, min: reduce.min });
