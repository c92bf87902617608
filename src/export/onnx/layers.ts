/**
 * ONNX rules of the nn layers (src/nn) in eval mode: convolutions, batch norm
 * with running statistics, activations, pooling, Linear as Gemm, Flatten,
 * Dropout and Identity as no node, Sequential as a chain, FakeQuant as a
 * QuantizeLinear → DequantizeLinear pair. Operator semantics follow the ONNX
 * operator specification at opset 17.
 */
import {
  AdaptiveAvgPool1d,
  AdaptiveAvgPool2d,
  AvgPool1d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv1d,
  Conv2d,
  Dropout,
  ELU,
  FakeQuant,
  Flatten,
  GELU,
  Hardsigmoid,
  Hardswish,
  Identity,
  LayerNorm,
  LeakyReLU,
  Linear,
  LogSoftmax,
  MaxPool1d,
  MaxPool2d,
  ReLU,
  ReLU6,
  Sequential,
  Sigmoid,
  SiLU,
  Softmax,
  Tanh,
  quantizeCodes,
  type Module,
  type QuantParams,
} from '../../nn/index.js';
import * as torch from '../../torch/index.js';
import type { Graph } from './graph.js';
import { rule, type At } from './rules.js';

type Size = number | number[];
const list = (v: Size | undefined, n: number, dflt: number): number[] =>
  v === undefined ? new Array<number>(n).fill(dflt) : typeof v === 'number' ? new Array<number>(n).fill(v) : v;
/** ONNX pads: all begins, then all ends. */
const pads = (begin: number[], end = begin): number[] => [...begin, ...end];

/** Conv1d/Conv2d: Conv with PyTorch's padding ('same' puts the odd pixel at the end, as PyTorch does). */
function conv(m: Conv1d | Conv2d, x: string, at: At): string {
  const n = m.kernelSize.length;
  const dilations = list(m.o.dilation, n, 1);
  const p = m.o.padding ?? 0;
  const total = m.kernelSize.map((k, i) => dilations[i] * (k - 1));
  const begin = p === 'same' ? total.map((t) => t >> 1) : p === 'valid' ? list(0, n, 0) : list(p, n, 0);
  const end = p === 'same' ? total.map((t, i) => t - begin[i]) : begin;
  const inputs = [x, at.weight('weight', m.weight), ...(m.bias ? [at.weight('bias', m.bias)] : [])];
  return at.g.node(
    'Conv',
    inputs,
    { kernel_shape: m.kernelSize, strides: list(m.o.stride, n, 1), pads: pads(begin, end), dilations, group: m.groups },
    at.path,
  );
}
rule(Conv1d, conv);
rule(Conv2d, conv);

/** BatchNorm in eval: (x − running_mean) / √(running_var + eps) · γ + β over channel dim 1. */
function batchNorm(m: BatchNorm1d | BatchNorm2d, x: string, at: At): string {
  if (!m.runningMean || !m.runningVar)
    throw new TypeError(
      `exportOnnx: ${m.constructor.name} ${JSON.stringify(at.path)} keeps no running statistics (trackRunningStats false), so its eval output depends on the batch`,
    );
  const c = m.numFeatures;
  const scale = m.weight ? at.weight('weight', m.weight) : at.g.floats(`${at.path}.weight`, new Array<number>(c).fill(1), [c]);
  const bias = m.bias ? at.weight('bias', m.bias) : at.g.floats(`${at.path}.bias`, new Array<number>(c).fill(0), [c]);
  const stats = [at.weight('running_mean', m.runningMean), at.weight('running_var', m.runningVar)];
  return at.g.node('BatchNormalization', [x, scale, bias, ...stats], { epsilon: { f: m.eps } }, at.path);
}
rule(BatchNorm1d, batchNorm);
rule(BatchNorm2d, batchNorm);

rule(LayerNorm, (m, x, at) => {
  const d = m.normalizedShape.reduce((a, b) => a * b, 1);
  const scale = m.weight
    ? at.weight('weight', m.weight)
    : at.g.floats(`${at.path}.weight`, new Array<number>(d).fill(1), m.normalizedShape);
  const inputs = [x, scale, ...(m.bias ? [at.weight('bias', m.bias)] : [])];
  return at.g.node('LayerNormalization', inputs, { axis: -m.normalizedShape.length, epsilon: { f: m.o.eps ?? 1e-5 } }, at.path);
});

/** A scalar float32 constant. */
export const scalar = (g: Graph, name: string, v: number): string => g.floats(name, [v], []);

/** GELU: x·Φ(x) = 0.5·x·(1 + erf(x/√2)), or the tanh approximation 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))). */
export function gelu(g: Graph, x: string, approximate: 'none' | 'tanh', name: string): string {
  const c = (n: string, v: number): string => scalar(g, `${name}.${n}`, v);
  let inner: string;
  if (approximate === 'none') inner = g.node('Erf', [g.node('Mul', [x, c('rsqrt2', Math.SQRT1_2)])]);
  else {
    const cube = g.node('Mul', [g.node('Mul', [x, x]), x]);
    const poly = g.node('Add', [x, g.node('Mul', [cube, c('k', 0.044715)])]);
    inner = g.node('Tanh', [g.node('Mul', [poly, c('sqrt2overpi', Math.sqrt(2 / Math.PI))])]);
  }
  const half = g.node('Mul', [x, c('half', 0.5)]);
  return g.node('Mul', [half, g.node('Add', [inner, c('one', 1)])], {}, name);
}

const unary =
  (op: string, attributes: (m: Module) => Record<string, { f: number }> = () => ({})) =>
  (m: Module, x: string, at: At): string =>
    at.g.node(op, [x], attributes(m), at.path);
rule(ReLU, unary('Relu'));
rule(Sigmoid, unary('Sigmoid'));
rule(Tanh, unary('Tanh'));
rule(Hardswish, unary('HardSwish'));
// PyTorch's hardsigmoid is relu6(x + 3) / 6 = clip(x/6 + 1/2, 0, 1).
rule(
  Hardsigmoid,
  unary('HardSigmoid', () => ({ alpha: { f: 1 / 6 }, beta: { f: 0.5 } })),
);
rule(
  LeakyReLU,
  unary('LeakyRelu', (m) => ({ alpha: { f: (m as LeakyReLU).negativeSlope } })),
);
rule(
  ELU,
  unary('Elu', (m) => ({ alpha: { f: (m as ELU).alpha } })),
);
rule(ReLU6, (_m, x, at) => at.g.node('Clip', [x, scalar(at.g, `${at.path}.min`, 0), scalar(at.g, `${at.path}.max`, 6)], {}, at.path));
rule(SiLU, (_m, x, at) => at.g.node('Mul', [x, at.g.node('Sigmoid', [x])], {}, at.path));
rule(GELU, (m, x, at) => gelu(at.g, x, m.approximate, at.path));
rule(Softmax, (m, x, at) => at.g.node('Softmax', [x], { axis: m.dim }, at.path));
rule(LogSoftmax, (m, x, at) => at.g.node('LogSoftmax', [x], { axis: m.dim }, at.path));

/** Max- and average pooling; PyTorch pads max-pooling with −∞ as ONNX does. */
function pool(m: MaxPool1d | MaxPool2d | AvgPool1d | AvgPool2d, x: string, at: At): string {
  const n = m instanceof MaxPool1d || m instanceof AvgPool1d ? 1 : 2;
  const kernel = list(m.kernelSize, n, 1);
  const o = m.o as { stride?: Size | null; padding?: Size; ceilMode?: boolean; dilation?: Size; countIncludePad?: boolean };
  const common = {
    kernel_shape: kernel,
    strides: o.stride === undefined || o.stride === null ? kernel : list(o.stride, n, 1),
    pads: pads(list(o.padding, n, 0)),
    ceil_mode: o.ceilMode ? 1 : 0,
  };
  if (m instanceof MaxPool1d || m instanceof MaxPool2d)
    return at.g.node('MaxPool', [x], { ...common, dilations: list(o.dilation, n, 1) }, at.path);
  if ((m.o as { divisorOverride?: number | null }).divisorOverride)
    throw new TypeError(`exportOnnx: ${m.constructor.name} ${JSON.stringify(at.path)} has a divisorOverride, which ONNX AveragePool lacks`);
  return at.g.node('AveragePool', [x], { ...common, count_include_pad: o.countIncludePad === false ? 0 : 1 }, at.path);
}
rule(MaxPool1d, pool);
rule(MaxPool2d, pool);
rule(AvgPool1d, pool);
rule(AvgPool2d, pool);

/** Adaptive average pooling to one value per channel: GlobalAveragePool (other output sizes depend on the input size). */
function adaptiveAvgPool(m: AdaptiveAvgPool1d | AdaptiveAvgPool2d, x: string, at: At): string {
  const size = [m.outputSize].flat();
  if (!size.every((s) => s === 1))
    throw new TypeError(
      `exportOnnx: ${m.constructor.name} ${JSON.stringify(at.path)} pools to ${JSON.stringify(m.outputSize)}; only an output size of 1 is exported`,
    );
  return at.g.node('GlobalAveragePool', [x], {}, at.path);
}
rule(AdaptiveAvgPool1d, adaptiveAvgPool);
rule(AdaptiveAvgPool2d, adaptiveAvgPool);

/** Linear on [N, in]: Gemm(x, W, b, transB = 1). */
rule(Linear, (m, x, at) =>
  at.g.node('Gemm', [x, at.weight('weight', m.weight), ...(m.bias ? [at.weight('bias', m.bias)] : [])], { transB: 1 }, at.path),
);
/** Linear on any rank [*, in]: MatMul with Wᵀ (stored transposed) + bias. */
export function linearNd(m: Linear, x: string, at: At): string {
  const wt = at.g.floats(`${at.path}.weight_t`, m.weight.t().contiguous().data() as Float32Array, [m.inFeatures, m.outFeatures]);
  const y = at.g.node('MatMul', [x, wt], {}, m.bias ? `${at.path}.matmul` : at.path);
  return m.bias ? at.g.node('Add', [y, at.weight('bias', m.bias)], {}, at.path) : y;
}

rule(Flatten, (m, x, at) => {
  if (m.startDim !== 1 || (m.endDim !== -1 && m.endDim !== undefined))
    throw new TypeError(
      `exportOnnx: Flatten ${JSON.stringify(at.path)} flattens dims ${m.startDim}…${m.endDim}; only startDim 1, endDim -1 is exported`,
    );
  return at.g.node('Flatten', [x], { axis: 1 }, at.path);
});
rule(Dropout, (_m, x) => x);
rule(Identity, (_m, x) => x);
rule(Sequential, (m, x, at) => [...m.namedChildren()].reduce((v, [name]) => at.child(name, v), x));

/** int8 scale and zero point of `p` as initializers; ONNX int8 saturates to [−128, 127], so a narrower range is not expressible. */
function int8Params(g: Graph, p: QuantParams, name: string): [string, string] {
  if (p.qmin < -128 || p.qmax > 127 || !Number.isInteger(p.zeroPoint) || p.zeroPoint < p.qmin || p.zeroPoint > p.qmax)
    throw new RangeError(`exportOnnx: ${name}: expected int8 quantization parameters but received ${JSON.stringify(p)}`);
  return [g.floats(`${name}.scale`, [p.scale], []), g.int8s(`${name}.zero_point`, [p.zeroPoint], [])];
}

/**
 * FakeQuant in eval mode (src/nn/fake-quant.ts): QuantizeLinear → DequantizeLinear
 * over its fixed range; both round half to even and saturate to int8. qmin −128,
 * qmax 127 are ONNX's saturation bounds, so the clamp needs no node.
 */
export function quantizeDequantize(g: Graph, x: string, p: QuantParams, name: string): string {
  if (p.qmin !== -128 || p.qmax !== 127)
    throw new RangeError(`exportOnnx: ${name}: QuantizeLinear saturates to [-128, 127] but the range is [${p.qmin}, ${p.qmax}]`);
  const [s, z] = int8Params(g, p, name);
  return g.node('DequantizeLinear', [g.node('QuantizeLinear', [x, s, z], {}, `${name}.quantized`), s, z], {}, name);
}
rule(FakeQuant, (m, x, at) => quantizeDequantize(at.g, x, m.quantParams(), at.path));

/**
 * A fake-quantized weight (`fakeQuantize(w, p)`): its int8 codes, computed by
 * `quantizeCodes` as the fake-quant does, as an initializer `name.int8`, read
 * through DequantizeLinear: (q − z)·s.
 */
export function fakeQuantWeight(at: At, name: string, w: torch.Tensor, p: QuantParams): string {
  const path = at.path ? `${at.path}.${name}` : name;
  const codes = torch.noGrad(() => torch.scope(() => quantizeCodes(w, p).contiguous().data() as Float32Array));
  const q = at.g.int8s(`${path}.int8`, codes, w.shape);
  return at.g.node('DequantizeLinear', [q, ...int8Params(at.g, p, path)], {}, `${path}.dequantized`);
}
