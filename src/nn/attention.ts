/**
 * Multi-head scaled dot-product attention (Vaswani et al., 2017, "Attention Is All
 * You Need"): PyTorch's `nn.MultiheadAttention`, with its parameters, state-dict
 * keys, initialisation and mask semantics.
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { Module } from './module.js';
import { bool, int, num, optHandle, options, tensor, within } from '../torch/check.js';
import { Linear } from './layers.js';
import * as init from './init.js';

type Tensor = torch.Tensor;

export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights in training. Default 0. */
  dropout?: number;
  /** Biases on the input and output projections. Default true. */
  bias?: boolean;
  /** Inputs and outputs are [B, T, E] instead of [T, B, E]. Default false. */
  batchFirst?: boolean;
  /** Features of `key`. Default embedDim. */
  kdim?: number;
  /** Features of `value`. Default embedDim. */
  vdim?: number;
}

export interface AttentionForwardOptions {
  /** [B, S] (or [S] unbatched): bool true marks a key to ignore (padding); float is added to the scores. */
  keyPaddingMask?: Tensor | null;
  /** [T, S] or [B·numHeads, T, S]: bool true forbids attending; float is added to the scores. */
  attnMask?: Tensor | null;
  /** Also return the attention weights. Default true. */
  needWeights?: boolean;
  /** Average the returned weights over heads ([B, T, S]) rather than per head ([B, numHeads, T, S]). Default true. */
  averageAttnWeights?: boolean;
}

const sameShape = (t: Tensor, shape: number[]): boolean => t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]);

/** A bool mask (true = blocked) as an additive float mask (−∞ / 0); float masks pass through. */
function additive(mask: Tensor, like: Tensor, name: string): Tensor {
  if (mask.dtype === 'bool') return torch.zeros(mask.shape, { dtype: like.dtype, device: like.device }).maskedFill(mask, -Infinity);
  if (['float16', 'bfloat16', 'float32', 'float64'].includes(mask.dtype)) return mask;
  throw new TypeError(`MultiheadAttention: expected a bool or floating ${name} but received dtype ${mask.dtype}`);
}

/**
 * softmax(Q Kᵀ / √d + mask) V over `numHeads` heads of size d = embedDim / numHeads.
 *
 * Shapes (batchFirst false / true; unbatched inputs drop B):
 *   query [T, B, E] / [B, T, E], key [S, B, kdim] / [B, S, kdim], value [S, B, vdim] / [B, S, vdim]
 *   → output like query, weights [B, T, S] (averaged) or [B, numHeads, T, S].
 *
 * Parameters (PyTorch's keys): `in_proj_weight` [3E, E] — or `q_proj_weight` [E, E],
 * `k_proj_weight` [E, kdim], `v_proj_weight` [E, vdim] when kdim or vdim ≠ E —
 * `in_proj_bias` [3E], `out_proj.weight` [E, E], `out_proj.bias` [E]. Input
 * projections are Xavier-uniform, biases zero, `out_proj.weight` as `Linear`.
 * A row whose keys are all masked gives NaN, as in PyTorch.
 */
export class MultiheadAttention extends Module {
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly kdim: number;
  readonly vdim: number;
  readonly inProjWeight: Tensor | null;
  readonly qProjWeight: Tensor | null;
  readonly kProjWeight: Tensor | null;
  readonly vProjWeight: Tensor | null;
  readonly inProjBias: Tensor | null;
  readonly outProj: Linear;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    o: MultiheadAttentionOptions = {},
  ) {
    super();
    const {
      dropout = 0,
      bias = true,
      batchFirst = false,
      kdim = embedDim,
      vdim = embedDim,
    } = within('MultiheadAttention', () => {
      const c = options(o, 'MultiheadAttention', ['dropout', 'bias', 'batchFirst', 'kdim', 'vdim']);
      for (const [v, name] of [
        [embedDim, 'embedDim'],
        [numHeads, 'numHeads'],
        [c.kdim ?? 1, 'kdim'],
        [c.vdim ?? 1, 'vdim'],
      ] as const)
        int(v, name, 1);
      num(c.dropout ?? 0, 'dropout', 0, 1);
      bool(c.bias ?? true, 'bias');
      bool(c.batchFirst ?? false, 'batchFirst');
      return c;
    });
    if (embedDim % numHeads !== 0)
      throw new RangeError(`MultiheadAttention: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
    this.headDim = embedDim / numHeads;
    this.dropout = dropout;
    this.batchFirst = batchFirst;
    this.kdim = kdim;
    this.vdim = vdim;
    const packed = kdim === embedDim && vdim === embedDim;
    const E = embedDim;
    this.qProjWeight = this.registerParameter('q_proj_weight', packed ? null : torch.empty([E, E]));
    this.kProjWeight = this.registerParameter('k_proj_weight', packed ? null : torch.empty([E, kdim]));
    this.vProjWeight = this.registerParameter('v_proj_weight', packed ? null : torch.empty([E, vdim]));
    this.inProjWeight = this.registerParameter('in_proj_weight', packed ? torch.empty([3 * E, E]) : null);
    this.inProjBias = this.registerParameter('in_proj_bias', bias ? torch.empty([3 * E]) : null);
    this.outProj = this.registerModule('out_proj', new Linear(E, E, { bias }));
    this.resetParameters();
  }

  /** Xavier-uniform input projections, zero biases (out_proj.weight keeps Linear's init). */
  resetParameters(): void {
    for (const w of [this.inProjWeight, this.qProjWeight, this.kProjWeight, this.vProjWeight]) if (w) init.xavierUniform_(w);
    if (this.inProjBias) init.zeros_(this.inProjBias);
    if (this.outProj.bias) init.zeros_(this.outProj.bias);
  }

  /** Returns `[output, weights]`; weights is null when `needWeights` is false. Shapes in the class comment. */
  forward(query: Tensor, key: Tensor, value: Tensor, o: AttentionForwardOptions = {}): [Tensor, Tensor | null] {
    const {
      keyPaddingMask = null,
      attnMask = null,
      needWeights = true,
      averageAttnWeights = true,
    } = within('MultiheadAttention', () => {
      [
        [query, 'query'],
        [key, 'key'],
        [value, 'value'],
      ].forEach(([t, name]) => tensor(t, name as string));
      const c = options(o, 'MultiheadAttention.forward', ['keyPaddingMask', 'attnMask', 'needWeights', 'averageAttnWeights']);
      optHandle(c.keyPaddingMask, 'keyPaddingMask');
      optHandle(c.attnMask, 'attnMask');
      bool(c.needWeights ?? true, 'needWeights');
      bool(c.averageAttnWeights ?? true, 'averageAttnWeights');
      return c;
    });
    const batched = this.checkInputs(query, key, value);
    // Work batch-first: [B, T, E].
    const toBatchFirst = (x: Tensor): Tensor => (!batched ? x.unsqueeze(0) : this.batchFirst ? x : x.transpose(0, 1));
    const [q0, k0, v0] = [query, key, value].map(toBatchFirst);
    const [B, T] = q0.shape;
    const S = k0.shape[1];
    const [H, d, E] = [this.numHeads, this.headDim, this.embedDim];
    const [q, k, v] = this.project(q0, k0, v0, query === key && key === value, [B, T, S, H, d]); // each [B, H, len, d]
    const mask = this.mergeMasks(attnMask, batched || !keyPaddingMask ? keyPaddingMask : keyPaddingMask.unsqueeze(0), q, [B, T, S]);
    let scores = q.div(Math.sqrt(d)).matmul(k.transpose(-2, -1)); // [B, H, T, S]
    if (mask) scores = scores.add(mask);
    let weights = F.softmax(scores, -1); // [B, H, T, S]
    if (this.training && this.dropout > 0) weights = F.dropout(weights, { p: this.dropout });
    const context = weights.matmul(v).transpose(1, 2).reshape([B, T, E]); // [B, T, E]
    const y = this.outProj.forward(context); // [B, T, E]
    const output = !batched ? y.squeeze(0) : this.batchFirst ? y : y.transpose(0, 1);
    if (!needWeights) return [output, null];
    const w = averageAttnWeights ? weights.mean(1) : weights; // [B, T, S] or [B, H, T, S]
    return [output, batched ? w : w.squeeze(0)];
  }

  /**
   * The query, key and value projections split into heads, [B, H, len, d] each.
   * Self-attention with packed weights makes one product with the whole
   * in-projection [3E, E] and splits its output (PyTorch's
   * `_in_projection_packed`): one matrix product forward and one backward
   * instead of three.
   */
  private project(q0: Tensor, k0: Tensor, v0: Tensor, self: boolean, [B, T, S, H, d]: number[]): Tensor[] {
    if (self && this.inProjWeight) {
      const qkv = F.linear(q0, this.inProjWeight, this.inProjBias); // [B, T, 3E]
      return qkv.reshape([B, T, 3, H, d]).permute([2, 0, 3, 1, 4]).unbind(0); // 3 × [B, H, T, d]
    }
    const [wq, wk, wv] = this.inProjWeight ? this.inProjWeight.chunk(3, 0) : [this.qProjWeight!, this.kProjWeight!, this.vProjWeight!];
    const [bq, bk, bv] = this.inProjBias ? this.inProjBias.chunk(3, 0) : [null, null, null];
    const heads = (x: Tensor, len: number): Tensor => x.reshape([B, len, H, d]).transpose(1, 2); // [B, H, len, d]
    return [heads(F.linear(q0, wq, bq), T), heads(F.linear(k0, wk, bk), S), heads(F.linear(v0, wv, bv), S)];
  }

  /** Validates ranks and feature sizes; returns whether the inputs are batched (3-D). */
  private checkInputs(query: Tensor, key: Tensor, value: Tensor): boolean {
    const rank = query.dim();
    if (rank !== 2 && rank !== 3)
      throw new RangeError(`MultiheadAttention: expected a 2-D (unbatched) or 3-D query but received shape [${query.shape}]`);
    const expect = (t: Tensor, name: string, features: number): void => {
      if (t.dim() !== rank || t.shape[rank - 1] !== features)
        throw new RangeError(
          `MultiheadAttention: expected a ${rank}-D ${name} with ${features} features in the last dim (as query is ${rank}-D) but received shape [${t.shape}]`,
        );
    };
    expect(query, 'query', this.embedDim);
    expect(key, 'key', this.kdim);
    expect(value, 'value', this.vdim);
    const [kl, vl] = [key.shape.slice(0, -1), value.shape.slice(0, -1)];
    if (kl.some((s, i) => s !== vl[i]))
      throw new RangeError(`MultiheadAttention: key [${key.shape}] and value [${value.shape}] must agree in all but the last dim`);
    const qb = query.shape[this.batchFirst ? 0 : 1];
    const kb = key.shape[this.batchFirst ? 0 : 1];
    if (rank === 3 && qb !== kb) throw new RangeError(`MultiheadAttention: query batch size ${qb} does not match key batch size ${kb}`);
    return rank === 3;
  }

  /** The additive mask [1 or B, 1 or H, T or 1, S] from attnMask and keyPaddingMask, or null. */
  private mergeMasks(attnMask: Tensor | null, keyPaddingMask: Tensor | null, like: Tensor, [B, T, S]: number[]): Tensor | null {
    const H = this.numHeads;
    let mask: Tensor | null = null;
    if (attnMask) {
      const perHead = sameShape(attnMask, [B * H, T, S]);
      if (!perHead && !sameShape(attnMask, [T, S]))
        throw new RangeError(
          `MultiheadAttention: expected attnMask of shape [${T}, ${S}] or [${B * H}, ${T}, ${S}] (batch·heads, target, source) but received [${attnMask.shape}]`,
        );
      mask = additive(attnMask, like, 'attnMask');
      if (perHead) mask = mask.view([B, H, T, S]);
    }
    if (keyPaddingMask) {
      if (!sameShape(keyPaddingMask, [B, S]))
        throw new RangeError(
          `MultiheadAttention: expected keyPaddingMask of shape [${B}, ${S}] (batch, source) but received [${keyPaddingMask.shape}]`,
        );
      const pad = additive(keyPaddingMask, like, 'keyPaddingMask').view([B, 1, 1, S]);
      mask = mask ? mask.add(pad) : pad;
    }
    return mask;
  }
}
