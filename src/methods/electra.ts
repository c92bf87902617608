/**
 * ELECTRA (Clark et al., 2020, "ELECTRA: Pre-training Text Encoders as
 * Discriminators Rather Than Generators", §2–3): a small masked-LM generator
 * fills 15 % masked positions with samples from its own distribution; the
 * discriminator, the encoder that is kept, learns for every token whether it
 * was replaced. Loss L_MLM + λ·L_Disc with λ = 50 (`electraLoss`); the sample is
 * drawn without gradient (§2), a sample equal to the original counts as
 * original. The generator is a fraction of the discriminator's width (¼ by
 * default; §3.2 finds ¼–½ best) and shares its token and position embeddings
 * (§3.1: "tying the token embeddings" helps; the generator learns them from
 * its softmax over the vocabulary, which the discriminator alone would update
 * only at the tokens it sees).
 *
 * Ablations (§3.5, Table 5): `allTokens: false` is ELECTRA-15 % (the
 * discriminator's loss only at the masked positions), `shareEmbeddings: false`
 * gives each network its own embeddings, `generatorSize` sweeps the generator.
 * Optimizer (§3.3, appendix A): AdamW, lr 5e-4 at batch 128 (1e-3 per 256),
 * weight decay 0.01, linear warm-up then linear decay.
 */
import * as torch from '../torch/index.js';
import { bool, num, z, type Config } from '../config/schema.js';
import { Discriminator, MaskedLm, generatorConfig } from '../models/electra.js';
import { discriminatorHeadFlops, encoderFlops, mlmHeadFlops, trainingFlops } from '../models/flops.js';
import { electraLoss, gumbelArgmax, replaceTokens, replacedTokenDetectionLoss } from '../losses/electra.js';
import type { Bert } from '../models/bert.js';
import type { MethodSpec, StepInfo, TextBatch, TextModelSize, TrainingStep } from './method.js';
import { TextMethod, maskedLmLoss, textContext, type HuggingFaceExport, type TextVocab } from './text-method.js';

type Tensor = torch.Tensor;

export const ELECTRA_OPTIONS = z.strictObject({
  generatorSize: num("the generator's hidden size as a fraction of the discriminator's (paper: ¼–½ best)", 0.25, {
    min: 0.0625,
    max: 1,
  }),
  discWeight: num('λ, the weight of the discriminator loss (paper: 50)', 50, { min: 0 }),
  maskProb: num('fraction of the tokens masked for the generator (paper: 0.15)', 0.15, { min: 0.01, max: 0.9 }),
  shareEmbeddings: bool('generator and discriminator share the token and position embeddings (paper: yes)', true),
  allTokens: bool("the discriminator's loss over all tokens; false = ELECTRA-15 % (only the masked positions)", true),
});
export type ElectraOptions = Config<typeof ELECTRA_OPTIONS>;

/** Generator + discriminator; the discriminator's encoder is the method's encoder. */
export class Electra extends TextMethod {
  readonly generator: MaskedLm;
  readonly discriminator: Discriminator;

  constructor(
    size: TextModelSize,
    readonly options: ElectraOptions,
    vocab: TextVocab,
  ) {
    super(size, vocab);
    this.discriminator = this.registerModule('discriminator', new Discriminator(size));
    const embeddings = options.shareEmbeddings ? this.discriminator.electra.embeddings : undefined;
    this.generator = this.registerModule('generator', new MaskedLm(generatorConfig(size, options.generatorSize), { embeddings }));
  }

  get encoder(): Bert {
    return this.discriminator.electra;
  }

  /** [ids, masked ids, attention mask, masked positions [M], uniform noise [M, V] for the generator's samples]. */
  views(batch: TextBatch, generator: torch.Generator): Tensor[] {
    return torch.scope(() => {
      const { masked, positions } = this.mask(batch.inputIds, { maskProb: this.options.maskProb }, generator);
      const uniform = torch.rand([positions.shape[0], this.size.vocabSize], { generator });
      return [batch.inputIds, masked, batch.attentionMask, positions, uniform];
    });
  }

  trainingStep(views: Tensor[], _info: StepInfo): TrainingStep {
    const [ids, masked, attention, positions, uniform] = views;
    const targets = torch.indexSelect(ids.flatten(), 0, positions); // [M]
    const genLogits = this.generator.logitsAt(masked, attention, positions); // [M, V]
    const { loss: mlm, accuracy: genAcc } = maskedLmLoss(genLogits, targets);
    const sampled = gumbelArgmax(genLogits, uniform); // [M], no gradient
    const { ids: corrupted, replaced } = replaceTokens(ids, positions, sampled);
    const weights = this.options.allTokens ? attention : positionMask(ids, positions);
    const logits = this.discriminator.logits(corrupted, attention); // [B, T]
    const disc = replacedTokenDetectionLoss(logits, replaced, weights);
    const loss = electraLoss(mlm, disc, this.options.discWeight);
    const logs = torch.noGrad(() =>
      torch.scope(() => {
        const w = weights.to({ dtype: 'float32' });
        const right = logits.gt(0).to({ dtype: 'float32' }).eq(replaced).to({ dtype: 'float32' });
        return {
          mlm: mlm.item(),
          disc: disc.item(),
          discAcc: right.mul(w).sum().item() / Math.max(1, w.sum().item()),
          genAcc,
          replaced: replaced.mul(w).sum().item() / Math.max(1, w.sum().item()),
        };
      }),
    );
    return { loss, logs };
  }

  huggingFace(): HuggingFaceExport {
    return { architecture: 'ElectraForPreTraining', module: this.discriminator, config: this.discriminator.electra.config };
  }

  flopsPerStep(batchSize: number, length: number): number {
    const M = this.options.maskProb * batchSize * length;
    const g = this.generator.electra.config;
    const d = this.discriminator.electra.config;
    return trainingFlops(
      encoderFlops(g, batchSize, length) +
        mlmHeadFlops(g, M) +
        encoderFlops(d, batchSize, length) +
        discriminatorHeadFlops(d, batchSize, length),
    );
  }
}

/** A [B, T] int64 mask that is 1 at the flattened `positions`. */
function positionMask(ids: Tensor, positions: Tensor): Tensor {
  return torch.scope(() => {
    const flat = torch.zeros([ids.numel()], { dtype: 'int64' });
    torch.indexPut_(flat, [positions], 1);
    return flat.reshape(ids.shape);
  });
}

export const electra: MethodSpec<typeof ELECTRA_OPTIONS, TextBatch, Bert> = {
  name: 'electra',
  paper: 'Clark et al. 2020, ELECTRA: Pre-training Text Encoders as Discriminators Rather Than Generators (§2–3)',
  modality: 'text',
  summary: 'replaced-token detection: a small MLM generator corrupts, the discriminator spots replaced tokens',
  options: ELECTRA_OPTIONS,
  optim: { name: 'adamw', lr: 1e-3, weightDecay: 0.01 },
  build: (o, ctx) => {
    const t = textContext(ctx, 'electra');
    return new Electra(t.size, o, t);
  },
};
