/**
 * An ONNX graph under construction and its serialisation: nodes in topological
 * order, float32 initializers from a module's state dict, int64 constants,
 * int8 quantized weights, a model proto written with onnx-proto (protobufjs
 * classes generated from onnx.proto, ONNX IR version 8). Opset 17 (ONNX 1.12): LayerNormalization
 * exists from 17; ReduceMean still takes its axes as an attribute.
 */
import onnxProto from 'onnx-proto';
import type * as torch from '../../torch/index.js';

const { onnx } = onnxProto;

/** The default-domain opset every exported model declares. */
export const OPSET = 17;
/** ONNX IR version 8 (ONNX 1.10–1.12), which opset 17 needs at least. */
export const IR_VERSION = 8;

/** An attribute value: an int, `{ f }` a float, a string, a list of ints, `{ floats }` a list of floats. */
export type Attribute = number | { f: number } | string | number[] | { floats: number[] };

/** A graph input or output: its name and shape, `'batch'` (or another name) for a dynamic dimension; float32 unless `dtype` says int64. */
export interface ValueSpec {
  name: string;
  shape: (number | string)[];
  dtype?: 'int64';
}

const AttrType = onnx.AttributeProto.AttributeType;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
const INT8 = onnx.TensorProto.DataType.INT8;

function attribute(name: string, v: Attribute): onnxProto.onnx.IAttributeProto {
  if (typeof v === 'string') return { name, type: AttrType.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') return { name, type: AttrType.INT, i: v };
  if (Array.isArray(v)) return { name, type: AttrType.INTS, ints: v };
  if ('f' in v) return { name, type: AttrType.FLOAT, f: v.f };
  return { name, type: AttrType.FLOATS, floats: v.floats };
}

const valueInfo = (v: ValueSpec): onnxProto.onnx.IValueInfoProto => ({
  name: v.name,
  type: {
    tensorType: {
      elemType: v.dtype === 'int64' ? INT64 : FLOAT,
      shape: { dim: v.shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
    },
  },
});

/** Nodes and initializers of one graph; each value has a unique name. */
export class Graph {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly names = new Set<string>();
  private readonly tensors = new Map<torch.Tensor, string>();

  /** A fresh value name starting with `base` (made unique by a numeric suffix). */
  fresh(base: string): string {
    let name = base || 'value';
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  /** Adds node `op` (default domain) on `inputs` ('' for an omitted optional input); returns its first output. */
  node(op: string, inputs: string[], attributes: Record<string, Attribute> = {}, name = op.toLowerCase()): string {
    return this.nodeN(op, inputs, 1, attributes, name)[0];
  }

  /** Adds a node with `outputs` outputs and returns their names. */
  nodeN(op: string, inputs: string[], outputs: number, attributes: Record<string, Attribute> = {}, name = op.toLowerCase()): string[] {
    const out = Array.from({ length: outputs }, (_, i) => this.fresh(outputs > 1 ? `${name}.${i}` : name));
    this.nodes.push({
      opType: op,
      name: out[0],
      input: inputs,
      output: out,
      attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  /** A float32 initializer holding `t` (a state-dict tensor, named by its key; the same tensor is stored once). */
  weight(name: string, t: torch.Tensor): string {
    const known = this.tensors.get(t);
    if (known) return known;
    const data = t.float().contiguous().data() as Float32Array;
    const out = this.floats(name, data, t.shape);
    this.tensors.set(t, out);
    return out;
  }

  /** A float32 initializer of `values` with `dims`. */
  floats(name: string, values: ArrayLike<number>, dims: number[]): string {
    const data = Float32Array.from(values);
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const out = this.fresh(name);
    this.initializers.push({ name: out, dataType: FLOAT, dims, rawData: raw });
    return out;
  }

  /** An int8 initializer (quantized weights, zero points) of `values` with `dims`. */
  int8s(name: string, values: ArrayLike<number>, dims: number[]): string {
    const data = Int8Array.from(values);
    const out = this.fresh(name);
    this.initializers.push({ name: out, dataType: INT8, dims, rawData: new Uint8Array(data.buffer) });
    return out;
  }

  /** An int64 initializer (shapes, axes, indices) of `values` with `dims` (default: a vector). */
  ints(name: string, values: number[], dims = [values.length]): string {
    const out = this.fresh(name);
    this.initializers.push({ name: out, dataType: INT64, dims, int64Data: values });
    return out;
  }

  /** The model proto, serialised: this graph with `inputs` and `outputs` (names already used by nodes), metadata as strings. */
  serialize(o: {
    name: string;
    inputs: ValueSpec[];
    outputs: ValueSpec[];
    metadata: Record<string, string>;
    docString?: string;
  }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: 'selfsup',
      docString: o.docString ?? '',
      graph: {
        name: o.name,
        node: this.nodes,
        initializer: this.initializers,
        input: o.inputs.map(valueInfo),
        output: o.outputs.map(valueInfo),
      },
      metadataProps: Object.entries(o.metadata).map(([key, value]) => ({ key, value })),
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
