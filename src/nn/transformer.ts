/**
 * Transformer encoder (Vaswani et al., 2017): PyTorch's `nn.TransformerEncoderLayer`
 * and `nn.TransformerEncoder` with their state-dict keys, post-norm (the original)
 * or pre-norm (Xiong et al., 2020, "On Layer Normalization in the Transformer Architecture").
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { Module } from './module.js';
import { Linear, Dropout } from './layers.js';
import { LayerNorm } from './norm.js';
import { ModuleList, type TensorModule } from './container.js';
import { MultiheadAttention } from './attention.js';
import { bool, fail, int, INT32_MAX, oneOf, options, within } from '../torch/check.js';

type Tensor = torch.Tensor;

/** Feed-forward activations by name. */
export const ACTIVATIONS = {
  relu: (x: Tensor): Tensor => F.relu(x),
  gelu: (x: Tensor): Tensor => F.gelu(x),
};
export type Activation = keyof typeof ACTIVATIONS;

export interface TransformerEncoderLayerOptions {
  /** Hidden width of the feed-forward block. Default 2048. */
  dimFeedforward?: number;
  /** Dropout on attention weights, after the activation and on both residual branches. Default 0.1. */
  dropout?: number;
  /** Feed-forward activation. Default 'relu'. */
  activation?: Activation;
  /** LayerNorm epsilon. Default 1e-5. */
  layerNormEps?: number;
  /** Inputs and outputs are [B, T, D] instead of [T, B, D]. Default false. */
  batchFirst?: boolean;
  /** Pre-norm (LayerNorm before each block) instead of post-norm. Default false. */
  normFirst?: boolean;
}

/** What TransformerEncoder needs to build each of its layers. */
export interface TransformerEncoderLayerConfig extends TransformerEncoderLayerOptions {
  dModel: number;
  nhead: number;
}

/** Masks of one encoder layer (PyTorch's `src_mask`, `src_key_padding_mask`). */
export interface EncoderLayerMasks {
  /** [T, T] or [B·nhead, T, T]: bool true forbids attending; float is added to the scores. */
  srcMask?: Tensor | null;
  /** [B, T]: true at padding positions. */
  srcKeyPaddingMask?: Tensor | null;
}

/**
 * Self-attention then a feed-forward block, each with a residual connection:
 *   post-norm: x = norm1(x + sa(x)); x = norm2(x + ff(x))
 *   pre-norm:  x = x + sa(norm1(x)); x = x + ff(norm2(x))
 * with ff(x) = linear2(dropout(activation(linear1(x)))).
 * src: [T, B, dModel] ([B, T, dModel] when batchFirst; [T, dModel] unbatched) → same shape.
 * Keys: `self_attn.*`, `linear1.*` [dimFeedforward, dModel], `linear2.*`, `norm1.*`, `norm2.*`.
 */
export class TransformerEncoderLayer extends Module {
  readonly selfAttn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;
  readonly normFirst: boolean;
  readonly activation: Activation;

  constructor(
    readonly dModel: number,
    readonly nhead: number,
    o: TransformerEncoderLayerOptions = {},
  ) {
    super();
    const {
      dimFeedforward = 2048,
      dropout = 0.1,
      activation = 'relu',
      layerNormEps = 1e-5,
      batchFirst = false,
      normFirst = false,
    } = within('TransformerEncoderLayer', () => {
      const c = options(o, 'TransformerEncoderLayer', [
        'dimFeedforward',
        'dropout',
        'activation',
        'layerNormEps',
        'batchFirst',
        'normFirst',
      ]);
      oneOf(c.activation ?? 'relu', 'activation', Object.keys(ACTIVATIONS));
      bool(c.normFirst ?? false, 'normFirst');
      return c;
    });
    this.activation = activation;
    this.normFirst = normFirst;
    this.selfAttn = this.registerModule('self_attn', new MultiheadAttention(dModel, nhead, { dropout, batchFirst }));
    this.linear1 = this.registerModule('linear1', new Linear(dModel, dimFeedforward));
    this.dropout = this.registerModule('dropout', new Dropout(dropout));
    this.linear2 = this.registerModule('linear2', new Linear(dimFeedforward, dModel));
    this.norm1 = this.registerModule('norm1', new LayerNorm(dModel, { eps: layerNormEps }));
    this.norm2 = this.registerModule('norm2', new LayerNorm(dModel, { eps: layerNormEps }));
    this.dropout1 = this.registerModule('dropout1', new Dropout(dropout));
    this.dropout2 = this.registerModule('dropout2', new Dropout(dropout));
  }

  forward(src: Tensor, masks: EncoderLayerMasks = {}): Tensor {
    const x = src;
    if (this.normFirst) {
      const h = x.add(this.saBlock(this.norm1.forward(x), masks));
      return h.add(this.ffBlock(this.norm2.forward(h)));
    }
    const h = this.norm1.forward(x.add(this.saBlock(x, masks)));
    return this.norm2.forward(h.add(this.ffBlock(h)));
  }

  private saBlock(x: Tensor, { srcMask = null, srcKeyPaddingMask = null }: EncoderLayerMasks): Tensor {
    const [y] = this.selfAttn.forward(x, x, x, { attnMask: srcMask, keyPaddingMask: srcKeyPaddingMask, needWeights: false });
    return this.dropout1.forward(y);
  }

  private ffBlock(x: Tensor): Tensor {
    const hidden = this.dropout.forward(ACTIVATIONS[this.activation](this.linear1.forward(x))); // [..., dimFeedforward]
    return this.dropout2.forward(this.linear2.forward(hidden)); // [..., dModel]
  }
}

/** Masks of the encoder stack (PyTorch's `mask`, `src_key_padding_mask`). */
export interface EncoderMasks {
  /** [T, T] or [B·nhead, T, T], as a layer's srcMask (e.g. `generateSquareSubsequentMask(T)`). */
  mask?: Tensor | null;
  /** [B, T]: true at padding positions. */
  srcKeyPaddingMask?: Tensor | null;
}

/**
 * A stack of `numLayers` encoder layers and an optional final `norm` (use one with
 * pre-norm layers). Layers come from `layer(i)` or are built from a config; unlike
 * PyTorch's deep copy, each layer is initialised independently. At most
 * 10,000 layers (each is built and initialised here; more would run for hours).
 * src: [T, B, D] ([B, T, D] when the layers are batchFirst) → same shape.
 * Keys: `layers.<i>.…` and `norm.*`.
 */
export class TransformerEncoder extends Module {
  readonly layers: ModuleList;
  readonly norm: TensorModule | null;

  constructor(
    layer: ((index: number) => TransformerEncoderLayer) | TransformerEncoderLayerConfig,
    readonly numLayers: number,
    o: { norm?: TensorModule | null } = {},
  ) {
    super();
    const { norm = null } = within('TransformerEncoder', () => {
      int(numLayers, 'numLayers', 1, 10_000);
      const config = layer !== null && typeof layer === 'object' && Object.getPrototypeOf(layer) === Object.prototype;
      if (typeof layer !== 'function' && !config) fail(layer, 'layer', 'a function of the layer index or a layer config object');
      return options(o, 'TransformerEncoder', ['norm']);
    });
    const make =
      typeof layer === 'function'
        ? layer
        : (): TransformerEncoderLayer => {
            const { dModel, nhead, ...o } = layer;
            return new TransformerEncoderLayer(dModel, nhead, o);
          };
    this.layers = this.registerModule('layers', new ModuleList(Array.from({ length: numLayers }, (_, i) => make(i))));
    this.norm = this.registerModule('norm', norm);
  }

  forward(src: Tensor, { mask = null, srcKeyPaddingMask = null }: EncoderMasks = {}): Tensor {
    let x = src;
    for (const layer of this.layers) x = (layer as TransformerEncoderLayer).forward(x, { srcMask: mask, srcKeyPaddingMask });
    return this.norm ? this.norm.forward(x) : x;
  }
}

/** Causal mask [size, size]: 0 on and below the diagonal, −∞ above (PyTorch's `generate_square_subsequent_mask`). */
export function generateSquareSubsequentMask(size: number, o?: { dtype?: torch.DType; device?: torch.Device }): Tensor {
  const { dtype = 'float32', device = 'cpu' } = within('generateSquareSubsequentMask', () => {
    int(size, 'size', 1, INT32_MAX);
    return options(o, 'generateSquareSubsequentMask', ['dtype', 'device']);
  });
  return torch.scope(() => torch.full([size, size], -Infinity, { dtype, device }).triu(1));
}
