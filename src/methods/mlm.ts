/**
 * The masked-language-model baseline of ELECTRA's comparison (Devlin et al.,
 * 2019, "BERT", §3.1; Clark et al., 2020, §3.3): the encoder at the
 * discriminator's size with BERT's MLM head (tied output embeddings), trained to
 * recover 15 % selected tokens, of which 80 % became [MASK], 10 % a random
 * token and 10 % stayed. The loss is only at the selected positions — the
 * sample inefficiency ELECTRA's all-token loss removes.
 */
import * as torch from '../torch/index.js';
import { num, z, type Config } from '../config/schema.js';
import { MaskedLm } from '../models/electra.js';
import { encoderFlops, mlmHeadFlops, trainingFlops } from '../models/flops.js';
import type { Bert } from '../models/bert.js';
import type { MethodSpec, StepInfo, TextBatch, TextModelSize, TrainingStep } from './method.js';
import { TextMethod, maskedLmLoss, textContext, type HuggingFaceExport, type TextVocab } from './text-method.js';

type Tensor = torch.Tensor;

export const MLM_OPTIONS = z.strictObject({
  maskProb: num('fraction of the tokens selected (BERT: 0.15)', 0.15, { min: 0.01, max: 0.9 }),
  maskRate: num('of the selected tokens, the fraction replaced by [MASK] (BERT: 0.8)', 0.8, { min: 0, max: 1 }),
  randomRate: num('of the selected tokens, the fraction replaced by a random token (BERT: 0.1)', 0.1, { min: 0, max: 1 }),
});
export type MlmOptions = Config<typeof MLM_OPTIONS>;

/** A masked language model whose encoder is kept. */
export class Mlm extends TextMethod {
  readonly model: MaskedLm;

  constructor(
    size: TextModelSize,
    readonly options: MlmOptions,
    vocab: TextVocab,
  ) {
    super(size, vocab);
    this.model = this.registerModule('model', new MaskedLm(size));
  }

  get encoder(): Bert {
    return this.model.electra;
  }

  /** [masked ids, attention mask, masked positions [M], their original ids [M]]. */
  views(batch: TextBatch, generator: torch.Generator): Tensor[] {
    return torch.scope(() => {
      const { masked, positions } = this.mask(batch.inputIds, this.options, generator);
      return [masked, batch.attentionMask, positions, torch.indexSelect(batch.inputIds.flatten(), 0, positions)];
    });
  }

  trainingStep(views: Tensor[], _info: StepInfo): TrainingStep {
    const [masked, attention, positions, targets] = views;
    const logits = this.model.logitsAt(masked, attention, positions); // [M, V]
    const { loss, accuracy } = maskedLmLoss(logits, targets);
    return { loss, logs: { mlmAcc: accuracy } };
  }

  huggingFace(): HuggingFaceExport {
    return { architecture: 'ElectraForMaskedLM', module: this.model, config: this.model.electra.config };
  }

  flopsPerStep(batchSize: number, length: number): number {
    const c = this.model.electra.config;
    return trainingFlops(encoderFlops(c, batchSize, length) + mlmHeadFlops(c, this.options.maskProb * batchSize * length));
  }
}

export const mlm: MethodSpec<typeof MLM_OPTIONS, TextBatch, Bert> = {
  name: 'mlm',
  paper: 'Devlin et al. 2019, BERT: Pre-training of Deep Bidirectional Transformers (§3.1), as the baseline of Clark et al. 2020 (§3.3)',
  modality: 'text',
  summary: 'masked language modelling (BERT-style), the baseline ELECTRA is compared with at equal compute',
  options: MLM_OPTIONS,
  optim: { name: 'adamw', lr: 1e-3, weightDecay: 0.01 },
  build: (o, ctx) => {
    const t = textContext(ctx, 'mlm');
    return new Mlm(t.size, o, t);
  },
};
