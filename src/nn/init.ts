/**
 * `nn.init`: in-place initialisers with PyTorch's formulas (fan computation, gains,
 * Kaiming He et al. 2015, Xavier Glorot & Bengio 2010, truncated normal).
 */
import * as torch from '../torch/index.js';

type Tensor = torch.Tensor;
export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';
export type FanMode = 'fan_in' | 'fan_out';

/** Fans of a weight [out, in, *kernel]: fanIn = in·∏kernel, fanOut = out·∏kernel. */
export function calculateFanInAndFanOut(t: Tensor): { fanIn: number; fanOut: number } {
  const s = t.shape;
  if (s.length < 2) throw new RangeError(`init: fan in and fan out need a tensor of at least 2 dims but received shape [${s}]`);
  const receptive = s.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: s[1] * receptive, fanOut: s[0] * receptive };
}

/** The recommended gain for a nonlinearity (`param` is leaky_relu's negative slope, default 0.01). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': { const a = param ?? 0.01; return Math.sqrt(2 / (1 + a * a)); }
    case 'selu': return 3 / 4;
    default: throw new TypeError(`calculateGain: expected one of linear, conv1d, conv2d, sigmoid, tanh, relu, leaky_relu, selu for nonlinearity but received ${JSON.stringify(nonlinearity)}`);
  }
}

const inPlace = (t: Tensor, fn: () => void): Tensor => {
  torch.noGrad(fn);
  return t;
};

export const uniform_ = (t: Tensor, a = 0, b = 1, generator?: torch.Generator): Tensor => inPlace(t, () => t.uniform_(a, b, generator));
export const normal_ = (t: Tensor, mean = 0, std = 1, generator?: torch.Generator): Tensor => inPlace(t, () => t.normal_(mean, std, generator));
export const constant_ = (t: Tensor, value: number): Tensor => inPlace(t, () => t.fill_(value));
export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

/** U(−a, a) with a = gain·√(6 / (fanIn + fanOut)). */
export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a);
}

/** N(0, std²) with std = gain·√(2 / (fanIn + fanOut)). */
export function xavierNormal_(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}

export interface KaimingOptions {
  /** Negative slope of the following leaky ReLU (default 0). */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, o: KaimingOptions): number {
  const { a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu' } = o;
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new TypeError(`kaiming: expected fan_in or fan_out for mode but received ${JSON.stringify(mode)}`);
  const fans = calculateFanInAndFanOut(t);
  return calculateGain(nonlinearity, a) / Math.sqrt(mode === 'fan_in' ? fans.fanIn : fans.fanOut);
}

/** U(−b, b) with b = gain·√(3 / fan). */
export function kaimingUniform_(t: Tensor, o: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, o);
  return uniform_(t, -bound, bound);
}

/** N(0, (gain / √fan)²). */
export function kaimingNormal_(t: Tensor, o: KaimingOptions = {}): Tensor {
  return normal_(t, 0, kaimingStd(t, o));
}

/** N(mean, std²) truncated to [a, b] by inverse-CDF sampling (PyTorch's `trunc_normal_`). */
export function truncNormal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2): Tensor {
  const cdf = (x: number): number => (1 + erf(x / Math.SQRT2)) / 2;
  const lo = cdf((a - mean) / std);
  const hi = cdf((b - mean) / std);
  return inPlace(t, () => {
    t.uniform_(2 * lo - 1, 2 * hi - 1);
    t.copy_(torch.scope(() => t.erfinv().mul(std * Math.SQRT2).add(mean).clamp(a, b)));
  });
}

/** erf via the Chebyshev fit of erfc (Numerical Recipes, |error| < 1.2e-7): enough for truncation bounds. */
function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - r : r - 1;
}
