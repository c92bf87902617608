/**
 * `quantizeOnnx`: post-training static int8 quantization of a float ONNX model
 * (an `exportOnnx` file) into the QDQ layout of ./qdq.ts. Activation ranges are
 * calibrated by running the float model in onnxruntime-node on a few hundred
 * unlabelled inputs with every activation to quantize made a graph output,
 * keeping each one's minimum and maximum over all of them (min–max calibration).
 */
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import * as torch from '../../torch/index.js';
import { byName, ortFeeds, type Inputs } from './feeds.js';
import { activationsToQuantize, floatInitializers, foldBatchNorm, rewrite, type Range } from './qdq.js';

const { onnx } = onnxProto;

export interface QuantizeOptions {
  /**
   * Calibration inputs [N, …inputShape], float32 and preprocessed as the model
   * expects (a few hundred, unlabelled); a model of several inputs (a text
   * encoder's input_ids and attention_mask, int64 [N, T]) takes them by name.
   */
  calibration: Inputs;
  /** Inputs per onnxruntime run while calibrating. Default 8. */
  batchSize?: number;
  /** onnxruntime's intra-op threads while calibrating. Default 1. */
  threads?: number;
}

export interface QuantizedModel {
  /** The serialised QDQ model. */
  bytes: Uint8Array;
  /** Conv, Gemm and MatMul nodes with int8 weights. */
  quantizedNodes: number;
  /** The calibrated range of each quantized activation. */
  ranges: Record<string, Range>;
  /** The model's metadata_props, with `quantization` (JSON) added. */
  metadata: Record<string, string>;
}

function decode(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new TypeError(`quantizeOnnx: expected the bytes of an ONNX model but decoding failed: ${(e as Error).message}`);
  }
}

/** Checks that the calibration inputs match the model's inputs [batch, …] (a dynamic dimension any size) with one N ≥ 1; returns N. */
function checkCalibration(model: onnxProto.onnx.ModelProto, x: Inputs): number {
  const inputs = model.graph?.input ?? [];
  const given = x instanceof torch.Tensor || typeof x !== 'object' || x === null ? undefined : Object.keys(x);
  const names = inputs.map((v) => v.name!);
  if (given === undefined ? inputs.length !== 1 : given.sort().join(', ') !== [...names].sort().join(', '))
    throw new TypeError(
      `quantizeOnnx: expected calibration inputs named ${names.join(', ')} but received ${given ? given.join(', ') : 'one tensor'}`,
    );
  let n: number | undefined;
  for (const v of inputs) {
    const t = given ? (x as Record<string, torch.Tensor>)[v.name!] : (x as torch.Tensor);
    const dims = v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
    const want = dims.slice(1).map((d) => (typeof d === 'string' ? d : String(d)));
    const fits =
      t instanceof torch.Tensor &&
      t.shape.length === dims.length &&
      t.shape[0] >= 1 &&
      (n === undefined || t.shape[0] === n) &&
      dims.slice(1).every((d, i) => typeof d === 'string' || t.shape[i + 1] === d);
    if (!fits)
      throw new RangeError(
        `quantizeOnnx: expected calibration inputs ${given ? `${v.name} ` : ''}[N ≥ 1, ${want.join(', ')}]${given ? ' (one N for all)' : ''} but received ${t instanceof torch.Tensor ? `[${t.shape.join(', ')}]` : typeof t}`,
      );
    n = t.shape[0];
  }
  return n!;
}

/** The min and max of each of `names` over float model `bytes`' activations on every row of `x`. */
export async function calibrate(
  bytes: Uint8Array,
  names: string[],
  x: Inputs,
  o: { batchSize?: number; threads?: number } = {},
): Promise<Map<string, Range>> {
  const probe = decode(bytes);
  const known = new Set(probe.graph!.output!.map((v) => v.name));
  for (const name of names)
    if (!known.has(name))
      probe.graph!.output!.push(onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } }));
  const threads = o.threads ?? 1;
  const session = await ort.InferenceSession.create(onnx.ModelProto.encode(probe).finish(), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  const ranges = new Map(names.map((n) => [n, { lo: Infinity, hi: -Infinity }]));
  const inputs = byName(x, session.inputNames[0]);
  const n = Object.values(inputs)[0].shape[0];
  const batch = o.batchSize ?? 8;
  try {
    for (let i = 0; i < n; i += batch) {
      const b = Math.min(batch, n - i);
      const feeds = torch.scope(() =>
        ortFeeds(session.inputNames, Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, t.narrow(0, i, b)]))),
      );
      const out = await session.run(feeds, names);
      for (const [name, r] of ranges) {
        const v = out[name].data as Float32Array;
        for (let j = 0; j < v.length; j++) {
          if (v[j] < r.lo) r.lo = v[j];
          if (v[j] > r.hi) r.hi = v[j];
        }
      }
    }
  } finally {
    await session.release();
  }
  return ranges;
}

/**
 * Quantizes float ONNX `bytes` to int8 (QDQ): batch norm folded into the
 * convolutions, Conv, Gemm and MatMul weights int8 per output channel, activations
 * uint8 per tensor with min–max ranges calibrated on `o.calibration`.
 */
export async function quantizeOnnx(bytes: Uint8Array, o: QuantizeOptions): Promise<QuantizedModel> {
  const model = decode(bytes);
  const n = checkCalibration(model, o?.calibration);
  const g = model.graph!;
  const floats = floatInitializers(g);
  const outputs = new Set(g.output!.map((v) => v.name!));
  const nodes = foldBatchNorm(g.node!, floats, outputs);
  const names = activationsToQuantize(nodes, floats, outputs);
  if (names.length === 0)
    throw new TypeError(`quantizeOnnx: the model ${JSON.stringify(g.name)} has no Conv, Gemm or MatMul by a weight to quantize`);
  const ranges = await calibrate(bytes, names, o.calibration, o);
  const summary = rewrite(g, nodes, floats, ranges);
  const quantization = {
    format: 'QDQ',
    weights: 'int8, symmetric, per output channel',
    biases: 'int32, scale = input scale × weight scale',
    activations: 'uint8, asymmetric, per tensor, min–max calibrated',
    calibration: n,
    nodes: summary.quantizedNodes,
    tensors: summary.activations,
  };
  const metadata = Object.fromEntries(model.metadataProps.map((p) => [p.key!, p.value!]));
  metadata.quantization = JSON.stringify(quantization);
  model.metadataProps = Object.entries(metadata).map(([key, value]) => onnx.StringStringEntryProto.create({ key, value }));
  model.docString = `${model.docString}, int8 QDQ`;
  return {
    bytes: onnx.ModelProto.encode(model).finish(),
    quantizedNodes: summary.quantizedNodes,
    ranges: Object.fromEntries(ranges),
    metadata,
  };
}
