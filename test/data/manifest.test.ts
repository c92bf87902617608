/**
 * Manifests: the CSV reader (quotes, commas, newlines, CRLF), CSV and JSONL
 * manifests of real emoji images (labels, multi-labels, cases, splits, domains),
 * and every problem reported by file, line and column.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv } from '../../src/data/csv.js';
import { ManifestError, readManifest } from '../../src/data/manifest.js';
import { ManifestDataset } from '../../src/data/manifest-dataset.js';
import { root } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'selfsup-manifest-'));
mkdirSync(join(dir, 'img'));
for (const [vendor, code] of [
  ['google', '1f600'],
  ['twitter', '1f600'],
  ['google', '1f436'],
  ['facebook', '1f436'],
  ['google', '1f34e'],
])
  copyFileSync(
    join(root, 'node_modules', `emoji-datasource-${vendor}`, 'img', vendor, '64', `${code}.png`),
    join(dir, 'img', `${vendor}-${code}.png`),
  );
const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

/** Asserts `fn` throws a ManifestError whose problems are exactly `expected` (strings, or patterns for engine-made text). */
function assertProblems(fn: () => unknown, expected: (string | RegExp)[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ManifestError, `expected a ManifestError but got ${e}`);
    assert.equal(e.problems.length, expected.length, e.message);
    expected.forEach((p, k) => (typeof p === 'string' ? assert.equal(e.problems[k], p) : assert.match(e.problems[k], p)));
    assert.ok(e.message.includes(`${expected.length} problem`) && e.problems.every((p) => e.message.includes(p)));
    return true;
  });
}

test('parseCsv: quoted commas, doubled quotes, newlines in quotes, CRLF, blank lines; lines of each row', () => {
  const rows = parseCsv('a,b,c\r\n"x, y","say ""hi""",3\n\n"multi\nline",,""\nlast,row,end');
  assert.deepEqual(rows, [
    { line: 1, fields: ['a', 'b', 'c'] },
    { line: 2, fields: ['x, y', 'say "hi"', '3'] },
    { line: 4, fields: ['multi\nline', '', ''] },
    { line: 6, fields: ['last', 'row', 'end'] },
  ]);
  assert.throws(() => parseCsv('a\n"open', 'm.csv'), /^Error: m\.csv:2: unterminated quoted field$/);
  assert.throws(() => parseCsv('"a"b', 'm.csv'), /m\.csv:1: unexpected character "b" after a closing quote/);
});

test('a CSV manifest gives records and a dataset of real images with label, case and domain indices', async () => {
  const file = write(
    'm.csv',
    [
      'path,label,case,split,domain',
      'img/google-1f600.png,smiley,1F600,train,google',
      'img/twitter-1f600.png,smiley,1F600,train,twitter',
      `${join(dir, 'img', 'google-1f436.png')},animal,1F436,test,google`,
      'img/facebook-1f436.png,animal,1F436,train,facebook',
    ].join('\n'),
  );
  const recs = readManifest(file);
  assert.deepEqual(recs[0], {
    path: join(dir, 'img', 'google-1f600.png'),
    label: 'smiley',
    case: '1F600',
    split: 'train',
    domain: 'google',
    where: `${file}:2`,
  });
  assert.equal(readManifest(file, { split: 'train' }).length, 3);
  const ds = ManifestDataset.fromFile(file, { size: 16, workers: 0 });
  assert.deepEqual(ds.classes, ['animal', 'smiley']);
  assert.deepEqual(ds.targets, [1, 1, 0, 0]);
  assert.deepEqual(ds.cases, ['1F436', '1F600']);
  assert.deepEqual(ds.caseIndex, [1, 1, 0, 0]);
  assert.deepEqual(ds.domains, ['facebook', 'google', 'twitter']);
  assert.deepEqual(ds.domainIndex, [1, 2, 1, 0]);
  const s = (await ds.get(3))!;
  assert.deepEqual(s.image.shape, [3, 16, 16]);
  assert.deepEqual({ label: 'label' in s ? s.label : null, case: s.case, domain: s.domain }, { label: 0, case: 0, domain: 0 });
});

test('a JSONL multi-label manifest gives multi-hot targets; records without a case are cases of their own', async () => {
  const file = write(
    'multi.jsonl',
    [
      '{"path": "img/google-1f600.png", "labels": ["face", "yellow"]}',
      '',
      '{"path": "img/google-1f34e.png", "labels": ["fruit"], "domain": "google"}',
      '{"path": "img/google-1f436.png", "labels": "animal|face"}',
    ].join('\n'),
  );
  const ds = ManifestDataset.fromFile(file, { size: 8, workers: 0 });
  assert.ok(ds.multiLabel);
  assert.deepEqual(ds.classes, ['animal', 'face', 'fruit', 'yellow']);
  assert.deepEqual(ds.targets, [[1, 3], [2], [0, 1]]);
  assert.deepEqual(new Set(ds.caseIndex).size, 3);
  assert.deepEqual(ds.domainIndex, [-1, 0, -1]);
  const s = (await ds.get(2))!;
  assert.ok('labels' in s);
  assert.deepEqual(s.labels.toArray(), [1, 1, 0, 0]);
  assert.equal(s.labels.dtype, 'float32');
});

test('CSV problems are all reported with file, line and column', () => {
  const file = write(
    'bad.csv',
    [
      'path,label,colour',
      'img/google-1f600.png,smiley,yellow',
      'img/missing.png,smiley,red',
      'img/notes.gif,smiley,blue',
      'img/google-1f436.png,,brown',
      ',animal,grey',
      'img/google-1f34e.png,fruit',
    ].join('\n'),
  );
  assertProblems(
    () => readManifest(file),
    [
      `${file}:7: expected 3 fields (path, label, colour) but found 2`,
      `${file}:1: unknown column "colour" (valid columns: path, label, labels, case, split, domain)`,
      `${file}:3: column "path": file ${join(dir, 'img', 'missing.png')} does not exist`,
      `${file}:4: column "path": img/notes.gif: unsupported image format ".gif" (supported: .png, .jpg, .jpeg, .webp)`,
      `${file}:5: column "label": missing label (pass allowUnlabeled: true to keep unlabeled rows)`,
      `${file}:6: column "path": missing file path`,
    ],
  );
  const unlabeled = write('unlabeled.csv', 'path,label\nimg/google-1f600.png,\nimg/google-1f436.png,animal\n');
  assert.deepEqual(
    readManifest(unlabeled, { allowUnlabeled: true }).map((r) => r.label),
    [undefined, 'animal'],
  );
  assert.deepEqual(new ManifestDataset(readManifest(unlabeled, { allowUnlabeled: true }), { size: 8 }).targets, [-1, 0]);
  assert.deepEqual(readManifest(write('nocheck.csv', 'path\nimg/absent.png\n'), { checkFiles: false }).length, 1);
});

test('JSONL problems, empty manifests and unsupported manifest formats are named', () => {
  const file = write(
    'bad.jsonl',
    [
      '{"path": "img/google-1f600.png", "label": "smiley", "size": 64}',
      '{"path": "img/google-1f436.png", "label": 7',
      '[1, 2]',
      '{"path": "img/google-1f34e.png", "label": {"x": 1}}',
      '{"path": "img/google-1f34e.png", "label": "fruit", "labels": ["a"]}',
    ].join('\n'),
  );
  assertProblems(
    () => readManifest(file),
    [
      `${file}:1: unknown column "size" (valid columns: path, label, labels, case, split, domain)`,
      new RegExp(`^${file}:2: invalid JSON: .+`),
      `${file}:3: expected a JSON object but found an array`,
      `${file}:5: has both "label" and "labels"; use "label" for one class or "labels" for several`,
      `${file}:4: column "label": expected a string but found {"x":1}`,
    ],
  );
  assertProblems(() => readManifest(write('empty.csv', 'path,label\n')), [`${join(dir, 'empty.csv')}: no records`]);
  assertProblems(
    () => readManifest(write('m.tsv', 'path\n')),
    [`${join(dir, 'm.tsv')}: unsupported manifest format ".tsv" (expected .csv, .jsonl or .ndjson)`],
  );
  assertProblems(
    () => readManifest(join(dir, 'absent.csv')),
    [`${join(dir, 'absent.csv')}: cannot read: ENOENT: no such file or directory, open '${join(dir, 'absent.csv')}'`],
  );
});
