/**
 * `selfsup pretrain --method spice` (and every audio method): self-supervised
 * training on the tracks of an audio set (`selfsup datasets`: pitched,
 * singing, piano-notes, speech, wav-folder; default: the method's
 * `defaultData`, else pitched) into a run folder — config.json,
 * metrics, checkpoints, model.safetensors (the method's whole state, with its
 * calibration), encoder.safetensors, and finish.json (what the method's
 * `finish` recorded, e.g. SPICE's calibration).
 *
 * The method turns the tracks into items (its front end); the items of all
 * tracks are shuffled together each epoch (SPICE: "frames shuffled across
 * tracks"). Everything is checked before the run folder is created.
 */
import * as torch from '../torch/index.js';
import { int, num, parseConfig, section, z, type Config } from '../config/schema.js';
import { dataSection } from '../data/registry.js';
import { loadAudioSet } from '../data/registry.js';
import type { StepInfo } from '../methods/method.js';
import type { AudioBatch, AudioMethod } from '../methods/audio-method.js';
import { fit, type FitResult } from '../train/fit.js';
import { RunDir } from '../train/run-dir.js';
import { writeFileAtomic } from '../io/atomic.js';
import { applyThreads, commonFields, modalityMethod, peekIn, shuffledBatches, type Peek } from './common.js';
import { buildOwnNetworkMethod, constantAdam, constantAdamSection, savedRun } from './own-networks.js';

/** The schema of an audio pretraining config; the method's and the set's own options depend on their names. */
export function pretrainAudioSchema(peek: Peek) {
  const { method, optim, defaultData = 'pitched' } = modalityMethod(peek, 'audio', 'spice');
  return z.strictObject({
    ...commonFields,
    method,
    data: dataSection('audio set (`selfsup datasets`)', {
      modality: 'audio',
      selected: peek('data', defaultData),
      dflt: defaultData,
      split: 'train',
    }),
    optim: constantAdamSection(optim, 'items'),
    train: section(
      {
        steps: int('optimizer steps', 3000, { min: 1 }),
        batchSize: int('items per batch (SPICE: 64 frames)', 64, { min: 2, max: 65536 }),
        checkpointSeconds: num('seconds between checkpoints', 120, { min: 1 }),
        logEvery: int('steps between metric lines', 25, { min: 1 }),
      },
      'training loop',
    ),
  });
}
export type PretrainAudioConfig = Config<ReturnType<typeof pretrainAudioSchema>>;

/** The method of a config, built. */
const buildAudioMethod = (config: PretrainAudioConfig, totalSteps: number, stepsPerEpoch: number): AudioMethod =>
  buildOwnNetworkMethod(config, 'audio', {
    channels: 0,
    totalSteps,
    stepsPerEpoch,
    openAudioRun: (dir, o) => audioMethodOfRun(dir, o),
  }) as unknown as AudioMethod;

/** Runs (or, with `resume`, continues) an audio pretraining run in `out`. */
export async function pretrainAudio(
  raw: Record<string, unknown>,
  out: string,
  o: { resume?: boolean; stopAfter?: number } = {},
): Promise<FitResult> {
  const config: PretrainAudioConfig = parseConfig(pretrainAudioSchema(peekIn(raw)), raw, 'config');
  applyThreads(config.threads);
  const { batchSize, steps: totalSteps } = config.train;
  torch.manualSeed(config.seed);
  let model = buildAudioMethod(config, totalSteps, 1); // checks the method's options before any data is read
  const set = await loadAudioSet(config.data);
  const { items, targets, summary } = model.prepare(set.tracks);
  const n = items.shape[0];
  if (n < batchSize) throw new RangeError(`data: ${set.name} gives ${n} items, fewer than train.batchSize ${batchSize}`);
  const stepsPerEpoch = Math.floor(n / batchSize);
  torch.manualSeed(config.seed);
  model = buildAudioMethod(config, totalSteps, stepsPerEpoch);
  const run = new RunDir(out, { resume: o.resume });
  const optimizer = constantAdam(model.paramGroups(), config.optim, batchSize);
  const resolved = { ...config, name: config.name ?? run.name, command: 'pretrain', modality: 'audio' };
  if (!o.resume) {
    run.writeConfig(resolved);
    run.log({ event: 'data', stage: 'pretrain', set: set.name, ...summary });
  }
  console.error(
    `pretrain: ${config.method.name} on ${set.name} (${Object.entries(summary)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}), ${(model.numParameters() / 1e6).toFixed(2)} M parameters, ${totalSteps} steps of ${batchSize}`,
  );
  const info = (step: number): StepInfo => ({ step, totalSteps, stepsPerEpoch, epoch: step / stepsPerEpoch });
  const generator = new torch.Generator(config.seed + 1);
  const result = await fit({
    run,
    stage: 'pretrain',
    model,
    optimizer,
    config: resolved,
    resume: o.resume,
    stopAfter: o.stopAfter,
    schedule: () => 1,
    epochs: Math.ceil(totalSteps / stepsPerEpoch),
    stepsPerEpoch,
    totalSteps,
    batches: (epoch) => shuffledBatches(n, batchSize, config.seed + 7919 * epoch),
    step: (rows, step) => {
      const index = torch.tensor(Float64Array.from(rows), { dtype: 'int64' });
      const batch: AudioBatch = { items: items.indexSelect(0, index), targets: targets?.indexSelect(0, index) };
      const r = model.trainingStep(model.views(batch, generator), info(step));
      r.loss.backward();
      return { loss: r.loss.item(), items: rows.length, extra: r.logs };
    },
    afterStep: (step) => model.afterStep(info(step)),
    generators: { views: generator },
    checkpointSeconds: config.train.checkpointSeconds,
    logEvery: config.train.logEvery,
    progress: { unit: 'item' },
  });
  if (!result.interrupted) {
    const finished = model.finish({ items, targets, summary });
    run.log({ event: 'finish', stage: 'pretrain', ...flat(finished) });
    writeFileAtomic(run.path('finish.json'), JSON.stringify(finished, null, 2), 'pretrain');
    run.saveWeights('model', model);
    run.saveWeights('encoder', model.encoder);
  }
  return result;
}

/** Nested numbers as one flat record ({ calibration: { b } } → { 'calibration.b' }) for the metrics log. */
function flat(o: Record<string, unknown>, prefix = ''): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(o))
    if (typeof v === 'number') out[prefix + k] = v;
    else if (v && typeof v === 'object') Object.assign(out, flat(v as Record<string, unknown>, `${prefix}${k}.`));
  return out;
}

/**
 * The trained method of audio run `dir`, rebuilt from config.json and loaded
 * from model.safetensors, in eval mode; with `weights: false`, the same
 * network freshly initialised from `seed` instead (a random-weights baseline).
 */
export function audioMethodOfRun(dir: string, o: { weights?: boolean; seed?: number } = {}): AudioMethod {
  const { weights: load = true, seed = 0 } = o;
  const { config: rest, configPath, weights } = savedRun(dir, 'audio', 'an audio pretraining run', { weights: load });
  const config: PretrainAudioConfig = parseConfig(pretrainAudioSchema(peekIn(rest)), rest, configPath);
  if (!load) torch.manualSeed(seed);
  const model = buildAudioMethod(config, 1, 1);
  if (load) torch.scope(() => model.loadStateDict(torch.safetensors.loadFile(weights), true, weights));
  return model.eval() as AudioMethod;
}
