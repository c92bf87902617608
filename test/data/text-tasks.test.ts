import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classCounts, loadTextTask, TEXT_TASKS, type TextTask } from '../../src/data/text-tasks.js';
import { loadBrown } from '../../src/data/text-corpora.js';
import { loadSotu } from '../../src/data/stdlib-corpora.js';
import { passages } from '../../src/data/passages.js';
import { ManifestError } from '../../src/data/manifest.js';
import { loadTextSet } from '../../src/data/registry.js';
import { assertThrows } from '../helpers.js';

const counts = (t: TextTask): { train: number[]; test: number[] } => ({
  train: classCounts(t.train, t.classes.length),
  test: classCounts(t.test, t.classes.length),
});

/** The groups (documents, speeches) of the examples of `split`, from a map text → groups. */
function groupsOf(examples: TextTask['train'], owner: Map<string, string[]>): Set<string> {
  return new Set(examples.flatMap((e) => owner.get(e.text) ?? assert.fail(`no document holds ${e.text.slice(0, 40)}`)));
}
function ownerMap(docs: { id: string; texts: string[] }[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const d of docs) for (const t of d.texts) m.set(t, [...(m.get(t) ?? []), d.id]);
  return m;
}

test('spam: 6,046 email bodies, 80/20 split stratified by class', () => {
  const t = loadTextTask('spam');
  assert.deepEqual(t.classes, ['ham', 'spam']);
  assert.deepEqual(counts(t), { train: [3320, 1517], test: [830, 379] });
  assert.equal(t.imbalanced, true);
  assert.equal(new Set([...t.train, ...t.test].map((e) => e.text)).size > 5500, true);
});

test('brown-genre: 4 genre groups, split by document (no document on both sides)', () => {
  const t = loadTextTask('brown-genre');
  assert.deepEqual(t.classes, ['press', 'general', 'learned', 'fiction']);
  assert.deepEqual(counts(t), { train: [1094, 2192, 1366, 1592], test: [285, 542, 336, 395] });
  assert.equal(t.imbalanced, true);
  const owner = ownerMap(loadBrown().items.map((d) => ({ id: d.id, texts: passages(d.sentences.map((s) => s.join(' '))) })));
  const train = groupsOf(t.train, owner);
  const test = groupsOf(t.test, owner);
  assert.deepEqual(
    [...test].filter((d) => train.has(d)),
    [],
  );
  // 20 % of each section's documents: press 88 → 18, general 176 → 35, learned 110 → 22, fiction 126 → 25.
  assert.equal(test.size, 18 + 35 + 22 + 25);
  assert.equal(train.size + test.size, 500);
});

test('sotu-party and sotu-era: paragraphs split by speech', () => {
  const owner = ownerMap(loadSotu().map((s) => ({ id: s.id, texts: s.paragraphs })));
  const party = loadTextTask('sotu-party');
  assert.deepEqual(party.classes, ['Democratic', 'Republican']);
  assert.deepEqual(counts(party), { train: [4429, 4460], test: [1097, 1157] });
  assert.equal(party.imbalanced, false);
  const era = loadTextTask('sotu-era');
  assert.deepEqual(era.classes, ['1790-1860', '1861-1932', '1933-1980', '1981-']);
  assert.deepEqual(counts(era), { train: [2674, 4487, 1537, 1451], test: [880, 882, 410, 565] });
  assert.equal(era.imbalanced, true);
  for (const t of [party, era]) {
    const train = groupsOf(t.train, owner);
    const test = groupsOf(t.test, owner);
    assert.deepEqual(
      [...test].filter((s) => train.has(s)),
      [],
      t.name,
    );
  }
  // 90 Democratic and 92 Republican speeches: 18 of each held out.
  assert.equal(groupsOf(party.test, owner).size, 36);
});

test('text tasks: seeded splits, stratified subsamples, unknown names listed', () => {
  const a = loadTextTask('sotu-party', { seed: 3 });
  assert.deepEqual(loadTextTask('sotu-party', { seed: 3 }).test, a.test);
  assert.notDeepEqual(loadTextTask('sotu-party', { seed: 4 }).test, a.test);
  const small = loadTextTask('spam', { trainLimit: 1000, testLimit: 200 });
  // Largest remainder of 1000 · (3320, 1517) / 4837 and 200 · (830, 379) / 1209.
  assert.deepEqual(counts(small), { train: [686, 314], test: [137, 63] });
  const full = new Set(loadTextTask('spam').train.map((e) => e.text));
  assert.ok(small.train.every((e) => full.has(e.text)));
  assert.deepEqual(counts(loadTextTask('brown-genre', { trainLimit: 4 })).train, [1, 1, 1, 1]);
  assert.deepEqual(TEXT_TASKS, ['spam', 'brown-genre', 'sotu-party', 'sotu-era']);
  assertThrows(
    () => loadTextTask('imdb'),
    /unknown task "imdb" \(valid: spam, brown-genre, sotu-party, sotu-era, or a manifest: csv:<path>/,
    RangeError,
  );
  assertThrows(() => loadTextTask('spam', { trainLimit: 0 }), /limit/, RangeError);
});

function manifest(name: string, body: string | Uint8Array): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-task-'));
  const file = join(dir, name);
  writeFileSync(file, body);
  return { dir, file };
}

test('manifest tasks: CSV and JSONL with text, label, split; other splits ignored; classes sorted', async () => {
  const csv =
    'id,text,label,split\n1,"Great value, would buy again.",positive,train\n2,Broke after a week.,negative,train\n3,"Works ""fine"".",positive,dev\n4,Terrible.,negative,test\n';
  const jsonl = [
    { text: 'a', label: 10, split: 'train' },
    { text: 'b', label: 9, split: 'train' },
    { text: 'c', label: 10, split: 'test' },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n');
  const c = manifest('reviews.csv', csv);
  const j = manifest('nums.data', jsonl);
  try {
    const t = loadTextTask(c.file);
    assert.deepEqual(t.classes, ['negative', 'positive']);
    assert.deepEqual(t.train, [
      { text: 'Great value, would buy again.', label: 1 },
      { text: 'Broke after a week.', label: 0 },
    ]);
    assert.deepEqual(t.test, [{ text: 'Terrible.', label: 0 }]);
    assert.deepEqual(loadTextTask(`csv:${c.file}`).train, t.train);
    const n = loadTextTask(`jsonl:${j.file}`);
    assert.deepEqual(n.classes, ['9', '10']);
    assert.deepEqual(n.test, [{ text: 'c', label: 1 }]);
    const s = await loadTextSet({ name: 'text-manifest', path: c.file, split: 'test' });
    assert.deepEqual(s, { classes: ['negative', 'positive'], examples: [{ text: 'Terrible.', label: 0 }], imbalanced: false });
  } finally {
    rmSync(c.dir, { recursive: true });
    rmSync(j.dir, { recursive: true });
  }
});

test('manifest tasks: each bad input is an error naming the file and line', () => {
  const cases: [string, string | Uint8Array, RegExp][] = [
    ['empty.csv', '', /empty\.csv is empty/],
    [
      'latin1.csv',
      new Uint8Array([...Buffer.from('text,label,split\nok,a,train\ncaf'), 0xe9, ...Buffer.from(',b,train\n')]),
      /latin1\.csv is not valid UTF-8: byte 0xe9 at offset 31 \(line 3\)/,
    ],
    ['nolabel.csv', 'text,split\nhi,train\n', /nolabel\.csv:1: missing column "label" \(header: text, split\)/],
    ['fields.csv', 'text,label,split\nhi,a\nyo,b,train\n', /fields\.csv:2: expected 3 fields \(text, label, split\) but found 2/],
    ['emptytext.csv', 'text,label,split\nhi,a,train\n ,b,train\nyo,a,test\n', /emptytext\.csv:3: field "text": empty text/],
    [
      'unseen.csv',
      'text,label,split\nhi,a,train\nyo,b,train\nsup,c,test\n',
      /unseen\.csv:4: field "label": class "c" is in test but never in train \(train classes: a, b\)/,
    ],
    [
      'notest.csv',
      'text,label,split\nhi,a,train\nyo,b,train\nsup,a,dev\n',
      /notest\.csv: no rows with split "test" \(found splits: train, dev; rows of other splits are ignored\)/,
    ],
    [
      'oneclass.csv',
      'text,label,split\nhi,a,train\nyo,a,train\nsup,a,test\n',
      /oneclass\.csv: expected at least 2 classes in the train rows but found 1 \("a"\)/,
    ],
    [
      'missing.jsonl',
      '{"text":"hi","label":"a","split":"train"}\n{"text":"yo","split":"train"}\n',
      /missing\.jsonl:2: missing field "label"/,
    ],
    ['badjson.jsonl', '{"text":"hi","label":"a","split":"train"}\n{"text": nope}\n', /badjson\.jsonl:2: invalid JSON/],
    ['type.jsonl', '{"text":["hi"],"label":"a","split":"train"}\n', /type\.jsonl:1: field "text": expected a string but found \["hi"\]/],
  ];
  for (const [name, body, pattern] of cases) {
    const { dir, file } = manifest(name, body);
    try {
      assertThrows(() => loadTextTask(file), pattern, name === 'empty.csv' || name === 'latin1.csv' ? Error : ManifestError);
    } finally {
      rmSync(dir, { recursive: true });
    }
  }
  assertThrows(() => loadTextTask('/nonexistent/task.csv'), /text task: cannot read \/nonexistent\/task\.csv: ENOENT/);
});
