/**
 * TRILL (src/methods/trill.ts): its items and views, embedWindows on whole
 * clips, bad input, bit-identical resume with random mining, and learning on
 * real espeak-ng speech: a short run pulls windows of one held-out clip closer
 * together relative to windows of other clips than an untrained network does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch, pipeline, data, views } from '../../src/index.js';
import { Trill, TRILL_OPTIONS } from '../../src/methods/trill.js';
import * as F from '../../src/torch/functional/index.js';
import { squaredDistances } from '../../src/losses/triplet.js';
import { assertClose, assertThrows } from '../helpers.js';
import { assertResumesBitIdentically, quietErr } from './resume.js';

const small = (o: Record<string, unknown> = {}): Trill => new Trill(TRILL_OPTIONS.parse({ width: 4, embeddingDim: 16, ...o }));
/** A voiced-like test signal: a 150 Hz pulse train with a slow loudness swing, `seconds` long at 16 kHz. */
const signal = (seconds: number, phase = 0): Float32Array =>
  new Float32Array(Math.round(seconds * 16000)).map(
    (_, i) => Math.sin((2 * Math.PI * 150 * i) / 16000 + phase) ** 9 * (1.2 + Math.sin(i / 4000)),
  );
const track = (name: string, audio: Float32Array): data.PitchedTrack => ({ name, audio, sampleRate: 16000 }) as data.PitchedTrack;

test('trill prepare: items of τ + 0.96 s of log-mel frames, targets = the track, short tracks skipped and counted', () => {
  const m = small({ tauSeconds: 0.5 }); // items of 96 + 50 frames
  const tracks = [track('a', signal(3)), track('short', signal(1)), track('b', signal(3, 1))];
  const { items, targets, summary } = m.prepare(tracks);
  assert.deepEqual(items.shape, [4, 146, 64], '3 s = 301 frames: 2 items per long track');
  assert.deepEqual(targets!.toArray(), [0, 0, 2, 2]);
  assert.deepEqual(summary, { tracks: 3, usedTracks: 2, skippedTracks: 1, items: 4 });
  const mel = views.logMelSpectrogram(torch.tensor(tracks[2].audio)).t(); // [301, 64]
  assertClose(items.select(0, 3), mel.narrow(0, 146, 146), { rtol: 1e-5, atol: 1e-5, msg: 'the second item of track b' });
  assertThrows(
    () => m.prepare([tracks[0], tracks[1]]),
    /trill: 1 of 2 tracks last one item \(τ \+ 0\.96 s = 1\.46 s\).*at least two clips/,
  );
  assertThrows(() => m.prepare([]), /no tracks/);
});

test('trill views: two 96-frame windows of each item at offsets in [0, τ], clip ids, seeded', () => {
  const m = small({ tauSeconds: 0.2 }); // items of 116 frames
  const items = torch
    .arange(3 * 116, { dtype: 'float32' })
    .reshape([3, 116, 1])
    .expand([3, 116, 64])
    .contiguous();
  const targets = torch.tensor([4, 4, 9]);
  const [a, p, groups, seed] = m.views({ items, targets }, new torch.Generator(1));
  assert.deepEqual([a.shape, p.shape, groups.dtype, seed.shape], [[3, 1, 96, 64], [3, 1, 96, 64], 'int64', [1]]);
  assert.deepEqual(groups.toArray(), [4, 4, 9]);
  const starts = [a, p].map((w) =>
    w
      .select(1, 0)
      .select(2, 0)
      .select(1, 0)
      .toArray()
      .map((v, i) => v - i * 116),
  );
  for (const s of starts.flat()) assert.ok(Number.isInteger(s) && s >= 0 && s <= 20, `offset ${s} within τ = 20 frames`);
  assert.ok(
    starts[0].some((s, i) => s !== starts[1][i]),
    'the two windows differ',
  );
  const last = a.select(1, 0).select(2, 0).select(1, 95).sub(a.select(1, 0).select(2, 0).select(1, 0)).toArray();
  assert.deepEqual(last, [95, 95, 95], 'consecutive frames');
  assert.ok(torch.equal(m.views({ items, targets }, new torch.Generator(1))[1], p), 'the same seed gives the same windows');
  assert.throws(() => m.views({ items }, new torch.Generator(1)), /clip ids/);
});

test('trill embedWindows: windows every hop at any layer, short clips padded to one window, bad input named', () => {
  const m = small();
  m.train();
  const clip = signal(3);
  const w = m.embedWindows(clip, { hopSeconds: 0.25, layer: 'embedding' }); // 301 frames: offsets 0, 25, …, 200
  assert.deepEqual(w.shape, [9, 16]);
  assert.equal(m.training, true, 'the training mode is restored');
  const mel = views.logMelSpectrogram(torch.tensor(clip)).t(); // [301, 64]
  m.eval();
  const direct = torch.noGrad(() => m.net.features(torch.stack([0, 100, 200].map((o) => mel.narrow(0, o, 96))).unsqueeze(1), 'stage3'));
  assertClose(m.embedWindows(clip, { hopSeconds: 1, layer: 'stage3' }), direct, { rtol: 1e-4, atol: 1e-5, msg: 'windows at 0, 1, 2 s' });
  for (const layer of m.layerNames) assert.deepEqual(m.embedWindows(clip, { layer }).shape, [5, m.net.featureDim(layer)], layer);
  assert.equal(m.defaultLayer, 'stage4');
  assert.deepEqual(
    m.embedWindows(signal(0.3)).shape,
    [1, m.net.featureDim('stage4')],
    'a 0.3 s clip gives one window, at stage4 by default',
  );
  assertThrows(
    () => m.embedWindows(new Float32Array(0)),
    /trill.embedWindows: expected audio of at least one sample but received an empty clip/,
  );
  assertThrows(() => m.embedWindows(new Float32Array(8000)), /silent \(all 8000 samples are 0\)/);
  assertThrows(() => m.embedWindows(new Float32Array([0.1, NaN])), /NaN/);
  assertThrows(() => m.embedWindows([0.1] as unknown as Float32Array), /expected audio as a Float32Array/, TypeError);
  assertThrows(() => m.embedWindows(clip, { layer: 'layer19' }), /unknown layer "layer19" \(valid: stage1/);
  assertThrows(() => m.embedWindows(clip, { hopSeconds: 0.001 }), /hopSeconds >= 0.01/);
});

test('trill with random mining resumes bit-identically (the negatives are drawn with the views)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-trill-random-'));
  const restore = quietErr();
  try {
    await assertResumesBitIdentically(
      'trill',
      {
        method: { name: 'trill', width: 4, embeddingDim: 16, tauSeconds: 0.5, mining: 'random' },
        data: { name: 'speech', clips: 6, seconds: 3 },
        train: { steps: 4, batchSize: 8, logEvery: 1 },
      },
      dir,
    );
    await assert.rejects(pipeline.pretrain({ method: { name: 'trill', mining: 'easiest' } }, join(dir, 'bad')), /mining/);
  } finally {
    restore();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Mean squared distance between windows of one clip over that between windows of different clips, unit-norm embeddings. */
function clipRatio(m: Trill, clips: readonly Float32Array[]): number {
  const emb = clips.map((c) => F.normalize(m.embedWindows(c, { layer: 'embedding' }), { dim: 1 }));
  const all = torch.cat(emb); // [W, E]
  const ids = torch.tensor(emb.flatMap((e, i) => new Array<number>(e.shape[0]).fill(i)));
  const d = squaredDistances(all, all);
  const same = ids
    .unsqueeze(1)
    .eq(ids.unsqueeze(0))
    .logicalAnd(torch.eye(ids.shape[0], ids.shape[0], { dtype: 'bool' }).logicalNot());
  const other = ids.unsqueeze(1).ne(ids.unsqueeze(0));
  return d.maskedSelect(same).mean().item() / d.maskedSelect(other).mean().item();
}

test('trill learns on real speech: 150 steps bring windows of one held-out clip closer than those of other clips', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-trill-learns-'));
  const restore = quietErr();
  try {
    // measured: 0.61 after (1 and 2 threads, AVX2 or ATEN_CPU_CAPABILITY=default), 0.88 untrained
    const options = { width: 8, embeddingDim: 64, tauSeconds: 1 };
    const out = join(dir, 'run');
    await pipeline.pretrain(
      { method: { name: 'trill', ...options }, data: { clips: 24, seconds: 6 }, train: { steps: 150, batchSize: 16, logEvery: 10 } },
      out,
    );
    const held = (await data.loadAudioSet({ name: 'speech', split: 'test', clips: 8, seconds: 6 })).tracks.map((t) => t.audio);
    torch.manualSeed(0);
    const before = clipRatio(new Trill(TRILL_OPTIONS.parse(options)).eval(), held);
    const after = clipRatio(pipeline.audioMethodOfRun(out) as Trill, held);
    assert.ok(
      after < 0.8 * before,
      `same-clip / other-clip distance ratio ${after.toFixed(3)} after training vs ${before.toFixed(3)} untrained`,
    );
  } finally {
    restore();
    rmSync(dir, { recursive: true, force: true });
  }
});
