/**
 * Elementwise math and comparisons with broadcasting (PyTorch semantics). A number
 * operand is a scalar: integral numbers keep integer tensors integer.
 */
import { native } from './native.js';
import { Tensor, type TensorLike } from './tensor.js';
import { check } from './errors.js';

const T = (h: number): Tensor => new Tensor(h);

function operand(x: unknown, name: string): void {
  check(x instanceof Tensor || typeof x === 'number' || typeof x === 'boolean', 'a Tensor or a number', name, x);
}

export function add(a: Tensor, b: TensorLike, alpha = 1): Tensor {
  operand(b, 'other');
  return T(b instanceof Tensor ? native.add(a._h, b._h, alpha) : native.addScalar(a._h, b, alpha));
}
export function sub(a: Tensor, b: TensorLike, alpha = 1): Tensor {
  operand(b, 'other');
  return T(b instanceof Tensor ? native.sub(a._h, b._h, alpha) : native.subScalar(a._h, b, alpha));
}
/** `b - a` for a scalar b. */
export function rsub(a: Tensor, b: number): Tensor {
  return T(native.rsubScalar(a._h, b));
}
export function mul(a: Tensor, b: TensorLike): Tensor {
  operand(b, 'other');
  return T(b instanceof Tensor ? native.mul(a._h, b._h) : native.mulScalar(a._h, b));
}
/** True division; `roundingMode` "trunc" or "floor" as in PyTorch. */
export function div(a: Tensor, b: TensorLike, roundingMode?: 'trunc' | 'floor'): Tensor {
  operand(b, 'other');
  const m = roundingMode ?? null;
  return T(b instanceof Tensor ? native.div(a._h, b._h, m) : native.divScalar(a._h, b, m));
}
export function remainder(a: Tensor, b: TensorLike): Tensor {
  operand(b, 'other');
  return T(b instanceof Tensor ? native.remainder(a._h, b._h) : native.remainderScalar(a._h, b));
}
export function pow(a: Tensor, b: TensorLike): Tensor {
  operand(b, 'exponent');
  return T(b instanceof Tensor ? native.pow(a._h, b._h) : native.powScalar(a._h, b));
}
export function atan2(a: Tensor, b: Tensor): Tensor { return T(native.atan2(a._h, b._h)); }
export function maximum(a: Tensor, b: Tensor): Tensor { return T(native.maximum(a._h, b._h)); }
export function minimum(a: Tensor, b: Tensor): Tensor { return T(native.minimum(a._h, b._h)); }
export function lerp(a: Tensor, end: Tensor, weight: Tensor): Tensor { return T(native.lerp(a._h, end._h, weight._h)); }

/** Clamps to [min, max]; either bound may be omitted (null), scalars or tensors. */
export function clamp(a: Tensor, min: TensorLike | null = null, max: TensorLike | null = null): Tensor {
  if (min === null && max === null) throw new TypeError('clamp: at least one of min or max must be given');
  if (min instanceof Tensor || max instanceof Tensor) {
    const h = (x: TensorLike | null): number | null => (x === null ? null : x instanceof Tensor ? x._h : null);
    check(!(typeof min === 'number' || typeof max === 'number'), 'both bounds as tensors (or null)', 'min/max', [min, max]);
    return T(native.clampTensor(a._h, h(min), h(max)));
  }
  return T(native.clamp(a._h, min, max));
}
export const clampMin = (a: Tensor, min: number): Tensor => clamp(a, min, null);
export const clampMax = (a: Tensor, max: number): Tensor => clamp(a, null, max);

/** `cond ? a : b` elementwise with broadcasting. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const toT = (x: TensorLike, like: Tensor): Tensor =>
    x instanceof Tensor ? x : new Tensor(native.full([], x, native.dtype(like._h), native.device(like._h)));
  const ref = a instanceof Tensor ? a : b instanceof Tensor ? b : cond;
  const ta = toT(a, ref);
  const tb = toT(b, ref);
  try {
    return T(native.where(cond._h, ta._h, tb._h));
  } finally {
    if (ta !== a) ta.dispose();
    if (tb !== b) tb.dispose();
  }
}

const unary = (name: string) => (a: Tensor): Tensor => T(native[name](a._h));
export const neg = unary('neg');
export const abs = unary('abs');
export const sign = unary('sign');
export const exp = unary('exp');
export const expm1 = unary('expm1');
export const log = unary('log');
export const log1p = unary('log1p');
export const log2 = unary('log2');
export const log10 = unary('log10');
export const sqrt = unary('sqrt');
export const rsqrt = unary('rsqrt');
export const reciprocal = unary('reciprocal');
export const sin = unary('sin');
export const cos = unary('cos');
export const tan = unary('tan');
export const asin = unary('asin');
export const acos = unary('acos');
export const atan = unary('atan');
export const sinh = unary('sinh');
export const cosh = unary('cosh');
export const tanh = unary('tanh');
export const sigmoid = unary('sigmoid');
export const erf = unary('erf');
export const erfinv = unary('erfinv');
export const floor = unary('floor');
export const ceil = unary('ceil');
export const round = unary('round');
export const trunc = unary('trunc');
export const frac = unary('frac');
export const square = unary('square');
export const isnan = unary('isnan');
export const isinf = unary('isinf');
export const isfinite = unary('isfinite');
export const logicalNot = unary('logicalNot');
export const real = unary('real');
export const imag = unary('imag');
export const angle = unary('angle');
export const viewAsReal = unary('viewAsReal');
export const viewAsComplex = unary('viewAsComplex');
export function complex(re: Tensor, im: Tensor): Tensor { return T(native.complex(re._h, im._h)); }
export function nanToNum(a: Tensor, nan = 0, posinf: number | null = null, neginf: number | null = null): Tensor {
  return T(native.nanToNum(a._h, nan, posinf, neginf));
}

const compare = (name: string) => (a: Tensor, b: TensorLike): Tensor => {
  operand(b, 'other');
  return T(b instanceof Tensor ? native[name](a._h, b._h) : native[`${name}Scalar`](a._h, b));
};
export const eq = compare('eq');
export const ne = compare('ne');
export const lt = compare('lt');
export const le = compare('le');
export const gt = compare('gt');
export const ge = compare('ge');
export function logicalAnd(a: Tensor, b: Tensor): Tensor { return T(native.logicalAnd(a._h, b._h)); }
export function logicalOr(a: Tensor, b: Tensor): Tensor { return T(native.logicalOr(a._h, b._h)); }
export function logicalXor(a: Tensor, b: Tensor): Tensor { return T(native.logicalXor(a._h, b._h)); }
/** True when all |a - b| <= atol + rtol * |b|. */
export function allclose(a: Tensor, b: Tensor, rtol = 1e-5, atol = 1e-8, equalNan = false): boolean {
  return native.allclose(a._h, b._h, rtol, atol, equalNan);
}
/** True when shapes and all values are equal. */
export function equal(a: Tensor, b: Tensor): boolean { return native.equal(a._h, b._h); }

// ---- in-place updates (return the same tensor object)
export function add_(a: Tensor, b: TensorLike, alpha = 1): Tensor {
  operand(b, 'other');
  if (b instanceof Tensor) native.add_(a._h, b._h, alpha);
  else native.addScalar_(a._h, typeof b === 'number' ? b * alpha : b);
  return a;
}
export function sub_(a: Tensor, b: TensorLike, alpha = 1): Tensor {
  if (b instanceof Tensor) native.sub_(a._h, b._h, alpha);
  else add_(a, -Number(b) * alpha);
  return a;
}
export function mul_(a: Tensor, b: TensorLike): Tensor {
  operand(b, 'other');
  if (b instanceof Tensor) native.mul_(a._h, b._h);
  else native.mulScalar_(a._h, b);
  return a;
}
export function div_(a: Tensor, b: TensorLike): Tensor {
  operand(b, 'other');
  if (b instanceof Tensor) native.div_(a._h, b._h);
  else native.divScalar_(a._h, b);
  return a;
}
/** a += value * t1 * t2 */
export function addcmul_(a: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  native.addcmul_(a._h, t1._h, t2._h, value);
  return a;
}
/** a += value * t1 / t2 */
export function addcdiv_(a: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  native.addcdiv_(a._h, t1._h, t2._h, value);
  return a;
}
export function lerp_(a: Tensor, end: Tensor, weight: number): Tensor {
  native.lerp_(a._h, end._h, weight);
  return a;
}
export function copy_(a: Tensor, src: Tensor): Tensor {
  native.copy_(a._h, src._h);
  return a;
}
export function zero_(a: Tensor): Tensor {
  native.zero_(a._h);
  return a;
}
export function fill_(a: Tensor, value: number | boolean): Tensor {
  native.fill_(a._h, value);
  return a;
}
export function clamp_(a: Tensor, min: number | null = null, max: number | null = null): Tensor {
  if (min === null && max === null) throw new TypeError('clamp_: at least one of min or max must be given');
  native.clamp_(a._h, min, max);
  return a;
}
export function sqrt_(a: Tensor): Tensor {
  native.sqrt_(a._h);
  return a;
}
export function neg_(a: Tensor): Tensor {
  native.neg_(a._h);
  return a;
}
export function maskedFill_(a: Tensor, mask: Tensor, value: number | boolean): Tensor {
  native.maskedFill_(a._h, mask._h, value);
  return a;
}
/** Fills in place from U(low, high). */
export function uniform_(a: Tensor, low = 0, high = 1, generator?: { _g: number }): Tensor {
  native.uniform_(a._h, low, high, generator ? generator._g : null);
  return a;
}
/** Fills in place from N(mean, std²). */
export function normal_(a: Tensor, mean = 0, std = 1, generator?: { _g: number }): Tensor {
  native.normal_(a._h, mean, std, generator ? generator._g : null);
  return a;
}
