/**
 * Elementwise math and comparisons with broadcasting (PyTorch semantics). A number
 * operand is a scalar: integral numbers keep integer tensors integer.
 */
import { native } from './native.js';
import { Tensor, type TensorLike } from './tensor.js';
import { bool, fail, handle, num, oneOf, scalar, tensor, tensorOrScalar } from './check.js';
import { generatorHandle, type Generator } from './random.js';

const T = (h: number): Tensor => new Tensor(h);

/** Calls `tensorOp` with other's handle or `scalarOp` with the number (other named `name` in errors). */
function binary(a: Tensor, b: unknown, name: string, tensorOp: (hb: number) => number, scalarOp: (v: number | boolean) => number): Tensor {
  handle(a);
  const other = tensorOrScalar(b, name);
  return T(other instanceof Tensor ? tensorOp(other._h) : scalarOp(other));
}

export function add(a: Tensor, b: TensorLike, alpha = 1): Tensor {
  scalar(alpha, 'alpha');
  return binary(
    a,
    b,
    'other',
    (hb) => native.add(a._h, hb, alpha),
    (v) => native.addScalar(a._h, v, alpha),
  );
}
export function sub(a: Tensor, b: TensorLike, alpha = 1): Tensor {
  scalar(alpha, 'alpha');
  return binary(
    a,
    b,
    'other',
    (hb) => native.sub(a._h, hb, alpha),
    (v) => native.subScalar(a._h, v, alpha),
  );
}
/** `b - a` for a scalar b. */
export function rsub(a: Tensor, b: number): Tensor {
  return T(native.rsubScalar(handle(a), scalar(b, 'other')));
}
export function mul(a: Tensor, b: TensorLike): Tensor {
  return binary(
    a,
    b,
    'other',
    (hb) => native.mul(a._h, hb),
    (v) => native.mulScalar(a._h, v),
  );
}
/** True division; `roundingMode` "trunc" or "floor" as in PyTorch. */
export function div(a: Tensor, b: TensorLike, roundingMode?: 'trunc' | 'floor' | null): Tensor {
  const m = roundingMode === undefined || roundingMode === null ? null : oneOf(roundingMode, 'roundingMode', ['trunc', 'floor']);
  return binary(
    a,
    b,
    'other',
    (hb) => native.div(a._h, hb, m),
    (v) => native.divScalar(a._h, v, m),
  );
}
export function remainder(a: Tensor, b: TensorLike): Tensor {
  return binary(
    a,
    b,
    'other',
    (hb) => native.remainder(a._h, hb),
    (v) => native.remainderScalar(a._h, v),
  );
}
export function pow(a: Tensor, b: TensorLike): Tensor {
  return binary(
    a,
    b,
    'exponent',
    (hb) => native.pow(a._h, hb),
    (v) => native.powScalar(a._h, v),
  );
}
export function atan2(a: Tensor, b: Tensor): Tensor {
  return T(native.atan2(handle(a), handle(b, 'other')));
}
export function maximum(a: Tensor, b: Tensor): Tensor {
  return T(native.maximum(handle(a), handle(b, 'other')));
}
export function minimum(a: Tensor, b: Tensor): Tensor {
  return T(native.minimum(handle(a), handle(b, 'other')));
}
/** a + weight·(end − a) with a tensor weight. */
export function lerp(a: Tensor, end: Tensor, weight: Tensor): Tensor {
  return T(native.lerp(handle(a), handle(end, 'end'), handle(weight, 'weight')));
}

/** A clamp bound: a scalar, a tensor or null. */
function bound(x: unknown, name: string): Tensor | number | boolean | null {
  return x === null || x === undefined ? null : tensorOrScalar(x, name);
}
/** Clamps to [min, max]; either bound may be omitted (null), scalars or tensors. */
export function clamp(a: Tensor, min: TensorLike | null = null, max: TensorLike | null = null): Tensor {
  handle(a);
  const lo = bound(min, 'min');
  const hi = bound(max, 'max');
  if (lo === null && hi === null) throw new TypeError('clamp: at least one of min or max must be given');
  if (lo instanceof Tensor || hi instanceof Tensor) {
    if (!(lo instanceof Tensor || lo === null) || !(hi instanceof Tensor || hi === null))
      fail([min, max], 'min/max', 'both bounds as tensors (or null)');
    return T(native.clampTensor(a._h, lo === null ? null : lo._h, hi === null ? null : hi._h));
  }
  return T(native.clamp(a._h, lo, hi));
}
export const clampMin = (a: Tensor, min: number): Tensor => clamp(a, min, null);
export const clampMax = (a: Tensor, max: number): Tensor => clamp(a, null, max);

/**
 * `cond ? a : b` elementwise with broadcasting; `a` and `b` may be numbers, promoted
 * as PyTorch does (`where(cond, 2.5, 0)` is float32).
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const c = handle(cond, 'condition');
  const x = tensorOrScalar(a, 'input');
  const y = tensorOrScalar(b, 'other');
  if (x instanceof Tensor) return T(y instanceof Tensor ? native.where(c, x._h, y._h) : native.whereScalarOther(c, x._h, y));
  return T(y instanceof Tensor ? native.whereScalarSelf(c, x, y._h) : native.whereScalar(c, x, y));
}

const unary =
  (name: string) =>
  (a: Tensor): Tensor =>
    T(native[name](handle(a)));
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
export function complex(re: Tensor, im: Tensor): Tensor {
  return T(native.complex(handle(re, 'real'), handle(im, 'imag')));
}
/** Replaces NaN by `nan`, +∞ by `posinf` and −∞ by `neginf` (null: the dtype's largest / lowest finite value). */
export function nanToNum(a: Tensor, nan = 0, posinf: number | null = null, neginf: number | null = null): Tensor {
  const opt = (v: unknown, name: string): number | null => (v === null || v === undefined ? null : num(v, name));
  return T(native.nanToNum(handle(a), num(nan, 'nan'), opt(posinf, 'posinf'), opt(neginf, 'neginf')));
}

const compare =
  (name: string) =>
  (a: Tensor, b: TensorLike): Tensor =>
    binary(
      a,
      b,
      'other',
      (hb) => native[name](a._h, hb),
      (v) => native[`${name}Scalar`](a._h, v),
    );
export const eq = compare('eq');
export const ne = compare('ne');
export const lt = compare('lt');
export const le = compare('le');
export const gt = compare('gt');
export const ge = compare('ge');
export function logicalAnd(a: Tensor, b: Tensor): Tensor {
  return T(native.logicalAnd(handle(a), handle(b, 'other')));
}
export function logicalOr(a: Tensor, b: Tensor): Tensor {
  return T(native.logicalOr(handle(a), handle(b, 'other')));
}
export function logicalXor(a: Tensor, b: Tensor): Tensor {
  return T(native.logicalXor(handle(a), handle(b, 'other')));
}
/** True when all |a - b| <= atol + rtol * |b|. */
export function allclose(a: Tensor, b: Tensor, rtol = 1e-5, atol = 1e-8, equalNan = false): boolean {
  return native.allclose(handle(a), handle(b, 'other'), num(rtol, 'rtol', 0), num(atol, 'atol', 0), bool(equalNan, 'equalNan'));
}
/** True when shapes and all values are equal. */
export function equal(a: Tensor, b: Tensor): boolean {
  return native.equal(handle(a), handle(b, 'other'));
}

// ---- in-place updates (return the same tensor object)
export function add_(a: Tensor, b: TensorLike, alpha = 1): Tensor {
  handle(a);
  const other = tensorOrScalar(b, 'other');
  scalar(alpha, 'alpha');
  if (other instanceof Tensor) native.add_(a._h, other._h, alpha);
  else native.addScalar_(a._h, typeof other === 'number' ? other * Number(alpha) : other);
  return a;
}
export function sub_(a: Tensor, b: TensorLike, alpha = 1): Tensor {
  handle(a);
  const other = tensorOrScalar(b, 'other');
  scalar(alpha, 'alpha');
  if (other instanceof Tensor) native.sub_(a._h, other._h, alpha);
  else native.addScalar_(a._h, -Number(other) * Number(alpha));
  return a;
}
export function mul_(a: Tensor, b: TensorLike): Tensor {
  handle(a);
  const other = tensorOrScalar(b, 'other');
  if (other instanceof Tensor) native.mul_(a._h, other._h);
  else native.mulScalar_(a._h, other);
  return a;
}
export function div_(a: Tensor, b: TensorLike): Tensor {
  handle(a);
  const other = tensorOrScalar(b, 'other');
  if (other instanceof Tensor) native.div_(a._h, other._h);
  else native.divScalar_(a._h, other);
  return a;
}
/**
 * Checks the operands of addcmul_/addcdiv_: libtorch 1.13's in-place kernels cannot
 * cast between dtypes (they fail an internal assert), so all three must share one.
 */
function sameDtype(op: string, a: Tensor, t1: unknown, t2: unknown): void {
  const d = tensor(a).dtype;
  const d1 = tensor(t1, 'tensor1').dtype;
  const d2 = tensor(t2, 'tensor2').dtype;
  if (d1 !== d || d2 !== d)
    throw new TypeError(`${op}: expected tensor1 and tensor2 of the input's dtype ${d} but received ${d1} and ${d2}`);
}
/** a += value * t1 * t2 (all three of one dtype). */
export function addcmul_(a: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  sameDtype('addcmul_', a, t1, t2);
  native.addcmul_(a._h, t1._h, t2._h, scalar(value, 'value'));
  return a;
}
/** a += value * t1 / t2 (all three of one dtype). */
export function addcdiv_(a: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  sameDtype('addcdiv_', a, t1, t2);
  native.addcdiv_(a._h, t1._h, t2._h, scalar(value, 'value'));
  return a;
}
/** a += weight·(end − a) in place, for a number weight. */
export function lerp_(a: Tensor, end: Tensor, weight: number): Tensor {
  native.lerp_(handle(a), handle(end, 'end'), num(weight, 'weight'));
  return a;
}
export function copy_(a: Tensor, src: Tensor): Tensor {
  native.copy_(handle(a), handle(src, 'src'));
  return a;
}
export function zero_(a: Tensor): Tensor {
  native.zero_(handle(a));
  return a;
}
export function fill_(a: Tensor, value: number | boolean): Tensor {
  native.fill_(handle(a), scalar(value, 'value'));
  return a;
}
export function clamp_(a: Tensor, min: number | null = null, max: number | null = null): Tensor {
  handle(a);
  const lo = min === null || min === undefined ? null : scalar(min, 'min');
  const hi = max === null || max === undefined ? null : scalar(max, 'max');
  if (lo === null && hi === null) throw new TypeError('clamp_: at least one of min or max must be given');
  native.clamp_(a._h, lo, hi);
  return a;
}
export function sqrt_(a: Tensor): Tensor {
  native.sqrt_(handle(a));
  return a;
}
export function neg_(a: Tensor): Tensor {
  native.neg_(handle(a));
  return a;
}
export function maskedFill_(a: Tensor, mask: Tensor, value: number | boolean): Tensor {
  native.maskedFill_(handle(a), handle(mask, 'mask'), scalar(value, 'value'));
  return a;
}
/** Fills in place from U(low, high). */
export function uniform_(a: Tensor, low = 0, high = 1, generator?: Generator): Tensor {
  native.uniform_(handle(a), num(low, 'low'), num(high, 'high'), generatorHandle(generator));
  return a;
}
/** Fills in place from N(mean, std²). */
export function normal_(a: Tensor, mean = 0, std = 1, generator?: Generator): Tensor {
  native.normal_(handle(a), num(mean, 'mean'), num(std, 'std', 0), generatorHandle(generator));
  return a;
}
