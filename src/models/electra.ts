/**
 * ELECTRA's two networks (Clark et al., 2020, "ELECTRA: Pre-training Text
 * Encoders as Discriminators Rather Than Generators", §2–3.2) over the BERT-style
 * encoder (bert.ts):
 *
 *   MaskedLm        encoder + the MLM head: dense H → E, GELU, LayerNorm, then
 *                   logits over the vocabulary with the word embeddings as output
 *                   weights (tied) and a bias. ELECTRA's generator, and the
 *                   masked-LM (BERT) baseline at the discriminator's size.
 *   Discriminator   encoder + the replaced-token head: dense H → H, GELU,
 *                   dense H → 1, one logit per token ("was this token replaced?").
 *
 * Module names follow Hugging Face's ElectraForMaskedLM / ElectraForPreTraining
 * (`electra.*`, `generator_predictions.*`, `generator_lm_head.*`,
 * `discriminator_predictions.*`); electra-hf.ts maps the encoder's layers too.
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { Module } from '../nn/module.js';
import { Linear } from '../nn/layers.js';
import { LayerNorm } from '../nn/norm.js';
import { attentionMaskOf, Bert, bertInit_, type BertConfig, type BertEmbeddings } from './bert.js';

type Tensor = torch.Tensor;

/** The size of ELECTRA's discriminator (the generator is a fraction of it). */
export interface ElectraSize {
  vocabSize: number;
  hiddenSize: number;
  embeddingSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  maxPositions: number;
  dropout: number;
}

/**
 * The generator's encoder config: hidden size, heads and feed-forward width
 * scaled by `fraction` of the discriminator's (§3.2: ¼–½ works best), the same
 * depth and embedding size (so the embeddings can be shared).
 */
export function generatorConfig(d: ElectraSize, fraction: number): BertConfig {
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError(`generatorConfig: expected a fraction in (0, 1] but received ${fraction}`);
  const heads = Math.max(1, Math.round(d.numHeads * fraction));
  const hidden = Math.max(heads, Math.round((d.hiddenSize * fraction) / heads) * heads);
  return { ...d, hiddenSize: hidden, numHeads: heads, intermediateSize: Math.max(1, Math.round(d.intermediateSize * fraction)) };
}

/** The MLM output layer: logits = h · Wᵀ + b with W the (tied) word-embedding table [V, E]. */
class TiedLmHead extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  constructor(embedding: Tensor) {
    super();
    this.weight = this.registerParameter('weight', embedding);
    this.bias = this.registerParameter('bias', torch.zeros([embedding.shape[0]]));
  }
  forward(h: Tensor): Tensor {
    return F.linear(h, this.weight, this.bias);
  }
}

/** dense H → E, GELU, LayerNorm(E): Hugging Face's ElectraGeneratorPredictions. */
class GeneratorPredictions extends Module {
  readonly dense: Linear;
  readonly layerNorm: LayerNorm;
  constructor(hidden: number, embedding: number, eps: number) {
    super();
    this.dense = this.registerModule('dense', new Linear(hidden, embedding));
    this.layerNorm = this.registerModule('LayerNorm', new LayerNorm(embedding, { eps }));
  }
  forward(h: Tensor): Tensor {
    return this.layerNorm.forward(F.gelu(this.dense.forward(h)));
  }
}

/** A masked language model: encoder, prediction head, tied output layer. */
export class MaskedLm extends Module {
  readonly electra: Bert;
  readonly predictions: GeneratorPredictions;
  readonly lmHead: TiedLmHead;

  /** `embeddings`: share this module (ELECTRA's generator shares the discriminator's token and position embeddings). */
  constructor(config: BertConfig, o: { embeddings?: BertEmbeddings } = {}) {
    super();
    this.electra = this.registerModule('electra', new Bert(config, o));
    const c = this.electra.config;
    this.predictions = this.registerModule(
      'generator_predictions',
      new GeneratorPredictions(c.hiddenSize, c.embeddingSize, c.layerNormEps),
    );
    this.lmHead = this.registerModule('generator_lm_head', new TiedLmHead(this.electra.embeddings.wordEmbeddings.weight));
    bertInit_(this.predictions);
  }

  /**
   * Vocabulary logits at chosen positions: inputIds, attentionMask [B, T];
   * positions int64 [M] indices into the flattened [B·T] tokens (default: all)
   * → [M, V]. Computing the head only where it is needed is what makes the
   * MLM loss cheap (the vocabulary projection dominates a small model).
   */
  logitsAt(inputIds: Tensor, attentionMask: Tensor, positions?: Tensor): Tensor {
    return torch.scope(() => {
      const h = this.electra.forward(inputIds, { attentionMask }); // [B, T, H]
      const flat = h.reshape([-1, h.shape[2]]); // [B·T, H]
      const picked = positions ? torch.indexSelect(flat, 0, positions) : flat; // [M, H]
      return this.lmHead.forward(this.predictions.forward(picked)); // [M, V]
    });
  }

  forward(inputIds: Tensor): Tensor {
    return this.logitsAt(inputIds, attentionMaskOf(inputIds));
  }
}

/** dense H → H, GELU, dense H → 1: Hugging Face's ElectraDiscriminatorPredictions. */
class DiscriminatorPredictions extends Module {
  readonly dense: Linear;
  readonly densePrediction: Linear;
  constructor(hidden: number) {
    super();
    this.dense = this.registerModule('dense', new Linear(hidden, hidden));
    this.densePrediction = this.registerModule('dense_prediction', new Linear(hidden, 1));
    bertInit_(this);
  }
  forward(h: Tensor): Tensor {
    return this.densePrediction.forward(F.gelu(this.dense.forward(h))).squeeze(-1);
  }
}

/** ELECTRA's discriminator: encoder + a replaced-token logit per token. */
export class Discriminator extends Module {
  readonly electra: Bert;
  readonly predictions: DiscriminatorPredictions;
  constructor(config: BertConfig) {
    super();
    this.electra = this.registerModule('electra', new Bert(config));
    this.predictions = this.registerModule('discriminator_predictions', new DiscriminatorPredictions(this.electra.config.hiddenSize));
  }
  /** inputIds, attentionMask [B, T] → replaced-token logits [B, T]. */
  logits(inputIds: Tensor, attentionMask: Tensor): Tensor {
    return this.predictions.forward(this.electra.forward(inputIds, { attentionMask }));
  }
  forward(inputIds: Tensor): Tensor {
    return this.logits(inputIds, attentionMaskOf(inputIds));
  }
}
