/** Reading run directories: events, defaults, and errors that name the file (and line). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch } from '../../src/index.js';
import { readEmbeddings, readRun, writeReport } from '../../src/report/index.js';
import { assertThrows } from '../helpers.js';

const root = mkdtempSync(join(tmpdir(), 'selfsup-report-read-'));

/** A run folder with the given config and metrics.jsonl lines (each omitted when undefined). */
function run(folder: string, config: object | undefined, lines: string[] | undefined): string {
  const dir = join(root, folder);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (config) writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  if (lines) writeFileSync(join(dir, 'metrics.jsonl'), lines.join('\n') + '\n');
  return dir;
}

const train = (step: number, loss: number | null) => JSON.stringify({ event: 'train', stage: 'pretrain', step, epoch: 0, loss, lr: 0.1 });

test('events are sorted by kind; blank lines and unknown events are skipped; NaN (null) losses are kept', () => {
  const dir = run('ok', { command: 'pretrain', method: 'simclr' }, [
    train(1, 5.2),
    '',
    '   ',
    JSON.stringify({ event: 'checkpoint', step: 1 }),
    train(2, null),
    JSON.stringify({ event: 'knn', stage: 'pretrain', step: 2, top1: 0.5, k: 20, seconds: 1.5 }),
    JSON.stringify({ event: 'warning', stage: 'pretrain', message: 'collapse' }),
    JSON.stringify({ event: 'finetune', init: 'simclr', fraction: 0.1, top1: 0.7 }),
    JSON.stringify({ event: 'probe', kind: 'linear', fraction: 0.1, labels: 60, split: 'shifted:blur', top1: 0.6, meanAuc: 0.8 }),
  ]);
  const r = readRun(dir);
  assert.equal(r.name, 'ok', 'the name defaults to the folder name');
  assert.equal(r.config.method, 'simclr');
  assert.deepEqual(
    r.train.map((e) => e.step),
    [1, 2],
  );
  assert.ok(Number.isNaN(r.train[1].loss));
  assert.deepEqual(r.knn, [{ stage: 'pretrain', step: 2, top1: 0.5, top5: undefined, k: 20, seconds: 1.5, normalizedStd: undefined }]);
  assert.deepEqual(r.warnings, [{ stage: 'pretrain', message: 'collapse' }]);
  assert.equal(r.finetune[0].split, 'test', 'the split defaults to test');
  assert.deepEqual([r.probe[0].meanAuc, r.probe[0].fraction, r.probe[0].labels], [0.8, 0.1, 60]);
  assert.equal(r.embeddings, null);
  assert.equal(readRun(run('named', { name: 'my run' }, [])).name, 'my run');
});

test('a malformed metrics line is reported as file:line', () => {
  const dir = run('bad-json', { method: 'simclr' }, [train(1, 5), '', '{"event": "train", "step": 3,']);
  assertThrows(() => readRun(dir), new RegExp(`^${join(dir, 'metrics.jsonl')}:3: not JSON`));
});

test('a line that is not an event, or an event missing a field, names file:line and the field', () => {
  const notEvent = run('not-event', {}, [train(1, 5), '[1, 2]']);
  assertThrows(
    () => readRun(notEvent),
    /metrics\.jsonl:2: expected a JSON object with a string "event" field but found \[1 of type number, 2 of type number\] of type array/,
  );
  const noLoss = run('no-loss', {}, [JSON.stringify({ event: 'train', step: 4 })]);
  assertThrows(() => readRun(noLoss), /metrics\.jsonl:1: "train" event needs a number for "loss" but has none/);
  const badInit = run('bad-init', {}, [train(1, 5), JSON.stringify({ event: 'finetune', init: 3, fraction: 0.1, top1: 0.5 })]);
  assertThrows(() => readRun(badInit), /metrics\.jsonl:2: "finetune" event needs a string for "init" but has 3 of type number/);
});

test('a run without config.json or metrics.jsonl is an error naming the path', async () => {
  const noConfig = run('no-config', undefined, [train(1, 5)]);
  assertThrows(() => readRun(noConfig), new RegExp(`^${join(noConfig, 'config.json')} is missing`));
  const noMetrics = run('no-metrics', { method: 'simclr' }, undefined);
  assertThrows(() => readRun(noMetrics), new RegExp(`^${join(noMetrics, 'metrics.jsonl')} is missing`));
  const notObject = run('array-config', [1], []);
  assertThrows(() => readRun(notObject), /config\.json: expected a JSON object/);
  await assert.rejects(writeReport([noConfig], join(root, 'r.html')), /config\.json is missing/);
  await assert.rejects(writeReport([], join(root, 'r.html')), /at least one run directory/);
});

test('embeddings: dtype, shape and metadata are checked', () => {
  const dir = run('emb', {}, []);
  const path = join(dir, 'embeddings.safetensors');
  torch.scope(() => {
    const embeddings = torch.zeros([3, 2]);
    torch.safetensors.saveFile(
      path,
      { embeddings, labels: torch.tensor([0, 1, 1], { dtype: 'int64' }) },
      { ids: '["a","b","c"]', classes: '["x","y"]' },
    );
    const e = readEmbeddings(path);
    assert.deepEqual([e.n, e.dim, e.labels, e.ids, e.classes], [3, 2, [0, 1, 1], ['a', 'b', 'c'], ['x', 'y']]);
    torch.safetensors.saveFile(path, { embeddings: torch.zeros([3, 2], { dtype: 'float64' }) });
    assertThrows(() => readEmbeddings(path), /"embeddings" must be float32 \[N, D\] but is float64 \[3,2\]/);
    torch.safetensors.saveFile(path, { embeddings, labels: torch.tensor([0, 1], { dtype: 'int64' }) });
    assertThrows(() => readEmbeddings(path), /"labels" must be int64 \[3\] but is int64 \[2\]/);
    torch.safetensors.saveFile(path, { embeddings }, { ids: '["a"]' });
    assertThrows(() => readEmbeddings(path), /metadata "ids" must be a JSON array of 3 strings/);
    torch.safetensors.saveFile(path, { vectors: embeddings });
    assertThrows(() => readEmbeddings(path), /no "embeddings" tensor \(found: vectors\)/);
  });
  assert.equal(readRun(dir).embeddings, path);
});
