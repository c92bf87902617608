/**
 * Multi-label data through the pipelines: a JSONL manifest of real emoji images
 * whose `labels` are the emoji's category and its vendor (2 per image). Fine-tuning uses binary cross-entropy and reports per-class and mean
 * AUC; the linear probe does the same on frozen features.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { data, pipeline, report, train } from '../../src/index.js';

test('multi-label manifest: fine-tuning and linear probe give per-class and mean AUC well above chance', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-ml-'));
  try {
    const { records } = data.emojiRecords({ vendors: ['google', 'twitter'] });
    const pick = records.filter((_, i) => i % 4 === 0); // ~950 images, both vendors, every category
    const lines = pick.map((r, i) => JSON.stringify({ path: r.path, labels: [r.label, r.domain], split: i % 5 === 0 ? 'test' : 'train' }));
    const manifest = join(dir, 'emoji.jsonl');
    writeFileSync(manifest, lines.join('\n') + '\n');
    const set = await data.loadImageSet({ name: 'manifest', path: manifest, size: 24 });
    const classes = [...new Set(pick.flatMap((r) => [r.label, r.domain]))].sort();
    assert.deepEqual(set.classes, classes);
    assert.deepEqual(set.multiLabel!.sum(1).unique().toArray(), [2]);
    const common = {
      data: { name: 'manifest', path: manifest, split: 'train', size: 24 },
      test: { name: 'manifest', path: manifest, split: 'test', size: 24 },
    };
    const ft = {
      ...common,
      model: { width: 0.125, smallStem: false },
      fractions: [1],
      epochs: 4,
      minSteps: 0,
      batchSize: 64,
      optim: { lr: 0.4 },
    };
    const out = join(dir, 'ft');
    await pipeline.finetune(ft, out, {});
    const events = new train.RunDir(out, { resume: true }).events();
    const r = events.find((e) => e.event === 'finetune')!;
    assert.equal(r.top1, undefined);
    assert.equal((r.perClassAuc as number[]).length, classes.length);
    assert.ok((r.meanAuc as number) > 0.65, `fine-tuned mean AUC ${r.meanAuc}`);
    const ev = { ...common, probeEpochs: 30 };
    const probes = await pipeline.evaluateRun(out, ev);
    assert.deepEqual(
      probes.map((p) => p.kind),
      ['linear'],
      'no kNN for multi-label sets',
    );
    assert.ok((probes[0].meanAuc as number) > 0.65, `probe mean AUC ${probes[0].meanAuc}`);
    // The report takes AUC-only results: a results table with the mean AUC, no top-1 label-efficiency curve.
    const page = await report.writeReport([out], join(dir, 'report.html'));
    assert.ok(!page.charts.includes('label-efficiency'));
    assert.ok(readFileSync(page.path, 'utf8').includes(`<td class="num">${(r.meanAuc as number).toFixed(3)}</td>`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
