/**
 * `nn.init`: in-place initialisers with PyTorch's formulas (fan computation, gains,
 * Kaiming He et al. 2015, Xavier Glorot & Bengio 2010, truncated normal). Each runs
 * without recording gradients and returns its tensor.
 */
import * as torch from '../torch/index.js';
import { describe, finite, options, tensor } from '../torch/check.js';

type Tensor = torch.Tensor;
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';
export type FanMode = 'fan_in' | 'fan_out';

const UNIT_GAIN = ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid'];
const NONLINEARITIES = [...UNIT_GAIN, 'tanh', 'relu', 'leaky_relu', 'selu'];

/** Fans of a weight [out, in, *kernel]: fanIn = in·∏kernel, fanOut = out·∏kernel (at least 2 dims). */
export function calculateFanInAndFanOut(t: Tensor): { fanIn: number; fanOut: number } {
  const s = tensor(t, 'tensor').shape;
  if (s.length < 2) throw new RangeError(`init: fan in and fan out need a tensor of at least 2 dims but received shape [${s}]`);
  const receptive = s.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: s[1] * receptive, fanOut: s[0] * receptive };
}

/** The recommended gain for a nonlinearity (`param` is leaky_relu's negative slope, default 0.01): relu √2, tanh 5/3, selu 3/4, others 1. */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  if (UNIT_GAIN.includes(nonlinearity)) return 1;
  switch (nonlinearity) {
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const a = param ?? 0.01;
      if (typeof a !== 'number' || !Number.isFinite(a))
        throw new TypeError(`calculateGain: expected a finite number for the negative slope but received ${describe(a)}`);
      return Math.sqrt(2 / (1 + a * a));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new TypeError(
        `calculateGain: expected one of ${NONLINEARITIES.join(', ')} for nonlinearity but received ${describe(nonlinearity)}`,
      );
  }
}

const inPlace = (t: Tensor, fn: () => void): Tensor => {
  tensor(t, 'tensor');
  torch.noGrad(() => torch.scope(fn));
  return t;
};

/** Fills t with U(a, b) (default U(0, 1)). t: any shape. */
export const uniform_ = (t: Tensor, a = 0, b = 1, generator?: torch.Generator): Tensor =>
  inPlace(t, () => void torch.uniform_(t, a, b, generator));
/** Fills t with N(mean, std²) (default N(0, 1)). t: any shape. */
export const normal_ = (t: Tensor, mean = 0, std = 1, generator?: torch.Generator): Tensor =>
  inPlace(t, () => void torch.normal_(t, mean, std, generator));
/** Fills t with `value`. t: any shape. */
export const constant_ = (t: Tensor, value: number): Tensor => inPlace(t, () => void torch.fill_(t, value));
/** Fills t with 0. t: any shape. */
export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
/** Fills t with 1. t: any shape. */
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

/** U(−a, a) with a = gain·√(6 / (fanIn + fanOut)) (Glorot & Bengio, 2010). t: [out, in, *kernel]. */
export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  const a = finite(gain, 'gain') * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a);
}

/** N(0, std²) with std = gain·√(2 / (fanIn + fanOut)) (Glorot & Bengio, 2010). t: [out, in, *kernel]. */
export function xavierNormal_(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  return normal_(t, 0, finite(gain, 'gain') * Math.sqrt(2 / (fanIn + fanOut)));
}

export interface KaimingOptions {
  /** Negative slope of the following leaky ReLU (default 0; only used by 'leaky_relu'). */
  a?: number;
  /** 'fan_in' (default) preserves the forward variance, 'fan_out' the backward one. */
  mode?: FanMode;
  /** Default 'leaky_relu' (with a = 0 that is ReLU's gain √2). */
  nonlinearity?: Nonlinearity;
}

/** std = gain / √fan (He et al., 2015). */
function kaimingStd(t: Tensor, o: KaimingOptions): number {
  const { a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu' } = options(o, 'kaiming', ['a', 'mode', 'nonlinearity']);
  if (mode !== 'fan_in' && mode !== 'fan_out')
    throw new TypeError(`kaiming: expected fan_in or fan_out for mode but received ${describe(mode)}`);
  const fans = calculateFanInAndFanOut(t);
  return calculateGain(nonlinearity, a) / Math.sqrt(mode === 'fan_in' ? fans.fanIn : fans.fanOut);
}

/** U(−b, b) with b = gain·√(3 / fan) (He et al., 2015). t: [out, in, *kernel]; a tensor with no elements is left as is. */
export function kaimingUniform_(t: Tensor, o: KaimingOptions = {}): Tensor {
  if (tensor(t, 'tensor').numel() === 0) return t;
  const bound = Math.sqrt(3) * kaimingStd(t, o);
  return uniform_(t, -bound, bound);
}

/** N(0, (gain / √fan)²) (He et al., 2015). t: [out, in, *kernel]; a tensor with no elements is left as is. */
export function kaimingNormal_(t: Tensor, o: KaimingOptions = {}): Tensor {
  if (tensor(t, 'tensor').numel() === 0) return t;
  return normal_(t, 0, kaimingStd(t, o));
}

/**
 * N(mean, std²) truncated to [a, b] by inverse-CDF sampling, as PyTorch's
 * `trunc_normal_`: values never leave [a, b]. The uniform draw is made in float64
 * so that a draw of exactly ±1 (2⁻²⁴ per float32 element) does not become ±∞
 * clamped to a or b when [a, b] spans far tails (e.g. std 0.02 on [−2, 2]). t: any shape.
 */
export function truncNormal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2): Tensor {
  tensor(t, 'tensor');
  [mean, std, a, b].forEach((v, i) => finite(v, ['mean', 'std', 'a', 'b'][i]));
  if (!(std > 0) || !(a < b)) throw new RangeError(`truncNormal_: expected std > 0 and a < b but received std ${std}, a ${a}, b ${b}`);
  const cdf = (x: number): number => (1 + erf(x / Math.SQRT2)) / 2;
  const lo = cdf((a - mean) / std);
  const hi = cdf((b - mean) / std);
  return inPlace(t, () => {
    const u = torch.empty(t.shape, { dtype: 'float64', device: t.device }).uniform_(2 * lo - 1, 2 * hi - 1);
    t.copy_(
      u
        .erfinv()
        .mul_(std * Math.SQRT2)
        .add_(mean)
        .clamp_(a, b),
    );
  });
}

/** erf via the Chebyshev fit of erfc (Numerical Recipes, |error| < 1.2e-7): enough for truncation bounds. */
function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}
