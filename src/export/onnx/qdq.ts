/**
 * Static int8 quantization of a float ONNX graph in the QDQ layout (ONNX
 * QuantizeLinear / DequantizeLinear pairs around float operators), the layout
 * onnxruntime's graph optimizer fuses into QLinearConv, QGemm and QLinearMatMul:
 *
 *   weights  int8, symmetric, per output channel: W ≈ s_c · q, q ∈ [−127, 127], s_c = max|W_c| / 127,
 *            DequantizeLinear(axis 0 for Conv and Gemm with transB; 1 for Gemm without and for a
 *            MatMul's weight [in, out], a Linear on [*, in] whose bias is a separate Add)
 *   biases   int32 with scale s_x · s_c and zero point 0 (so the integer kernel adds them)
 *   inputs   uint8, per tensor, asymmetric: x ≈ s (q − z) over the calibrated [min(lo, 0), max(hi, 0)]
 *
 * Activations are quantized at the inputs of Conv, Gemm and MatMul by a weight and at their
 * outputs — after a Relu that is the output's only consumer, so onnxruntime
 * drops the Relu (its zero point clamps at 0) and fuses Conv + Q. A
 * quantization-aware layer's own Q/DQ pairs (./layers.ts) stay as trained, its
 * output's scale serving as the input scale of the layer after. Batch norm
 * that follows a convolution is folded into its weights first (Jacob et al.
 * 2018, "Quantization and Training of Neural Networks for Efficient
 * Integer-Arithmetic-Only Inference", §3.2; Krishnamoorthi 2018 §2–3).
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type Node = onnxProto.onnx.INodeProto;
type Tensor = onnxProto.onnx.ITensorProto;
const DT = onnx.TensorProto.DataType;

/** A float32 initializer. */
export interface Floats {
  dims: number[];
  data: Float32Array;
}

/** The calibrated range of an activation. */
export interface Range {
  lo: number;
  hi: number;
}

const QUANTIZED_OPS = new Set(['Conv', 'Gemm']);
/** Conv and Gemm, and MatMul by a weight (an initializer [in, out]: a Linear on [*, in], not attention's products of activations). */
const quantized = (n: Node, floats: Map<string, Floats>): boolean =>
  QUANTIZED_OPS.has(n.opType!) || (n.opType === 'MatMul' && floats.has(n.input![1]));

/** A copy of the bytes (protobufjs may decode a view into the whole message) as a typed array. */
const copied = (raw: Uint8Array): ArrayBuffer => new Uint8Array(raw).buffer;

/** The float32 initializers of `g` by name. */
export function floatInitializers(g: onnxProto.onnx.IGraphProto): Map<string, Floats> {
  const out = new Map<string, Floats>();
  for (const t of g.initializer ?? [])
    if (t.dataType === DT.FLOAT) {
      const data = t.rawData?.length ? new Float32Array(copied(t.rawData)) : Float32Array.from(t.floatData ?? []);
      out.set(t.name!, { dims: (t.dims ?? []).map(Number), data });
    }
  return out;
}

const consumersOf = (nodes: Node[], name: string): Node[] => nodes.filter((n) => n.input?.includes(name));

const attr = (n: Node, name: string, dflt: number): number => {
  const a = n.attribute?.find((x) => x.name === name);
  return a === undefined ? dflt : a.type === onnx.AttributeProto.AttributeType.FLOAT ? a.f! : Number(a.i);
};

/**
 * Folds each BatchNormalization whose input is a Conv's only output into the
 * Conv: W' = W · γ/√(σ² + ε) per output channel, b' = (b − μ) · γ/√(σ² + ε) + β.
 * Mutates `nodes` (drops the BN nodes) and `floats` (the folded weights and biases).
 */
export function foldBatchNorm(nodes: Node[], floats: Map<string, Floats>, outputs: Set<string>): Node[] {
  const byOutput = new Map(nodes.map((n) => [n.output![0], n]));
  const folded = new Set<Node>();
  for (const bn of nodes) {
    if (bn.opType !== 'BatchNormalization') continue;
    const conv = byOutput.get(bn.input![0]);
    const [gamma, beta, mean, variance] = bn.input!.slice(1).map((v) => floats.get(v));
    const weight = conv && floats.get(conv.input![1]);
    if (!conv || conv.opType !== 'Conv' || !weight || !gamma || !beta || !mean || !variance) continue;
    if (consumersOf(nodes, conv.output![0]).length !== 1 || outputs.has(conv.output![0])) continue;
    if (nodes.some((n) => n !== conv && n.input?.includes(conv.input![1]))) continue; // a shared weight stays as it is
    const channels = weight.dims[0];
    const per = weight.data.length / channels;
    const bias = conv.input![2] ? floats.get(conv.input![2])!.data : new Float32Array(channels);
    const w = new Float32Array(weight.data.length);
    const b = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
      const k = gamma.data[c] / Math.sqrt(variance.data[c] + attr(bn, 'epsilon', 1e-5));
      for (let i = c * per; i < (c + 1) * per; i++) w[i] = weight.data[i] * k;
      b[c] = (bias[c] - mean.data[c]) * k + beta.data[c];
    }
    const biasName = `${conv.input![1].replace(/\.weight$/, '')}.folded_bias`;
    floats.set(conv.input![1], { dims: weight.dims, data: w });
    floats.set(biasName, { dims: [channels], data: b });
    conv.input = [conv.input![0], conv.input![1], biasName];
    conv.output = [bn.output![0]];
    folded.add(bn);
  }
  return nodes.filter((n) => !folded.has(n));
}

/** The per-tensor scale of `x` where a DequantizeLinear node gives it (a quantization-aware layer's output), else undefined. */
function dequantizedScale(nodes: Node[], floats: Map<string, Floats>, x: string): number | undefined {
  const dq = nodes.find((n) => n.opType === 'DequantizeLinear' && n.output![0] === x);
  const s = dq && floats.get(dq.input![1]);
  return s?.data.length === 1 ? s.data[0] : undefined;
}

/**
 * The activations to quantize: the (non-constant) data inputs of Conv, Gemm and MatMul by a weight,
 * and their outputs — a sole Relu consumer's output instead — unless a graph
 * output; values a QAT layer already quantizes (a DequantizeLinear's output, or
 * read by QuantizeLinear alone) keep their learned quantization.
 */
export function activationsToQuantize(nodes: Node[], floats: Map<string, Floats>, outputs: Set<string>): string[] {
  const out = new Set<string>();
  for (const n of nodes) {
    if (!quantized(n, floats)) continue;
    const x = n.input![0];
    if (!floats.has(x) && dequantizedScale(nodes, floats, x) === undefined) out.add(x);
    let y = n.output![0];
    let next = consumersOf(nodes, y);
    if (next.length === 1 && next[0].opType === 'Relu' && !outputs.has(y)) next = consumersOf(nodes, (y = next[0].output![0]));
    if (!outputs.has(y) && !(next.length > 0 && next.every((c) => c.opType === 'QuantizeLinear'))) out.add(y);
  }
  return [...out];
}

/** uint8 scale and zero point of range r (widened to include 0; a zero range gets scale 1). */
export function activationParams(r: Range): { scale: number; zeroPoint: number } {
  const [lo, hi] = [Math.min(r.lo, 0), Math.max(r.hi, 0)];
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  return { scale, zeroPoint: Math.min(255, Math.max(0, Math.round(-lo / scale))) };
}

/** Symmetric int8 quantization of `w` per channel along `axis`: q ∈ [−127, 127], scales [dims[axis]]. */
export function quantizeWeight(w: Floats, axis: number): { q: Int8Array; scales: Float32Array } {
  const channels = w.dims[axis];
  const inner = w.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channel = (i: number): number => Math.floor(i / inner) % channels;
  const scales = new Float32Array(channels);
  w.data.forEach((v, i) => (scales[channel(i)] = Math.max(scales[channel(i)], Math.abs(v))));
  scales.forEach((m, c) => (scales[c] = m > 0 ? m / 127 : 1));
  const q = Int8Array.from(w.data, (v, i) => Math.max(-127, Math.min(127, Math.round(v / scales[channel(i)]))));
  return { q, scales };
}

const bytesOf = (a: Float32Array | Int8Array | Uint8Array | Int32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** What `rewrite` added, for the report and the tests. */
export interface QdqSummary {
  /** Conv, Gemm and MatMul nodes with quantized weights. */
  quantizedNodes: number;
  /** Activations with a Q/DQ pair. */
  activations: number;
}

/**
 * Rewrites the graph with Q/DQ pairs for `ranges` (activation → calibrated range)
 * and int8 weights / int32 biases for every Conv, Gemm and MatMul by a weight (but the second user of
 * a tied weight, which keeps it float); float initializers no node reads any
 * more are dropped.
 */
export function rewrite(g: onnxProto.onnx.IGraphProto, nodes: Node[], floats: Map<string, Floats>, ranges: Map<string, Range>): QdqSummary {
  const initializers: Tensor[] = [];
  const tensor = (name: string, dataType: number, dims: number[], data: Float32Array | Int8Array | Uint8Array | Int32Array): string => {
    initializers.push({ name, dataType, dims, rawData: bytesOf(data) });
    return name;
  };
  const dq = (name: string, inputs: string[], axis?: number): Node => ({
    opType: 'DequantizeLinear',
    name,
    input: inputs,
    output: [name],
    attribute: axis === undefined ? [] : [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: axis }],
  });
  const head: Node[] = [];
  const scales = new Map<string, number>();
  const pairs = new Map<string, Node[]>();
  for (const [x, r] of ranges) {
    const { scale, zeroPoint } = activationParams(r);
    scales.set(x, scale);
    const s = tensor(`${x}.scale`, DT.FLOAT, [], Float32Array.of(scale));
    const z = tensor(`${x}.zero_point`, DT.UINT8, [], Uint8Array.of(zeroPoint));
    const q: Node = { opType: 'QuantizeLinear', name: `${x}.quantized`, input: [x, s, z], output: [`${x}.quantized`] };
    pairs.set(x, [q, dq(`${x}.dequantized`, [`${x}.quantized`, s, z])]);
  }
  let quantizedNodes = 0;
  const shared = new Set<string>();
  for (const n of nodes) {
    const w = floats.get(n.input![1]);
    const sx = scales.get(n.input![0]) ?? dequantizedScale(nodes, floats, n.input![0]);
    if (!quantized(n, floats) || !w || sx === undefined || n.input!.slice(1).some((v) => shared.has(v))) continue; // a weight tied to another node's stays float
    n.input!.slice(1).forEach((v) => shared.add(v));
    const axis = n.opType === 'MatMul' || (n.opType === 'Gemm' && attr(n, 'transB', 0) === 0) ? 1 : 0;
    const { q, scales: sw } = quantizeWeight(w, axis);
    const name = n.input![1];
    const zw = tensor(`${name}.zero_point`, DT.INT8, [sw.length], new Int8Array(sw.length));
    head.push(
      dq(`${name}.dequantized`, [tensor(`${name}.int8`, DT.INT8, w.dims, q), tensor(`${name}.scale`, DT.FLOAT, [sw.length], sw), zw], axis),
    );
    const inputs = [n.input![0], `${name}.dequantized`];
    const bias = n.input![2] ? floats.get(n.input![2]) : undefined;
    if (bias && bias.data.length === sw.length) {
      const sb = sw.map((s) => s * sx);
      const qb = Int32Array.from(bias.data, (v, c) => Math.round(v / sb[c]));
      const b = n.input![2];
      const zb = tensor(`${b}.zero_point`, DT.INT32, [sb.length], new Int32Array(sb.length));
      head.push(
        dq(`${b}.dequantized`, [tensor(`${b}.int32`, DT.INT32, [qb.length], qb), tensor(`${b}.scale`, DT.FLOAT, [sb.length], sb), zb], 0),
      );
      inputs.push(`${b}.dequantized`);
    } else if (n.input![2]) inputs.push(n.input![2]);
    n.input = inputs;
    quantizedNodes++;
  }
  const reading = (x: string): string => (pairs.has(x) ? `${x}.dequantized` : x);
  for (const n of nodes) n.input = n.input!.map(reading);
  const body = [...head, ...g.input!.flatMap((v) => pairs.get(v.name!) ?? [])];
  for (const n of nodes) body.push(n, ...(n.output ?? []).flatMap((y) => pairs.get(y) ?? []));
  const read = new Set(body.flatMap((n) => n.input ?? []));
  const constants = (g.initializer ?? []).filter((t) => t.dataType !== DT.FLOAT && read.has(t.name!));
  const weights = [...floats]
    .filter(([k]) => read.has(k))
    .map(([k, v]) => ({ name: k, dataType: DT.FLOAT, dims: v.dims, rawData: bytesOf(v.data) }));
  g.node = body;
  g.initializer = [...constants, ...weights, ...initializers];
  return { quantizedNodes, activations: pairs.size };
}
