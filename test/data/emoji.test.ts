/**
 * The emoji multi-instance set (npm emoji-datasource-{google,twitter,facebook}
 * @16.0.0): counts per vendor and category, case grouping, decoded images equal
 * to single-file decodes, and the safetensors cache (second load from disk,
 * stale or corrupt files rebuilt).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMOJI_VENDORS, emojiRecords, loadEmoji } from '../../src/data/emoji.js';
import { loadImage } from '../../src/data/image-dataset.js';

const CATEGORIES = [
  'Activities',
  'Animals & Nature',
  'Component',
  'Flags',
  'Food & Drink',
  'Objects',
  'People & Body',
  'Smileys & Emotion',
  'Symbols',
  'Travel & Places',
];
/** Images per category for Google and Twitter (all 1,911 emoji) and for Facebook (1,860). */
const FULL = [85, 159, 5, 270, 131, 264, 386, 169, 224, 218];
const FACEBOOK = [85, 157, 5, 269, 128, 261, 363, 165, 209, 218];

const all = emojiRecords();

test('5,682 images: 1,911 Google, 1,911 Twitter, 1,860 Facebook, in 10 categories and 99 subcategories', () => {
  assert.equal(all.records.length, 5682);
  assert.deepEqual(all.categories, CATEGORIES);
  assert.equal(all.subcategories.length, 99);
  for (const vendor of EMOJI_VENDORS) {
    const mine = all.records.filter((r) => r.domain === vendor);
    assert.equal(mine.length, vendor === 'facebook' ? 1860 : 1911, vendor);
    const counts = CATEGORIES.map((c) => mine.filter((r) => r.label === c).length);
    assert.deepEqual(counts, vendor === 'facebook' ? FACEBOOK : FULL, vendor);
    const bad = mine.filter(
      (r) => !existsSync(r.path) || !r.path.endsWith(`/emoji-datasource-${vendor}/img/${vendor}/64/${r.case.toLowerCase()}.png`),
    );
    assert.deepEqual(bad, [], `${vendor}: every record names its existing 64×64 PNG`);
  }
  const r = all.records.find((x) => x.case === '1F600' && x.domain === 'twitter')!;
  assert.deepEqual(
    { ...r, path: undefined },
    {
      path: undefined,
      case: '1F600',
      domain: 'twitter',
      name: 'GRINNING FACE',
      label: 'Smileys & Emotion',
      category: 7,
      subcategoryName: 'face-smiling',
      subcategory: all.subcategories.indexOf('face-smiling'),
    },
  );
  assert.ok(all.records.every((x) => all.categories[x.category] === x.label && all.subcategories[x.subcategory] === x.subcategoryName));
});

test('cases group the vendors of one emoji: 1,911 cases, 1,860 drawn three times, 51 twice', () => {
  const byCase = new Map<string, string[]>();
  for (const r of all.records) byCase.set(r.case, [...(byCase.get(r.case) ?? []), r.domain]);
  assert.equal(byCase.size, 1911);
  const sizes = [...byCase.values()].map((v) => v.length);
  assert.equal(sizes.filter((n) => n === 3).length, 1860);
  assert.equal(sizes.filter((n) => n === 2).length, 51);
  assert.ok([...byCase.values()].every((v) => v[0] === 'google' && v[1] === 'twitter' && new Set(v).size === v.length));
  const labelsOfCase = new Map<string, Set<number>>();
  for (const r of all.records) labelsOfCase.set(r.case, (labelsOfCase.get(r.case) ?? new Set()).add(r.subcategory));
  assert.ok(
    [...labelsOfCase.values()].every((s) => s.size === 1),
    'a case has one subcategory',
  );
});

test('decoded images equal single-file decodes; the second load reads the safetensors cache', async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'selfsup-emoji-'));
  const sel = { subcategories: ['face-smiling'], vendors: ['twitter', 'google'] as const, cacheDir };
  const first = await loadEmoji(sel);
  assert.equal(first.fromCache, false);
  assert.equal(first.records.length, 28);
  assert.deepEqual(first.images.shape, [28, 3, 64, 64]);
  assert.equal(first.images.dtype, 'uint8');
  assert.deepEqual(first.labels.toArray(), Array(28).fill(7));
  assert.deepEqual(
    first.records.slice(0, 4).map((r) => `${r.case}/${r.domain}`),
    ['1F600/twitter', '1F600/google', '1F603/twitter', '1F603/google'],
  );
  for (const i of [0, 5, 27]) {
    const one = await loadImage(first.records[i].path, { size: 64, dtype: 'uint8' });
    assert.deepEqual(first.images.select(0, i).toArray(), one.toArray(), `image ${i}`);
  }
  const files = readdirSync(cacheDir);
  assert.equal(files.length, 1);
  assert.match(files[0], /^emoji-16\.0\.0-[0-9a-f]{16}\.safetensors$/);
  const second = await loadEmoji(sel);
  assert.equal(second.fromCache, true);
  assert.deepEqual(second.images.toArray(), first.images.toArray());
  writeFileSync(join(cacheDir, files[0]), 'corrupt');
  const third = await loadEmoji(sel);
  assert.equal(third.fromCache, false, 'a corrupt cache file is rebuilt');
  assert.deepEqual(third.images.toArray(), first.images.toArray());
  const grey = await loadEmoji({ ...sel, size: 16, channels: 1, workers: 0 });
  assert.equal(grey.fromCache, false, 'another size is another cache entry');
  assert.deepEqual(grey.images.shape, [28, 1, 16, 16]);
  assert.equal(readdirSync(cacheDir).length, 2);
});

test('unknown vendors and names are errors listing the valid ones', () => {
  assert.throws(
    () => emojiRecords({ vendors: ['apple' as 'google'] }),
    /emoji: unknown vendor "apple" \(valid: google, twitter, facebook\)/,
  );
  assert.throws(
    () => emojiRecords({ categories: ['Smileys'] }),
    /emoji: unknown name "Smileys" in categories \(valid: Activities, Animals & Nature, /,
  );
});
