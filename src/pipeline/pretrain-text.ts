/**
 * `selfsup pretrain --method electra|mlm`: self-supervised pretraining of a
 * text encoder on unlabelled text by a text method, into a run folder:
 * config.json, metrics, checkpoints, tokenizer.json (ours) and
 * tokenizer.hf.json (Hugging Face's format), model.safetensors (the method's
 * whole state), encoder.safetensors (the encoder alone) and
 * discriminator.hf.safetensors (Hugging Face's ELECTRA key names), plus
 * snapshots of the encoder along the run for the compute curve
 * (snapshots/step-N.safetensors, each logged with its pretraining FLOPs).
 *
 * The text is streamed from the sources (packaged corpora or folders of .txt
 * files), tokenised by a BPE vocabulary trained on them (cached, saved with the
 * model) and packed into sequences of `maxLength` tokens ([CLS] … [SEP]). A run
 * can be given a compute budget in FLOPs (`train.flops`): the steps are the
 * budget over the method's FLOPs per step, so runs of different methods and
 * sizes compare at equal compute, as in ELECTRA's tables.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import * as torch from '../torch/index.js';
import { bool, int, num, parseConfig, section, str, strs, z, type Config } from '../config/schema.js';
import { getMethod } from '../methods/registry.js';
import type { MethodSpec, StepInfo, TextBatch, TextModelSize } from '../methods/method.js';
import type { HuggingFaceExport, TextMethod } from '../methods/text-method.js';
import { warmupLinear } from '../optim/schedules.js';
import { fit, type FitResult } from '../train/fit.js';
import { collapseDiagnostics } from '../eval/collapse.js';
import { attentionMaskOf } from '../models/bert.js';
import { RunDir } from '../train/run-dir.js';
import type { Tokenizer } from '../text/tokenizer.js';
import { toHuggingFaceElectra, huggingFaceElectraConfig } from '../models/electra-hf.js';
import { writeFileAtomic } from '../io/atomic.js';
import { packedCorpus, DEFAULT_SOURCES } from './text-corpus.js';
import { applyThreads, commonFields, modalityMethod, makeOptimizer, methodOptions, peekIn, shuffledBatches, type Peek } from './common.js';

/** The encoder's size (`--model.*`); defaults are ELECTRA-Small's (§3.3) except the depth. */
export const textModelSection = section(
  {
    hiddenSize: int('hidden size H (ELECTRA-Small: 256)', 256, { min: 8, max: 4096 }),
    embeddingSize: int('embedding size E (ELECTRA-Small: 128; a projection maps E → H)', 128, { min: 8, max: 4096 }),
    layers: int('Transformer layers (ELECTRA-Small: 12)', 12, { min: 1, max: 48 }),
    heads: int('attention heads (H must be a multiple)', 4, { min: 1, max: 64 }),
    intermediateSize: int('feed-forward width (ELECTRA-Small: 1024)', 1024, { min: 8, max: 16384 }),
    dropout: num('dropout (embeddings, attention, residual branches)', 0.1, { min: 0, max: 0.9 }),
  },
  'text encoder (a BERT-style Transformer)',
);
export type TextModelConfig = Config<typeof textModelSection>;

/** The text section of a pretraining run: sources, tokenizer, sequence length. */
export const textDataSection = section(
  {
    sources: strs(`corpora (${DEFAULT_SOURCES.join(', ')}) or folders of .txt files (default: the four corpora)`),
    maxLength: int('tokens per sequence, [CLS] and [SEP] included (ELECTRA-Small: 128)', 128, { min: 8, max: 4096 }),
    vocabSize: int('BPE vocabulary size, special tokens included', 8000, { min: 64, max: 200000 }),
    lowercase: bool('lower-case the text before tokenising', false),
    tokenizer: str('use this tokenizer.json (selfsup format) instead of training one on the sources'),
    maxTokens: int('keep at most this many tokens of the sources', undefined, { min: 1 }),
  },
  'unlabelled text',
);

/** The schema of a text pretraining config. */
export function pretrainTextSchema(peek: Peek) {
  const { method, optim } = modalityMethod(peek, 'text', 'electra');
  return z.strictObject({
    ...commonFields,
    method,
    data: textDataSection,
    model: textModelSection,
    optim: section(
      {
        lr: num('learning rate per 256 sequences (scaled linearly with the batch size; ELECTRA-Small: 5e-4 at 128)', optim.lr, {
          min: 0,
          max: 1,
        }),
        weightDecay: num('weight decay (ELECTRA: 0.01)', optim.weightDecay, { min: 0, max: 10 }),
        warmup: num('fraction of the steps of linear warm-up, then linear decay to 0 (ELECTRA: 10k of 1M steps)', 0.05, {
          min: 0,
          max: 1,
        }),
      },
      'AdamW with linear warm-up and decay',
    ),
    train: section(
      {
        steps: int('optimizer steps (0: from flops)', 0, { min: 0 }),
        flops: num('pretraining budget in FLOPs when steps is 0: steps = flops / (FLOPs per step)', 0, { min: 0 }),
        batchSize: int('sequences per batch (ELECTRA-Small: 128)', 128, { min: 1, max: 65536 }),
        snapshots: int('encoder snapshots at equal intervals along the run (compute curve; the last is the end)', 4, { min: 1 }),
        checkpointSeconds: num('seconds between checkpoints', 120, { min: 1 }),
        logEvery: int('steps between metric lines', 10, { min: 1 }),
      },
      'training loop',
    ),
  });
}
export type PretrainTextConfig = Config<ReturnType<typeof pretrainTextSchema>>;

/** The method's encoder size from the model section and the tokenizer. */
export function textModelSize(m: TextModelConfig, vocabSize: number, maxPositions: number): TextModelSize {
  if (m.hiddenSize % m.heads) throw new RangeError(`model.hiddenSize (${m.hiddenSize}) must be a multiple of model.heads (${m.heads})`);
  return {
    vocabSize,
    hiddenSize: m.hiddenSize,
    embeddingSize: m.embeddingSize,
    numLayers: m.layers,
    numHeads: m.heads,
    intermediateSize: m.intermediateSize,
    maxPositions,
    dropout: m.dropout,
  };
}

/** Runs (or, with `resume`, continues) a text pretraining run in `out`. */
export async function pretrainText(
  raw: Record<string, unknown>,
  out: string,
  o: { resume?: boolean; stopAfter?: number } = {},
): Promise<FitResult> {
  const config: PretrainTextConfig = parseConfig(pretrainTextSchema(peekIn(raw)), raw, 'config');
  applyThreads(config.threads);
  const run = new RunDir(out, { resume: o.resume });
  const spec = getMethod(config.method.name, 'text') as unknown as MethodSpec<z.ZodObject, TextBatch>;
  const d = config.data;
  const corpus = await packedCorpus({
    sources: d.sources ?? DEFAULT_SOURCES,
    maxLength: d.maxLength,
    vocabSize: d.vocabSize,
    lowercase: d.lowercase,
    tokenizer: d.tokenizer,
    maxTokens: d.maxTokens,
    log: (m) => console.error(`pretrain: ${m}`),
  });
  const { tokenizer, sequences } = corpus;
  const [numSeqs, T] = sequences.shape;
  const { batchSize } = config.train;
  if (numSeqs < batchSize)
    throw new RangeError(`data: the sources give ${numSeqs} sequences of ${T} tokens, fewer than train.batchSize ${batchSize}`);
  const stepsPerEpoch = Math.floor(numSeqs / batchSize);
  torch.manualSeed(config.seed);
  const size = textModelSize(config.model, tokenizer.vocabSize, T);
  const build = (totalSteps: number): TextMethod =>
    spec.build(spec.options.parse(methodOptions(config)), {
      encoder: () => {
        throw new Error(`${spec.name}: text methods build their own encoders`);
      },
      input: { channels: 0, size: 0 },
      text: { size, maskId: tokenizer.maskId, specialIds: tokenizer.specialIds },
      batchSize,
      totalSteps,
      stepsPerEpoch,
    }) as unknown as TextMethod;
  let model = build(1);
  const flopsPerStep = model.flopsPerStep(batchSize, T);
  const totalSteps = config.train.steps > 0 ? config.train.steps : Math.max(1, Math.round(config.train.flops / flopsPerStep));
  if (config.train.steps === 0 && config.train.flops === 0)
    throw new RangeError('train: set train.steps or train.flops (the pretraining budget)');
  torch.manualSeed(config.seed);
  model = build(totalSteps); // the same weights, now knowing the run's length
  const optimizer = makeOptimizer(model.paramGroups(), { ...config.optim, name: 'adamw', momentum: 0.9, warmupEpochs: 0 }, batchSize);
  const resolved = { ...config, name: config.name ?? run.name, command: 'pretrain', modality: 'text', flopsPerStep, totalSteps };
  if (!o.resume) {
    run.writeConfig(resolved);
    tokenizer.save(run.path('tokenizer.json'));
    run.log({ event: 'budget', stage: 'pretrain', flopsPerStep, steps: totalSteps, flops: flopsPerStep * totalSteps, sequences: numSeqs });
  }
  console.error(
    `pretrain: ${spec.name}, ${(model.encoder.numParameters() / 1e6).toFixed(2)} M encoder parameters, ${(flopsPerStep / 1e9).toFixed(2)} GFLOPs per step, ${totalSteps} steps (${((flopsPerStep * totalSteps) / 1e12).toFixed(2)} TFLOPs)`,
  );
  const info = (step: number): StepInfo => ({ step, totalSteps, stepsPerEpoch, epoch: step / stepsPerEpoch });
  const generator = new torch.Generator(config.seed + 1);
  const schedule = warmupLinear({ baseLr: 1, warmupSteps: Math.round(config.optim.warmup * totalSteps), totalSteps });
  const snapshotEvery = Math.max(1, Math.round(totalSteps / config.train.snapshots));
  mkdirSync(run.path('snapshots'), { recursive: true });
  const probe = sequences.narrow(0, 0, Math.min(16, numSeqs)); // fixed sequences for the collapse check at each snapshot
  const result = await fit({
    run,
    stage: 'pretrain',
    model,
    optimizer,
    config: resolved,
    resume: o.resume,
    stopAfter: o.stopAfter,
    schedule: (step) => schedule(step),
    epochs: Math.ceil(totalSteps / stepsPerEpoch),
    stepsPerEpoch,
    totalSteps,
    batches: (epoch) => shuffledBatches(numSeqs, batchSize, config.seed + 7919 * epoch),
    step: (rows, step) => {
      const ids = torch.indexSelect(sequences, 0, torch.tensor(Float64Array.from(rows), { dtype: 'int64' }));
      const batch = { inputIds: ids, attentionMask: attentionMaskOf(ids) };
      const r = model.trainingStep(model.views(batch, generator), info(step));
      r.loss.backward();
      return { loss: r.loss.item(), items: rows.length, extra: r.logs };
    },
    afterStep: (step) => model.afterStep(info(step)),
    evaluate: (step) => {
      const file = join('snapshots', `step-${step}`);
      run.saveWeights(file, model.encoder, { step: String(step), flops: String(step * flopsPerStep) });
      return { flops: step * flopsPerStep, ...tokenCollapse(model, probe) };
    },
    evalEvery: snapshotEvery,
    evalEvent: 'snapshot',
    generators: { views: generator },
    checkpointSeconds: config.train.checkpointSeconds,
    logEvery: config.train.logEvery,
    progress: { unit: 'seq' },
  });
  if (!result.interrupted) {
    run.saveWeights('model', model);
    run.saveWeights('encoder', model.encoder);
    writeHuggingFaceFolder(run.path('hf'), model.huggingFace(), tokenizer);
  }
  return result;
}

/**
 * A folder Hugging Face's `from_pretrained` reads: config.json (ElectraConfig),
 * model.safetensors (the module under Hugging Face's ELECTRA key names),
 * tokenizer.json and tokenizer_config.json.
 */
function writeHuggingFaceFolder(dir: string, hf: HuggingFaceExport, tokenizer: Tokenizer): void {
  mkdirSync(dir, { recursive: true });
  torch.scope(() =>
    torch.safetensors.saveFile(join(dir, 'model.safetensors'), toHuggingFaceElectra(hf.module.stateDict()), { format: 'pt' }),
  );
  const config = { ...huggingFaceElectraConfig(hf.config), architectures: [hf.architecture] };
  writeFileAtomic(join(dir, 'config.json'), JSON.stringify(config, null, 2), 'pretrain');
  tokenizer.saveHuggingFace(join(dir, 'tokenizer.json'));
  writeFileAtomic(join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizer.toHuggingFaceConfig(), null, 2), 'pretrain');
}

/**
 * The collapse check of a snapshot: std (×√H) and effective rank of the
 * encoder's hidden states over the real tokens of fixed sequences. Tokens that
 * all map to one vector (a discriminator stuck at the class prior can get
 * there) fine-tune badly; healthy encoders keep std·√H near 1.
 */
function tokenCollapse(model: TextMethod, probe: torch.Tensor): Record<string, number> {
  return torch.noGrad(() =>
    torch.scope(() => {
      const wasTraining = model.training;
      model.eval();
      const mask = attentionMaskOf(probe);
      const h = model.encoder.forward(probe, { attentionMask: mask }); // [N, T, H]
      const tokens = torch.index(h.reshape([-1, h.shape[2]]), torch.nonzero(mask.flatten()).squeeze(1)); // [real tokens, H]
      const c = collapseDiagnostics(tokens);
      model.train(wasTraining);
      return { tokenStd: c.std * Math.sqrt(h.shape[2]), tokenRank: c.effectiveRank };
    }),
  );
}
