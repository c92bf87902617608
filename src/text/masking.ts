/**
 * Masked-language-model corruption as tensor ops.
 *
 * BERT (Devlin et al., 2019) selects 15 % of the tokens and replaces 80 % of those
 * with [MASK], 10 % with a random token and leaves 10 % unchanged. ELECTRA (Clark
 * et al., 2020) masks 15 % for its generator with 85 % [MASK] and 15 % unchanged,
 * the default here. Special tokens ([PAD], [CLS], [SEP] …) are never selected.
 * Selection is a Bernoulli draw per token; every draw comes from `generator`.
 */
import * as torch from '../torch/index.js';

type Tensor = torch.Tensor;

/** What masking needs from a vocabulary (a `Tokenizer` has all three). */
export interface MaskVocab {
  maskId: number;
  /** Ids never selected (and never drawn as random replacements). */
  specialIds: readonly number[];
  vocabSize: number;
}

export interface MaskingOptions {
  /** Probability that a non-special token is selected (default 0.15). */
  maskProb?: number;
  /** Of the selected tokens, the fraction replaced by [MASK] (default 0.85, ELECTRA; BERT 0.8). */
  maskRate?: number;
  /** Of the selected tokens, the fraction replaced by a random non-special token (default 0; BERT 0.1). The rest stay unchanged. */
  randomRate?: number;
  generator?: torch.Generator;
}

/** Masked inputs and MLM targets, both int64 [B, T]. */
export interface Masked {
  /** The corrupted ids. */
  inputIds: Tensor;
  /** The original id at selected positions, −100 (ignored by crossEntropy) elsewhere. */
  labels: Tensor;
}

/** The value of `labels` at unselected positions (PyTorch's default ignoreIndex). */
export const IGNORE_INDEX = -100;

function rate(v: number, name: string): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new RangeError(`maskTokens: expected ${name} in [0, 1] but received ${v}`);
  return v;
}

/** A bool [B, T] that is true where ids is one of `specialIds`. */
export function specialTokensMask(ids: Tensor, specialIds: readonly number[]): Tensor {
  return torch.scope(() => specialIds.reduce((m, id) => m.logicalOr(ids.eq(id)), torch.zerosLike(ids, { dtype: 'bool' })));
}

/**
 * MLM masking of token ids [B, T] (int64): selects each non-special token with
 * probability maskProb; a selected token becomes [MASK] with probability maskRate,
 * a uniformly random non-special token with probability randomRate, and stays
 * itself otherwise. Returns { inputIds, labels } (labels −100 where unselected).
 */
export function maskTokens(inputIds: Tensor, vocab: MaskVocab, o: MaskingOptions = {}): Masked {
  const maskProb = rate(o.maskProb ?? 0.15, 'maskProb');
  const maskRate = rate(o.maskRate ?? 0.85, 'maskRate');
  const randomRate = rate(o.randomRate ?? 0, 'randomRate');
  if (maskRate + randomRate > 1 + 1e-12)
    throw new RangeError(`maskTokens: expected maskRate + randomRate <= 1 but received ${maskRate} + ${randomRate}`);
  if (!(inputIds instanceof torch.Tensor) || inputIds.dtype !== 'int64')
    throw new TypeError(
      `maskTokens: expected inputIds as an int64 Tensor [B, T] but received ${inputIds instanceof torch.Tensor ? `dtype ${inputIds.dtype}` : typeof inputIds}`,
    );
  const { generator } = o;
  return torch.scope(() => {
    const opts = { dtype: 'float32' as const, device: inputIds.device, generator };
    const special = specialTokensMask(inputIds, vocab.specialIds);
    const selected = torch.rand(inputIds.shape, opts).lt(maskProb).logicalAnd(special.logicalNot());
    const r = torch.rand(inputIds.shape, opts);
    const toMask = selected.logicalAnd(r.lt(maskRate));
    let ids = torch.where(toMask, vocab.maskId, inputIds);
    if (randomRate > 0) {
      const isSpecial = new Set(vocab.specialIds);
      const pool = Array.from({ length: vocab.vocabSize }, (_, i) => i).filter((i) => !isSpecial.has(i));
      if (!pool.length) throw new RangeError('maskTokens: randomRate > 0 needs a non-special token in the vocabulary');
      const candidates = torch.tensor(BigInt64Array.from(pool, BigInt)).to({ device: inputIds.device });
      const draw = torch.randint(0, pool.length, inputIds.shape, { device: inputIds.device, generator });
      const random = candidates.indexSelect(0, draw.flatten()).reshape(inputIds.shape);
      const toRandom = selected.logicalAnd(r.ge(maskRate)).logicalAnd(r.lt(maskRate + randomRate));
      ids = torch.where(toRandom, random, ids);
    }
    return { inputIds: ids, labels: torch.where(selected, inputIds, IGNORE_INDEX) };
  });
}
