/**
 * selfsup side of bench/electra: ELECTRA pretraining steps as the text pipeline
 * (src/pipeline/pretrain-text.ts) runs them — rows of a packed sequence table →
 * the method's views (15 % masking, Gumbel noise) → trainingStep (generator,
 * sampling, discriminator, loss and its logs) → backward → AdamW — timed like
 * reference.py. The sequences are [CLS] + uniformly random ordinary tokens +
 * [SEP] (packed: no padding), drawn on each side from its own seeded generator.
 */
import { torch } from '../../src/index.js';
import { ELECTRA_OPTIONS, Electra } from '../../src/methods/electra.js';
import type { TextModelSize } from '../../src/methods/method.js';
import { generatorConfig } from '../../src/models/electra.js';
import { AdamW } from '../../src/optim/index.js';
import { SPECIAL_TOKENS } from '../../src/text/tokenizer.js';

/** A benchmarked model and batch. */
export interface Workload {
  name: string;
  size: TextModelSize;
  batch: number;
}

const size = (vocabSize: number, hiddenSize: number, numHeads: number, intermediateSize: number, length: number): TextModelSize => ({
  vocabSize,
  hiddenSize,
  embeddingSize: 128,
  numLayers: 4,
  numHeads,
  intermediateSize,
  maxPositions: length,
  dropout: 0.1,
});

export const WORKLOADS: Workload[] = [
  { name: 'small: H 128, E 128, 4 layers, 2 heads, FFN 512', size: size(8000, 128, 2, 512, 128), batch: 32 },
  { name: 'ELECTRA-Small width: H 256, E 128, 4 layers, 4 heads, FFN 1024', size: size(8000, 256, 4, 1024, 128), batch: 32 },
];

/** The recipe shared with reference.py (ELECTRA §3.3, appendix A). */
export const LR = 5e-4;
export const WEIGHT_DECAY = 0.01;
export const GENERATOR_FRACTION = 0.25;
const [PAD, CLS, SEP, MASK] = ['[PAD]', '[CLS]', '[SEP]', '[MASK]'].map((t) =>
  SPECIAL_TOKENS.indexOf(t as (typeof SPECIAL_TOKENS)[number]),
);

/**
 * The arguments of reference.py after the workload name and thread count: vocab,
 * length, batch, E, then H, heads, FFN of the discriminator and of the generator
 * (generatorConfig's rounding, so both sides build the same sizes), the special
 * ids [PAD], [CLS], [SEP], [MASK] (the ids below [MASK] are special too).
 */
export function referenceArgs(w: Workload): number[] {
  const s = w.size;
  const g = generatorConfig(s, GENERATOR_FRACTION);
  return [
    s.vocabSize,
    s.maxPositions,
    w.batch,
    s.embeddingSize,
    s.numLayers,
    s.hiddenSize,
    s.numHeads,
    s.intermediateSize,
    g.hiddenSize,
    g.numHeads,
    g.intermediateSize,
    PAD,
    CLS,
    SEP,
    MASK,
  ];
}

/** What one side reports: seconds per step over the timed steps and the last step's loss. */
export interface StepTiming {
  seconds: number;
  loss: number;
}

/** [rows, T] int64: [CLS], random ordinary tokens, [SEP]. */
function packedSequences(rows: number, length: number, vocabSize: number, generator: torch.Generator): torch.Tensor {
  return torch.scope(() => {
    const firstOrdinary = SPECIAL_TOKENS.length;
    const ids = torch.randint(firstOrdinary, vocabSize, [rows, length], { generator });
    ids.select(1, 0).fill_(CLS);
    ids.select(1, length - 1).fill_(SEP);
    return ids;
  });
}

/** Runs `warmup + steps` ELECTRA steps (AdamW) on fresh batches; times the last `steps`. */
export function electraSteps(w: Workload, warmup: number, steps: number): StepTiming {
  return torch.scope(() => {
    torch.manualSeed(0);
    const options = ELECTRA_OPTIONS.parse({ generatorSize: GENERATOR_FRACTION });
    const model = new Electra(w.size, options, { maskId: MASK, specialIds: SPECIAL_TOKENS.map((_, i) => i) });
    model.train();
    const optimizer = new AdamW(
      model.paramGroups().map((g) => ({ params: g.params })),
      { lr: LR, weightDecay: WEIGHT_DECAY },
    );
    const generator = new torch.Generator(1);
    const T = w.size.maxPositions;
    const sequences = packedSequences(w.batch * (warmup + steps), T, w.size.vocabSize, generator); // [rows, T]
    let start = 0;
    let loss = NaN;
    for (let i = 0; i < warmup + steps; i++) {
      if (i === warmup) start = performance.now();
      optimizer.zeroGrad();
      loss = torch.scope(() => {
        const rows = torch.arange(i * w.batch, (i + 1) * w.batch, { dtype: 'int64' });
        const ids = torch.indexSelect(sequences, 0, rows); // [B, T]
        const batch = { inputIds: ids, attentionMask: ids.ne(PAD).to({ dtype: 'int64' }) };
        const r = model.trainingStep(model.views(batch, generator), { step: i, totalSteps: warmup + steps, stepsPerEpoch: 1, epoch: i });
        r.loss.backward();
        return r.loss.item();
      });
      optimizer.step();
    }
    return { seconds: (performance.now() - start) / 1000 / steps, loss };
  });
}
