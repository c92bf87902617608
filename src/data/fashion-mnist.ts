/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, arXiv:1708.07747): 60,000 training
 * and 10,000 test 28×28 grey images of clothing in 10 classes (6,000 / 1,000 per
 * class), read from the gzipped IDX files of Debian's `dataset-fashion-mnist`
 * (installed by `npm run setup`; nothing is downloaded at run time). Without
 * root, setup unpacks the package into `.cache/debian/` instead, which is
 * searched too.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../torch/native.js';
import { loadIdxSplit, type MnistOptions, type MnistSplit } from './mnist.js';

/** Where Debian installs the files. */
export const FASHION_MNIST_SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';
export const FASHION_MNIST_INSTALL = 'apt-get install dataset-fashion-mnist';

/** Class names, by label. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;
/** Mean and standard deviation of the training pixels scaled to [0, 1]. */
export const FASHION_MNIST_MEAN = 0.286;
export const FASHION_MNIST_STD = 0.353;

const FILES = {
  train: ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'],
  test: ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'],
} as const;

/** Folders searched, in order: Debian's, then setup's unpacked copy under `.cache/debian/`. */
export const FASHION_MNIST_DIRS = [FASHION_MNIST_SYSTEM_DIR, join(packageRoot, '.cache', 'debian', FASHION_MNIST_SYSTEM_DIR)];

/** The first of `candidates` holding the files; fails naming the command to run when none does. */
export function fashionMnistDir(candidates: readonly string[] = FASHION_MNIST_DIRS): string {
  const dir = candidates.find((d) => existsSync(join(d, FILES.train[0])));
  if (dir) return dir;
  throw new Error(
    `Fashion-MNIST: the files are not installed (looked in ${candidates.join(' and ')}); run \`sudo ${FASHION_MNIST_INSTALL}\`, or \`npm run setup\` (as root it installs the package, otherwise it unpacks it into .cache/debian)`,
  );
}

/**
 * One split of Fashion-MNIST: images [N, 1, 28, 28] (uint8, float32 in [0, 1], or
 * 'normalized' with FASHION_MNIST_MEAN / _STD) and int64 labels [N]. Options as
 * for `loadMnist`; `dir` overrides the folder.
 */
export function loadFashionMnist(split: 'train' | 'test', o: MnistOptions = {}): MnistSplit {
  const files = FILES[split];
  if (!files) throw new RangeError(`loadFashionMnist: expected split "train" or "test" but received ${JSON.stringify(split)}`);
  const dir = o.dir ?? fashionMnistDir();
  const info = { fn: 'loadFashionMnist', dataset: 'Fashion-MNIST', mean: FASHION_MNIST_MEAN, std: FASHION_MNIST_STD };
  return loadIdxSplit(info, join(dir, files[0]), join(dir, files[1]), o);
}
