/**
 * ONNX rules of the models (src/models), each mirroring its forward in eval
 * mode: ResNet and its blocks (He et al. 2016), MobileNetV3's inverted
 * residuals and squeeze-excitation (Howard et al. 2019), the small ConvNet,
 * a fine-tuned Classifier, TrillNet's named layers (Shor et al. 2020),
 * SpiceNet's pitch and confidence heads (Gfeller et al. 2020) and FrillNet's
 * named layers (Peplinski et al. 2021), its quantization-aware bottleneck in QDQ.
 */
import * as torch from '../../torch/index.js';
import { Linear, weightQuantParams, type Module } from '../../nn/index.js';
import { BasicBlock, Bottleneck, ResNet } from '../../models/resnet.js';
import { InvertedResidual, MobileNetV3, SqueezeExcitation } from '../../models/mobilenetv3.js';
import { ConvNet } from '../../models/convnet.js';
import { Classifier } from '../../models/classifier.js';
import { TRILL_WINDOW, TrillNet } from '../../models/trill.js';
import { SpiceNet } from '../../models/spice.js';
import { FrillBottleneck, FrillNet } from '../../models/frill.js';
import { rule, type At } from './rules.js';
import { fakeQuantWeight } from './layers.js';

const hasChild = (m: Module, name: string): boolean => [...m.namedChildren()].some(([n]) => n === name);
const relu = (at: At, x: string): string => at.g.node('Relu', [x]);
/** [N, C, …] → [N, C]: the mean over every position. */
const globalPool = (at: At, x: string): string => at.g.node('Flatten', [at.g.node('GlobalAveragePool', [x])], { axis: 1 });

/** A residual block: relu(bnₖ(convₖ(… relu(bn₁(conv₁ x)))) + shortcut(x)). */
function block(m: BasicBlock | Bottleneck, x: string, at: At): string {
  const convs = m instanceof Bottleneck ? 3 : 2;
  let h = x;
  for (let i = 1; i <= convs; i++) {
    h = at.child(`bn${i}`, at.child(`conv${i}`, h));
    if (i < convs) h = relu(at, h);
  }
  const shortcut = hasChild(m, 'downsample') ? at.child('downsample', x) : x;
  return at.g.node('Relu', [at.g.node('Add', [h, shortcut])], {}, at.path);
}
rule(BasicBlock, block);
rule(Bottleneck, block);

rule(ResNet, (m, x, at) => {
  let h = relu(at, at.child('bn1', at.child('conv1', x))); // [N, 64w, H/2, W/2]
  if (!m.smallImageStem) h = at.g.node('MaxPool', [h], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
  m.layers.forEach((_, i) => (h = at.child(`layer${i + 1}`, h))); // [N, featureDim, H/32, W/32]
  return at.child('fc', globalPool(at, h)); // [N, numClasses] or [N, featureDim]
});

rule(SqueezeExcitation, (_m, x, at) => {
  const s = relu(at, at.child('fc1', at.g.node('GlobalAveragePool', [x]))); // [N, squeeze, 1, 1]
  const gate = at.g.node('HardSigmoid', [at.child('fc2', s)], { alpha: { f: 1 / 6 }, beta: { f: 0.5 } }); // [N, C, 1, 1]
  return at.g.node('Mul', [x, gate], {}, at.path);
});
rule(InvertedResidual, (m, x, at) => {
  const y = at.child('block', x);
  return m.useResidual ? at.g.node('Add', [y, x], {}, at.path) : y;
});
rule(MobileNetV3, (m, x, at) => {
  const map = at.child('features', x); // [N, featureDim, H/32, W/32]
  if (!m.globalPool) return map;
  const pooled = globalPool(at, map); // [N, featureDim]
  return m.classifier ? at.child('classifier', pooled) : pooled;
});

rule(ConvNet, (_m, x, at) => {
  const h = at.g.node('Flatten', [at.child('dropout', at.child('features', x))], { axis: 1 }); // [N, c·s·s]
  return at.child('fc2', at.child('hiddenDropout', relu(at, at.child('fc1', h)))); // [N, numClasses]
});
rule(Classifier, (_m, x, at) => at.child('fc', at.child('encoder', x)));

/**
 * TrillNet's features at `layer` (src/models/trill.ts): a stage's map [N, C, T', F']
 * averaged over time and pooled along frequency to `bins` → [N, C·bins]; `pooled`
 * the mean over time and frequency [N, 8w]; `embedding` fc of it [N, E].
 */
export function trillFeatures(m: TrillNet, x: string, at: At, layer: string): string {
  const dim = m.featureDim(layer); // checks the name
  const stage = m.layerNames.indexOf(layer);
  let h = at.child('stem', x); // [N, w, 48, 32]
  for (let s = 0; s < Math.min(stage + 1, m.stages.length); s++) h = at.child(`stage${s + 1}`, h);
  if (layer === 'pooled' || layer === 'embedding') {
    const pooled = at.g.node('ReduceMean', [h], { axes: [2, 3], keepdims: 0 }); // [N, 8w]
    return layer === 'pooled' ? pooled : at.child('fc', pooled);
  }
  const channels = m.options.width << stage;
  const [frames, freqs] = [TRILL_WINDOW.frames >> (stage + 1), TRILL_WINDOW.mels >> (stage + 1)];
  const bins = dim / channels;
  if (freqs % bins)
    throw new TypeError(`exportOnnx: TrillNet layer ${layer} pools ${freqs} frequencies to ${bins} bins, which is not a whole kernel`);
  const k = [frames, freqs / bins];
  const pooled = at.g.node('AveragePool', [h], { kernel_shape: k, strides: k }); // [N, C, 1, bins]
  return at.g.node('Flatten', [pooled], { axis: 1 }); // [N, C·bins]
}
rule(TrillNet, (m, x, at) => trillFeatures(m, x, at, 'embedding'));

/** SpiceNet's heads: x [N, F] → { pitch [N], confidence [N] }, both in (0, 1). */
export function spiceHeads(m: SpiceNet, x: string, at: At): { pitch: string; confidence: string } {
  const g = at.g;
  const f = m.options.bins;
  let input = g.node('Unsqueeze', [x, g.ints('axis1', [1])]); // [N, 1, F]
  if (m.options.coordinates) {
    const ramp = g.floats(
      'ramp',
      torch.scope(() => torch.linspace(-1, 1, f).data() as Float32Array),
      [1, 1, f],
    );
    const shape = g.node('Concat', [g.node('Shape', [x], { start: 0, end: 1 }), g.ints('ramp_shape', [1, f])], { axis: 0 });
    input = g.node('Concat', [input, g.node('Expand', [ramp, shape])], { axis: 1 }); // [N, 2, F]
  }
  const features = at.child('encoder', input); // [N, featureDim]
  const head = (name: 'pitch' | 'confidence'): string =>
    g.node('Sigmoid', [g.node('Squeeze', [at.child(`${name}Head`, features), g.ints(`${name}_axis`, [1])])], {}, name); // [N]
  return { pitch: head('pitch'), confidence: head('confidence') };
}

/**
 * FrillNet's "distilled_output": a Dense (or the rank-r pair) as Gemm; with QAT
 * each weight is int8 through DequantizeLinear at its fake-quant's per-tensor
 * scale, and the output goes through output_quant's QuantizeLinear →
 * DequantizeLinear (./layers.ts). x [N, in] → [N, B].
 */
rule(FrillBottleneck, (m, x, at) => {
  const linears = [...m.namedChildren()].filter((c): c is [string, Linear] => c[1] instanceof Linear);
  const qat = m.outputQuant !== null;
  const h = linears.reduce((h, [name, l]) => {
    if (!qat) return at.child(name, h);
    const w = fakeQuantWeight(at, `${name}.weight`, l.weight, weightQuantParams(l.weight));
    const bias = l.bias ? [at.weight(`${name}.bias`, l.bias)] : [];
    return at.g.node('Gemm', [h, w, ...bias], { transB: 1 }, at.path ? `${at.path}.${name}` : name);
  }, x);
  return qat ? at.child('output_quant', h) : h;
});

/** FrillNet's features at `layer` (src/models/frill.ts): x [N, 1, 96, 64] → [N, featureDim(layer)]. */
export function frillFeatures(m: FrillNet, x: string, at: At, layer: string): string {
  m.featureDim(layer); // checks the name
  const stop = m.layerNames.indexOf(layer);
  let h = at.child('mobilenet', x); // [N, C] pooled, or the map [N, C, 3, 2]
  if (!m.options.globalPool) h = at.g.node('Flatten', [h], { axis: 1 }); // [N, 6C]
  if (stop >= 1) h = at.child('distilled_output', h); // [N, B]
  return stop >= 2 ? at.child('embedding_to_target', h) : h; // [N, D]
}
rule(FrillNet, (m, x, at) => frillFeatures(m, x, at, 'embedding_to_target'));
