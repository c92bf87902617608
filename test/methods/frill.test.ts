/**
 * FRILL on real speech: a tiny TRILL teacher trained a few steps, a tiny
 * MobileNetV3 student distilled from it on the espeak speech pool lowers the
 * MSE on the teacher's standardized features by a clear margin; bad teachers are named before a run folder exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline, torch } from '../../src/index.js';
import { Frill } from '../../src/methods/frill.js';
import { loadAudioSet } from '../../src/data/registry.js';
import { assertClose } from '../helpers.js';
import { events, quietErr } from './resume.js';

const data = { clips: 6, seconds: 3, real: false };
const student = (teacher?: string): Record<string, unknown> => ({
  method: { name: 'frill', ...(teacher === undefined ? {} : { teacher }), size: 'tiny', widthMultiplier: 0.25, bottleneck: 16 },
  data,
  train: { steps: 60, batchSize: 8, logEvery: 1 },
  optim: { lr: 0.064 }, // Adam 2e-3 at batch 8
});

test('frill: a tiny student distilled from a TRILL run on speech lowers the MSE by a clear margin; bad teachers are named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-frill-'));
  const restore = quietErr();
  try {
    const teacher = join(dir, 'teacher');
    await pipeline.pretrain(
      { method: { name: 'trill', width: 4, embeddingDim: 16, tauSeconds: 0.5 }, data, train: { steps: 4, batchSize: 8 } },
      teacher,
    );
    const spice = join(dir, 'spice');
    await pipeline.pretrain(
      {
        method: { name: 'spice', width: 4, decoderWidth: 4, calibrationNotes: 4 },
        data: { name: 'singing', tracks: 2, seconds: 2 },
        train: { steps: 2, batchSize: 16 },
      },
      spice,
    );
    const out = join(dir, 'frill');
    await pipeline.pretrain(student(teacher), out);
    const losses = events(out)
      .filter((e) => e.event === 'train')
      .map((e) => e.loss as number);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const [first, last] = [mean(losses.slice(0, 5)), mean(losses.slice(-5))];
    // on z-scored targets predicting the mean scores 1: the student explains over a third of the teacher's variance
    assert.ok(first > 0.8 && last < 0.65, `MSE over the first 5 steps ${first.toFixed(4)}, the last 5 ${last.toFixed(4)}`);

    // The targets are the teacher's features standardized per dimension over the windows (standardizeTargets).
    const frill = pipeline.audioMethodOfRun(out) as Frill;
    const { tracks } = await loadAudioSet({ name: 'speech-pool', split: 'train', seed: 0, ...data });
    const { items, targets } = frill.prepare(tracks);

    // finish() re-estimated the batch norms on training windows: eval-mode features spread as in training mode
    const finished = JSON.parse(readFileSync(join(out, 'finish.json'), 'utf8')) as Record<string, number>;
    assert.ok(finished.batchNormWindows > 0 && finished.batchNormBatches > 0, JSON.stringify(finished));
    const spread = (train: boolean): number =>
      torch.noGrad(() => {
        frill.net.train(train);
        frill.net.distilled.quantizing = false;
        const f = frill.net.featuresAt(items.unsqueeze(1), ['features'])[0]; // [M, d]
        return f
          .sub(f.mean([0], true))
          .square()
          .mean()
          .sqrt()
          .item();
      });
    const [inEval, inTraining] = [spread(false), spread(true)];
    assert.ok(inEval > 0.3 * inTraining, `feature spread in eval ${inEval} vs training mode ${inTraining}`);
    assertClose(targets!.mean([0]), torch.zeros([targets!.shape[1]]), { atol: 1e-4, msg: 'z-scores: mean 0' });
    const raw = new Frill({ ...frill.options, standardizeTargets: false }, { openAudioRun: (d, o) => pipeline.audioMethodOfRun(d, o) });
    const teacherFeatures = raw.prepare(tracks).targets!;
    const centre = teacherFeatures.mean([0], true);
    const std = teacherFeatures.sub(centre).square().mean([0], true).sqrt(); // [1, D]; 0 where a teacher unit never fires
    const varying = std.gt(1e-6).float().squeeze(0);
    assert.ok(varying.sum().item() >= 4, 'some teacher dimensions vary');
    assertClose(targets!.square().mean([0]), varying, { atol: 1e-3, msg: 'z-scores: variance 1 (0 for constant dimensions)' });
    assertClose(targets!, teacherFeatures.sub(centre).div(std.clampMin(1e-6)), { atol: 1e-3, msg: 'the raw targets, standardized' });
    const bad: [string | undefined, RegExp][] = [
      [undefined, /frill: method.teacher is required: the folder of a finished TRILL run/],
      [join(dir, 'nowhere'), /frill: method.teacher: .*nowhere holds no run \(no config.json\)/],
      [spice, /frill: method.teacher .*spice is a run of Spice, but the teacher must be a TRILL run/],
    ];
    for (const [t, message] of bad) await assert.rejects(pipeline.pretrain(student(t), join(dir, 'bad')), message);
    await assert.rejects(
      pipeline.pretrain({ ...student(teacher), method: { name: 'frill', teacher, teacherLayer: 'layer19' } }, join(dir, 'bad')),
      /frill: method.teacherLayer: TrillNet: unknown layer "layer19" \(valid: stage1/,
    );
    assert.equal(existsSync(join(dir, 'bad')), false, 'no run folder for a bad teacher');
  } finally {
    restore();
    rmSync(dir, { recursive: true, force: true });
  }
});
