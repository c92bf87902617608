/**
 * Fake quantization for quantization-aware training (Jacob et al. 2018,
 * "Quantization and Training of Neural Networks for Efficient
 * Integer-Arithmetic-Only Inference", §3): in the forward pass a tensor is
 * quantized to int8 and dequantized, q(x) = (clamp(round(x/s) + z, qmin, qmax) − z)·s,
 * so training sees the rounding; the backward pass is the straight-through
 * estimator — the gradient of clamp(x, (qmin − z)·s, (qmax − z)·s), i.e. 1
 * inside the representable range and 0 outside (TensorFlow's FakeQuant).
 *
 * Weights: per-tensor symmetric, s = max|w| / 127, z = 0, q ∈ [−127, 127].
 * Activations (`FakeQuant`): per-tensor affine int8 over a running range
 * [lo, hi] (always containing 0, so 0 is exact): s = (hi − lo)/255,
 * z = round(−lo/s) − 128, q ∈ [−128, 127]. In training the range follows an
 * exponential moving average of the batches' min and max (the first batch sets
 * it; weight 0.01 per batch, PyTorch's MovingAverageMinMaxObserver); in eval it
 * is fixed. The range is a buffer (`range`: [lo, hi], NaN until the first
 * batch), so it is checkpointed and resumed. `fakeQuantEnabled = false`
 * (PyTorch's disable_fake_quant) passes x through while the range is still
 * observed in training: a float warm-up before quantization (TensorFlow's
 * quant_delay).
 */
import * as torch from '../torch/index.js';
import { Module } from './module.js';

type Tensor = torch.Tensor;

/** Quantization parameters of one tensor: scale s > 0, integer zero point z, integer range [qmin, qmax]. */
export interface QuantParams {
  scale: number;
  zeroPoint: number;
  qmin: number;
  qmax: number;
}

/** The integer codes of x, clamp(round(x/s) + z, qmin, qmax) (round half to even), in x's dtype. x: any shape → same. */
export function quantizeCodes(x: Tensor, { scale, zeroPoint, qmin, qmax }: QuantParams): Tensor {
  if (!(Number.isFinite(scale) && scale > 0)) throw new RangeError(`fakeQuantize: expected a finite scale > 0 but received ${scale}`);
  return torch.scope(() => x.div(scale).round().add(zeroPoint).clamp(qmin, qmax));
}

/** quantize → dequantize of x with the straight-through gradient (module comment). x: any shape → same. */
export function fakeQuantize(x: Tensor, p: QuantParams): Tensor {
  const { scale, zeroPoint, qmin, qmax } = p;
  return torch.scope(() => {
    const q = quantizeCodes(x, p).sub(zeroPoint).mul(scale); // the dequantized grid value
    const through = x.clamp((qmin - zeroPoint) * scale, (qmax - zeroPoint) * scale); // what the gradient follows
    return through.add(q.sub(through).detach());
  });
}

/** Per-tensor symmetric int8 parameters of a weight (s = max|w| / 127); an all-zero weight gets s = 1. */
export function weightQuantParams(w: Tensor): QuantParams {
  const peak = torch.noGrad(() => torch.scope(() => w.abs().max().item()));
  return { scale: peak > 0 ? peak / 127 : 1, zeroPoint: 0, qmin: -127, qmax: 127 };
}

/** Per-tensor affine int8 parameters of the range [lo, hi] (widened to contain 0; an empty range gets s = 1). */
export function activationQuantParams(lo: number, hi: number): QuantParams {
  const [a, b] = [Math.min(lo, 0), Math.max(hi, 0)];
  const scale = b > a ? (b - a) / 255 : 1;
  return { scale, zeroPoint: Math.round(-a / scale) - 128, qmin: -128, qmax: 127 };
}

/** Fake-quantizes activations over a running range (module comment). x: any shape → same. */
export class FakeQuant extends Module {
  /** [lo, hi], NaN before the first training batch. */
  readonly range: Tensor;

  /** Whether forward quantizes (false: x passes through; training still observes the range). */
  fakeQuantEnabled = true;

  /**
   * `momentum`: the weight of a batch's min/max in the moving average (PyTorch's
   * averaging constant 0.01; TensorFlow's 1 − 0.999 would keep the first,
   * untrained batch's range for most of a run of a few hundred steps).
   */
  constructor(readonly momentum = 0.01) {
    super();
    if (!(momentum > 0 && momentum <= 1)) throw new RangeError(`FakeQuant: expected momentum in (0, 1] but received ${momentum}`);
    this.range = this.registerBuffer('range', torch.full([2], Number.NaN));
  }

  /** Forgets the range: the next training batch sets it again (PyTorch's reset_min_max_vals). */
  resetRange(): void {
    this.range.fill_(Number.NaN);
  }

  /** The quantization parameters in use (the running range). */
  quantParams(): QuantParams {
    const [lo, hi] = this.range.toArray() as number[];
    if (Number.isNaN(lo)) throw new Error('FakeQuant: the range is unset (run a training batch first)');
    return activationQuantParams(lo, hi);
  }

  forward(x: Tensor): Tensor {
    if (this.training)
      torch.noGrad(() =>
        torch.scope(() => {
          const batch = torch.stack([x.detach().min(), x.detach().max()]).to({ dtype: 'float32' }); // [2]
          if (this.range.isnan().any().item()) this.range.copy_(batch);
          else this.range.lerp_(batch, this.momentum);
        }),
      );
    return this.fakeQuantEnabled ? fakeQuantize(x, this.quantParams()) : x;
  }
}
