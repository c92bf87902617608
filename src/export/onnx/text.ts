/**
 * ONNX graph of the BERT-style text encoder (src/models/bert.ts; Devlin et al.
 * 2019, with ELECTRA's embedding projection, Clark et al. 2020) in eval mode:
 * token ids and attention mask int64 [B, T], both axes dynamic → the last
 * hidden states [B, T, H] and their mean over the real tokens [B, H] (the text
 * methods' representation, src/methods/text-method.ts). Embeddings are Gathers
 * (positions sliced to T; token type 0, the only one selfsup feeds, added as a
 * constant row), attention is MatMul/Softmax with the additive padding mask
 * (−∞ where the mask is 0, as PyTorch's key padding mask), LayerNorm is
 * LayerNormalization (opset 17), GELU the exact erf form, dropout no node.
 * A fine-tuned TextClassifier adds its head on the first token ([CLS]) → logits.
 */
import * as torch from '../../torch/index.js';
import type { Linear, MultiheadAttention, TransformerEncoderLayer } from '../../nn/index.js';
import { Bert, attentionMaskOf, meanOverTokens } from '../../models/bert.js';
import { ElectraClassificationHead, TextClassifier } from '../../models/text-classifier.js';
import type { Graph, ValueSpec } from './graph.js';
import { atOf, rule, type At } from './rules.js';
import { gelu, linearNd, scalar } from './layers.js';

/** The graph inputs of a text encoder: token ids and attention mask (1 on tokens, 0 on padding), int64 [batch, sequence]. */
export const TEXT_INPUTS: ValueSpec[] = ['input_ids', 'attention_mask'].map((name) => ({
  name,
  shape: ['batch', 'sequence'],
  dtype: 'int64',
}));

const joined = (path: string, name: string): string => (path ? `${path}.${name}` : name);
/** Linear `m` (child `name` of `at`) on [*, in] → [*, out]. */
const linear = (at: At, name: string, m: Linear, x: string): string => linearNd(m, x, atOf(at.g, m, joined(at.path, name)));

/** inputIds int64 [B, T] → LayerNorm(word + position + type-0 embeddings) [B, T, E]. */
function embeddings(m: Bert, ids: string, at: At): string {
  const e = m.embeddings;
  const g = at.g;
  const word = g.node('Gather', [at.weight('embeddings.word_embeddings.weight', e.wordEmbeddings.weight), ids]); // [B, T, E]
  const length = g.node('Shape', [ids], { start: 1, end: 2 }); // [1]: T
  const table = at.weight('embeddings.position_embeddings.weight', e.positionEmbeddings.weight);
  const zero = g.ints('zero', [0]);
  const positions = g.node('Slice', [table, zero, length, zero]); // [T, E]
  const types = at.weight('embeddings.token_type_embeddings.weight', e.tokenTypeEmbeddings.weight);
  const type0 = g.node('Gather', [types, g.ints('type_id', [0], [])]); // [E]
  const sum = g.node('Add', [g.node('Add', [word, positions]), type0]); // [B, T, E]
  return atOf(g, e, joined(at.path, 'embeddings')).child('LayerNorm', sum);
}

/** The additive attention mask of mask int64 [B, T]: 0 on tokens, −∞ on padding, as [B, 1, 1, T]. */
function additiveMask(g: Graph, mask: string): string {
  const padding = g.node('Equal', [mask, g.ints('pad', [0], [])]); // [B, T] bool
  const bias = g.node('Where', [padding, scalar(g, 'minus_inf', -Infinity), scalar(g, 'zero_f', 0)]); // [B, T]
  return g.node('Unsqueeze', [bias, g.ints('mask_axes', [1, 2])], {}, 'attention_bias'); // [B, 1, 1, T]
}

/** Self-attention of x [B, T, E] with packed in-projection, H heads of size d, bias [B, 1, 1, T] → [B, T, E]. */
function selfAttention(m: MultiheadAttention, x: string, bias: string, at: At): string {
  const g = at.g;
  const [H, d, E] = [m.numHeads, m.headDim, m.embedDim];
  if (!m.inProjWeight)
    throw new TypeError(
      `exportOnnx: MultiheadAttention ${JSON.stringify(at.path)} has separate q/k/v weights; only packed self-attention is exported`,
    );
  const w = g.floats(`${at.path}.in_proj_weight_t`, m.inProjWeight.t().contiguous().data() as Float32Array, [E, 3 * E]);
  let qkv = g.node('MatMul', [x, w]); // [B, T, 3E]
  if (m.inProjBias) qkv = g.node('Add', [qkv, at.weight('in_proj_bias', m.inProjBias)]);
  const heads = g.node('Transpose', [g.node('Reshape', [qkv, g.ints('qkv_shape', [0, 0, 3, H, d])])], { perm: [2, 0, 3, 1, 4] }); // [3, B, H, T, d]
  const [q, k, v] = [0, 1, 2].map((i) => g.node('Gather', [heads, g.ints('qkv_index', [i], [])])); // [B, H, T, d] each
  const scaled = g.node('Div', [q, scalar(g, `${at.path}.sqrt_d`, Math.sqrt(d))]);
  const scores = g.node('Add', [g.node('MatMul', [scaled, g.node('Transpose', [k], { perm: [0, 1, 3, 2] })]), bias]); // [B, H, T, T]
  const context = g.node('MatMul', [g.node('Softmax', [scores], { axis: -1 }), v]); // [B, H, T, d]
  const merged = g.node('Reshape', [g.node('Transpose', [context], { perm: [0, 2, 1, 3] }), g.ints('merged_shape', [0, 0, E])]); // [B, T, E]
  return linear(at, 'out_proj', m.outProj, merged);
}

/** A TransformerEncoderLayer (post- or pre-norm, ReLU or GELU) on x [B, T, D] → [B, T, D]. */
function encoderLayer(m: TransformerEncoderLayer, x: string, bias: string, at: At): string {
  const g = at.g;
  const sa = (h: string): string => selfAttention(m.selfAttn, h, bias, atOf(g, m.selfAttn, joined(at.path, 'self_attn')));
  const ff = (h: string): string => {
    const a = linear(at, 'linear1', m.linear1, h); // [B, T, F]
    const act = m.activation === 'gelu' ? gelu(g, a, 'none', `${at.path}.gelu`) : g.node('Relu', [a]);
    return linear(at, 'linear2', m.linear2, act); // [B, T, D]
  };
  if (m.normFirst) {
    const h = g.node('Add', [x, sa(at.child('norm1', x))]);
    return g.node('Add', [h, ff(at.child('norm2', h))], {}, at.path);
  }
  const h = at.child('norm1', g.node('Add', [x, sa(x)]));
  return at.child('norm2', g.node('Add', [h, ff(h)]));
}

/** Bert `m` on ids and mask int64 [B, T] → hidden states [B, T, H]. */
export function bertHidden(m: Bert, ids: string, mask: string, at: At): string {
  let h = embeddings(m, ids, at); // [B, T, E]
  if (m.embeddingsProject) h = linear(at, 'embeddings_project', m.embeddingsProject, h); // [B, T, H]
  const bias = additiveMask(at.g, mask);
  const encoder = atOf(at.g, m.encoder, joined(at.path, 'encoder'));
  [...m.encoder.layers].forEach((layer, i) => {
    h = encoderLayer(layer as TransformerEncoderLayer, h, bias, atOf(at.g, layer, joined(encoder.path, `layers.${i}`)));
  });
  return m.encoder.norm ? encoder.child('norm', h) : h;
}

/** `meanOverTokens` (src/models/bert.ts) as nodes: the mean of h [B, T, H] over the tokens where mask [B, T] is 1 → [B, H]. */
export function meanPool(g: Graph, h: string, mask: string): string {
  const w = g.node('Unsqueeze', [g.node('Cast', [mask], { to: 1 }), g.ints('pool_axis', [2])]); // [B, T, 1] float
  const sum = g.node('ReduceSum', [g.node('Mul', [h, w]), g.ints('time_axis', [1])], { keepdims: 0 }); // [B, H]
  const count = g.node('Clip', [g.node('ReduceSum', [w, g.ints('time_axis', [1])], { keepdims: 0 }), scalar(g, 'one', 1)]); // [B, 1]
  return g.node('Div', [sum, count]);
}

/** ElectraClassificationHead on hidden states [B, T, H]: the first token → dense, GELU, out_proj → [B, C]. */
rule(ElectraClassificationHead, (m, x, at) => {
  const cls = at.g.node('Gather', [x, at.g.ints('cls_index', [0], [])], { axis: 1 }); // [B, H]
  return at.child('out_proj', gelu(at.g, at.child('dense', at.child('dropout', cls)), 'none', `${at.path}.gelu`));
});

/** What the exported text graph computes on libtorch: Bert → hidden states and their mean; TextClassifier → logits. */
export function textReference(model: Bert | TextClassifier, ids: torch.Tensor, mask: torch.Tensor): Record<string, torch.Tensor> {
  if (model instanceof TextClassifier) return { logits: model.forward(ids, { attentionMask: mask }) };
  const h = model.forward(ids, { attentionMask: mask }); // [B, T, H]
  return { last_hidden_state: h, pooled: meanOverTokens(h, mask) };
}

/** The exported text graph's outputs on ids and mask (graph values). */
export function textOutputs(model: Bert | TextClassifier, ids: string, mask: string, at: At): Record<string, string> {
  if (model instanceof TextClassifier)
    return { logits: at.child('classifier', bertHidden(model.electra, ids, mask, atOf(at.g, model.electra, 'electra'))) };
  const h = bertHidden(model, ids, mask, at);
  return { last_hidden_state: h, pooled: meanPool(at.g, h, mask) };
}

/** A probe batch of 2 × `length` ids (not padding) and an all-ones mask. */
export const textProbe = (length: number): { input_ids: torch.Tensor; attention_mask: torch.Tensor } => {
  const ids = torch.ones([2, length], { dtype: 'int64' });
  return { input_ids: ids, attention_mask: attentionMaskOf(ids) };
};
