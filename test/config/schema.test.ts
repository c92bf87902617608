import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flagFields, flagName, listOf, readConfigFile, resolveConfig, section, int, z } from '../../src/config/schema.js';
import { pretrainSchema, finetuneSchema, peekIn } from '../../src/pipeline/index.js';
import { methodOptions } from '../../src/pipeline/common.js';
import { SIMCLR_OPTIONS } from '../../src/methods/index.js';

const pretrain = (file: Record<string, unknown>, flags: Record<string, unknown> = {}) =>
  resolveConfig(pretrainSchema(peekIn(file, flags)), file, flags, 'run.yaml');

test('defaults fill every field; the config file overrides them and flags override the file', () => {
  const c = pretrain(
    { train: { epochs: 3 }, data: { name: 'emoji', vendors: ['google'] } },
    { 'train.batchSize': '64', 'optim.lr': '0.5', 'method.head.batchNorm': 'false', 'method.views.scale': '0.3, 1' },
  );
  assert.equal(c.method.name, 'simclr');
  assert.deepEqual(c.train, { epochs: 3, steps: 0, seconds: 0, batchSize: 64, checkpointSeconds: 120, logEvery: 10, syncBatchNorm: false });
  assert.deepEqual(c.data, { name: 'emoji', split: 'train', size: 32, channels: 3, vendors: ['google'] });
  assert.equal(c.optim.lr, 0.5);
  const m = SIMCLR_OPTIONS.parse(methodOptions(c));
  assert.equal(m.head.batchNorm, false);
  assert.deepEqual(m.views.scale, [0.3, 1]);
  assert.equal(m.temperature, 0.5);
  assert.equal(c.monitor.test.name, 'emoji', "the monitor's test set defaults to the training set");
  assert.equal(c.monitor.test.split, 'test');
});

test('a method or data set may be given by name alone, in a file or as a flag; its own options follow the name', () => {
  assert.equal(pretrain({ method: 'micle' }).method.name, 'micle');
  assert.equal(pretrain({}, { method: 'micle' }).method.name, 'micle');
  assert.equal(pretrain({ data: 'mnist' }).data.name, 'mnist');
  assert.throws(
    () => pretrain({ data: { name: 'mnist', vendors: ['google'] } }),
    /^Error: run.yaml.data: unknown key "vendors" \(valid: name, split, limit, tag\)$/,
  );
  const flags = flagFields(pretrainSchema(peekIn({}, { method: 'simclr' }))).map(([p]) => flagName(p));
  assert.ok(
    flags.includes('--method.temperature') && flags.includes('--method.views.local.count') && flags.includes('--method.head.out-dim'),
  );
});

test('unknown keys are rejected with the valid ones listed; wrong types and ranges name the key', () => {
  assert.throws(
    () => pretrain({ trian: {} }),
    /^Error: run.yaml: unknown key "trian" \(valid: name, seed, threads, method, init, data, model, optim, train, monitor\)$/,
  );
  assert.throws(
    () => pretrain({ train: { epoch: 1 } }),
    /run.yaml.train: unknown key "epoch" \(valid: epochs, steps, seconds, batchSize, checkpointSeconds, logEvery, syncBatchNorm\)/,
  );
  assert.throws(() => pretrain({ method: 'nope' }), /run.yaml.method.name: expected one of simclr, micle.* but received "nope"/);
  assert.throws(() => pretrain({ train: { batchSize: 1.5 } }), /run.yaml.train.batchSize: expected an integer but received 1.5/);
  assert.throws(() => pretrain({ train: { batchSize: 1 } }), /run.yaml.train.batchSize: expected a value in \[2, 65536\] but received 1/);
  assert.throws(() => pretrain({}, { 'train.batchSize': 'ten' }), /--train.batch-size: expected an integer but received "ten"/);
  assert.throws(
    () => pretrain({}, { 'method.views.flip': '2' }),
    /run.yaml.method.views.flip: expected a value in \[0, 1\] but received 2/,
  );
  assert.throws(
    () => pretrain({}, { 'method.views.scale': '2,1' }),
    /run.yaml.method.views.scale\[0\]: expected a value in \[0, 1\] but received 2/,
  );
  assert.throws(
    () => pretrain({}, { 'method.views.scale': '0.5,0.2' }),
    /run.yaml.method.views.scale: expected \[min, max\] with 0 < min <= max <= 1 but received \[0.5, 0.2\]/,
  );
  assert.throws(() => pretrain({}, { 'train.nope': '1' }), /unknown option --train.nope/);
  const ft = (file: Record<string, unknown>) => resolveConfig(finetuneSchema(peekIn(file)), file, {}, 'c');
  assert.throws(
    () => ft({ shifted: [{ name: 'emoji', vendor: 'x' }] }),
    /c.shifted\[0\]: unknown key "vendor" \(valid: name, split, limit, tag, size, channels, vendors\)/,
  );
  assert.throws(() => ft({ fractions: [1.5] }), /c.fractions\[0\]: expected a value in \[0.000001, 1\] but received 1.5/);
  assert.throws(() => ft({ data: { name: 'emoji', channels: 2 } }), /c.data.channels: expected one of 1, 3 but received 2/);
});

test('flags: one per leaf field, kebab-case, lists of mappings excluded', () => {
  const names = flagFields(finetuneSchema(peekIn({}))).map(([p]) => flagName(p));
  assert.ok(names.includes('--optim.warmup-epochs') && names.includes('--test.limit') && names.includes('--min-steps'));
  assert.ok(!names.some((n) => n.startsWith('--shifted')));
});

test('listOf checks each item against its own schema and reports its index', () => {
  const S = z.strictObject({
    items: listOf('items', (item) =>
      item.kind === 'a' ? z.strictObject({ kind: z.string(), n: int('n', 1, { min: 0 }) }) : z.strictObject({ kind: z.string() }),
    ),
  });
  assert.deepEqual(resolveConfig(S, { items: [{ kind: 'a' }, { kind: 'b' }] }, {}, 'f'), { items: [{ kind: 'a', n: 1 }, { kind: 'b' }] });
  assert.throws(
    () => resolveConfig(S, { items: [{ kind: 'a', n: -1 }] }, {}, 'f'),
    /^Error: f.items\[0\].n: expected a value >= 0 but received -1$/,
  );
  assert.throws(
    () => resolveConfig(S, { items: [{ kind: 'b', n: 1 }] }, {}, 'f'),
    /^Error: f.items\[0\]: unknown key "n" \(valid: kind\)$/,
  );
  const T = section({ a: int('a', 2) }, 'T');
  assert.deepEqual(resolveConfig(z.strictObject({ t: T }), {}, {}, 'f'), { t: { a: 2 } });
});

test('config files: YAML and JSON; unreadable or malformed files are named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-cfg-'));
  try {
    writeFileSync(join(dir, 'a.yaml'), 'train:\n  epochs: 2 # comment\nmethod: { name: simclr, views: { scale: [0.5, 1] } }\n');
    assert.deepEqual(readConfigFile(join(dir, 'a.yaml')), { train: { epochs: 2 }, method: { name: 'simclr', views: { scale: [0.5, 1] } } });
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
