/**
 * A BERT-style bidirectional Transformer encoder (Devlin et al., 2019, "BERT:
 * Pre-training of Deep Bidirectional Transformers for Language Understanding"),
 * with ELECTRA's factorised embeddings (Clark et al., 2020): when `embeddingSize`
 * differs from `hiddenSize`, a linear `embeddings_project` maps one to the other.
 * ELECTRA's generator and discriminator are both this encoder.
 */
import * as torch from '../torch/index.js';
import { Module } from '../nn/module.js';
import { Embedding, Dropout, Linear } from '../nn/layers.js';
import { LayerNorm } from '../nn/norm.js';
import * as init from '../nn/init.js';
import { TransformerEncoder, TransformerEncoderLayer, type Activation } from '../nn/transformer.js';

type Tensor = torch.Tensor;

export interface BertConfig {
  vocabSize: number;
  /** Width of the encoder (H). */
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  /** Width of each feed-forward block. */
  intermediateSize: number;
  /** Longest sequence the position table holds. */
  maxPositions: number;
  /** Number of segment (token type) ids. Default 2. */
  typeVocabSize?: number;
  /** Width of the embeddings (E); ≠ hiddenSize adds a projection, as ELECTRA. Default hiddenSize. */
  embeddingSize?: number;
  /** Dropout on embeddings, attention weights and every residual branch. Default 0.1. */
  dropout?: number;
  /** Default 1e-12, as BERT. */
  layerNormEps?: number;
  /** Feed-forward activation. Default 'gelu'. */
  activation?: Activation;
}

export interface BertForwardOptions {
  /** [B, T]: 1 for tokens to attend to, 0 for padding. Default all ones. */
  attentionMask?: Tensor | null;
  /** [B, T] int64 segment ids in [0, typeVocabSize). Default all zeros. */
  tokenTypeIds?: Tensor | null;
}

/** The attention mask of token ids [B, T]: int64, 1 on tokens and 0 on padding (`padId`, [PAD] = 0 as BERT's and selfsup's tokenizers). */
export function attentionMaskOf(inputIds: Tensor, padId = 0): Tensor {
  return torch.scope(() => inputIds.ne(padId).to({ dtype: 'int64' }));
}

/** The mean of hidden states h [B, T, H] over the tokens where mask [B, T] is 1 → [B, H] (a sequence without one gives 0). */
export function meanOverTokens(h: Tensor, mask: Tensor): Tensor {
  return torch.scope(() => {
    const w = mask.to({ dtype: h.dtype }).unsqueeze(2); // [B, T, 1]
    return h.mul(w).sum(1).div(w.sum(1).clamp(1, Infinity)); // [B, H]
  });
}

/**
 * BERT's initialisation of a module's parameters: every weight N(0, std²),
 * biases 0, LayerNorm γ = 1 and β = 0 — also what ELECTRA gives the layers of
 * its heads. `skip`: a module (e.g. shared embeddings) left as it is.
 */
export function bertInit_(module: Module, std = 0.02, skip?: Module): void {
  const kept = new Set(skip ? skip.modules() : []);
  for (const m of module.modules()) {
    if (kept.has(m)) continue;
    for (const [name, p] of m.namedParameters('', false)) {
      if (name.endsWith('bias')) init.zeros_(p);
      else if (m instanceof LayerNorm) init.ones_(p);
      else init.normal_(p, 0, std);
    }
  }
}

/**
 * LayerNorm(word + position + token type embeddings), then dropout.
 * inputIds [B, T] int64, tokenTypeIds [B, T] int64 → [B, T, embeddingSize].
 * Keys: `word_embeddings`, `position_embeddings`, `token_type_embeddings`, `LayerNorm` (as BERT).
 */
export class BertEmbeddings extends Module {
  readonly wordEmbeddings: Embedding;
  readonly positionEmbeddings: Embedding;
  readonly tokenTypeEmbeddings: Embedding;
  readonly layerNorm: LayerNorm;
  readonly dropout: Dropout;

  constructor(
    vocabSize: number,
    maxPositions: number,
    typeVocabSize: number,
    embeddingSize: number,
    o: { dropout: number; layerNormEps: number },
  ) {
    super();
    this.wordEmbeddings = this.registerModule('word_embeddings', new Embedding(vocabSize, embeddingSize));
    this.positionEmbeddings = this.registerModule('position_embeddings', new Embedding(maxPositions, embeddingSize));
    this.tokenTypeEmbeddings = this.registerModule('token_type_embeddings', new Embedding(typeVocabSize, embeddingSize));
    this.layerNorm = this.registerModule('LayerNorm', new LayerNorm(embeddingSize, { eps: o.layerNormEps }));
    this.dropout = this.registerModule('dropout', new Dropout(o.dropout));
  }

  forward(inputIds: Tensor, tokenTypeIds: Tensor): Tensor {
    const T = inputIds.shape[1];
    const positions = torch.arange(T, { dtype: 'int64', device: inputIds.device }); // [T]
    const sum = this.wordEmbeddings
      .forward(inputIds) // [B, T, E]
      .add(this.positionEmbeddings.forward(positions)) // + [T, E]
      .add(this.tokenTypeEmbeddings.forward(tokenTypeIds)); // + [B, T, E]
    return this.dropout.forward(this.layerNorm.forward(sum));
  }
}

/**
 * The encoder: embeddings, optional projection E → H, then `numLayers` post-norm
 * Transformer layers (batch-first, no final norm). inputIds [B, T] int64 with
 * T ≤ maxPositions → hidden states [B, T, hiddenSize].
 * Keys: `embeddings.*`, `embeddings_project.*` (only when E ≠ H), `encoder.layers.<i>.*`
 * (PyTorch's nn.TransformerEncoderLayer names). Initialised as BERT: weights
 * N(0, 0.02²), biases 0, LayerNorm γ = 1, β = 0.
 */
export class Bert extends Module {
  readonly config: Required<BertConfig>;
  readonly embeddings: BertEmbeddings;
  readonly embeddingsProject: Linear | null;
  readonly encoder: TransformerEncoder;

  /** `o.embeddings`: use this embeddings module (shared with another encoder, as ELECTRA's generator and discriminator) instead of a new one. */
  constructor(config: BertConfig, o: { embeddings?: BertEmbeddings } = {}) {
    super();
    const c: Required<BertConfig> = {
      typeVocabSize: 2,
      embeddingSize: config.hiddenSize,
      dropout: 0.1,
      layerNormEps: 1e-12,
      activation: 'gelu',
      ...config,
    };
    this.config = c;
    for (const k of [
      'vocabSize',
      'hiddenSize',
      'numLayers',
      'numHeads',
      'intermediateSize',
      'maxPositions',
      'typeVocabSize',
      'embeddingSize',
    ] as const)
      if (!(Number.isInteger(c[k]) && c[k] > 0))
        throw new RangeError(`Bert: expected a positive integer for config.${k} but received ${JSON.stringify(c[k])}`);
    if (o.embeddings) {
      const w = o.embeddings.wordEmbeddings.weight.shape;
      const p = o.embeddings.positionEmbeddings.weight.shape;
      if (w[0] !== c.vocabSize || w[1] !== c.embeddingSize || p[0] !== c.maxPositions)
        throw new RangeError(
          `Bert: shared embeddings hold ${w[0]} tokens × ${w[1]} and ${p[0]} positions but the config asks for ${c.vocabSize} × ${c.embeddingSize} and ${c.maxPositions}`,
        );
    }
    this.embeddings = this.registerModule(
      'embeddings',
      o.embeddings ?? new BertEmbeddings(c.vocabSize, c.maxPositions, c.typeVocabSize, c.embeddingSize, c),
    );
    this.embeddingsProject = this.registerModule(
      'embeddings_project',
      c.embeddingSize === c.hiddenSize ? null : new Linear(c.embeddingSize, c.hiddenSize),
    );
    const layer = (): TransformerEncoderLayer =>
      new TransformerEncoderLayer(c.hiddenSize, c.numHeads, {
        dimFeedforward: c.intermediateSize,
        dropout: c.dropout,
        activation: c.activation,
        layerNormEps: c.layerNormEps,
        batchFirst: true,
      });
    this.encoder = this.registerModule('encoder', new TransformerEncoder(layer, c.numLayers));
    this.initWeights(0.02, o.embeddings);
  }

  /** BERT's initialisation (`bertInit_`) of the whole encoder but `skip` (a shared module left as it is). */
  initWeights(std = 0.02, skip?: Module): void {
    bertInit_(this, std, skip);
  }

  forward(inputIds: Tensor, o: BertForwardOptions = {}): Tensor {
    const { attentionMask = null, tokenTypeIds = null } = o;
    if (inputIds.dim() !== 2 || inputIds.dtype !== 'int64')
      throw new TypeError(`Bert: expected int64 inputIds of shape [batch, length] but received ${inputIds.dtype} [${inputIds.shape}]`);
    const [B, T] = inputIds.shape;
    if (T > this.config.maxPositions) throw new RangeError(`Bert: sequence length ${T} exceeds maxPositions ${this.config.maxPositions}`);
    for (const [name, t] of [
      ['attentionMask', attentionMask],
      ['tokenTypeIds', tokenTypeIds],
    ] as const)
      if (t && (t.dim() !== 2 || t.shape[0] !== B || t.shape[1] !== T))
        throw new RangeError(`Bert: expected ${name} of shape [${B}, ${T}] like inputIds but received [${t.shape}]`);
    const types = tokenTypeIds ?? torch.zerosLike(inputIds);
    const x = this.embeddings.forward(inputIds, types); // [B, T, E]
    const h = this.embeddingsProject ? this.embeddingsProject.forward(x) : x; // [B, T, H]
    const padding = attentionMask ? attentionMask.eq(0) : null; // [B, T], true at padding
    return this.encoder.forward(h, { srcKeyPaddingMask: padding }); // [B, T, H]
  }
}
