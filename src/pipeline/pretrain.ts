/**
 * `selfsup pretrain`: SimCLR or MICLe pretraining of an encoder on unlabelled
 * images, with a kNN monitor, into a run directory (config, metrics, checkpoints,
 * model.safetensors = encoder + head, encoder.safetensors = the encoder alone).
 */
import * as torch from '../torch/index.js';
import { loadImageSet, type ImageSet, type ImageSetConfig } from '../data/image-sets.js';
import { getMethod } from '../methods/registry.js';
import { SimCLR } from '../methods/simclr.js';
import type { EncoderConfig } from '../models/encoders.js';
import type { ProjectionHeadOptions } from '../models/heads.js';
import { warmupCosine } from '../optim/schedules.js';
import { fit, type FitResult } from '../train/fit.js';
import { RunDir } from '../train/run-dir.js';
import { extractFeatures, knnEvaluate } from '../eval/index.js';
import { applyThreads, buildViews, makeEncoder, makeOptimizer, resolveInit, rows, toInput, type OptimConfig, type ViewsConfig } from './common.js';

export interface PretrainConfig {
  name?: string;
  seed: number;
  threads?: number;
  method: string;
  init?: string;
  data: ImageSetConfig;
  model: EncoderConfig;
  head: ProjectionHeadOptions;
  views: ViewsConfig;
  temperature: number;
  optim: OptimConfig;
  train: { epochs: number; steps: number; batchSize: number; checkpointSeconds: number; logEvery: number };
  monitor: { every: number; trainLimit: number; k: number; temperature: number; test: ImageSetConfig };
}

/** kNN top-1/top-5 of the encoder's representation: memory bank = `bank`, queries = `test`. */
export function knnMonitor(model: SimCLR, bank: ImageSet, test: ImageSet, o: { k: number; temperature: number }): () => Record<string, number> {
  const numClasses = bank.classes.length;
  return () => torch.scope(() => {
    model.eval();
    const features = (s: ImageSet): torch.Tensor => extractFeatures((x) => model.representation(x), s.images, { prepare: toInput });
    const r = knnEvaluate(features(bank), bank.labels, features(test), test.labels, { numClasses, k: Math.min(o.k, bank.labels.shape[0]), temperature: o.temperature });
    return { top1: r.top1, top5: r.top5, k: o.k };
  });
}

/** Runs (or, with `resume`, continues) a pretraining run in `out`. */
export async function pretrain(config: PretrainConfig, out: string, o: { resume?: boolean } = {}): Promise<FitResult> {
  applyThreads(config.threads);
  const run = new RunDir(out, { resume: o.resume });
  const method = getMethod(config.method);
  const set = await loadImageSet(config.data);
  const [n, channels, size] = set.images.shape;
  const init = config.init ? resolveInit(config.init) : undefined;
  const resolved = { ...config, name: config.name ?? run.dir.split('/').pop(), command: 'pretrain', inChannels: channels, model: init?.model ?? config.model };
  if (!o.resume) run.writeConfig(resolved);
  torch.manualSeed(config.seed);
  const model = new SimCLR(makeEncoder(config.model, channels, init), { head: config.head, temperature: config.temperature });
  const { batchSize, epochs } = config.train;
  const sampler = method.pairs({ numItems: n, batchSize, seed: config.seed, caseIds: set.caseIds });
  const view = buildViews(config.views, size);
  const generator = new torch.Generator(config.seed + 1);
  const optimizer = makeOptimizer(model, config.optim, batchSize);
  const stepsPerEpoch = sampler.numBatches;
  const totalSteps = config.train.steps > 0 ? config.train.steps : Math.max(1, Math.round(epochs * stepsPerEpoch));
  const fullEpochs = Math.ceil(totalSteps / stepsPerEpoch);
  const warmupSteps = Math.min(totalSteps, Math.round(config.optim.warmupEpochs * stepsPerEpoch));
  const m = config.monitor;
  const test = await loadImageSet(m.test);
  const bank = { ...set, images: set.images.narrow(0, 0, Math.min(n, m.trainLimit)), labels: set.labels.narrow(0, 0, Math.min(n, m.trainLimit)) };
  const result = await fit({
    run, stage: 'pretrain', model, optimizer, config: resolved, resume: o.resume,
    schedule: warmupCosine({ baseLr: 1, warmupSteps, totalSteps }),
    epochs: fullEpochs, stepsPerEpoch, totalSteps,
    batches: (epoch) => sampler.batches(epoch),
    step: (b) => {
      const a = view.forward(toInput(rows(set.images, b.first)), generator); // [B, C, S, S]
      const p = view.forward(toInput(rows(set.images, b.second)), generator);
      const { loss, accuracy } = model.loss(a, p);
      loss.backward();
      return { loss: loss.item(), items: b.first.length, extra: { contrastiveAcc: accuracy } };
    },
    evaluate: knnMonitor(model, bank, test, m), evalEvery: m.every, evalEvent: 'knn',
    generators: { views: generator }, checkpointSeconds: config.train.checkpointSeconds, logEvery: config.train.logEvery,
  });
  if (!result.interrupted) {
    run.saveWeights('model', model);
    run.saveWeights('encoder', model.encoder);
  }
  return result;
}
