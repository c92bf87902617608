/**
 * Image decoding with sharp: real emoji PNGs (shape, range, exact pixels against
 * sharp's undecorated decode), exact values through PNG / lossless WebP / JPEG,
 * grayscale and resizing, corrupt and truncated files named in errors (main
 * thread and worker pool; the pool itself in decode-pool.test.ts), the skip
 * policy, and ImageFolder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImage, ImageDecodeError, sniffFormat } from '../../src/data/image.js';
import { ImageDataset, loadImage } from '../../src/data/image-dataset.js';
import { DecodePool } from '../../src/data/decode-pool.js';
import { ImageFolder } from '../../src/data/image-folder.js';
import { root } from '../helpers.js';

const emoji = (vendor: string, file: string): string => join(root, 'node_modules', `emoji-datasource-${vendor}`, 'img', vendor, '64', file);
const GRIN = emoji('google', '1f600.png');
const tmp = mkdtempSync(join(tmpdir(), 'selfsup-image-'));
const TRUNCATED = join(tmp, 'truncated.png');
const GARBAGE = join(tmp, 'garbage.png');
writeFileSync(TRUNCATED, readFileSync(GRIN).subarray(0, 900));
writeFileSync(GARBAGE, 'this is not a PNG file at all');

/** Quadrant colours of a 16×16 RGB test image: red, green / blue, grey(100, 150, 200). */
const COLOURS = [
  [255, 0, 0],
  [0, 255, 0],
  [0, 0, 255],
  [100, 150, 200],
];
const PLANAR = [255, 0, 0, 100, 0, 255, 0, 150, 0, 0, 255, 200]; // the quadrants as [3, 2, 2]
const quadrant = (y: number, x: number): number => 2 * Math.floor(y / 8) + Math.floor(x / 8);
const PIXELS = Buffer.from(Array.from({ length: 256 }, (_, i) => COLOURS[quadrant(Math.floor(i / 16), i % 16)]).flat()); // [16, 16, 3]
const encode = (fmt: 'png' | 'webp' | 'jpeg'): Promise<Buffer> => {
  const img = sharp(PIXELS, { raw: { width: 16, height: 16, channels: 3 } });
  return (
    fmt === 'png' ? img.png() : fmt === 'webp' ? img.webp({ lossless: true }) : img.jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
  ).toBuffer();
};
/** The pixels at the quadrants' centres of planar [C, 16, 16] data, as [C, 2, 2]. */
const centres = (d: Uint8Array, c: number): number[] =>
  Array.from({ length: c }, (_, k) =>
    [
      [4, 4],
      [4, 12],
      [12, 4],
      [12, 12],
    ].map(([y, x]) => d[k * 256 + y * 16 + x]),
  ).flat();

test('a real emoji PNG decodes to [3, 64, 64] in [0, 1]: opaque pixels exact, transparent ones white', async () => {
  const x = await loadImage(GRIN, { size: 64 });
  assert.deepEqual(x.shape, [3, 64, 64]);
  assert.equal(x.dtype, 'float32');
  assert.ok(x.min().item() >= 0 && x.max().item() === 1);
  const { data: rgba } = await sharp(GRIN).ensureAlpha().raw().toBuffer({ resolveWithObject: true }); // [64, 64, 4]
  const got = x.mul(255).round().data() as Float32Array;
  let opaque = 0;
  let clear = 0;
  for (let i = 0; i < 64 * 64; i++) {
    const a = rgba[4 * i + 3];
    for (let c = 0; c < 3; c++) {
      if (a === 255) assert.equal(got[c * 4096 + i], rgba[4 * i + c], `pixel ${i} channel ${c}`);
      if (a === 0) assert.equal(got[c * 4096 + i], 255, `transparent pixel ${i} channel ${c} is white`);
    }
    if (a === 255) opaque++;
    if (a === 0) clear++;
  }
  assert.ok(opaque > 1500 && clear > 500, `${opaque} opaque, ${clear} transparent pixels`);
  assert.deepEqual(Array.from(got.subarray(32 * 64 + 32).filter((_, k) => k % 4096 === 0)), [253, 224, 48]); // yellow face centre
});

test('PNG and lossless WebP decode exactly, JPEG closely; uint8 output; grayscale is ITU-R 601-2 luma (as PIL)', async () => {
  for (const fmt of ['png', 'webp', 'jpeg'] as const) {
    const path = join(tmp, `rgb.${fmt === 'jpeg' ? 'jpg' : fmt}`);
    writeFileSync(path, await encode(fmt));
    const raw = await decodeImage(path, { size: 16 });
    assert.deepEqual(raw.shape, [3, 16, 16]);
    const got = centres(raw.data, 3);
    const err = Math.max(...got.map((v, k) => Math.abs(v - PLANAR[k])));
    assert.ok(fmt === 'jpeg' ? err <= 3 : err === 0, `${fmt}: max error ${err} (${got})`);
  }
  const fromBytes = await decodeImage('in-memory.png', { size: 16 }, await encode('png'));
  assert.deepEqual(centres(fromBytes.data, 3), PLANAR, 'encoded bytes decode like the file');
  const u8 = await loadImage(join(tmp, 'rgb.png'), { size: 16, dtype: 'uint8' });
  assert.equal(u8.dtype, 'uint8');
  assert.deepEqual(centres(u8.data() as Uint8Array, 3), PLANAR);
  const grey = await decodeImage(join(tmp, 'rgb.png'), { size: 16, channels: 1 });
  assert.deepEqual(grey.shape, [1, 16, 16]);
  assert.deepEqual(
    centres(grey.data, 1),
    COLOURS.map(([r, g, b]) => Math.round(0.299 * r + 0.587 * g + 0.114 * b)),
  );
  assert.deepEqual(centres(grey.data, 1), [76, 150, 29, 141], 'ITU-R 601-2 luma of the four colours');
});

test('resizing: [height, width], fill stretches and cover/contain keep the aspect', async () => {
  const r = await decodeImage(GRIN, { size: [16, 24] });
  assert.deepEqual(r.shape, [3, 16, 24]);
  const wide = join(tmp, 'wide.png');
  await sharp({ create: { width: 40, height: 20, channels: 3, background: '#000000' } })
    .png()
    .toFile(wide);
  const contain = await decodeImage(wide, { size: 20, fit: 'contain', background: '#ff0000' });
  assert.deepEqual([contain.data[0], contain.data[400], contain.data[10 * 20 + 10]], [255, 0, 0], 'letterbox red above, black inside');
  const cover = await decodeImage(wide, { size: 20, fit: 'cover' });
  assert.equal(Math.max(...cover.data), 0, 'cover crops to the black image');
  await assert.rejects(decodeImage(GRIN, { size: 0 }), /image: expected a positive integer or \[height, width\] for size but received 0/);
  await assert.rejects(decodeImage(GRIN, { size: 8, channels: 2 as 3 }), /expected 1 or 3 for channels but received 2/);
});

test('corrupt and truncated files raise an ImageDecodeError naming the file (main thread and workers)', async () => {
  assert.equal(sniffFormat(readFileSync(GRIN)), 'png');
  const pool = new DecodePool(2);
  for (const decode of [(p: string) => decodeImage(p, { size: 8 }), (p: string) => pool.decode(p, { size: 8 })]) {
    await assert.rejects(
      decode(TRUNCATED),
      (e: Error) => e instanceof ImageDecodeError && e.file === TRUNCATED && e.message.startsWith(`${TRUNCATED}: cannot decode image:`),
    );
    await assert.rejects(decode(GARBAGE), new RegExp(`${GARBAGE}: cannot decode image: not a PNG, JPEG or WebP file`));
    await assert.rejects(decode(join(tmp, 'missing.png')), /missing\.png: cannot decode image: ENOENT/);
  }
  const ok = await pool.decode(GRIN, { size: 64 });
  assert.deepEqual(Array.from(ok.data.subarray(32 * 64 + 32, 32 * 64 + 33)), [253]);
  await pool.close();
  await assert.rejects(pool.decode(GRIN, { size: 64 }), new RegExp(`DecodePool: the pool is closed \\(decoding ${GRIN}\\)`));
});

test("onError 'skip' logs each bad file once, counts it and reads it as null; 'raise' throws naming it", async () => {
  const logs: string[] = [];
  const paths = [GRIN, TRUNCATED, emoji('twitter', '1f600.png'), GARBAGE];
  const ds = new ImageDataset(paths, { size: 8, onError: 'skip', log: (m) => logs.push(m) });
  const read = await Promise.all([0, 1, 2, 3, 1].map((i) => ds.get(i)));
  assert.deepEqual(
    read.map((s) => (s === null ? null : s.image.shape)),
    [[3, 8, 8], null, [3, 8, 8], null, null],
  );
  assert.equal(ds.skipped.size, 2);
  assert.deepEqual([...ds.skipped.keys()].sort(), [GARBAGE, TRUNCATED].sort());
  assert.equal(logs.length, 2);
  assert.ok(logs.every((m) => m.startsWith('skipping ') && (m.includes(TRUNCATED) || m.includes(GARBAGE))));
  const strict = new ImageDataset(paths, { size: 8, workers: 0 });
  await assert.rejects(strict.get(1), (e: Error) => e instanceof ImageDecodeError && e.file === TRUNCATED);
  await assert.rejects(
    Promise.resolve().then(() => strict.get(4)),
    /ImageDataset.get: expected an index in \[0, 4\) but received 4/,
  );
});

test('ImageFolder: sorted classes, labels by folder, real images; empty folders and unsupported files are named', async () => {
  const dir = join(tmp, 'folder');
  const codes = { smile: ['1f600', '1f603', '1f604'], animals: ['1f436', '1f431'] };
  for (const [cls, list] of Object.entries(codes)) {
    mkdirSync(join(dir, cls, 'nested'), { recursive: true });
    list.forEach((c, k) => copyFileSync(emoji('google', `${c}.png`), join(dir, cls, k === 0 ? 'nested' : '', `${c}.png`)));
  }
  writeFileSync(join(dir, 'smile', '.DS_Store'), 'hidden files are ignored');
  const ds = new ImageFolder(dir, { size: 16, channels: 1 });
  assert.deepEqual(ds.classes, ['animals', 'smile']);
  assert.deepEqual(ds.labels, [0, 0, 1, 1, 1]);
  assert.equal(ds.length, 5);
  const s = (await ds.get(4))!;
  assert.deepEqual(s.image.shape, [1, 16, 16]);
  assert.equal(s.label, 1);
  assert.ok(s.image.max().item() <= 1 && s.image.min().item() >= 0 && s.image.std().item() > 0.1);
  mkdirSync(join(dir, 'zebra'));
  assert.throws(() => new ImageFolder(dir, { size: 16 }), new RegExp(`ImageFolder: class folder ${join(dir, 'zebra')} is empty`));
  writeFileSync(join(dir, 'zebra', 'notes.txt'), 'x');
  assert.throws(
    () => new ImageFolder(dir, { size: 16 }),
    /ImageFolder: unsupported image format in .*: zebra\/notes\.txt \(supported: \.png, \.jpg, \.jpeg, \.webp\)/,
  );
  assert.throws(() => new ImageFolder(join(tmp, 'nope'), { size: 16 }), /ImageFolder: root folder .*nope does not exist/);
});
