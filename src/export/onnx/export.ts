/**
 * `exportOnnx`: a model in eval mode → an ONNX model (opset 17, IR 8) whose
 * first dimension, the batch, is dynamic. Weights are float32 initializers named
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
import { Graph, IR_VERSION, OPSET, type ValueSpec } from './graph.js';
import { atOf, emitModule, type At } from './rules.js';
import { frillFeatures, spiceHeads, trillFeatures } from './models.js';

export interface OnnxExportOptions {
  /** The input's shape without the batch dimension, e.g. [3, 32, 32] (TrillNet: [1, 96, 64]; SpiceNet: [bins]). */
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

/** The outputs the exported graph computes, by name, as ONNX values (emit) and as libtorch tensors (run). */
interface Root {
  emit(g: Graph, x: string): Record<string, string>;
  run(x: torch.Tensor): Record<string, torch.Tensor>;
}

/** Layer `l` of a network of named layers, emitted by `emit`. */
function layerRoot(net: TrillNet | FrillNet, l: string, emit: (g: Graph, x: string) => string): Root {
  net.featureDim(l); // an unknown layer lists the valid ones
  return { emit: (g, x) => ({ [l]: emit(g, x) }), run: (x) => ({ [l]: net.featuresAt(x, [l])[0] }) };
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
  if (model instanceof SpiceNet)
    return {
      emit: (g, x) => spiceHeads(model, x, at(g)),
      run: (x) => {
        const { pitch, confidence } = model.forward(x);
        return { pitch, confidence };
      },
    };
  return { emit: (g, x) => ({ output: emitModule(g, model, '', x) }), run: (x) => ({ output: model.forward(x) as torch.Tensor }) };
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

/** What the exported graph computes, run by libtorch on x [N, …inputShape]: output name → tensor. */
export function onnxReference(model: Module, x: torch.Tensor, layer?: string): Record<string, torch.Tensor> {
  return torch.noGrad(() => rootOf(model, layer).run(x));
}

/** Exports `model` (in eval mode) to ONNX; an unsupported module is an error naming its path and class. */
export function exportOnnx(model: Module, o: OnnxExportOptions): OnnxModel {
  checkOptions(model, o);
  const root = rootOf(model, o.layer);
  return torch.scope(() => {
    let probe: Record<string, torch.Tensor>;
    try {
      probe = torch.noGrad(() => root.run(torch.zeros([2, ...o.inputShape])));
    } catch (e) {
      throw new RangeError(`exportOnnx: the model does not run on inputs [batch, ${o.inputShape}]: ${(e as Error).message}`);
    }
    const g = new Graph();
    const input: ValueSpec = { name: g.fresh('input'), shape: ['batch', ...o.inputShape] };
    const values = root.emit(g, input.name);
    const outputs = Object.entries(values).map(([name, v]): ValueSpec => {
      const out = v === name ? name : g.node('Identity', [v], {}, name);
      return { name: out, shape: ['batch', ...probe[name].shape.slice(1)] };
    });
    const metadata = { ...o.metadata, selfsup_version: selfsupVersion(), opset: String(OPSET) };
    const name = o.name ?? model.constructor.name;
    const bytes = g.serialize({ name, inputs: [input], outputs, metadata, docString: `${name} exported by selfsup (IR ${IR_VERSION})` });
    return { bytes, inputs: [input], outputs, metadata };
  });
}
