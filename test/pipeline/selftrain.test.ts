/**
 * Noisy Student and Semi-Supervised Distillation end to end on real images
 * (MNIST): the teacher learns from a label fraction, students from labels +
 * filtered pseudo-labels, every stage is scored (clean, corrupted, size,
 * latency); a stage stopped mid-way resumes to bit-identical weights; a
 * distillation takes its teacher from the self-training run; bad teachers are
 * named before any run folder exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline, torch } from '../../src/index.js';

const base = {
  data: { name: 'mnist', split: 'train', limit: 1200 },
  test: { name: 'mnist', split: 'test', limit: 300 },
  shifted: [{ name: 'mnist', split: 'test', limit: 100, tag: 'first-100' }],
  fraction: 0.1,
  teacherModel: { arch: 'resnet18', width: 0.0625 },
  model: { arch: 'resnet18', width: 0.0625 },
  teacherSteps: 100,
  steps: 80,
  ratio: 1,
  iterations: 2,
  batchSize: 32,
  corruptions: { names: ['gaussianNoise', 'rotate'], severities: [1, 5], limit: 100 },
  threads: 1,
};

const { iterations: _i, model: _m, ...shared } = base;

const weights = (path: string): Record<string, Float32Array> =>
  torch.scope(() =>
    Object.fromEntries(
      Object.entries(torch.safetensors.loadFile(path)).map(([k, t]) => [k, Float32Array.from(t.float().data() as Float32Array)]),
    ),
  );

test('selftrain: teacher → 2 noised students on real digits; every stage scored; a stopped stage resumes bit-identically', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-selftrain-'));
  try {
    const out = join(dir, 'ns');
    const rows = (await pipeline.selftrain(base, out))!;
    assert.deepEqual(
      rows.map((r) => r.stage),
      ['teacher', 'student-1', 'student-2'],
    );
    for (const r of rows) {
      // 3× chance (0.1): 80-step students from scratch land at 0.48–0.75 depending on the CPU's summation order
      assert.ok(r.top1 > 0.3, `${r.stage}: test accuracy ${r.top1} should be far above chance (0.1) after training on 120 labels`);
      assert.ok(r.mca !== null && r.mca > 0.1 && r.mca <= 1, `${r.stage}: mCA ${r.mca}`);
      assert.deepEqual(Object.keys(r.perCorruption!).sort(), ['gaussianNoise', 'rotate']);
      assert.ok(r.perCorruption!.rotate[1] <= r.perCorruption!.rotate[0] + 0.1, 'severity 5 rotations are no easier than severity 1');
      assert.ok(r.params > 1000 && r.latencyMs > 0);
      assert.deepEqual(Object.keys(r.shifted), ['first-100']);
      assert.ok(r.shifted['first-100'] > 0.25, `${r.stage}: shifted-set accuracy ${r.shifted['first-100']}`);
    }
    const events = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const pseudo = events.filter((e) => e.event === 'pseudo');
    assert.equal(pseudo.length, 2);
    for (const p of pseudo) {
      const perClass = p.perClass as number[];
      assert.equal(perClass.length, 10);
      // balancing aims every class at (unlabelled images / classes) = 108
      assert.ok(
        perClass.every((k) => k === 0 || Math.abs(k - 108) <= 40),
        `per-class counts near 108: ${perClass}`,
      );
    }
    for (const f of ['teacher', 'student-1', 'student-2', 'classifier', 'labelled', 'logits-student-1'])
      assert.ok(existsSync(join(out, f === 'labelled' ? 'labelled.json' : `${f}.safetensors`)), f);

    // the same run stopped every 37 steps of each stage and resumed gives the same weights
    const stopped = join(dir, 'stopped');
    assert.equal(await pipeline.selftrain({ ...base, iterations: 1 }, stopped, { stopAfter: 37 }), null);
    let r: unknown = null;
    for (let i = 0; i < 10 && r === null; i++)
      r = await pipeline.selftrain({ ...base, iterations: 1 }, stopped, { resume: true, stopAfter: 37 });
    assert.ok(r, 'the resumed run finishes');
    const a = weights(join(out, 'student-1.safetensors'));
    const b = weights(join(stopped, 'student-1.safetensors'));
    for (const k of Object.keys(a)) assert.deepEqual(b[k], a[k], `student-1 ${k} after stops and resumes`);

    // SSD stage 2 from the self-training run's final student: a smaller student keeps most of its accuracy,
    // and the distillation stage stopped every 37 steps resumes to the same weights
    const distillConfig = { ...shared, teacher: out, selftrain: 0, student: { arch: 'resnet18', width: 0.0625 }, steps: 80 };
    const small = (await pipeline.distill(distillConfig, join(dir, 'distill')))!;
    assert.deepEqual(
      small.map((s) => s.stage),
      ['teacher', 'distill'],
    );
    assert.equal(small[0].top1, rows[2].top1, 'the loaded teacher scores as the run scored it');
    assert.ok(small[1].top1 > 0.3, `distilled student ${small[1].top1}`);
    const paused = join(dir, 'distill-stopped');
    assert.equal(await pipeline.distill(distillConfig, paused, { stopAfter: 37 }), null);
    let d: unknown = null;
    for (let i = 0; i < 5 && d === null; i++) d = await pipeline.distill(distillConfig, paused, { resume: true, stopAfter: 37 });
    assert.ok(d, 'the resumed distillation finishes');
    const da = weights(join(dir, 'distill', 'distill.safetensors'));
    const db = weights(join(paused, 'distill.safetensors'));
    for (const k of Object.keys(da)) assert.deepEqual(db[k], da[k], `distilled ${k} after stops and resumes`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('selftrain / distill: a bad teacher or config is named before a run folder exists', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-selftrain-bad-'));
  try {
    const out = join(dir, 'run');
    await assert.rejects(pipeline.selftrain({ ...base, teacher: join(dir, 'nowhere') }, out), /teacher: .*nowhere does not exist/);
    await assert.rejects(pipeline.selftrain({ ...base, teacher: dir }, out), /has no classifier\.safetensors/);
    await assert.rejects(pipeline.selftrain({ ...base, pseudo: { threshold: 2 } }, out), /pseudo\.threshold/);
    await assert.rejects(pipeline.distill({ ...shared, temperature: 0 }, out), /temperature/);
    assert.equal(existsSync(out), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("distill: SimCLRv2's path — a fine-tuned run's classifier is the teacher, distilled on the unlabelled rest", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-distill-ft-'));
  try {
    const ft = join(dir, 'finetune');
    await pipeline.finetune(
      {
        data: { name: 'mnist', split: 'train', limit: 1200 },
        test: { name: 'mnist', split: 'test', limit: 300 },
        model: { arch: 'resnet18', width: 0.0625 },
        fractions: [0.1],
        epochs: 0,
        minSteps: 100,
        batchSize: 32,
        augment: false,
        flip: 0,
        optim: { lr: 0.8 },
        threads: 1,
      },
      ft,
    );
    const rows = (await pipeline.distill(
      { ...shared, teacher: ft, selftrain: 0, student: { arch: 'resnet18', width: 0.0625 }, steps: 80, corruptions: { limit: 0 } },
      join(dir, 'distill'),
    ))!;
    assert.ok(rows[0].top1 > 0.3, `fine-tuned teacher ${rows[0].top1}`);
    assert.equal(rows[0].mca, null, 'corrupted sets skipped with limit 0');
    assert.ok(rows[1].top1 > rows[0].top1 - 0.15, `distilled ${rows[1].top1} keeps most of the teacher's ${rows[0].top1}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
