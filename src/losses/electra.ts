/**
 * ELECTRA's loss terms (Clark et al., 2020, §2, eq. 1):
 *
 *   L = L_MLM(x, θ_G) + λ · L_Disc(x, θ_D),   λ = 50
 *
 * L_MLM is the generator's cross-entropy at the masked positions; L_Disc the
 * discriminator's binary cross-entropy, over every token, of "replaced" against
 * "original". A generated token that happens to equal the original counts as
 * original. Sampling from the generator is not differentiated (§2: "we do not
 * back-propagate the discriminator loss through the generator").
 *
 * The sampling is split so the rest is deterministic: `gumbelArgmax` draws from
 * softmax(logits) given uniform noise u (the Gumbel-max trick: argmax of
 * logits − log(−log u) is a sample of the categorical distribution).
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';

type Tensor = torch.Tensor;

function expect(op: string, ok: boolean, what: string): void {
  if (!ok) throw new RangeError(`${op}: expected ${what}`);
}

/**
 * Samples of softmax(logits) by the Gumbel-max trick: argmax over the last
 * dimension of logits − log(−log u). logits, uniform [M, V] (u in (0, 1)) →
 * int64 [M]. No gradient flows (the result is an index).
 */
export function gumbelArgmax(logits: Tensor, uniform: Tensor): Tensor {
  expect(
    'gumbelArgmax',
    logits.dim() === 2 && uniform.shape.join() === logits.shape.join(),
    `logits [M, V] and uniform noise of the same shape but received [${logits.shape}] and [${uniform.shape}]`,
  );
  return torch.noGrad(() =>
    torch.scope(() => {
      const u = uniform.clamp(1e-10, 1 - 1e-7); // keep log(−log u) finite
      return torch.argmax(logits.detach().sub(u.log().neg().log()), 1);
    }),
  );
}

/**
 * The discriminator's input and targets: inputIds [B, T] with the flattened
 * positions [M] set to `sampled` [M]; `replaced` [B, T] float is 1 where the
 * token now differs from the original (a sample equal to the original is "original").
 */
export function replaceTokens(inputIds: Tensor, positions: Tensor, sampled: Tensor): { ids: Tensor; replaced: Tensor } {
  expect(
    'replaceTokens',
    inputIds.dim() === 2 && positions.dim() === 1 && sampled.shape.join() === positions.shape.join(),
    `inputIds [B, T] and positions, sampled of one shape [M] but received [${inputIds.shape}], [${positions.shape}], [${sampled.shape}]`,
  );
  return torch.scope(() => {
    const flat = inputIds.flatten().clone();
    torch.indexPut_(flat, [positions], sampled);
    const ids = flat.reshape(inputIds.shape);
    return { ids, replaced: ids.ne(inputIds).to({ dtype: 'float32' }) };
  });
}

/**
 * L_Disc: the mean binary cross-entropy with logits of `replaced` over the
 * tokens where `weights` is 1 (the attention mask: every real token; or only the
 * masked positions for the ELECTRA-15 % ablation, §3.5). logits, replaced,
 * weights [B, T] → a scalar.
 */
export function replacedTokenDetectionLoss(logits: Tensor, replaced: Tensor, weights: Tensor): Tensor {
  expect(
    'replacedTokenDetectionLoss',
    logits.dim() === 2 && replaced.shape.join() === logits.shape.join() && weights.shape.join() === logits.shape.join(),
    `logits, replaced and weights of one shape [B, T] but received [${logits.shape}], [${replaced.shape}], [${weights.shape}]`,
  );
  return torch.scope(() => {
    const w = weights.to({ dtype: logits.dtype });
    const perToken = F.binaryCrossEntropyWithLogits(logits, replaced.to({ dtype: logits.dtype }), { reduction: 'none' }); // [B, T]
    return perToken.mul(w).sum().div(w.sum().clamp(1, Infinity));
  });
}

/** The total of eq. 1: L_MLM + λ · L_Disc. */
export function electraLoss(mlm: Tensor, disc: Tensor, lambda = 50): Tensor {
  expect('electraLoss', mlm.dim() === 0 && disc.dim() === 0, `scalar losses but received [${mlm.shape}] and [${disc.shape}]`);
  return torch.scope(() => mlm.add(disc.mul(lambda)));
}
