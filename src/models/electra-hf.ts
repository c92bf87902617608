/**
 * Hugging Face's ELECTRA names for our encoder's weights, both ways, so a
 * discriminator trained here loads into `transformers`' ElectraForPreTraining
 * (and one trained there loads here). The encoder layers differ only in
 * names, except that PyTorch's attention packs the query, key and value
 * projections into one `in_proj_weight` [3H, H] (rows q, k, v) where Hugging
 * Face keeps three Linear layers:
 *
 *   encoder.layers.i.self_attn.in_proj_{weight,bias}   encoder.layer.i.attention.self.{query,key,value}.{weight,bias}
 *   encoder.layers.i.self_attn.out_proj.*              encoder.layer.i.attention.output.dense.*
 *   encoder.layers.i.norm1.*                           encoder.layer.i.attention.output.LayerNorm.*
 *   encoder.layers.i.linear1.*                         encoder.layer.i.intermediate.dense.*
 *   encoder.layers.i.linear2.*                         encoder.layer.i.output.dense.*
 *   encoder.layers.i.norm2.*                           encoder.layer.i.output.LayerNorm.*
 *
 * Embeddings, `embeddings_project`, `discriminator_predictions` and the
 * generator's heads already carry Hugging Face's names.
 */
import * as torch from '../torch/index.js';
import type { BertConfig } from './bert.js';

type Tensor = torch.Tensor;

const RENAMES: [string, string][] = [
  ['self_attn.out_proj.', 'attention.output.dense.'],
  ['norm1.', 'attention.output.LayerNorm.'],
  ['linear1.', 'intermediate.dense.'],
  ['linear2.', 'output.dense.'],
  ['norm2.', 'output.LayerNorm.'],
];
const QKV = ['query', 'key', 'value'] as const;
const LAYER = /^(.*?)encoder\.layers\.(\d+)\.(.*)$/;
const HF_LAYER = /^(.*?)encoder\.layer\.(\d+)\.(.*)$/;

/** Our state dict (any prefix, e.g. `electra.`) → Hugging Face's ELECTRA keys; the q/k/v blocks are copies. */
export function toHuggingFaceElectra(state: Record<string, Tensor>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(state)) {
    const m = LAYER.exec(k);
    if (!m) {
      out[k] = t;
      continue;
    }
    const [, pre, i, rest] = m;
    const at = `${pre}encoder.layer.${i}.`;
    const packed = /^self_attn\.in_proj_(weight|bias)$/.exec(rest);
    if (packed) {
      const parts = torch.chunk(t, 3, 0);
      QKV.forEach((name, j) => (out[`${at}attention.self.${name}.${packed[1]}`] = parts[j].contiguous()));
      continue;
    }
    const r = RENAMES.find(([from]) => rest.startsWith(from));
    if (!r) throw new Error(`toHuggingFaceElectra: no Hugging Face name for ${k}`);
    out[at + r[1] + rest.slice(r[0].length)] = t;
  }
  return out;
}

/** Hugging Face's ELECTRA keys → ours (the inverse of `toHuggingFaceElectra`); q, k, v are packed again. */
export function fromHuggingFaceElectra(state: Record<string, Tensor>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  const packs = new Map<string, Partial<Record<(typeof QKV)[number], Tensor>>>();
  for (const [k, t] of Object.entries(state)) {
    const m = HF_LAYER.exec(k);
    if (!m) {
      out[k] = t;
      continue;
    }
    const [, pre, i, rest] = m;
    const at = `${pre}encoder.layers.${i}.`;
    const qkv = /^attention\.self\.(query|key|value)\.(weight|bias)$/.exec(rest);
    if (qkv) {
      const key = `${at}self_attn.in_proj_${qkv[2]}`;
      packs.set(key, { ...packs.get(key), [qkv[1]]: t });
      continue;
    }
    const r = RENAMES.find(([, to]) => rest.startsWith(to));
    if (!r) throw new Error(`fromHuggingFaceElectra: unknown Hugging Face key ${k}`);
    out[at + r[0] + rest.slice(r[1].length)] = t;
  }
  for (const [key, p] of packs) {
    const missing = QKV.filter((n) => !p[n]);
    if (missing.length) throw new Error(`fromHuggingFaceElectra: ${key} needs query, key and value; missing ${missing.join(', ')}`);
    out[key] = torch.cat(
      QKV.map((n) => p[n]!),
      0,
    );
  }
  return out;
}

/** Hugging Face's ElectraConfig for an encoder config (config.json next to the weights). */
export function huggingFaceElectraConfig(c: Required<BertConfig>): Record<string, unknown> {
  return {
    architectures: ['ElectraForPreTraining'],
    model_type: 'electra',
    vocab_size: c.vocabSize,
    embedding_size: c.embeddingSize,
    hidden_size: c.hiddenSize,
    num_hidden_layers: c.numLayers,
    num_attention_heads: c.numHeads,
    intermediate_size: c.intermediateSize,
    hidden_act: c.activation,
    hidden_dropout_prob: c.dropout,
    attention_probs_dropout_prob: c.dropout,
    max_position_embeddings: c.maxPositions,
    type_vocab_size: c.typeVocabSize,
    layer_norm_eps: c.layerNormEps,
    pad_token_id: 0,
    position_embedding_type: 'absolute',
  };
}
