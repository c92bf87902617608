/**
 * FRILL's student (Peplinski, Shor, Joglekar, Garrison, Patel 2021, "FRILL: A
 * Non-Semantic Speech Embedding for Mobile Devices", §3.1; NOSS's
 * `distillation/models.py`): a MobileNetV3 on 96 × 64 log-mel windows, then a
 * bottleneck Dense "distilled_output" (the embedding) and a Dense
 * "embedding_to_target" onto the teacher's layer:
 *
 *   x [N, 1, 96, 64] → MobileNetV3 `size` (tiny | small | large), width α,
 *     five stride-2 steps                                     [N, C, 3, 2]
 *     → global average pool, or flatten without `globalPool` [N, C] | [N, 6C]   `features`
 *     → distilled_output: Dense(bottleneck), or with `rank` r
 *       the low-rank pair Dense(r, no bias) → Dense(bottleneck) [N, B]          `distilled_output`
 *     → embedding_to_target: Dense(targetDim)                  [N, D]          `embedding_to_target`
 *
 * `rank` stands for NOSS's SVD compression (W ≈ B·C, of which TFLite keeps B
 * and C): we train the factors directly. `qat` fake-quantizes the bottleneck
 * alone, as NOSS annotates only it: its weights per-tensor symmetric int8 and
 * its output over a running range (src/nn/fake-quant.ts). State-dict keys:
 * `mobilenet.features.*` (torchvision's), `distilled_output.dense|down|up.*`,
 * `distilled_output.output_quant.range`, `embedding_to_target.*`.
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { FakeQuant, Linear, Module, fakeQuantize, weightQuantParams } from '../nn/index.js';
import { fmt } from '../torch/functional/options.js';
import { MobileNetV3, type MobileNetV3Arch } from './mobilenetv3.js';
import { checkInteger } from './resnet.js';
import { TRILL_WINDOW } from './trill.js';

type Tensor = torch.Tensor;

export interface FrillNetOptions {
  /** MobileNetV3 size (tiny is ours: src/models/mobilenetv3.ts). FRILL: small. */
  size: MobileNetV3Arch;
  /** α, MobileNetV3's width multiplier. FRILL: 2. */
  widthMultiplier: number;
  /** Global average pooling of the last map; off flattens it. FRILL: on. */
  globalPool: boolean;
  /** B, the width of "distilled_output". */
  bottleneck: number;
  /** r of the low-rank bottleneck; 0 = a full Dense. */
  rank: number;
  /** Fake-quantize the bottleneck (quantization-aware training). */
  qat: boolean;
  /** D, the teacher layer's width. */
  targetDim: number;
}

/** The input after MobileNetV3's five stride-2 steps: 96 × 64 → 3 × 2. */
const MAP_CELLS = Math.ceil(TRILL_WINDOW.frames / 32) * Math.ceil(TRILL_WINDOW.mels / 32);

/** "distilled_output": a Dense or a rank-r pair, optionally fake-quantized. x [N, in] → [N, out]. */
export class FrillBottleneck extends Module {
  readonly layers: Linear[];
  readonly outputQuant: FakeQuant | null;
  /**
   * Whether training quantizes (with `qat`): false during the float warm-up,
   * when only the output range is observed. Eval always quantizes.
   */
  quantizing = true;
  constructor(inFeatures: number, outFeatures: number, rank: number, qat: boolean) {
    super();
    this.layers = rank
      ? [
          this.registerModule('down', new Linear(inFeatures, rank, { bias: false })),
          this.registerModule('up', new Linear(rank, outFeatures)),
        ]
      : [this.registerModule('dense', new Linear(inFeatures, outFeatures))];
    this.outputQuant = this.registerModule('output_quant', qat ? new FakeQuant() : null);
  }
  forward(x: Tensor): Tensor {
    return torch.scope(() => {
      const quant = this.outputQuant;
      const on = quant !== null && (this.quantizing || !this.training);
      const h = this.layers.reduce((h, l) => F.linear(h, on ? fakeQuantize(l.weight, weightQuantParams(l.weight)) : l.weight, l.bias), x);
      if (!quant) return h;
      quant.fakeQuantEnabled = on;
      return quant.forward(h);
    });
  }
}

export class FrillNet extends Module {
  readonly options: Readonly<FrillNetOptions>;
  readonly mobilenet: MobileNetV3;
  readonly distilled: FrillBottleneck;
  readonly toTarget: Linear;
  /** The layers `featuresAt` reads, input to output. */
  readonly layerNames: readonly string[] = Object.freeze(['features', 'distilled_output', 'embedding_to_target']);

  constructor(o: FrillNetOptions) {
    super();
    const name = 'FrillNet';
    for (const k of ['bottleneck', 'targetDim'] as const) checkInteger(name, k, o[k], 1);
    checkInteger(name, 'rank', o.rank, 0);
    this.options = Object.freeze({ ...o });
    this.mobilenet = this.registerModule(
      'mobilenet',
      new MobileNetV3(o.size, { widthMultiplier: o.widthMultiplier, globalPool: o.globalPool, inChannels: 1, numClasses: 0 }),
    );
    this.distilled = this.registerModule('distilled_output', new FrillBottleneck(this.featureDim('features'), o.bottleneck, o.rank, o.qat));
    this.toTarget = this.registerModule('embedding_to_target', new Linear(o.bottleneck, o.targetDim));
  }

  /** Width of `featuresAt`'s `layer`. */
  featureDim(layer: string): number {
    const i = this.layerIndex(layer);
    return [this.mobilenet.featureDim * (this.options.globalPool ? 1 : MAP_CELLS), this.options.bottleneck, this.options.targetDim][i];
  }

  /** The student's prediction of the teacher's layer: x [N, 1, 96, 64] → [N, D]. */
  forward(x: Tensor): Tensor {
    return this.featuresAt(x, ['embedding_to_target'])[0];
  }

  /** The features of each of `layers` (of `layerNames`) from one pass: x [N, 1, 96, 64] → [N, featureDim(layer)] each. */
  featuresAt(x: Tensor, layers: readonly string[]): Tensor[] {
    const last = Math.max(...layers.map((l) => this.layerIndex(l)));
    const { frames, mels } = TRILL_WINDOW;
    if (!(x instanceof torch.Tensor) || x.ndim !== 4 || x.shape[1] !== 1 || x.shape[2] !== frames || x.shape[3] !== mels)
      throw new RangeError(
        `FrillNet: expected x as log-mel windows [N, 1, ${frames}, ${mels}] but received ${x instanceof torch.Tensor ? fmt(x.shape) : typeof x}`,
      );
    return torch.scope(() => {
      const out: Tensor[] = [this.mobilenet.features(x).flatten(1)]; // [N, C] or [N, 6C]
      if (last >= 1) out.push(this.distilled.forward(out[0])); // [N, B]
      if (last >= 2) out.push(this.toTarget.forward(out[1])); // [N, D]
      return layers.map((l) => out[this.layerIndex(l)]);
    });
  }

  private layerIndex(layer: string): number {
    const i = this.layerNames.indexOf(layer);
    if (i < 0) throw new RangeError(`FrillNet: unknown layer ${JSON.stringify(layer)} (valid: ${this.layerNames.join(', ')})`);
    return i;
  }
}
