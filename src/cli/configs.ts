/** The option schemas of the `selfsup` commands (see schema.ts); every default is documented here. */
import { IMAGE_SETS } from '../data/image-sets.js';
import { ENCODERS } from '../models/encoders.js';
import { METHODS } from '../methods/registry.js';
import type { Schema } from './schema.js';

const dataFields = (split: string): Schema => ({
  name: { kind: 'string', help: 'image set', values: IMAGE_SETS, default: 'fashion-mnist' },
  split: { kind: 'string', help: 'split (train/test; a manifest\'s split column)', default: split },
  limit: { kind: 'integer', help: 'keep the first N images', min: 1 },
  path: { kind: 'string', help: 'folder (one subfolder per class) or manifest file (CSV/JSONL)' },
  size: { kind: 'integer', help: 'side of the n×n images (emoji, folder, manifest)', default: 32, min: 8 },
  channels: { kind: 'integer', help: '1 grey or 3 RGB (emoji, folder, manifest)', min: 1, max: 3 },
  vendors: { kind: 'strings', help: 'emoji vendors to include (google, twitter, facebook)' },
});
const data = (split: string, help: string, optional = false): Schema[string] => ({ kind: 'section', help, fields: dataFields(split), optional });

const model: Schema[string] = {
  kind: 'section', help: 'encoder', fields: {
    arch: { kind: 'string', help: 'architecture', values: Object.keys(ENCODERS), default: 'resnet18' },
    width: { kind: 'number', help: 'channel width multiplier', default: 1, min: 0.0625 },
    smallStem: { kind: 'boolean', help: 'ResNet 3×3 stride-1 stem without max-pool (small images)', default: true },
  },
};

const views: Schema[string] = {
  kind: 'section', help: 'augmentations of each view (SimCLR §3)', fields: {
    crop: { kind: 'boolean', help: 'random resized crop', default: true },
    scale: { kind: 'numbers', help: 'crop area range', default: [0.2, 1] },
    flip: { kind: 'number', help: 'horizontal flip probability', default: 0.5, min: 0, max: 1 },
    color: { kind: 'boolean', help: 'colour distortion (jitter + grayscale)', default: true },
    strength: { kind: 'number', help: 'colour distortion strength s', default: 0.5, min: 0, max: 1.25 },
    jitter: { kind: 'number', help: 'colour jitter probability', default: 0.8, min: 0, max: 1 },
    grayscale: { kind: 'number', help: 'grayscale probability', default: 0.2, min: 0, max: 1 },
    blur: { kind: 'number', help: 'Gaussian blur probability', default: 0, min: 0, max: 1 },
  },
};

const optim = (name: string, lr: number, weightDecay: number): Schema[string] => ({
  kind: 'section', help: 'optimizer', fields: {
    name: { kind: 'string', help: 'optimizer', values: ['lars', 'sgd', 'adamw'], default: name },
    lr: { kind: 'number', help: 'learning rate per 256 images (scaled linearly with the batch size)', default: lr, min: 0 },
    weightDecay: { kind: 'number', help: 'weight decay', default: weightDecay, min: 0 },
    momentum: { kind: 'number', help: 'momentum (lars, sgd)', default: 0.9, min: 0, max: 1 },
    warmupEpochs: { kind: 'number', help: 'linear warm-up, then cosine decay', default: 1, min: 0 },
  },
});

const common: Schema = {
  name: { kind: 'string', help: 'run name (default: the run folder\'s name)' },
  seed: { kind: 'integer', help: 'seed of every random choice', default: 0, min: 0 },
  threads: { kind: 'integer', help: 'libtorch threads (default: all cores)', min: 1 },
};

export const PRETRAIN: Schema = {
  ...common,
  method: { kind: 'string', help: 'method', values: Object.keys(METHODS), default: 'simclr' },
  init: { kind: 'string', help: 'start from this run (or encoder .safetensors) instead of random weights' },
  data: data('train', 'unlabelled training images (labels used only by the kNN monitor)'),
  model,
  head: {
    kind: 'section', help: 'projection head', fields: {
      layers: { kind: 'integer', help: 'linear layers (0 none, 1 linear, 2 SimCLR v1, 3 v2)', default: 2, min: 0 },
      hiddenDim: { kind: 'integer', help: 'hidden width (default the encoder\'s width)', min: 1 },
      outDim: { kind: 'integer', help: 'output width', default: 128, min: 1 },
      batchNorm: { kind: 'boolean', help: 'batch norm in hidden layers', default: true },
    },
  },
  views,
  temperature: { kind: 'number', help: 'NT-Xent temperature', default: 0.5, min: 1e-4 },
  optim: optim('lars', 0.3, 1e-6),
  train: {
    kind: 'section', help: 'loop', fields: {
      epochs: { kind: 'number', help: 'epochs (fractions allowed)', default: 10, min: 0 },
      steps: { kind: 'integer', help: 'optimizer steps; overrides epochs when > 0 (equal budgets across methods)', default: 0, min: 0 },
      batchSize: { kind: 'integer', help: 'images (pairs) per batch', default: 256, min: 2 },
      checkpointSeconds: { kind: 'number', help: 'seconds between checkpoints', default: 120, min: 1 },
      logEvery: { kind: 'integer', help: 'steps between metric lines', default: 10, min: 1 },
    },
  },
  monitor: {
    kind: 'section', help: 'kNN accuracy during training', fields: {
      every: { kind: 'integer', help: 'steps between kNN evaluations (0: only at the end)', default: 0, min: 0 },
      trainLimit: { kind: 'integer', help: 'labelled training images for the kNN memory bank', default: 5000, min: 1 },
      k: { kind: 'integer', help: 'neighbours (200 for ImageNet-sized banks)', default: 20, min: 1 },
      temperature: { kind: 'number', help: 'kNN weighting temperature', default: 0.1, min: 1e-4 },
      test: data('test', 'test images of the monitor'),
    },
  },
};

const probeFields: Schema = {
  k: { kind: 'integer', help: 'kNN neighbours (200 for ImageNet-sized banks)', default: 20, min: 1 },
  knnTemperature: { kind: 'number', help: 'kNN temperature', default: 0.1, min: 1e-4 },
  probeEpochs: { kind: 'integer', help: 'linear-probe epochs', default: 100, min: 1 },
};

export const FINETUNE: Schema = {
  ...common,
  init: { kind: 'string', help: 'pretrained run or encoder .safetensors; "scratch" for random weights', default: 'scratch' },
  initName: { kind: 'string', help: 'name of this initialisation in results (default: the init run\'s name, or "scratch")' },
  data: data('train', 'labelled training images'),
  test: data('test', 'test images'),
  shifted: { kind: 'list', help: 'shifted test sets, evaluated without further training', item: dataFields('test') },
  model,
  fractions: { kind: 'numbers', help: 'label fractions, each a fixed stratified subset', default: [0.01, 0.1] },
  epochs: { kind: 'number', help: 'epochs per fraction', default: 30, min: 0 },
  minSteps: { kind: 'integer', help: 'at least this many steps per fraction (small fractions)', default: 200, min: 0 },
  batchSize: { kind: 'integer', help: 'images per batch', default: 128, min: 1 },
  augment: { kind: 'boolean', help: 'random resized crop (area 0.5–1) while fine-tuning', default: true },
  flip: { kind: 'number', help: 'horizontal flip probability while fine-tuning (0 for digits)', default: 0.5, min: 0, max: 1 },
  optim: optim('sgd', 0.05, 5e-4),
  checkpointSeconds: { kind: 'number', help: 'seconds between checkpoints', default: 120, min: 1 },
};

export const EVAL: Schema = {
  ...common,
  data: data('train', 'labelled images for the probe and the kNN memory bank'),
  test: data('test', 'test images'),
  shifted: { kind: 'list', help: 'shifted test sets', item: dataFields('test') },
  fractions: { kind: 'numbers', help: 'label fractions for the linear probe', default: [1] },
  layer: { kind: 'integer', help: 'pretraining runs: projection-head layers applied before the features are taken (0 = the encoder\'s output)', default: 0, min: 0 },
  ...probeFields,
};

export const EMBED: Schema = {
  ...common,
  data: data('test', 'images to embed'),
  output: { kind: 'string', help: 'file (default RUN/embeddings.safetensors)' },
};

export const VIEWS: Schema = {
  ...common,
  data: data('train', 'images to show'),
  views,
  count: { kind: 'integer', help: 'images in the grid', default: 8, min: 1 },
  numViews: { kind: 'integer', help: 'views per image', default: 4, min: 1 },
};
