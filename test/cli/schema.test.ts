import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flagFields, flagName, readConfigFile, resolveConfig } from '../../src/cli/schema.js';
import { FINETUNE, PRETRAIN } from '../../src/cli/configs.js';

test('defaults fill every field; the config file overrides them and flags override the file', () => {
  const c = resolveConfig(PRETRAIN, { train: { epochs: 3 }, data: { name: 'emoji', vendors: ['google'] } }, { 'train.batchSize': '64', 'optim.lr': '0.5', 'head.batchNorm': 'false', 'views.scale': '0.3, 1' }, 'run.yaml') as Record<string, Record<string, unknown>>;
  assert.equal(c.method, 'simclr');
  assert.deepEqual(c.train, { epochs: 3, steps: 0, batchSize: 64, checkpointSeconds: 120, logEvery: 10 });
  assert.deepEqual(c.data, { name: 'emoji', split: 'train', size: 32, vendors: ['google'] });
  assert.equal(c.optim.lr, 0.5);
  assert.equal(c.head.batchNorm, false);
  assert.deepEqual(c.views.scale, [0.3, 1]);
  assert.deepEqual((c.monitor.test as Record<string, unknown>).split, 'test');
});

test('unknown keys are rejected with the valid ones listed; wrong types and ranges name the key', () => {
  assert.throws(() => resolveConfig(PRETRAIN, { trian: {} }, {}, 'run.yaml'), /^Error: run.yaml: unknown key "trian" \(valid: name, seed, threads, method, init, data, model, head, views, temperature, optim, train, monitor\)$/);
  assert.throws(() => resolveConfig(PRETRAIN, { train: { epoch: 1 } }, {}, 'run.yaml'), /run.yaml.train: unknown key "epoch" \(valid: epochs, steps, batchSize, checkpointSeconds, logEvery\)/);
  assert.throws(() => resolveConfig(PRETRAIN, { method: 'byol' }, {}, 'c.json'), /c.json.method: expected one of simclr, micle but received "byol"/);
  assert.throws(() => resolveConfig(PRETRAIN, { train: { batchSize: 1.5 } }, {}, 'c'), /c.train.batchSize: expected an integer but received 1.5/);
  assert.throws(() => resolveConfig(PRETRAIN, {}, { 'train.batchSize': 'ten' }, 'c'), /--train.batch-size: expected an integer but received "ten"/);
  assert.throws(() => resolveConfig(PRETRAIN, {}, { 'views.flip': '2' }, 'c'), /--views.flip: expected a value in \[0, 1\] but received "2"/);
  assert.throws(() => resolveConfig(FINETUNE, { shifted: [{ name: 'emoji', vendor: 'x' }] }, {}, 'c'), /c.shifted\[0\]: unknown key "vendor" \(valid: name, split, limit, path, size, channels, vendors\)/);
});

test('flags: one per leaf field, kebab-case, lists excluded', () => {
  const names = flagFields(FINETUNE).map(([p]) => flagName(p));
  assert.ok(names.includes('--optim.warmup-epochs') && names.includes('--test.limit') && names.includes('--min-steps'));
  assert.ok(!names.some((n) => n.startsWith('--shifted')));
});

test('config files: YAML and JSON; unreadable or malformed files are named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-cfg-'));
  try {
    writeFileSync(join(dir, 'a.yaml'), 'train:\n  epochs: 2 # comment\nviews: { scale: [0.5, 1] }\n');
    assert.deepEqual(readConfigFile(join(dir, 'a.yaml')), { train: { epochs: 2 }, views: { scale: [0.5, 1] } });
    writeFileSync(join(dir, 'b.json'), '{"seed": 4}');
    assert.deepEqual(readConfigFile(join(dir, 'b.json')), { seed: 4 });
    writeFileSync(join(dir, 'c.json'), '{"seed": ');
    assert.throws(() => readConfigFile(join(dir, 'c.json')), /c.json: not valid JSON/);
    writeFileSync(join(dir, 'd.yaml'), '- 1\n- 2\n');
    assert.throws(() => readConfigFile(join(dir, 'd.yaml')), /d.yaml: expected a mapping of keys to values at the top level/);
    assert.throws(() => readConfigFile(join(dir, 'none.yaml')), /none.yaml: cannot read it/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
