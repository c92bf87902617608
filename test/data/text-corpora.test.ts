import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadMobyDick, loadSotu } from '../../src/data/stdlib-corpora.js';
import { loadWordnetGlosses, parseWordnetData, wordnetDir } from '../../src/data/wordnet.js';
import { passages, splitSentences, wordCount } from '../../src/data/passages.js';
import { assertThrows } from '../helpers.js';

test('State of the Union: 233 speeches 1790–2021 with presidents, parties and ~120-word paragraphs', () => {
  const speeches = loadSotu();
  assert.equal(speeches.length, 233);
  const parties: Record<string, number> = {};
  for (const s of speeches) parties[s.party] = (parties[s.party] ?? 0) + 1;
  assert.deepEqual(parties, {
    none: 7,
    Federalist: 4,
    'Democratic-Republican': 28,
    Democratic: 90,
    'Whig & Democratic': 4,
    Whig: 4,
    Republican: 92,
    'National Union': 4,
  });
  assert.equal(speeches[0].id, '1790_george_washington_n');
  assert.equal(speeches[0].president, 'George Washington');
  assert.equal(speeches.at(-1)!.id, '2021_joseph_r_biden_d');
  assert.deepEqual(
    speeches.filter((s) => s.year === 1961).map((s) => s.president),
    ['Dwight D Eisenhower', 'John F Kennedy'],
  );
  assert.ok(speeches[0].text.startsWith('Fellow-Citizens of the Senate and House of Representatives: In meeting you again'));
  const paragraphs = speeches.flatMap((s) => s.paragraphs);
  assert.equal(paragraphs.length, 12886);
  assert.ok(paragraphs.every((p) => wordCount(p) >= 30));
  // Paragraphs hold the whole speech, in order (whitespace aside).
  const squash = (t: string): string => t.replace(/\s+/g, '');
  assert.equal(squash(speeches[5].paragraphs.join('')), squash(speeches[5].text));
});

test('Moby-Dick: 135 chapters with titles and 2,422 paragraphs', () => {
  const chapters = loadMobyDick();
  assert.equal(chapters.length, 135);
  assert.deepEqual(
    chapters.map((c) => c.chapter),
    Array.from({ length: 135 }, (_, i) => i + 1),
  );
  assert.equal(chapters[0].title, 'Loomings.');
  assert.equal(chapters[134].title, 'The Chase.—Third Day.');
  assert.ok(chapters[0].paragraphs[0].startsWith('Call me Ishmael. Some years ago—never mind how long precisely'));
  assert.equal(chapters[0].paragraphs.length, 15);
  assert.equal(
    chapters.reduce((n, c) => n + c.paragraphs.length, 0),
    2422,
  );
});

test('WordNet glosses: 117,659 synsets, 82,115 of them nouns, from wordnet-base', () => {
  const glosses = loadWordnetGlosses();
  const byPos: Record<string, number> = {};
  for (const g of glosses) byPos[g.pos] = (byPos[g.pos] ?? 0) + 1;
  assert.deepEqual(byPos, { noun: 82115, verb: 13767, adj: 18156, adv: 3621 });
  assert.ok(byPos.noun > 80000);
  assert.deepEqual(glosses[0], {
    pos: 'noun',
    offset: 1740,
    words: ['entity'],
    gloss: 'that which is perceived or known or inferred to have its own distinct existence (living or nonliving)',
  });
  assert.deepEqual(glosses[1].words, ['physical entity']);
  assert.equal(glosses.filter((g) => g.gloss === '').length, 0);
  const adj = loadWordnetGlosses({ pos: ['adj'] });
  assert.equal(adj.length, 18156);
  assert.deepEqual(adj.find((g) => g.offset === 2252353)?.words, ['a cappella']);
});

test('WordNet: a missing installation names the commands; a malformed line names file and line', () => {
  assertThrows(
    () => wordnetDir(['/nonexistent-wordnet']),
    /not installed \(looked in \/nonexistent-wordnet\).*apt-get install wordnet-base.*npm run setup/,
  );
  assertThrows(
    () => loadWordnetGlosses({ pos: ['noun', 'pronoun' as 'noun'] }),
    /unknown parts of speech pronoun; valid: noun, verb, adj, adv/,
    RangeError,
  );
  assert.ok(wordnetDir().endsWith('/usr/share/wordnet'));
  const text = '  1 licence header\n00001740 03 n 01 entity 0 000 | a thing\nbroken line\n';
  assertThrows(
    () => parseWordnetData(text, 'noun', 'data.noun'),
    /data\.noun:3: expected "offset lex_filenum ss_type w_cnt word lex_id …" but found "broken line"/,
  );
  assert.deepEqual(parseWordnetData(text.split('\n').slice(0, 2).join('\n'), 'noun', 'data.noun'), [
    { pos: 'noun', offset: 1740, words: ['entity'], gloss: 'a thing' },
  ]);
});

test('passages: whole sentences of ~target words; a short tail is kept only from min words', () => {
  assert.deepEqual(splitSentences('Mr. Smith went home. "Why?" she asked! 3 cats left. ok then'), [
    'Mr.',
    'Smith went home.',
    '"Why?" she asked!',
    '3 cats left. ok then',
  ]);
  assert.equal(wordCount("The jury said `` no evidence '' ."), 5);
  const sentences = Array.from({ length: 10 }, (_, i) => `w${i} `.repeat(50).trim() + '.');
  const out = passages(sentences, { target: 120, min: 30 });
  assert.deepEqual(out.map(wordCount), [150, 150, 150, 50]);
  assert.deepEqual(passages(sentences.slice(0, 3), { target: 120, min: 60 }).map(wordCount), [150]);
  assertThrows(() => passages(sentences, { target: 0 }), /expected a positive integer target but received 0/, RangeError);
});
