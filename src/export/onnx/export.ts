/**
 * `exportOnnx`: a model in eval mode → an ONNX model (opset 17, IR 8) whose
 * first dimension, the batch, is dynamic (a text model's sequence axis too). Weights are float32 initializers named
 * by their state-dict keys; metadata_props carry what a user needs to feed the
 * model (method, classes, input spec and preprocessing) and the selfsup version.
 * `onnxReference` computes the same outputs with libtorch (the parity tests).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../../torch/index.js';
import { packageRoot } from '../../torch/native.js';
import type { Module } from '../../nn/index.js';
import { TrillNet } from '../../models/trill.js';
import { SpiceNet } from '../../models/spice.js';
import { FrillNet } from '../../models/frill.js';
import { Bert } from '../../models/bert.js';
import { TextClassifier } from '../../models/text-classifier.js';
import { Graph, IR_VERSION, OPSET, type ValueSpec } from './graph.js';
import { atOf, emitModule, type At } from './rules.js';
import { frillFeatures, spiceHeads, trillFeatures } from './models.js';
import { TEXT_INPUTS, textOutputs, textProbe, textReference } from './text.js';
import { byName, type Inputs } from './feeds.js';

export interface OnnxExportOptions {
  /** The input's shape without the batch dimension, e.g. [3, 32, 32] (TrillNet: [1, 96, 64]; SpiceNet: [bins]; a text model: [T], the probe's length, the axis being dynamic). */
  inputShape: number[];
  /** TrillNet and FrillNet: the layer to output (one of its `layerNames`). Default TrillNet's 'embedding', FrillNet's 'distilled_output'. */
  layer?: string;
  /** The graph's name. Default the model's class name. */
  name?: string;
  /** Strings for metadata_props (method, classes, input spec …); selfsup_version and opset are added. */
  metadata?: Record<string, string>;
}

export interface OnnxModel {
  /** The serialised ModelProto. */
  bytes: Uint8Array;
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  metadata: Record<string, string>;
}

/** The version in selfsup's package.json. */
export const selfsupVersion = (): string =>
  (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** Graph inputs by name: ONNX values (emit) or libtorch tensors (run). */
type Feeds<T> = Record<string, T>;

/** The graph's inputs and the outputs it computes, by name, as ONNX values (emit) and as libtorch tensors (run). */
interface Root {
  /** The graph inputs; `inputShape` gives the probe's. */
  inputs(inputShape: number[]): { specs: ValueSpec[]; probe: Feeds<torch.Tensor> };
  emit(g: Graph, x: Feeds<string>): Record<string, string>;
  run(x: Feeds<torch.Tensor>): Record<string, torch.Tensor>;
  /** An output's shape from a probe output's: by default a dynamic batch and the rest fixed. */
  outputShape?(shape: number[]): (number | string)[];
}

/** The input of a one-input network: float32 `input` [batch, …inputShape]. */
const INPUT = 'input';

/** A one-input network's root. */
function floatRoot(emit: (g: Graph, x: string) => Record<string, string>, run: (x: torch.Tensor) => Record<string, torch.Tensor>): Root {
  return {
    inputs: (shape) => ({ specs: [{ name: INPUT, shape: ['batch', ...shape] }], probe: { [INPUT]: torch.zeros([2, ...shape]) } }),
    emit: (g, x) => emit(g, x[INPUT]),
    run: (x) => run(x[INPUT]),
  };
}

/** Layer `l` of a network of named layers, emitted by `emit`. */
function layerRoot(net: TrillNet | FrillNet, l: string, emit: (g: Graph, x: string) => string): Root {
  net.featureDim(l); // an unknown layer lists the valid ones
  return floatRoot(
    (g, x) => ({ [l]: emit(g, x) }),
    (x) => ({ [l]: net.featuresAt(x, [l])[0] }),
  );
}

/** A text encoder or classifier: ids and mask int64 [batch, sequence]; inputShape is the probe's [sequence]. */
function textRoot(model: Bert | TextClassifier): Root {
  return {
    inputs: (shape) => {
      if (shape.length !== 1) throw new RangeError(`exportOnnx: expected inputShape [sequence] for a text model but received [${shape}]`);
      return { specs: TEXT_INPUTS, probe: textProbe(shape[0]) };
    },
    emit: (g, x) => textOutputs(model, x.input_ids, x.attention_mask, atOf(g, model, '')),
    run: (x) => textReference(model, x.input_ids, x.attention_mask),
    outputShape: (shape) => ['batch', ...(shape.length === 3 ? ['sequence', shape[2]] : shape.slice(1))],
  };
}

function rootOf(model: Module, layer: string | undefined): Root {
  const at = (g: Graph): At => atOf(g, model, '');
  if (model instanceof TrillNet) {
    const l = layer ?? 'embedding';
    return layerRoot(model, l, (g, x) => trillFeatures(model, x, at(g), l));
  }
  if (model instanceof FrillNet) {
    const l = layer ?? 'distilled_output';
    return layerRoot(model, l, (g, x) => frillFeatures(model, x, at(g), l));
  }
  if (layer !== undefined)
    throw new TypeError(`exportOnnx: layer is a TrillNet and FrillNet option but the model is a ${model.constructor.name}`);
  if (model instanceof Bert || model instanceof TextClassifier) return textRoot(model);
  if (model instanceof SpiceNet)
    return floatRoot(
      (g, x) => spiceHeads(model, x, at(g)),
      (x) => {
        const { pitch, confidence } = model.forward(x);
        return { pitch, confidence };
      },
    );
  return floatRoot(
    (g, x) => ({ output: emitModule(g, model, '', x) }),
    (x) => ({ output: model.forward(x) as torch.Tensor }),
  );
}

function checkOptions(model: Module, o: OnnxExportOptions): void {
  if (!(model instanceof Object && typeof model.modules === 'function'))
    throw new TypeError(`exportOnnx: expected a Module but received ${typeof model}`);
  const shape = o?.inputShape;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1))
    throw new RangeError(`exportOnnx: expected inputShape as positive integers (no batch dim) but received ${JSON.stringify(shape)}`);
  for (const [path, m] of model.namedModules())
    if (m.training)
      throw new Error(
        `exportOnnx: module ${JSON.stringify(path || '(root)')} (${m.constructor.name}) is in training mode; call model.eval() first`,
      );
}

/**
 * What the exported graph computes, run by libtorch: output name → tensor. x is
 * the input [N, …inputShape], or for a text model the inputs by name
 * ({ input_ids, attention_mask }, int64 [N, T]).
 */
export function onnxReference(model: Module, x: Inputs, layer?: string): Record<string, torch.Tensor> {
  return torch.noGrad(() => rootOf(model, layer).run(byName(x, INPUT)));
}

/** Exports `model` (in eval mode) to ONNX; an unsupported module is an error naming its path and class. */
export function exportOnnx(model: Module, o: OnnxExportOptions): OnnxModel {
  checkOptions(model, o);
  const root = rootOf(model, o.layer);
  return torch.scope(() => {
    const { specs: inputs, probe } = root.inputs(o.inputShape);
    let probed: Record<string, torch.Tensor>;
    try {
      probed = torch.noGrad(() => root.run(probe));
    } catch (e) {
      throw new RangeError(`exportOnnx: the model does not run on inputs [batch, ${o.inputShape}]: ${(e as Error).message}`);
    }
    const g = new Graph();
    const values = root.emit(g, Object.fromEntries(inputs.map((v) => [v.name, g.fresh(v.name)])));
    const shapeOf = root.outputShape ?? ((shape: number[]) => ['batch', ...shape.slice(1)]);
    const outputs = Object.entries(values).map(([name, v]): ValueSpec => {
      const out = v === name ? name : g.node('Identity', [v], {}, name);
      return { name: out, shape: shapeOf(probed[name].shape) };
    });
    const metadata = { ...o.metadata, selfsup_version: selfsupVersion(), opset: String(OPSET) };
    const name = o.name ?? model.constructor.name;
    const bytes = g.serialize({ name, inputs, outputs, metadata, docString: `${name} exported by selfsup (IR ${IR_VERSION})` });
    return { bytes, inputs, outputs, metadata };
  });
}
