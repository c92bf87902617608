/**
 * `selfsup pretrain --method form2fit` (alias `selfsup form2fit train`): a
 * scene method trained on the time-reversed disassembly examples of a scene
 * set (`selfsup datasets`: kits) into a run folder — config.json, metrics,
 * checkpoints, model.safetensors and encoder.safetensors.
 *
 * Each step renders its examples afresh (depth noise seeded by the run's seed
 * and the step), so a run resumes bit-identically and no image is stored.
 * Everything is checked before the run folder is created.
 */
import * as torch from '../torch/index.js';
import { int, num, parseConfig, section, z, type Config } from '../config/schema.js';
import { dataSection, dataTag, loadSceneSet } from '../data/registry.js';
import { sceneBatch, type SceneBatch } from '../data/kit-scenes.js';
import type { MethodModel, StepInfo } from '../methods/method.js';
import type { Module } from '../nn/module.js';
import { fit, type FitResult } from '../train/fit.js';
import { RunDir } from '../train/run-dir.js';
import { applyThreads, commonFields, modalityMethod, peekIn, shuffledBatches, type Peek } from './common.js';
import { buildOwnNetworkMethod, constantAdam, constantAdamSection, savedRun } from './own-networks.js';

export type SceneMethod = MethodModel<SceneBatch, Module>;

/** The schema of a scene pretraining config; the method's and the set's own options depend on their names. */
export function pretrainSceneSchema(peek: Peek) {
  const { method, optim, defaultData = 'kits' } = modalityMethod(peek, 'scene', 'form2fit');
  return z.strictObject({
    ...commonFields,
    method,
    data: dataSection('scene set (`selfsup datasets`)', {
      modality: 'scene',
      selected: peek('data', defaultData),
      dflt: defaultData,
      split: 'train',
    }),
    optim: constantAdamSection(optim, 'examples'),
    train: section(
      {
        steps: int('optimizer steps', 1500, { min: 1 }),
        batchSize: int('assembly examples per batch', 8, { min: 1, max: 4096 }),
        matches: int('object↔cavity pixel correspondences handed to the method per example', 256, { min: 1, max: 100000 }),
        checkpointSeconds: num('seconds between checkpoints', 120, { min: 1 }),
        logEvery: int('steps between metric lines', 25, { min: 1 }),
      },
      'training loop',
    ),
  });
}
export type PretrainSceneConfig = Config<ReturnType<typeof pretrainSceneSchema>>;

const buildSceneMethod = (config: PretrainSceneConfig, totalSteps: number, stepsPerEpoch: number): SceneMethod =>
  buildOwnNetworkMethod(config, 'scene', { channels: 2, totalSteps, stepsPerEpoch }) as unknown as SceneMethod;

/** Runs (or, with `resume`, continues) a scene pretraining run in `out`. */
export async function pretrainScene(
  raw: Record<string, unknown>,
  out: string,
  o: { resume?: boolean; stopAfter?: number } = {},
): Promise<FitResult> {
  const config: PretrainSceneConfig = parseConfig(pretrainSceneSchema(peekIn(raw)), raw, 'config');
  applyThreads(config.threads);
  const { batchSize, steps: totalSteps, matches } = config.train;
  torch.manualSeed(config.seed);
  buildSceneMethod(config, totalSteps, 1); // checks the method's options before any scene is collected
  const set = await loadSceneSet(config.data);
  const name = dataTag(config.data);
  const summary = { episodes: set.episodes.length, examples: set.examples.length, kits: new Set(set.episodes.map((e) => e.kit.name)).size };
  const n = set.examples.length;
  if (n < batchSize) throw new RangeError(`data: ${name} gives ${n} assembly examples, fewer than train.batchSize ${batchSize}`);
  const stepsPerEpoch = Math.floor(n / batchSize);
  torch.manualSeed(config.seed);
  const model = buildSceneMethod(config, totalSteps, stepsPerEpoch);
  const run = new RunDir(out, { resume: o.resume });
  const optimizer = constantAdam(model.paramGroups(), config.optim, batchSize);
  const resolved = { ...config, name: config.name ?? run.name, command: 'pretrain', modality: 'scene' };
  if (!o.resume) {
    run.writeConfig(resolved);
    run.log({ event: 'data', stage: 'pretrain', set: name, ...summary });
  }
  const counts = Object.entries(summary).map(([k, v]) => `${v} ${k}`);
  console.error(
    `pretrain: ${config.method.name} on ${name} (${counts.join(', ')}), ` +
      `${(model.numParameters() / 1e6).toFixed(2)} M parameters, ${totalSteps} steps of ${batchSize}`,
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
      const batch = sceneBatch(
        rows.map((r) => set.examples[r]),
        { matches, noise: set.noise, seed: config.seed * 1_000_003 + step },
      );
      const r = model.trainingStep(model.views(batch, generator), info(step));
      r.loss.backward();
      return { loss: r.loss.item(), items: rows.length, extra: r.logs };
    },
    afterStep: (step) => model.afterStep(info(step)),
    generators: { views: generator },
    checkpointSeconds: config.train.checkpointSeconds,
    logEvery: config.train.logEvery,
    progress: { unit: 'example' },
  });
  if (!result.interrupted) {
    run.saveWeights('model', model);
    run.saveWeights('encoder', model.encoder);
  }
  return result;
}

/** The trained method of scene run `dir`, rebuilt from config.json and loaded from model.safetensors, in eval mode. */
export function sceneMethodOfRun(dir: string): SceneMethod {
  const {
    config: rest,
    configPath,
    weights,
  } = savedRun(dir, 'scene', 'a scene pretraining run (e.g. selfsup form2fit train)', {
    weights: true,
  });
  const config: PretrainSceneConfig = parseConfig(pretrainSceneSchema(peekIn(rest)), rest, configPath);
  const model = buildSceneMethod(config, 1, 1);
  torch.scope(() => model.loadStateDict(torch.safetensors.loadFile(weights), true, weights));
  return model.eval() as SceneMethod;
}
