/**
 * Form2Fit end to end in the kit simulator: collect disassembly episodes, train
 * the three networks on their time reversal (a run stopped mid-way resumes to
 * bit-identical weights), evaluate assembly per split against the baselines
 * (cells resume from parts/), with strips and the descriptor map; bad input is
 * named before any run folder exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline, torch } from '../../src/index.js';

const tiny = { name: 'form2fit', suctionWidth: 4, placeWidth: 4, matchWidth: 4, descriptorDim: 8 };

test('form2fit: collect → train (stopped and resumed bit-identically) → eval vs baselines, with strips and descriptors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-f2f-'));
  try {
    const episodes = join(dir, 'episodes');
    const summary = await pipeline.form2fitCollect({ episodes: 10, strips: 1, kits: ['circle', 'triangle-L'] }, episodes);
    assert.equal(summary.episodes, 10);
    assert.ok(summary.examples >= 10 && summary.examples <= 15, `${summary.examples} examples of 5 one- and 5 two-object kits`);
    assert.equal(summary.emptied, 10);
    const lines = readFileSync(join(episodes, 'episodes.jsonl'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 10);
    assert.deepEqual(readdirSync(join(episodes, 'strips')).sort(), ['episode-0.gif', 'episode-0.png']);
    await assert.rejects(pipeline.form2fitCollect({ episodes: 10 }, episodes), /episodes\.jsonl exists/);

    const config = {
      method: tiny,
      data: { name: 'kits', path: join(episodes, 'episodes.jsonl'), noise: 0.001 },
      train: { steps: 10, batchSize: 4, matches: 16, logEvery: 5 },
      threads: 1,
    };
    const straight = join(dir, 'model');
    assert.equal((await pipeline.pretrain(config, straight)).interrupted, false);
    const stopped = join(dir, 'stopped');
    assert.equal((await pipeline.pretrainScene(config, stopped, { stopAfter: 4 })).interrupted, true);
    assert.equal((await pipeline.pretrainScene(config, stopped, { resume: true })).interrupted, false);
    const a = torch.safetensors.loadFile(join(straight, 'model.safetensors'));
    const b = torch.safetensors.loadFile(join(stopped, 'model.safetensors'));
    assert.ok(Object.keys(a).length > 50);
    for (const k of Object.keys(a)) assert.deepEqual(b[k].toArray(), a[k].toArray(), `${k} after a stop and a resume`);

    const out = join(dir, 'eval');
    const evalConfig = { splits: ['train-poses', 'unseen'], scenes: 3, patch: [1, 3], strips: 1, descriptorScenes: 1, threads: 1 };
    const rows = await pipeline.form2fitEval(straight, evalConfig, out);
    assert.deepEqual(
      rows.map((r) => `${r.split}/${r.planner}`),
      ['train-poses', 'unseen'].flatMap((split) => ['form2fit', 'form2fit-patch3', 'template', 'random'].map((p) => `${split}/${p}`)),
    );
    for (const r of rows) {
      assert.equal(r.kits, 3);
      assert.ok(r.placements <= r.actions && r.successes <= r.placements && r.kitsCompleted <= r.kits, JSON.stringify(r));
      assert.equal(r.actions, r.placements + r.suctionFailures);
    }
    const template = rows.filter((r) => r.planner === 'template');
    const random = rows.filter((r) => r.planner === 'random');
    assert.ok(
      template.every((r, i) => r.successes > random[i].successes),
      'template matching seats more than random placement',
    );
    for (const f of ['results.json', 'descriptors.svg', 'strips/unseen-form2fit-0.png', 'strips/train-poses-template-0.gif'])
      assert.ok(existsSync(join(out, f)), f);
    assert.match(readFileSync(join(out, 'descriptors.svg'), 'utf8'), /<svg[^]*circle/);
    // a resumed evaluation reads its finished cells; other options or an existing folder are errors
    rmSync(join(out, 'parts', 'unseen-random.json'));
    const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
    assert.deepEqual(json(await pipeline.form2fitEval(straight, evalConfig, out, { resume: true })), json(rows));
    await assert.rejects(pipeline.form2fitEval(straight, { ...evalConfig, scenes: 4 }, out, { resume: true }), /differs from this command/);
    await assert.rejects(pipeline.form2fitEval(straight, evalConfig, out), /already holds an evaluation/);
    await assert.rejects(pipeline.form2fitEval(episodes, evalConfig, join(dir, 'e2')), /holds no run|not a scene pretraining run/);
    assert.equal(existsSync(join(dir, 'e2')), false, 'nothing is written for a bad run folder');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('form2fit: bad training configs are named before a run folder exists', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-f2f-bad-'));
  try {
    const out = join(dir, 'run');
    const base = { method: tiny, data: { name: 'kits', episodes: 2, kits: ['circle'] }, threads: 1 };
    await assert.rejects(
      pipeline.pretrainScene({ ...base, train: { batchSize: 8 } }, out),
      /kits gives 2 assembly examples, fewer than train\.batchSize 8/,
    );
    await assert.rejects(
      pipeline.pretrainScene({ ...base, data: { name: 'kits', kits: ['hexagon-kit'] } }, out),
      /unknown kit "hexagon-kit" \(valid: circle/,
    );
    await assert.rejects(pipeline.pretrainScene({ ...base, method: { ...tiny, margin: -1 } }, out), /margin/);
    await assert.rejects(
      pipeline.pretrainScene({ ...base, data: { name: 'mnist' } }, out),
      /data\.name: expected one of kits but received "mnist"/,
    );
    assert.equal(existsSync(out), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
