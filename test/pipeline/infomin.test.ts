/**
 * The InfoMin view study end to end on real images (Fashion-MNIST): three crop
 * lower bounds, each pretrained, its I_NCE estimated and probed; resumable
 * without redoing finished settings; bad knobs rejected before any run starts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline, report } from '../../src/index.js';

const study = {
  pretrain: {
    method: { name: 'simclr', head: { outDim: 32 } },
    data: { name: 'fashion-mnist', split: 'train', limit: 512 },
    model: { arch: 'resnet18', width: 0.0625, smallStem: true },
    train: { steps: 24, batchSize: 64, logEvery: 8 },
    monitor: { trainLimit: 256, test: { name: 'fashion-mnist', split: 'test', limit: 256 } },
    threads: 1,
  },
  study: {
    knob: 'method.views.scale',
    values: [
      [0.08, 1],
      [0.4, 1],
      [1, 1],
    ],
    label: 'crop lower bound',
  },
  estimate: { k: 64, seeds: 2 },
  probe: { epochs: 5, limit: 512 },
};

test('infomin: every setting is pretrained, estimated and probed; whole-image crops share more than small ones; resume redoes nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-infomin-'));
  const quiet = { log: () => {} };
  try {
    const out = join(dir, 'study');
    const r = (await pipeline.runInfomin(study, out, quiet))!;
    assert.equal(r.rows.length, 3);
    assert.deepEqual(
      r.rows.map((w) => w.x),
      [0.08, 0.4, 1],
    );
    for (const w of r.rows) {
      assert.equal(w.steps, 24);
      assert.equal(w.iNce.k, 64);
      assert.equal(w.iNce.perSeed.length, 2);
      assert.ok(w.iNce.mean < Math.log(64), `I_NCE ${w.iNce.mean} must stay below log K`);
      assert.ok(w.linearTop1 > 0.25 && w.knnTop1 > 0.3, `${w.label}: accuracies above chance (10 %): ${w.linearTop1}, ${w.knnTop1}`);
    }
    // Whole-image crops share more than crops of 8–100 % of it (a 24-step run's middle setting varies across CPUs; its ends do not).
    const inces = r.rows.map((w) => w.iNce.mean);
    assert.ok(inces[0] + 0.1 < inces[2], `I_NCE of whole-image crops should exceed that of small crops: ${inces}`);
    assert.equal(r.reverseU !== null, true);
    const saved = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as pipeline.InfominResults;
    assert.deepEqual(
      saved.rows.map((w) => w.iNce.mean),
      inces,
    );
    const stamp = statSync(join(r.rows[0].dir, 'encoder.safetensors')).mtimeMs;
    const again = (await pipeline.runInfomin({}, out, { ...quiet, resume: true }))!;
    assert.deepEqual(
      again.rows.map((w) => [w.iNce.mean, w.linearTop1]),
      r.rows.map((w) => [w.iNce.mean, w.linearTop1]),
    );
    assert.equal(statSync(join(r.rows[0].dir, 'encoder.safetensors')).mtimeMs, stamp, 'a finished setting is not retrained');
    const html = readFileSync(report.writeStudyReport(out), 'utf8');
    for (const id of ['accuracy-vs-infonce', 'accuracy-vs-knob', 'infonce-vs-knob', 'infomin-table'])
      assert.ok(html.includes(`id="${id}"`), id);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('infomin: a bad knob or value, or a method without a critic, is an error before or at the setting that needs it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-infomin-'));
  try {
    await assert.rejects(
      pipeline.runInfomin({ ...study, study: { knob: 'method.views.scale', values: [[0.5, 0.2]] } }, join(dir, 'a'), { log: () => {} }),
      /setting 0 \(method\.views\.scale = \[0\.5,0\.2\]\)/,
    );
    await assert.rejects(
      pipeline.runInfomin({ ...study, study: { knob: 'method.views.nope', values: [1] } }, join(dir, 'b'), { log: () => {} }),
      /setting 0.*nope/s,
    );
    assert.throws(() => statSync(join(dir, 'a')), /ENOENT/, 'no run folder is left behind by a rejected study');
    await assert.rejects(
      pipeline.runInfomin(
        {
          ...study,
          pretrain: { ...study.pretrain, method: { name: 'byol' }, train: { steps: 1, batchSize: 16 } },
          study: { knob: 'seed', values: [0] },
        },
        join(dir, 'c'),
        { log: () => {} },
      ),
      /byol has no InfoNCE critic/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('setPath sets a dotted option on a copy, turning a section given by name into { name }', () => {
  const raw = { method: 'simclr', train: { steps: 3 } };
  assert.deepEqual(pipeline.setPath(raw, 'method.views.scale', [0.2, 1]), {
    method: { name: 'simclr', views: { scale: [0.2, 1] } },
    train: { steps: 3 },
  });
  assert.deepEqual(raw, { method: 'simclr', train: { steps: 3 } }, 'the input is left alone');
  assert.throws(
    () => pipeline.setPath(raw, 'train.steps.x', 1),
    /study.knob: train.steps.x goes through steps, which holds 3, not a section/,
  );
  assert.throws(() => pipeline.setPath(raw, '__proto__.x', 1), /study.knob: expected a dotted option path/);
});
