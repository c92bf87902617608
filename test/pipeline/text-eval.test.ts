import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch } from '../../src/index.js';
import { Bert } from '../../src/models/bert.js';
import { Tokenizer } from '../../src/text/tokenizer.js';
import { textEval, textEvalAverages, type TextEvalRow } from '../../src/pipeline/text-eval.js';
import { textModelSection, textModelSize } from '../../src/pipeline/pretrain-text.js';
import { assertThrows } from '../helpers.js';

const WORDS = { good: ['fine', 'great', 'nice', 'happy'], bad: ['awful', 'sad', 'poor', 'grim'] };
const text = (label: 'good' | 'bad', i: number): string => `the day was ${WORDS[label][i % 4]} and ${WORDS[label][(i + 1) % 4]}`;

/** A text run folder as `selfsup pretrain --method electra` leaves it (random weights: only the plumbing is under test). */
function fakeRun(): string {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-text-eval-'));
  const model = { hiddenSize: 16, embeddingSize: 16, layers: 1, heads: 2, intermediateSize: 32, dropout: 0.1 };
  const config = { name: 'toy', command: 'pretrain', modality: 'text', method: { name: 'electra' }, model, data: { maxLength: 32 } };
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, flopsPerStep: 1000, totalSteps: 10 }));
  const tokenizer = Tokenizer.train(
    Array.from({ length: 8 }, (_, i) => text(i % 2 ? 'bad' : 'good', i)),
    { vocabSize: 80 },
  );
  tokenizer.save(join(dir, 'tokenizer.json'));
  const size = textModelSize(textModelSection.parse(model), tokenizer.vocabSize, 32);
  mkdirSync(join(dir, 'snapshots'));
  for (const f of ['encoder', 'snapshots/step-5', 'snapshots/step-10'])
    torch.scope(() => torch.safetensors.saveFile(join(dir, `${f}.safetensors`), new Bert(size).stateDict()));
  return dir;
}

/** A jsonl task file: 16 training and 6 test rows of two classes (`extraTest`: a test row of a class with no training row). */
function taskFile(dir: string, extraTest = false): string {
  const rows = Array.from({ length: 22 }, (_, i) => {
    const label = i % 2 ? 'bad' : 'good';
    return { text: text(label, i), label, split: i < 16 ? 'train' : 'test' };
  });
  if (extraTest) rows.push({ text: 'the day was odd', label: 'odd', split: 'test' });
  const path = join(dir, extraTest ? 'unseen.jsonl' : 'task.jsonl');
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return path;
}

const lines = (path: string): string[] => readFileSync(path, 'utf8').trim().split('\n');
const withoutTime = (r: TextEvalRow) => ({ ...r, trainSeconds: 0 });

test('text-eval: rows for every snapshot and the random baseline, appended to text-eval.jsonl; a killed evaluation resumes', () => {
  const dir = fakeRun();
  try {
    const jsonl = `jsonl:${taskFile(dir)}`;
    writeFileSync(
      join(dir, 'task.csv'),
      'label,text,split\n' +
        lines(taskFile(dir))
          .map((l) => JSON.parse(l))
          .map((r) => `${r.label},"${r.text}, quoted",${r.split}`)
          .join('\n'),
    );
    const csv = `csv:${join(dir, 'task.csv')}`;
    const raw = { tasks: [jsonl, csv], weights: 'all-snapshots', scratch: true, epochs: 1, batchSize: 4, threads: 1 };
    const first = textEval(dir, raw);
    assert.deepEqual(
      first.rows.map((r) => [r.weights, r.step, r.flops, r.method, r.task]),
      [
        ['snapshots/step-5', 5, 5000, 'electra', jsonl],
        ['snapshots/step-5', 5, 5000, 'electra', csv],
        ['snapshots/step-10', 10, 10000, 'electra', jsonl],
        ['snapshots/step-10', 10, 10000, 'electra', csv],
        ['scratch', 0, 0, 'none', jsonl],
        ['scratch', 0, 0, 'none', csv],
      ],
    );
    for (const r of first.rows) {
      assert.ok(r.accuracy >= 0 && r.accuracy <= 1 && r.run === 'toy' && r.train === 16 && r.test === 6, JSON.stringify(r));
      assert.deepEqual(r.settings, {
        trainLimit: 1000,
        testLimit: 500,
        maxLength: 32,
        epochs: 1,
        batchSize: 4,
        lr: 1e-3,
        weightDecay: 0,
        layerDecay: 1,
        warmup: 0.1,
      });
    }
    const path = join(dir, 'text-eval.jsonl');
    assert.deepEqual(
      lines(path).map((l) => withoutTime(JSON.parse(l))),
      first.rows.map(withoutTime),
    );
    // killed after two rows, one of them marked: the rerun keeps both as they are and redoes only the other four
    const kept = lines(path).slice(0, 2);
    kept[0] = JSON.stringify({ ...JSON.parse(kept[0]), accuracy: 0.125 });
    writeFileSync(path, kept.join('\n') + '\n');
    const second = textEval(dir, raw);
    assert.equal(second.rows[0].accuracy, 0.125, 'a row already in the file is not redone');
    assert.deepEqual(lines(path).slice(0, 2), kept);
    assert.equal(lines(path).length, 6);
    assert.deepEqual(second.rows.slice(1).map(withoutTime), first.rows.slice(1).map(withoutTime), 'the redone rows are the same (seeded)');
    // other fine-tuning settings are other rows
    const third = textEval(dir, { ...raw, weights: 'encoder', scratch: false, epochs: 2 });
    assert.deepEqual(
      third.rows.map((r) => [r.weights, r.step, r.settings.epochs]),
      [
        ['encoder', 10, 2],
        ['encoder', 10, 2],
      ],
    );
    assert.equal(lines(path).length, 8);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('text-eval averages: accuracy, or macro-F1 for imbalanced tasks, over the tasks of each weights', () => {
  const row = (weights: string, imbalanced: boolean, accuracy: number, macroF1: number) =>
    ({ weights, step: 1, flops: 2, imbalanced, accuracy, macroF1 }) as TextEvalRow;
  const a = textEvalAverages([row('a', false, 0.9, 0.1), row('a', true, 0.8, 0.4), row('b', true, 0.7, 0.5)]);
  assert.deepEqual(a, [
    { weights: 'a', step: 1, flops: 2, score: (0.9 + 0.4) / 2, tasks: 2 },
    { weights: 'b', step: 1, flops: 2, score: 0.5, tasks: 1 },
  ]);
});

test('text-eval: bad run folders, settings and tasks are clear errors, before any fine-tuning', () => {
  const dir = fakeRun();
  try {
    const task = `jsonl:${taskFile(dir)}`;
    const raw = { tasks: [task], epochs: 1 };
    const path = join(dir, 'text-eval.jsonl');
    assertThrows(
      () => textEval(dir, { ...raw, tasks: [task, `jsonl:${taskFile(dir, true)}`] }),
      /unseen.jsonl:23: field "label": class "odd" is in test but never in train/,
    );
    assertThrows(
      () => textEval(dir, { ...raw, maxLength: 64 }),
      /text-eval: maxLength 64 exceeds the run's sequence length 32/,
      RangeError,
    );
    assertThrows(
      () => textEval(dir, { ...raw, weights: join(dir, 'missing.safetensors') }),
      /text-eval --weights: .*missing.safetensors does not exist/,
    );
    assertThrows(() => textEval(dir, { ...raw, tasks: ['no-such-task'] }), /no-such-task/);
    writeFileSync(join(dir, 'bad.csv'), 'words,class\nhello,a\n');
    assertThrows(
      () => textEval(dir, { ...raw, tasks: [`csv:${join(dir, 'bad.csv')}`] }),
      /bad.csv:1: missing columns "text", "label", "split" \(header: words, class\)/,
    );
    assertThrows(() => textEval(dir, { ...raw, epochs: 0 }), /config.epochs: expected a value in \[1, 1000\] but received 0/);
    assert.equal(existsSync(path), false, 'nothing was fine-tuned');
    rmSync(join(dir, 'encoder.safetensors'));
    assertThrows(() => textEval(dir, raw), /has no encoder.safetensors/);
    rmSync(join(dir, 'snapshots'), { recursive: true });
    assertThrows(
      () => textEval(dir, { ...raw, weights: 'all-snapshots' }),
      /all-snapshots: .*snapshots holds no step-N.safetensors snapshots/,
    );
    rmSync(join(dir, 'tokenizer.json'));
    assertThrows(() => textEval(dir, raw), /text-eval: .* has no tokenizer.json/);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ command: 'pretrain', model: { arch: 'resnet18' } }));
    assertThrows(() => textEval(dir, raw), /is not a text pretraining run/);
    rmSync(join(dir, 'config.json'));
    assertThrows(() => textEval(dir, raw), /holds no run \(no config.json\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
