/**
 * Floating-point operations of the BERT-style encoder and its heads, counted as
 * ELECTRA's comparison does (Clark et al., 2020, §3.3 and appendix D: every
 * comparison at equal pre-training FLOPs): a multiply-add is 2 FLOPs; the matrix
 * products are counted, the element-wise work (embedding look-ups, LayerNorm,
 * softmax, GELU, biases) is not, being a few per cent at these sizes; training
 * costs 3× the forward pass (the backward pass computes gradients of both the
 * inputs and the weights of each product).
 */
import type { BertConfig } from './bert.js';

/** Forward FLOPs of the encoder on B sequences of T tokens: embedding projection, attention and feed-forward blocks. */
export function encoderFlops(c: BertConfig, B: number, T: number): number {
  const H = c.hiddenSize;
  const E = c.embeddingSize ?? H;
  const tokens = B * T;
  const project = E === H ? 0 : 2 * tokens * E * H;
  const perLayer =
    2 * tokens * 4 * H * H + // Q, K, V and output projections
    2 * 2 * B * T * T * H + // scores QKᵀ and the weighted sum of V
    2 * 2 * tokens * H * c.intermediateSize; // the two feed-forward products
  return project + c.numLayers * perLayer;
}

/** Forward FLOPs of the MLM head at M positions: dense H → E, then logits over V (the tied output layer). */
export function mlmHeadFlops(c: BertConfig, M: number): number {
  const E = c.embeddingSize ?? c.hiddenSize;
  return 2 * M * c.hiddenSize * E + 2 * M * E * c.vocabSize;
}

/** Forward FLOPs of the replaced-token head on B·T tokens: dense H → H, dense H → 1. */
export function discriminatorHeadFlops(c: BertConfig, B: number, T: number): number {
  return 2 * B * T * (c.hiddenSize * c.hiddenSize + c.hiddenSize);
}

/** Training FLOPs from forward FLOPs: forward + backward ≈ 3 × forward. */
export const trainingFlops = (forward: number): number => 3 * forward;
