/**
 * Emoji drawn by several vendors (npm `emoji-datasource-<vendor>@16.0.0`,
 * devDependencies; 64×64 RGBA PNGs under `img/<vendor>/64/`, described by
 * `emoji.json`): a real multi-instance set. A case is one emoji (its unified
 * code point sequence), its instances are the vendors' drawings, its labels the
 * category (10 classes) and the subcategory (99 classes); the vendor is the
 * domain (for shift tests). Google and Twitter draw all 1,911 emoji, Facebook
 * 1,860. Decoded images are cached in `.cache/` as safetensors, so a second load
 * reads one file instead of decoding thousands.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as torch from '../torch/index.js';
import { cachedTensors, defaultCacheDir } from './cache.js';
import { DecodePool, sharedDecodePool } from './decode-pool.js';
import { decodeImage } from './image.js';

export const EMOJI_VENDORS = ['google', 'twitter', 'facebook'] as const;
export type EmojiVendor = (typeof EMOJI_VENDORS)[number];
export const EMOJI_VERSION = '16.0.0';

/** The command that installs a vendor's package. */
export const emojiInstall = (vendor: EmojiVendor): string =>
  `npm install --save-dev --save-exact emoji-datasource-${vendor}@${EMOJI_VERSION}`;

/** One image: a manifest-like record (path, label, case, domain) plus the emoji's details. */
export interface EmojiRecord {
  path: string;
  /** The emoji's unified code points, e.g. "1F600": the case id. */
  case: string;
  /** The vendor drawing it: the domain. */
  domain: EmojiVendor;
  /** Category name (e.g. "Smileys & Emotion") and its index into `categories`. */
  label: string;
  category: number;
  /** Subcategory name (e.g. "face-smiling") and its index into `subcategories`. */
  subcategoryName: string;
  subcategory: number;
  /** The emoji's name, e.g. "GRINNING FACE". */
  name: string;
}

export interface EmojiSelection {
  /** Vendors to include (default all three). */
  vendors?: readonly EmojiVendor[];
  /** Keep only these categories / subcategories (by name; default all). */
  categories?: readonly string[];
  subcategories?: readonly string[];
}

interface EmojiEntry {
  unified: string;
  name: string;
  image: string;
  category: string;
  subcategory: string;
  sort_order: number;
  [k: string]: unknown;
}

function packageDir(vendor: EmojiVendor): string {
  if (!EMOJI_VENDORS.includes(vendor))
    throw new RangeError(`emoji: unknown vendor ${JSON.stringify(vendor)} (valid: ${EMOJI_VENDORS.join(', ')})`);
  try {
    return dirname(createRequire(import.meta.url).resolve(`emoji-datasource-${vendor}/package.json`));
  } catch {
    throw new Error(`emoji: the npm package emoji-datasource-${vendor} is not installed; run \`${emojiInstall(vendor)}\``);
  }
}

/** The records of the selected emoji (cases in the standard emoji order, vendors in the given order), and the class names. */
export function emojiRecords(o: EmojiSelection = {}): { records: EmojiRecord[]; categories: string[]; subcategories: string[] } {
  const vendors = o.vendors ?? EMOJI_VENDORS;
  const dirs = vendors.map(packageDir);
  const entries = (JSON.parse(readFileSync(join(dirs[0], 'emoji.json'), 'utf8')) as EmojiEntry[]).sort(
    (a, b) => a.sort_order - b.sort_order,
  );
  const categories = [...new Set(entries.map((e) => e.category))].sort();
  const subcategories = [...new Set(entries.map((e) => e.subcategory))].sort();
  for (const [key, list, valid] of [
    ['categories', o.categories, categories],
    ['subcategories', o.subcategories, subcategories],
  ] as const)
    for (const name of list ?? [])
      if (!valid.includes(name)) throw new RangeError(`emoji: unknown name ${JSON.stringify(name)} in ${key} (valid: ${valid.join(', ')})`);
  const records: EmojiRecord[] = [];
  for (const e of entries) {
    if (o.categories && !o.categories.includes(e.category)) continue;
    if (o.subcategories && !o.subcategories.includes(e.subcategory)) continue;
    vendors.forEach((vendor, k) => {
      if (e[`has_img_${vendor}`] !== true) return;
      records.push({
        path: join(dirs[k], 'img', vendor, '64', e.image),
        case: e.unified,
        domain: vendor,
        name: e.name,
        label: e.category,
        category: categories.indexOf(e.category),
        subcategoryName: e.subcategory,
        subcategory: subcategories.indexOf(e.subcategory),
      });
    });
  }
  return { records, categories, subcategories };
}

export interface EmojiOptions extends EmojiSelection {
  /** Image size n (n×n; default 64, the files' own size). */
  size?: number;
  /** 3 for RGB over white (default), 1 for grayscale. */
  channels?: 1 | 3;
  /** Cache folder (default `.cache/` under the package root); `cache: false` always decodes. */
  cacheDir?: string;
  cache?: boolean;
  /** Where to decode: a pool, or 0 for the main thread (default the shared pool). */
  workers?: DecodePool | 0;
}

export interface EmojiSet {
  records: EmojiRecord[];
  categories: string[];
  subcategories: string[];
  /** [N, C, size, size] uint8 (divide by 255 for [0, 1]); row i is records[i]. */
  images: torch.Tensor;
  /** [N] int64 category and subcategory indices. */
  labels: torch.Tensor;
  subcategoryLabels: torch.Tensor;
  /** True when the images came from the cache file. */
  fromCache: boolean;
}

/** Loads the selected emoji with their decoded images (from the cache when it has them). */
export async function loadEmoji(o: EmojiOptions = {}): Promise<EmojiSet> {
  const { size = 64, channels = 3, cacheDir = defaultCacheDir(), cache = true, workers } = o;
  const { records, categories, subcategories } = emojiRecords(o);
  if (records.length === 0) throw new RangeError('emoji: the selection holds no images');
  const options = { size, channels };
  const decodeAll = async (): Promise<Record<string, torch.Tensor>> => {
    const per = channels * size * size;
    const buf = new Uint8Array(records.length * per);
    await Promise.all(
      records.map(async (r, i) => {
        const raw = await (workers === 0 ? decodeImage(r.path, options) : (workers ?? sharedDecodePool()).decode(r.path, options));
        buf.set(raw.data, i * per);
      }),
    );
    return { images: torch.tensor(buf, { shape: [records.length, channels, size, size] }) };
  };
  const paths = createHash('sha256')
    .update(records.map((r) => `${r.domain}/${r.case}`).join('\n'))
    .digest('hex');
  const key = { dataset: 'emoji', version: EMOJI_VERSION, size, channels, background: '#ffffff', images: paths };
  const file = join(
    cacheDir,
    `emoji-${EMOJI_VERSION}-${createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 16)}.safetensors`,
  );
  const { tensors, hit } = cache ? await cachedTensors(file, key, decodeAll) : { tensors: await decodeAll(), hit: false };
  const ints = (f: (r: EmojiRecord) => number): torch.Tensor => torch.tensor(Float64Array.from(records, f), { dtype: 'int64' });
  return {
    records,
    categories,
    subcategories,
    images: tensors.images,
    labels: ints((r) => r.category),
    subcategoryLabels: ints((r) => r.subcategory),
    fromCache: hit,
  };
}
