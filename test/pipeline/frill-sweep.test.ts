/**
 * `selfsup frill-sweep` end to end on a tiny TRILL teacher and two tiny
 * students (src/pipeline/frill-sweep.ts): killed (SIGKILL, sweep and student
 * together) while the second student trains, then resumed — the first is
 * skipped, the second continues from its checkpoint —; every row measured
 * (benchmark, latency, sizes), the frontier, the report; a failing student
 * named; bad input named before anything is written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../helpers.js';
import { pretrainAudio } from '../../src/pipeline/pretrain-audio.js';
import { frillSweep, type FrillSweepResults } from '../../src/pipeline/frill-sweep.js';

const cli = join(root, 'dist', 'src', 'cli', 'main.js');
const env = { ...process.env, OMP_NUM_THREADS: '1' };
const STEPS = 300;
const STUDENTS = ['tiny-a0.25-pool-full-fp', 'tiny-a0.25-pool-full-qat'];
const grid = ['--grid.size', 'tiny', '--grid.width-multiplier', '0.25', '--grid.global-pool', 'on', '--grid.rank', '0'];
const common = [...grid, '--grid.qat', 'off,on', '--grid.fraction', 'full', '--student.threads', '1', '--threads', '1'];
const bench = ['--bench.tasks', 'key-press', '--bench.classifiers', 'lda'];

/** A TRILL run of 4 steps on 10 tracks of the speech pool. */
async function tinyTeacher(dir: string): Promise<string> {
  const run = join(dir, 'trill');
  await pretrainAudio(
    {
      method: { name: 'trill', width: 4, embeddingDim: 16, tauSeconds: 1 },
      data: { name: 'speech-pool', clips: 6, real: true, limit: 10 },
      train: { steps: 4, batchSize: 8, logEvery: 2 },
      threads: 1,
    },
    run,
  );
  return run;
}

const readResults = (out: string): FrillSweepResults => JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as FrillSweepResults;

/** Waits until `path` exists (polling), or fails after `seconds`. */
async function waitFor(path: string, seconds: number): Promise<void> {
  const t0 = Date.now();
  while (!existsSync(path)) {
    if (Date.now() - t0 > seconds * 1000) throw new Error(`${path} did not appear within ${seconds} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('frill-sweep: two students, killed mid-student and resumed; rows, frontier, report; a failing student named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-frill-sweep-'));
  try {
    const teacher = await tinyTeacher(dir);
    const out = join(dir, 'sweep');
    const args = [cli, 'frill-sweep', '--teacher', teacher, '-o', out, ...common, ...bench];
    const training = ['--student.steps', String(STEPS), '--student.batch-size', '8', '--student.checkpoint-seconds', '1'];

    // 1. Killed, sweep and student at once, after the second student's first checkpoint.
    const sweep = spawn(process.execPath, [...args, ...training], { env, detached: true, stdio: 'ignore' });
    const second = join(out, 'students', STUDENTS[1]);
    try {
      await waitFor(join(second, 'checkpoints', 'pretrain', 'manifest.json'), 300);
    } finally {
      process.kill(-sweep.pid!, 'SIGKILL');
    }
    await new Promise((r) => sweep.once('close', r));
    const killed = readResults(out);
    assert.deepEqual(
      killed.students.map((s) => s.name),
      [STUDENTS[0]],
      'the first student is measured and saved',
    );
    const manifest = JSON.parse(readFileSync(join(second, 'checkpoints', 'pretrain', 'manifest.json'), 'utf8')) as { step: number };
    assert.ok(manifest.step > 0 && manifest.step < STEPS, `the second stopped mid-training (checkpoint at step ${manifest.step})`);
    assert.equal(existsSync(join(second, 'model.safetensors')), false);
    const firstWeights = statSync(join(out, 'students', STUDENTS[0], 'model.safetensors')).mtimeMs;

    // 2. Resumed: the first skipped, the second continued from its checkpoint.
    const resumed = spawnSync(process.execPath, [...args, ...training, '--resume'], { env, encoding: 'utf8' });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`${STUDENTS[0]}: done \\(skipped\\)`));
    const from = Number(/tiny-a0\.25-pool-full-qat: resuming from step (\d+)/.exec(resumed.stderr)?.[1]);
    assert.ok(from >= manifest.step && from < STEPS, `resumed from step ${from}`);
    assert.equal(statSync(join(out, 'students', STUDENTS[0], 'model.safetensors')).mtimeMs, firstWeights, 'the first is not retrained');
    const events = readFileSync(join(second, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; step?: number });
    assert.equal(events.filter((e) => e.event === 'end').at(-1)?.step, STEPS);

    const r = readResults(out);
    assert.deepEqual(r.students[0], killed.students[0], 'the first row is kept as measured');
    assert.deepEqual(
      r.students.map((s) => s.name),
      STUDENTS,
    );
    const t = r.teacher!;
    assert.equal(t.layer, 'stage4');
    for (const m of [t, ...r.students]) {
      for (const kind of ['fp32', 'int8'] as const) {
        assert.ok(m.latency[kind].medianMs > 0 && m.latency[kind].p90Ms >= m.latency[kind].medianMs);
        assert.equal(m.latency[kind].runs, 201);
        assert.ok(m.bytes[kind] > 1000);
      }
      assert.ok(m.bytes.int8 < m.bytes.fp32, 'int8 is smaller');
      assert.deepEqual(Object.keys(m.accuracy), ['key-press']);
    }
    for (const s of r.students) assert.ok(Math.abs(s.quality - (s.accuracy['key-press'] - t.accuracy['key-press'])) < 1e-12);
    assert.deepEqual(
      r.students.map((s) => s.qat),
      [false, true],
    );
    const a = r.analysis!;
    assert.equal(a.latency, 'fp32');
    assert.ok(a.frontier.length >= 1 && a.frontier.every((n) => STUDENTS.includes(n)));
    const [p, q] = r.students;
    const dominated = (x: typeof p, y: typeof p): boolean =>
      y.latency.fp32.medianMs <= x.latency.fp32.medianMs &&
      y.quality >= x.quality &&
      (y.latency.fp32.medianMs < x.latency.fp32.medianMs || y.quality > x.quality);
    assert.deepEqual(new Set(a.frontier), new Set([...(dominated(p, q) ? [] : [p.name]), ...(dominated(q, p) ? [] : [q.name])]));
    assert.ok(
      a.regressions.every((g) => 'note' in g && /expected more rows than the 2 parameters/.test(g.note)),
      'two students: no regression',
    );
    assert.match(resumed.stdout, /\| teacher \(TRILL stage4, /);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.match(html, /data-series="frontier"/);
    assert.match(html, /data-series="MobileNetV3 tiny"/);
    assert.ok(readFileSync(join(out, 'frontier.svg'), 'utf8').startsWith('<svg'));

    // 3. Nothing left to do: a second --resume trains and measures nothing.
    const again = spawnSync(process.execPath, [...args, ...training, '--resume'], { env, encoding: 'utf8' });
    assert.equal(again.status, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /training|resuming/);
    assert.deepEqual(readResults(out).students, r.students);

    // 3b. --retime times every model again and changes nothing else.
    const retimed = spawnSync(process.execPath, [...args, ...training, '--resume', '--retime'], { env, encoding: 'utf8' });
    assert.equal(retimed.status, 0, retimed.stderr);
    assert.match(retimed.stderr, /timed the teacher and 2 students again/);
    assert.doesNotMatch(retimed.stderr, /training|resuming/);
    const rt = readResults(out);
    assert.ok(rt.retimed && Date.parse(rt.retimed) > 0, 'the retiming is dated');
    assert.deepEqual(
      rt.students.map(({ latency: _, ...rest }) => rest),
      r.students.map(({ latency: _, ...rest }) => rest),
    );
    for (const row of [rt.teacher!, ...rt.students]) assert.ok(row.latency.fp32.runs > 0 && row.latency.int8.medianMs > 0);

    // 4. A student that fails to train is named, the others still run, and the sweep fails at the end.
    const bad = spawnSync(
      process.execPath,
      [cli, 'frill-sweep', '--teacher', teacher, '-o', join(dir, 'bad'), ...common, ...bench, '--student.batch-size', '4096'],
      {
        env,
        encoding: 'utf8',
      },
    );
    assert.equal(bad.status, 1);
    for (const name of STUDENTS) assert.match(bad.stderr, new RegExp(`student ${name} failed \\(exit code 1; log .*${name}\\.log\\)`));
    assert.match(bad.stderr, /fewer than train\.batchSize 4096/);
    assert.match(
      bad.stderr,
      /2 students failed: tiny-a0\.25-pool-full-fp, tiny-a0\.25-pool-full-qat \(rerun with --resume to retry them\)/,
    );
    assert.deepEqual(
      readResults(join(dir, 'bad')).failed.map((f) => f.name),
      STUDENTS,
    );

    // 5. Bad input, named before any folder is made.
    const o = join(dir, 'never');
    const cfg = {
      grid: { size: ['tiny'], widthMultiplier: [0.25], globalPool: ['on'], rank: [0], qat: ['off', 'on'], fraction: 'full' },
      bench: { tasks: ['key-press'], classifiers: ['lda'] },
      threads: 1,
    };
    await assert.rejects(frillSweep(cfg, o), /teacher is required: the folder of a finished TRILL run/);
    await assert.rejects(frillSweep({ ...cfg, teacher: join(dir, 'nope') }, o), /teacher .*nope does not exist/);
    await assert.rejects(
      frillSweep({ ...cfg, teacher: join(out, 'students', STUDENTS[0]) }, o),
      /is a run of Frill, but the teacher must be a TRILL run/,
    );
    await assert.rejects(frillSweep({ ...cfg, teacher: dir }, o), /frill-sweep: teacher: .* holds no run \(no config\.json\)/);
    await assert.rejects(
      frillSweep({ ...cfg, teacher, teacherLayer: 'layer19' }, o),
      /teacherLayer "layer19" is not a layer of the teacher \(stage1/,
    );
    await assert.rejects(frillSweep({ teacher, grid: { size: ['huge'] } }, o), /grid\.size/);
    await assert.rejects(frillSweep({ teacher, grid: { rank: [0, 16, 64] } }, o), /grid\.fraction half needs at least three/);
    await assert.rejects(frillSweep({ teacher, grid: { widthMultiplier: [0] } }, o), /grid\.widthMultiplier/);
    await assert.rejects(frillSweep({ teacher, student: { steps: 0 } }, o), /student\.steps/);
    assert.equal(existsSync(o), false, 'nothing written');
    await assert.rejects(frillSweep({ ...cfg, teacher }, out), /already holds a sweep; continue it with --resume/);
    await assert.rejects(frillSweep({ ...cfg, teacher }, out, { resume: true }), /was made with other options/);
    await assert.rejects(
      frillSweep({ ...cfg, teacher }, out, { retime: true }),
      /--retime times an existing sweep again; it needs --resume/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
