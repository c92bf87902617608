/**
 * TRILL's network (Shor et al. 2020, "Towards Learning a Universal
 * Non-Semantic Representation of Speech", §3: "a modified ResNet-50" on
 * 96 × 64 log-mel windows with a 512-d `embedding` output and an intermediate
 * `layer19`). Ours is a ResNet of basic blocks (He et al. 2016) sized to taste:
 *
 *   x [N, 1, 96, 64] → stem: 3×3 conv stride 2 → BN → ReLU      [N, w, 48, 32]
 *     → stage1 … stage4: `depth` BasicBlocks each, channels w·[1, 2, 4, 8],
 *       strides [1, 2, 2, 2]                                     [N, 8w, 6, 4]
 *     → global average pool (`pooled`)                           [N, 8w]
 *     → fc (`embedding`)                                         [N, E]
 *
 * Width 16, depth 1 (0.37 M parameters) trains in minutes on a CPU; width 64,
 * depth 2 is ResNet-18's trunk. `features(x, layer)` reads any named layer:
 * a conv stage's map [N, C, T', F'] is averaged over time and kept along
 * frequency — pooled to ⌊4096 / C⌋ bins where C·F' would pass 4096 — then
 * flattened channel-major to [N, C·F'] (32w values at every stage, so ≤ 4096
 * up to width 128). State-dict keys: `stem.0|1.*`, `stage<k>.<i>.conv1|bn1|…`
 * (torchvision's BasicBlock keys), `fc.*`.
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { BatchNorm2d, Conv2d, Linear, Module, ReLU, Sequential } from '../nn/index.js';
import { fmt } from '../torch/functional/options.js';
import { BasicBlock, checkInteger, initConvAndNorm } from './resnet.js';

type Tensor = torch.Tensor;

export interface TrillNetOptions {
  /** w: the stem's channels; the stages have w·[1, 2, 4, 8]. Default 16 (ResNet's 64 is the paper-scale choice). */
  width: number;
  /** BasicBlocks per stage. Default 1 (ResNet-18: 2). */
  depth: number;
  /** E, the embedding's width. Default 512 (the paper's `embedding`). */
  embeddingDim: number;
}

export const TRILL_NET_DEFAULTS: Readonly<TrillNetOptions> = Object.freeze({ width: 16, depth: 1, embeddingDim: 512 });

/** TRILL's input window: 96 frames (0.96 s) × 64 mel bins. */
export const TRILL_WINDOW = Object.freeze({ frames: 96, mels: 64 });

/** The largest width of a conv stage's features. */
const MAX_FEATURES = 4096;
const STAGES = 4;

export class TrillNet extends Module {
  readonly options: Readonly<TrillNetOptions>;
  readonly stem: Sequential;
  readonly stages: Sequential[];
  readonly fc: Linear;
  /** The layers `features` reads, input to output. */
  readonly layerNames: readonly string[] = Object.freeze(['stage1', 'stage2', 'stage3', 'stage4', 'pooled', 'embedding']);

  constructor(o: Partial<TrillNetOptions> = {}) {
    super();
    const unknown = Object.keys(o).filter((k) => !(k in TRILL_NET_DEFAULTS));
    if (unknown.length)
      throw new TypeError(`TrillNet: unknown option ${unknown[0]} (valid: ${Object.keys(TRILL_NET_DEFAULTS).join(', ')})`);
    const opts = { ...TRILL_NET_DEFAULTS, ...o };
    for (const [k, v] of Object.entries(opts)) checkInteger('TrillNet', k, v, 1);
    this.options = Object.freeze(opts);
    const w = opts.width;
    this.stem = this.registerModule(
      'stem',
      new Sequential(new Conv2d(1, w, 3, { stride: 2, padding: 1, bias: false }), new BatchNorm2d(w), new ReLU()),
    );
    this.stages = Array.from({ length: STAGES }, (_, s) => {
      const [cin, cout] = [w << Math.max(0, s - 1), w << s];
      const blocks = Array.from({ length: opts.depth }, (_, j) => new BasicBlock(j ? cout : cin, cout, j === 0 && s > 0 ? 2 : 1));
      return this.registerModule(`stage${s + 1}`, new Sequential(...blocks));
    });
    this.fc = this.registerModule('fc', new Linear(8 * w, opts.embeddingDim));
    initConvAndNorm(this);
  }

  /** Width of `features(x, layer)`. */
  featureDim(layer: string): number {
    const s = this.stageIndex(layer);
    if (layer === 'embedding') return this.options.embeddingDim;
    if (layer === 'pooled') return 8 * this.options.width;
    const c = this.options.width << s;
    return c * Math.min(TRILL_WINDOW.mels / 2 ** (s + 1), Math.floor(MAX_FEATURES / c));
  }

  /** The embedding: x [N, 1, 96, 64] log-mel windows → [N, E]. */
  forward(x: Tensor): Tensor {
    return this.features(x, 'embedding');
  }

  /** The features of `layer` (one of `layerNames`; module comment): x [N, 1, 96, 64] → [N, featureDim(layer)]. */
  features(x: Tensor, layer: string): Tensor {
    return this.featuresAt(x, [layer])[0];
  }

  /** The features of each of `layers` from one pass: x [N, 1, 96, 64] → [N, featureDim(layer)] per layer. */
  featuresAt(x: Tensor, layers: readonly string[]): Tensor[] {
    const at = layers.map((l) => this.stageIndex(l));
    this.checkInput(x);
    const last = Math.max(...at);
    return torch.scope(() => {
      const out: Tensor[] = new Array<Tensor>(layers.length);
      const take = (s: number, h: Tensor): void =>
        at.forEach((a, k) => {
          if (a !== s) return;
          if (s < STAGES) {
            const bins = Math.min(h.shape[3], Math.floor(MAX_FEATURES / h.shape[1]));
            out[k] = F.adaptiveAvgPool2d(h, [1, bins]).flatten(1); // [N, C·bins]
          }
        });
      let h = this.stem.forward(x); // [N, w, 48, 32]
      for (let s = 0; s <= Math.min(last, STAGES - 1); s++) {
        h = this.stages[s].forward(h); // [N, w·2^s, 48/2^s, 32/2^s]
        take(s, h);
      }
      if (last === STAGES) {
        const pooled = h.mean([2, 3]); // [N, 8w]
        const needsFc = layers.includes('embedding');
        const embedding = needsFc ? this.fc.forward(pooled) : undefined;
        layers.forEach((l, k) => {
          if (l === 'pooled') out[k] = pooled;
          else if (l === 'embedding') out[k] = embedding!;
        });
      }
      return out;
    });
  }

  /** 0…3 for the stages, 4 for pooled and embedding; an unknown name lists the valid ones. */
  private stageIndex(layer: string): number {
    const i = this.layerNames.indexOf(layer);
    if (i < 0) throw new RangeError(`TrillNet: unknown layer ${JSON.stringify(layer)} (valid: ${this.layerNames.join(', ')})`);
    return Math.min(i, STAGES);
  }

  private checkInput(x: unknown): asserts x is Tensor {
    const { frames, mels } = TRILL_WINDOW;
    if (!(x instanceof torch.Tensor))
      throw new TypeError(`TrillNet: expected x as a Tensor [N, 1, ${frames}, ${mels}] but received ${typeof x}`);
    const [n, c, t, f] = x.shape;
    if (x.ndim !== 4 || n < 1 || c !== 1 || t !== frames || f !== mels)
      throw new RangeError(`TrillNet: expected x as log-mel windows [N, 1, ${frames}, ${mels}] but received ${fmt(x.shape)}`);
  }
}
