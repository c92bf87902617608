/**
 * Every registered audio method (SPICE, TRILL, FRILL), enumerated from the registry:
 * it trains a few steps on real audio through `selfsup pretrain`'s pipeline, an
 * interrupted and resumed run reaches bit-for-bit the weights and losses of an
 * uninterrupted one, the run folder holds the encoder (and what the method's
 * `finish` records), and the run reloads. Then SPICE's own behaviour: its views,
 * its supervised baseline, its calibration, and bad configs named before a run
 * folder exists (TRILL's: test/methods/trill.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch, methods, pipeline, evaluation, data } from '../../src/index.js';
import { flagFields } from '../../src/config/schema.js';
import { Spice, SPICE_OPTIONS } from '../../src/methods/spice.js';
import type { Trill } from '../../src/methods/trill.js';
import type { Frill } from '../../src/methods/frill.js';
import { assertResumesBitIdentically, quietErr } from './resume.js';

type State = Record<string, torch.Tensor>;

const config = (name: string, method: Record<string, unknown> = {}): Record<string, unknown> => ({
  method: { name, width: 4, decoderWidth: 4, calibrationNotes: 4, ...method },
  data: { name: 'singing', tracks: 2, seconds: 2 },
  train: { steps: 4, batchSize: 16, logEvery: 1 },
});

/** Each audio method's small run and what its finished run folder must hold beyond the encoder. */
const CASES: Record<
  string,
  { config: Record<string, unknown>; setup?(dir: string): Promise<Record<string, unknown>>; check(run: string, state: State): void }
> = {
  spice: {
    config: config('spice'),
    check(run, state) {
      const finish = JSON.parse(readFileSync(join(run, 'finish.json'), 'utf8')) as { calibration: Record<string, number> };
      const { b, s, threshold, residual } = finish.calibration;
      assert.ok([b, s, threshold, residual].every(Number.isFinite) && s !== 0, JSON.stringify(finish));
      assert.deepEqual(state.calibration.toArray(), [b, s, threshold, residual], 'the calibration is in the state dict');
      assert.deepEqual((pipeline.audioMethodOfRun(run) as Spice).calibrated(), { b, s, threshold, residual });
    },
  },
  trill: {
    config: {
      method: { name: 'trill', width: 4, embeddingDim: 16, tauSeconds: 0.5 },
      data: { clips: 6, seconds: 3, real: false }, // the method's default set, speech-pool: 2 items of 1.46 s per clip
      train: { steps: 4, batchSize: 8, logEvery: 1 },
    },
    check(run) {
      const model = pipeline.audioMethodOfRun(run) as Trill;
      const clip = new Float32Array(32000).map((_, i) => Math.sin(i / 7) * (1 + Math.sin(i / 3000)));
      assert.deepEqual(model.embedWindows(clip).shape, [3, 128], '2 s at a 0.5 s hop: 3 windows of 0.96 s, read at stage4 (32·w)');
      assert.deepEqual(model.embedWindows(clip, { layer: 'embedding' }).shape, [3, 16]);
    },
  },
  frill: {
    config: {},
    setup: async (dir) => {
      const teacher = join(dir, 'teacher');
      await pipeline.pretrain(CASES.trill.config, teacher);
      return {
        method: { name: 'frill', teacher, size: 'tiny', widthMultiplier: 0.25, bottleneck: 8, rank: 4, qat: true, maxShiftFrames: 4 },
        data: { clips: 6, seconds: 3, real: false },
        train: { steps: 4, batchSize: 8, logEvery: 1 },
      };
    },
    check(run, state) {
      const model = pipeline.audioMethodOfRun(run) as Frill;
      assert.deepEqual(state['net.embedding_to_target.weight'].shape, [128, 8], "onto the teacher's stage4 (32·w)");
      assert.ok(state['net.distilled_output.output_quant.range'].toArray().every(Number.isFinite), 'the QAT range is saved');
      const clip = new Float32Array(32000).map((_, i) => Math.sin(i / 7) * (1 + Math.sin(i / 3000)));
      assert.deepEqual(model.embedWindows(clip).shape, [3, 8], 'the distilled_output bottleneck per window');
    },
  },
};

for (const spec of Object.values(methods.METHODS).filter((m) => m.modality === 'audio')) {
  test(`${spec.name}: declared, trains on audio, resumes bit-identically, records its finish, reloads`, async () => {
    assert.match(spec.paper, /\d{4}/);
    for (const [path, f] of flagFields(spec.options)) assert.ok(f.help.length > 3, `option ${path} has help`);
    spec.options.parse({});
    const c = CASES[spec.name];
    assert.ok(c, `audio method ${spec.name} needs a case in CASES`);
    const dir = mkdtempSync(join(tmpdir(), `selfsup-${spec.name}-`));
    const restore = quietErr();
    try {
      const config = c.setup ? await c.setup(dir) : c.config;
      const { straight, state } = await assertResumesBitIdentically(spec.name, config, dir);
      const encoder = torch.safetensors.loadFile(join(straight, 'encoder.safetensors'));
      const prefix = spec.name === 'spice' ? 'net.encoder.' : 'net.';
      for (const k of Object.keys(encoder)) assert.ok(torch.equal(encoder[k], state[prefix + k]), `encoder.safetensors holds ${k}`);
      assert.equal(pipeline.audioMethodOfRun(straight).training, false);
      c.check(straight, state);
    } finally {
      restore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('spice views: two 128-bin slices of each frame at offsets in [0, k_max], seeded', () => {
  const m = new Spice(SPICE_OPTIONS.parse({ width: 4, decoderWidth: 4, maxShift: 8, envelope: 0 }));
  const items = torch.arange(5 * 190, { dtype: 'float32' }).reshape([5, 190]);
  const [x1, x2, k1, k2] = m.views({ items }, new torch.Generator(3));
  assert.deepEqual(
    [x1.shape, x2.shape],
    [
      [5, 128],
      [5, 128],
    ],
  );
  for (let i = 0; i < 5; i++) {
    const [a, b] = [k1.select(0, i).item(), k2.select(0, i).item()];
    assert.ok(a >= 0 && a <= 8 && b >= 0 && b <= 8);
    assert.equal(x1.select(0, i).select(0, 0).item(), i * 190 + a, 'slice 1 starts at bin k₁');
    assert.equal(x2.select(0, i).select(0, 127).item(), i * 190 + b + 127, 'slice 2 ends at bin k₂ + 127');
  }
  const [y1] = m.views({ items }, new torch.Generator(3));
  assert.ok(torch.equal(x1, y1), 'the same seed gives the same slices');
  // noisy pairs: each view reads the frame or its noisy copy; the reconstruction targets are the clean slices
  const paired = torch.stack([items, items.add(10000)], 1); // [5, 2, 190]
  const [p1, p2, pk1, , c1] = m.views({ items: paired }, new torch.Generator(5));
  const firsts = [p1, p2].flatMap((x) => x.select(1, 0).toArray());
  assert.ok(firsts.some((v) => v >= 10000) && firsts.some((v) => v < 10000), 'views read both copies');
  for (let i = 0; i < 5; i++) assert.equal(c1.select(0, i).select(0, 0).item(), i * 190 + pk1.select(0, i).item(), 'clean target');
  // the timbre augmentation: each view gets its own smooth envelope of at most ±6e (6 terms), clamped to [0, 1]
  const flat = torch.full([5, 190], 0.5);
  const shaped = new Spice(SPICE_OPTIONS.parse({ width: 4, decoderWidth: 4, envelope: 0.05 }));
  const [e1, e2] = shaped.views({ items: flat }, new torch.Generator(4));
  const d1 = e1.sub(0.5);
  assert.ok(d1.abs().max().item() <= 6 * 0.05 + 1e-6 && d1.abs().max().item() > 0.01, 'bounded, non-zero');
  assert.ok(
    d1
      .narrow(1, 1, 127)
      .sub(d1.narrow(1, 0, 127))
      .abs()
      .max()
      .item() < 0.01,
    'smooth along the bins',
  );
  assert.ok(e1.sub(e2).abs().max().item() > 0.01, 'the two views differ');
  assert.throws(() => new Spice(SPICE_OPTIONS.parse({ bins: 96 })), /multiple of 64/);
  assert.throws(() => m.calibrated(), /not calibrated/);
});

test('spice: the supervised baseline trains on labelled singing; unlabelled speech is refused by name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-spice-sup-'));
  const restore = quietErr();
  try {
    const out = join(dir, 'sup');
    const r = await pipeline.pretrain(config('spice', { supervised: true }), out);
    assert.equal(r.step, 4);
    const train = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number | string>)
      .filter((e) => e.event === 'train');
    assert.ok(train.every((e) => Number.isFinite(e.pitch) && Number.isFinite(e.voicing)));
    await assert.rejects(
      pipeline.pretrain({ ...config('spice', { supervised: true }), data: { name: 'speech', clips: 1, seconds: 1 } }, join(dir, 'speech')),
      /supervised needs per-frame f0 for every track; 1 have none \(speech\//,
    );
    await assert.rejects(pipeline.pretrain({ ...config('spice'), method: { name: 'spice', bins: 100 } }, join(dir, 'bad')), /bins/);
    await assert.rejects(
      pipeline.pretrain({ ...config('spice'), method: { name: 'spice', noise: true, noiseMinSnr: 40, noiseMaxSnr: 20 } }, join(dir, 'bad')),
      /spice: expected method.noiseMinSnr ≤ noiseMaxSnr but received 40 > 20/,
    );
    await assert.rejects(
      pipeline.pretrain({ ...config('spice'), train: { steps: 4, batchSize: 60000 } }, join(dir, 'big')),
      /fewer than train.batchSize 60000/,
    );
    for (const d of ['speech', 'bad', 'big']) assert.equal(existsSync(join(dir, d)), false, `no run folder for ${d}`);
  } finally {
    restore();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('spice learns pitch without labels: 400 steps on synthetic singing track held-out singing to ~0.8 semitones', async () => {
  // measured (1 thread, AVX2): median error 0.80 semitones, 56 % of frames within 1, calibration residual 0.81;
  // the same network after 1 step: 4.6 semitones, 11 %, residual 4.1
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-spice-learns-'));
  const restore = quietErr();
  try {
    const out = join(dir, 'run');
    await pipeline.pretrain(
      {
        // clean pairs: the default noisy pairs learn more slowly (and further: README, SPICE results)
        method: { name: 'spice', width: 8, decoderWidth: 4, calibrationNotes: 8, noise: false },
        data: { name: 'singing', tracks: 6, seconds: 4 },
        train: { steps: 400, batchSize: 64, logEvery: 100 },
      },
      out,
    );
    const model = pipeline.audioMethodOfRun(out) as Spice;
    assert.ok(model.calibrated().residual < 1.5, `calibration residual ${model.calibrated().residual}`);
    const tracker = evaluation.spiceTracker(model);
    const errors: number[] = [];
    for (const t of (await data.loadAudioSet({ name: 'singing', split: 'test', tracks: 4 })).tracks) {
      const { hz } = tracker.track(t.audio);
      t.f0!.forEach((f, i) => f > 0 && errors.push(Math.abs(12 * Math.log2(hz[i] / f))));
    }
    errors.sort((a, b) => a - b);
    const median = errors[errors.length >> 1];
    assert.ok(median < 2, `median error ${median.toFixed(2)} semitones over ${errors.length} voiced frames`);
    assert.ok(errors.filter((e) => e < 1).length / errors.length > 0.3, 'frames within a semitone');
  } finally {
    restore();
    rmSync(dir, { recursive: true, force: true });
  }
});
