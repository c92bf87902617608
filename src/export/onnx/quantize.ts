/**
 * `quantizeOnnx`: post-training static int8 quantization of a float ONNX model
 * (an `exportOnnx` file) into the QDQ layout of ./qdq.ts. Activation ranges are
 * calibrated by running the float model in onnxruntime-node on a few hundred
 * unlabelled inputs with every activation to quantize made a graph output,
 * keeping each one's minimum and maximum over all of them (min–max calibration).
 */
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import type * as torch from '../../torch/index.js';
import { activationsToQuantize, floatInitializers, foldBatchNorm, rewrite, type Range } from './qdq.js';

const { onnx } = onnxProto;

export interface QuantizeOptions {
  /** Calibration inputs [N, …inputShape], float32 and preprocessed as the model expects (a few hundred, unlabelled). */
  calibration: torch.Tensor;
  /** Inputs per onnxruntime run while calibrating. Default 8. */
  batchSize?: number;
  /** onnxruntime's intra-op threads while calibrating. Default 1. */
  threads?: number;
}

export interface QuantizedModel {
  /** The serialised QDQ model. */
  bytes: Uint8Array;
  /** Conv and Gemm nodes with int8 weights. */
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

/** Checks that `x` [N, …] matches the model's single input [batch, …]; returns the input's name. */
function checkCalibration(model: onnxProto.onnx.ModelProto, x: torch.Tensor): string {
  const inputs = model.graph?.input ?? [];
  if (inputs.length !== 1) throw new TypeError(`quantizeOnnx: expected a model with one input but it has ${inputs.length}`);
  const dims = inputs[0].type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
  const want = dims.slice(1).join(', ');
  if (!x || typeof x.shape !== 'object' || x.shape.length !== dims.length || x.shape.slice(1).join(', ') !== want || x.shape[0] < 1)
    throw new RangeError(
      `quantizeOnnx: expected calibration inputs [N ≥ 1, ${want}] but received ${x?.shape ? `[${x.shape.join(', ')}]` : typeof x}`,
    );
  return inputs[0].name!;
}

/** The min and max of each of `names` over float model `bytes`' activations on every row of `x`. */
export async function calibrate(
  bytes: Uint8Array,
  names: string[],
  x: torch.Tensor,
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
  const data = x.float().contiguous().data() as Float32Array; // [N, …]
  const [n, ...rest] = x.shape;
  const per = data.length / n;
  const batch = o.batchSize ?? 8;
  try {
    for (let i = 0; i < n; i += batch) {
      const b = Math.min(batch, n - i);
      const input = new ort.Tensor('float32', data.subarray(i * per, (i + b) * per), [b, ...rest]);
      const out = await session.run({ [session.inputNames[0]]: input }, names);
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
 * convolutions, Conv and Gemm weights int8 per output channel, activations
 * uint8 per tensor with min–max ranges calibrated on `o.calibration`.
 */
export async function quantizeOnnx(bytes: Uint8Array, o: QuantizeOptions): Promise<QuantizedModel> {
  const model = decode(bytes);
  checkCalibration(model, o?.calibration);
  const g = model.graph!;
  const floats = floatInitializers(g);
  const outputs = new Set(g.output!.map((v) => v.name!));
  const nodes = foldBatchNorm(g.node!, floats, outputs);
  const names = activationsToQuantize(nodes, floats, outputs);
  if (names.length === 0) throw new TypeError(`quantizeOnnx: the model ${JSON.stringify(g.name)} has no Conv or Gemm to quantize`);
  const ranges = await calibrate(bytes, names, o.calibration, o);
  const summary = rewrite(g, nodes, floats, ranges);
  const quantization = {
    format: 'QDQ',
    weights: 'int8, symmetric, per output channel (axis 0)',
    biases: 'int32, scale = input scale × weight scale',
    activations: 'uint8, asymmetric, per tensor, min–max calibrated',
    calibration: o.calibration.shape[0],
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
