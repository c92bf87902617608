/**
 * `selfsup eval RUN`: the frozen encoder of a run, scored by a weighted kNN
 * classifier and by linear probes on label fractions (SimCLR §4.2's linear
 * evaluation), on the test set and on shifted test sets without further
 * training. Results are appended to RUN/metrics.jsonl as `probe` events.
 *
 * `selfsup embed RUN`: the representation of every image of a set, with ids and
 * labels, as one .safetensors file (the report's embedding map reads it).
 */
import { join } from 'node:path';
import * as torch from '../torch/index.js';
import { loadImageSet, type ImageSet, type ImageSetConfig } from '../data/image-sets.js';
import { labelFraction } from '../data/label-fraction.js';
import { extractFeatures, knnEvaluate, linearProbe } from '../eval/index.js';
import { RunDir } from '../train/run-dir.js';
import { SimCLR } from '../methods/simclr.js';
import type { ProjectionHeadOptions } from '../models/heads.js';
import { applyThreads, makeEncoder, resolveInit, rows, shiftedName, toInput } from './common.js';
import { writeFileAtomic } from '../io/atomic.js';

export interface EvalConfig {
  name?: string;
  seed: number;
  threads?: number;
  data: ImageSetConfig;
  test: ImageSetConfig;
  shifted: ImageSetConfig[];
  fractions: number[];
  k: number;
  knnTemperature: number;
  probeEpochs: number;
  layer: number;
}

/**
 * The frozen network of run `dir` as a features function over uint8 image sets:
 * its encoder, or (layer > 0, pretraining runs) the encoder and the first `layer`
 * blocks of its projection head (SimCLR §4.2 compares h = f(x) with g(h)).
 */
function frozenEncoder(dir: string, inChannels: number, layer = 0): (s: ImageSet) => torch.Tensor {
  const init = resolveInit(dir);
  const encoder = makeEncoder(init.model ?? {}, init.inChannels ?? inChannels, layer ? undefined : init);
  let net: (x: torch.Tensor) => torch.Tensor = (x) => encoder.forward(x);
  if (layer > 0) {
    const config = new RunDir(dir, { resume: true }).readConfig() as { head?: ProjectionHeadOptions };
    if (!config.head) throw new Error(`eval --layer ${layer}: ${dir} is not a pretraining run (its config.json has no head)`);
    const model = new SimCLR(encoder, { head: config.head });
    if (layer > model.head.blocks.length) throw new RangeError(`eval --layer: ${dir}'s head has ${model.head.blocks.length} layers but --layer is ${layer}`);
    const weights = join(dir, 'model.safetensors');
    torch.scope(() => model.loadStateDict(torch.safetensors.loadFile(weights), true, weights));
    model.eval();
    net = (x) => model.representation(x, layer);
  }
  encoder.eval();
  return (s) => extractFeatures(net, s.images, { prepare: toInput });
}

/** Runs the kNN and linear-probe evaluations of run `dir`; returns the logged events (also written to RUN/eval.json, or eval-layer<k>.json). */
export async function evaluateRun(dir: string, config: EvalConfig): Promise<Record<string, unknown>[]> {
  applyThreads(config.threads);
  const run = new RunDir(dir, { resume: true });
  const [train, test, ...shifted] = await Promise.all([config.data, config.test, ...config.shifted].map(loadImageSet));
  const features = frozenEncoder(dir, train.images.shape[1], config.layer);
  const trainF = features(train);
  const sets = [{ split: 'test', set: test, f: features(test) }, ...shifted.map((s, i) => ({ split: shiftedName(config.shifted[i]), set: s, f: features(s) }))];
  const numClasses = train.classes.length;
  const events: Record<string, unknown>[] = [];
  const log = (e: Record<string, unknown>): void => {
    run.log({ event: 'probe', ...e });
    events.push(e);
  };
  const multiLabel = train.multiLabel !== undefined;
  const targets = (s: ImageSet): torch.Tensor => {
    if (multiLabel && !s.multiLabel) throw new Error('eval: the training set is multi-label (a manifest `labels` column) but a test set is not');
    return multiLabel ? s.multiLabel! : s.labels;
  };
  for (const { split, set, f } of multiLabel ? [] : sets) { // kNN votes need one class per image
    const r = knnEvaluate(trainF, train.labels, f, set.labels, { numClasses, k: Math.min(config.k, train.labels.shape[0]), temperature: config.knnTemperature });
    log({ kind: 'knn', split, layer: config.layer, top1: r.top1, top5: r.top5, k: config.k });
  }
  for (const fraction of config.fractions) {
    const idx = fraction === 1 ? null : labelFraction(train.labels, fraction, config.seed).indices;
    const [tf, tl] = idx ? [rows(trainF, idx), rows(targets(train), idx)] : [trainF, targets(train)];
    const extraTests = Object.fromEntries(sets.slice(1).map((s) => [s.split, { features: s.f, labels: targets(s.set) }]));
    const r = linearProbe({ trainFeatures: tf, trainLabels: tl, testFeatures: sets[0].f, testLabels: targets(test), numClasses, epochs: config.probeEpochs, seed: config.seed, extraTests, multiLabel });
    const common = { kind: 'linear', layer: config.layer, fraction, labels: tl.shape[0] };
    log({ ...common, split: 'test', top1: r.top1, top5: r.top5, meanAuc: r.meanAuc, perClassAuc: r.perClassAuc });
    for (const [split, m] of Object.entries(r.extra)) log({ ...common, split, top1: m.top1, top5: m.top5, meanAuc: m.meanAuc, perClassAuc: m.perClassAuc });
  }
  writeFileAtomic(run.path(config.layer ? `eval-layer${config.layer}.json` : 'eval.json'), JSON.stringify(events, null, 1) + '\n', 'eval');
  return events;
}

export interface EmbedConfig {
  seed: number;
  threads?: number;
  data: ImageSetConfig;
  output?: string;
}

/** Writes the embeddings [N, D], labels [N] and ids/classes (metadata) of `config.data` under run `dir`'s encoder. */
export async function embedRun(dir: string, config: EmbedConfig): Promise<string> {
  applyThreads(config.threads);
  const run = new RunDir(dir, { resume: true });
  const set = await loadImageSet(config.data);
  const embeddings = frozenEncoder(dir, set.images.shape[1])(set); // [N, D]
  const out = config.output ?? run.path('embeddings.safetensors');
  torch.safetensors.saveFile(out, { embeddings, labels: set.labels }, { ids: JSON.stringify(set.ids), classes: JSON.stringify(set.classes) });
  return out;
}
