/**
 * Fashion-MNIST from Debian's dataset-fashion-mnist: split sizes, 6,000 / 1,000
 * images per class, pixels equal to the raw gzipped IDX bytes (read here
 * independently), the published pixel mean and std, formats and errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { torch } from '../../src/index.js';
import {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_MEAN,
  FASHION_MNIST_STD,
  fashionMnistDir,
  loadFashionMnist,
} from '../../src/data/fashion-mnist.js';

const train = loadFashionMnist('train');
const testSplit = loadFashionMnist('test');

test('60,000 training and 10,000 test images [N, 1, 28, 28] uint8 with int64 labels', () => {
  assert.deepEqual(train.images.shape, [60000, 1, 28, 28]);
  assert.deepEqual(testSplit.images.shape, [10000, 1, 28, 28]);
  assert.equal(train.images.dtype, 'uint8');
  assert.deepEqual(train.labels.shape, [60000]);
  assert.equal(train.labels.dtype, 'int64');
  assert.equal(FASHION_MNIST_CLASSES.length, 10);
});

test('every class has 6,000 training and 1,000 test images; the first labels are the published ones', () => {
  assert.deepEqual(torch.bincount(train.labels).toArray(), Array(10).fill(6000));
  assert.deepEqual(torch.bincount(testSplit.labels).toArray(), Array(10).fill(1000));
  assert.deepEqual(train.labels.narrow(0, 0, 10).toArray(), [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
  assert.deepEqual(testSplit.labels.narrow(0, 0, 10).toArray(), [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
  assert.equal(FASHION_MNIST_CLASSES[9], 'Ankle boot');
});

test('pixels equal the raw IDX bytes; mean and std match the published statistics', () => {
  const raw = gunzipSync(readFileSync(join(fashionMnistDir(), 'train-images-idx3-ubyte.gz')));
  assert.equal(raw.readUInt32BE(0), 0x0803);
  for (const i of [0, 1, 12345, 59999]) {
    const expected = Array.from(raw.subarray(16 + i * 784, 16 + (i + 1) * 784));
    assert.deepEqual(train.images.select(0, i).flatten().toArray(), expected, `image ${i}`);
  }
  const x = train.images.to('float32').div(255);
  assert.ok(Math.abs(x.mean().item() - 0.28604) < 1e-4, `mean ${x.mean().item()}`);
  assert.ok(Math.abs(x.std().item() - 0.35302) < 1e-4, `std ${x.std().item()}`);
  assert.equal(train.images.max().item(), 255);
  assert.equal(train.images.min().item(), 0);
  const norm = loadFashionMnist('test', { format: 'normalized', limit: 100 });
  assert.deepEqual(norm.images.shape, [100, 1, 28, 28]);
  const back = norm.images.mul(FASHION_MNIST_STD).add(FASHION_MNIST_MEAN).mul(255).round();
  assert.deepEqual(back.toArray(), testSplit.images.narrow(0, 0, 100).to('float32').toArray());
});

test('missing files name the command to run; bad options are named', () => {
  assert.throws(
    () => fashionMnistDir(['/nonexistent/a', '/nonexistent/b']),
    /Fashion-MNIST: the files are not installed \(looked in \/nonexistent\/a and \/nonexistent\/b\); run `sudo apt-get install dataset-fashion-mnist`, or `npm run setup`/,
  );
  assert.throws(
    () => loadFashionMnist('train', { dir: '/nonexistent' }),
    /cannot read IDX file \/nonexistent\/train-images-idx3-ubyte\.gz/,
  );
  assert.throws(() => loadFashionMnist('val' as 'train'), /loadFashionMnist: expected split "train" or "test" but received "val"/);
  assert.throws(() => loadFashionMnist('test', { limit: 0 }), /expected a positive integer for limit but received 0/);
});
