import { test } from 'node:test';
import assert from 'node:assert/strict';
import { data } from '../../src/index.js';
import { scoreTask, type TaskEmbeddings } from '../../src/eval/noss.js';

/**
 * A speaker-confounded task: class c shifts features 0–3, each speaker shifts all
 * features strongly, and train / validation / test speakers are disjoint, so
 * per-speaker normalisation is what removes the speaker offsets.
 */
function task(o: { intraSpeaker?: boolean; speakers?: number; seed?: number } = {}): TaskEmbeddings {
  const { intraSpeaker = false, speakers = 9, seed = 3 } = o;
  const g = data.gaussian(data.mulberry32(seed));
  const dim = 16;
  const offsets = Array.from({ length: speakers }, () => Array.from({ length: dim }, () => 4 * g()));
  const x: number[] = [];
  const t: TaskEmbeddings = { task: 'toy', intraSpeaker, x: new Float32Array(), dim, labels: [], speakers: [], splits: [] };
  for (let s = 0; s < speakers; s++)
    for (let i = 0; i < 30; i++) {
      const c = i % 3;
      for (let j = 0; j < dim; j++) x.push(offsets[s][j] * (1 + 0.5 * Number(j === s % dim)) + (j < 4 ? 1.5 * (c - 1) : 0) + g());
      t.labels.push(`c${c}`);
      t.speakers.push(`s${s}`);
      t.splits.push(intraSpeaker ? (i < 18 ? 'train' : i < 24 ? 'validation' : 'test') : s < 5 ? 'train' : s < 7 ? 'validation' : 'test');
    }
  t.x = Float32Array.from(x);
  return t;
}

test('scoreTask picks a configuration by validation and scores it on test (speaker-confounded task)', () => {
  const r = scoreTask(task(), { classifiers: ['logistic', 'lda'] });
  assert.equal(r.task, 'toy');
  assert.equal(r.config.speakerNorm, true, JSON.stringify(r)); // speaker offsets dominate without it
  assert.ok(r.validation > 0.8 && r.accuracy > 0.8, JSON.stringify(r));
  assert.ok(r.balancedAccuracy > 0.8 && r.speakers === undefined, JSON.stringify(r));
  const plain = scoreTask({ ...task(), speakers: task().speakers.map(() => '') }, { classifiers: ['logistic', 'lda'] });
  assert.equal(plain.config.speakerNorm, false);
  assert.ok(plain.validation < r.validation, `without speaker ids: ${JSON.stringify(plain)}`);
});

test('scoreTask on an intra-speaker task averages over the speakers', () => {
  const r = scoreTask(task({ intraSpeaker: true, speakers: 4 }), { classifiers: ['lda', 'forest'] });
  assert.equal(r.speakers, 4);
  assert.ok(r.accuracy > 0.7, JSON.stringify(r));
  assert.ok(['lda', 'forest'].includes(r.config.classifier));
});

test('scoreTask names the task and field of bad input', () => {
  const t = task();
  assert.throws(
    () => scoreTask({ ...t, labels: t.labels.slice(1) }),
    /scoreTask\(toy\): expected labels of length N = 270 \(x is \[270, 16\]\) but received 269/,
  );
  assert.throws(() => scoreTask({ ...t, x: t.x.subarray(1) }), /scoreTask\(toy\): expected x of length N·dim \(dim 16\)/);
  const nan = Float32Array.from(t.x);
  nan[16 * 7 + 2] = NaN;
  assert.throws(() => scoreTask({ ...t, x: nan }), /scoreTask\(toy\): expected finite x but row 7 \(clip 7, feature 2\) is NaN/);
  assert.throws(
    () => scoreTask({ ...t, splits: t.splits.map((s) => (s === 'validation' ? 'test' : s)) }),
    /expected validation clips but the validation split is empty/,
  );
  assert.throws(
    () => scoreTask({ ...t, labels: t.labels.map((l, i) => (t.splits[i] === 'train' ? 'c0' : l)) }),
    /expected at least 2 classes among the train labels but received 1 \(c0\)/,
  );
  const intra = task({ intraSpeaker: true, speakers: 2 });
  assert.throws(
    () => scoreTask({ ...intra, splits: intra.splits.map((s, i) => (intra.speakers[i] === 's1' && s === 'test' ? 'train' : s)) }),
    /expected test clips for speaker s1 but the test split is empty/,
  );
  assert.throws(
    () => scoreTask(t, { classifiers: ['svm'] }),
    /expected a classifier among logistic, logistic-balanced, lda, forest, forest-balanced but received svm/,
  );
  assert.throws(() => scoreTask({ ...t, splits: t.splits.map((s, i) => (i === 3 ? ('dev' as 'test') : s)) }), /splits\[3\] is dev/);
});
