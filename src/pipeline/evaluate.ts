/**
 * `selfsup eval RUN`: the frozen encoder of a run, scored by a weighted kNN
 * classifier and by linear probes on label fractions (SimCLR §4.2's linear
 * evaluation), on the test set and on shifted test sets without further
 * training. Results are appended to RUN/metrics.jsonl as `probe` events.
 *
 * `selfsup embed RUN`: the representation of every image of a set, with ids and
 * labels, as one .safetensors file (the report's embedding map reads it).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../torch/index.js';
import { int, num, nums, parseConfig, str, strs, z, type Config } from '../config/schema.js';
import { dataTag, loadImageSet } from '../data/registry.js';
import type { ImageSet } from '../data/image-sets.js';
import { labelFraction } from '../data/label-fraction.js';
import { extractFeatures, knnEvaluate, linearProbe } from '../eval/index.js';
import { RunDir } from '../train/run-dir.js';
import { getMethod } from '../methods/registry.js';
import { writeFileAtomic } from '../io/atomic.js';
import { embedAudioRun } from './embed-audio.js';
import {
  applyThreads,
  commonFields,
  imageData,
  makeEncoder,
  methodOfRun,
  modelSection,
  peekIn,
  resolveInit,
  rows,
  shiftedList,
  toInput,
  type ModelConfig,
  type Peek,
} from './common.js';

export function evalSchema(peek: Peek) {
  const data = peek('data', 'fashion-mnist');
  return z.strictObject({
    ...commonFields,
    data: imageData(peek, 'data', 'labelled images for the probe and the kNN memory bank', 'train'),
    test: imageData(peek, 'test', "test images (default: the data set's test split)", 'test', data),
    shifted: shiftedList('shifted test sets, scored without further training'),
    fractions: nums('label fractions for the linear probe', [1], { min: 1e-6, max: 1 }),
    layer: int("pretraining runs: projection-head blocks applied before the features are taken (0 = the encoder's output)", 0, { min: 0 }),
    k: int('kNN neighbours (200 for ImageNet-sized banks)', 20, { min: 1 }),
    knnTemperature: z.number().min(1e-4).default(0.1).describe('kNN temperature'),
    probeEpochs: int('linear-probe epochs', 100, { min: 1, max: 100000 }),
  });
}
export type EvalConfig = Config<ReturnType<typeof evalSchema>>;

export function embedSchema(peek: Peek) {
  return z.strictObject({
    ...commonFields,
    data: imageData(peek, 'data', 'image runs: images to embed', 'test'),
    output: str('file (default RUN/embeddings.safetensors)'),
    audio: strs('audio runs: WAV files or folders of them to embed (per-window and per-file embeddings)'),
    layer: str("audio runs: the layer to read (default: the method's)"),
    hopSeconds: num("audio runs: seconds between 0.96 s windows (default: the method's)", undefined, { min: 0.01, max: 10 }),
  });
}
export type EmbedConfig = Config<ReturnType<typeof embedSchema>>;

interface SavedRun {
  model?: ModelConfig;
  method?: { name: string } & Record<string, unknown>;
}

/**
 * The frozen network of run `dir` as a features function over uint8 image sets.
 * A pretraining run of an image method (config.json with a method, and its
 * model.safetensors) is rebuilt and evaluated on the method's representation:
 * the encoder's features, or after `layer` head blocks (SimCLR §4.2 compares
 * h = f(x) with g(h)), or both halves of a channel split (InfoMin). Other runs
 * (fine-tuning, baselines) are evaluated on their encoder.safetensors.
 */
function frozenEncoder(dir: string, inChannels: number, layer = 0): (s: ImageSet) => torch.Tensor {
  const configPath = join(dir, 'config.json');
  const config = (existsSync(configPath) ? new RunDir(dir, { resume: true }).readConfig() : {}) as SavedRun;
  const spec = config.method ? getMethod(config.method.name) : undefined;
  let net: (x: torch.Tensor) => torch.Tensor;
  if (spec?.modality === 'image' && config.model && (layer > 0 || existsSync(join(dir, 'model.safetensors')))) {
    const model = methodOfRun(dir);
    if (layer > model.representationLayers)
      throw new RangeError(`eval --layer: ${dir}'s ${spec.name} head has ${model.representationLayers} layers but --layer is ${layer}`);
    net = (x) => model.representation(x, layer);
  } else {
    if (layer > 0) throw new Error(`eval --layer ${layer}: ${dir} is not a pretraining run (its config.json has no image method)`);
    const init = resolveInit(dir);
    const encoder = makeEncoder(modelSection.parse(init.model ?? {}), init.inChannels ?? inChannels, init).eval();
    net = (x) => encoder.forward(x);
  }
  return (s) => extractFeatures(net, s.images, { prepare: toInput });
}

/** Runs the kNN and linear-probe evaluations of run `dir`; returns the logged events (also written to RUN/eval.json, or eval-layer<k>.json). */
export async function evaluateRun(dir: string, raw: Record<string, unknown>): Promise<Record<string, unknown>[]> {
  return evaluateFeatures(dir, raw, (channels, layer) => frozenEncoder(dir, channels, layer));
}

/**
 * The same evaluations of any features function (raw pixels, a hand-made
 * encoder): `makeFeatures(channels, layer)` gives the function over image
 * sets. Results go to RUN's metrics.jsonl and eval.json as for a run's encoder.
 */
export async function evaluateFeatures(
  dir: string,
  raw: Record<string, unknown>,
  makeFeatures: (channels: number, layer: number) => (s: ImageSet) => torch.Tensor,
): Promise<Record<string, unknown>[]> {
  const config = parseConfig(evalSchema(peekIn(raw)), raw, 'config');
  applyThreads(config.threads);
  const run = new RunDir(dir, { resume: true });
  const [train, test, ...shifted] = await Promise.all([config.data, config.test, ...config.shifted].map((c) => loadImageSet(c)));
  const features = makeFeatures(train.images.shape[1], config.layer);
  const trainF = features(train);
  const sets = [
    { split: 'test', set: test, f: features(test) },
    ...shifted.map((s, i) => ({ split: `shifted:${dataTag(config.shifted[i])}`, set: s, f: features(s) })),
  ];
  const numClasses = train.classes.length;
  const events: Record<string, unknown>[] = [];
  const log = (e: Record<string, unknown>): void => {
    run.log({ event: 'probe', ...e });
    events.push(e);
  };
  const multiLabel = train.multiLabel !== undefined;
  const targets = (s: ImageSet): torch.Tensor => {
    if (multiLabel && !s.multiLabel)
      throw new Error('eval: the training set is multi-label (a manifest `labels` column) but a test set is not');
    return multiLabel ? s.multiLabel! : s.labels;
  };
  for (const { split, set, f } of multiLabel ? [] : sets) {
    // kNN votes need one class per image
    const r = knnEvaluate(trainF, train.labels, f, set.labels, {
      numClasses,
      k: Math.min(config.k, train.labels.shape[0]),
      temperature: config.knnTemperature,
    });
    log({ kind: 'knn', split, layer: config.layer, top1: r.top1, top5: r.top5, k: config.k });
  }
  for (const fraction of config.fractions) {
    const idx = fraction === 1 ? null : labelFraction(train.labels, fraction, config.seed).indices;
    const [tf, tl] = idx ? [rows(trainF, idx), rows(targets(train), idx)] : [trainF, targets(train)];
    const extraTests = Object.fromEntries(sets.slice(1).map((s) => [s.split, { features: s.f, labels: targets(s.set) }]));
    const r = linearProbe({
      trainFeatures: tf,
      trainLabels: tl,
      testFeatures: sets[0].f,
      testLabels: targets(test),
      numClasses,
      epochs: config.probeEpochs,
      seed: config.seed,
      extraTests,
      multiLabel,
    });
    const common = { kind: 'linear', layer: config.layer, fraction, labels: tl.shape[0] };
    log({ ...common, split: 'test', top1: r.top1, top5: r.top5, meanAuc: r.meanAuc, perClassAuc: r.perClassAuc });
    for (const [split, m] of Object.entries(r.extra))
      log({ ...common, split, top1: m.top1, top5: m.top5, meanAuc: m.meanAuc, perClassAuc: m.perClassAuc });
  }
  writeFileAtomic(run.path(config.layer ? `eval-layer${config.layer}.json` : 'eval.json'), JSON.stringify(events, null, 1) + '\n', 'eval');
  return events;
}

/** Writes the embeddings [N, D], labels [N] and ids/classes (metadata) of `config.data` under run `dir`'s encoder. */
export async function embedRun(dir: string, raw: Record<string, unknown>): Promise<string> {
  const config = parseConfig(embedSchema(peekIn(raw)), raw, 'config');
  applyThreads(config.threads);
  const run = new RunDir(dir, { resume: true });
  if (run.readConfig().modality === 'audio') {
    const output = config.output ?? run.path('embeddings.safetensors');
    return embedAudioRun(dir, { audio: config.audio ?? [], layer: config.layer, hopSeconds: config.hopSeconds, output });
  }
  if (config.audio) throw new RangeError(`embed: ${dir} is not an audio run; --audio embeds audio under an audio run (e.g. TRILL)`);
  const set = await loadImageSet(config.data);
  const embeddings = frozenEncoder(dir, set.images.shape[1])(set); // [N, D]
  const out = config.output ?? run.path('embeddings.safetensors');
  torch.safetensors.saveFile(
    out,
    { embeddings, labels: set.labels },
    { ids: JSON.stringify(set.ids), classes: JSON.stringify(set.classes) },
  );
  return out;
}
