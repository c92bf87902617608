/**
 * FRILL on real speech: a tiny TRILL teacher trained a few steps, a tiny
 * MobileNetV3 student distilled from it on the espeak speech pool lowers the
 * MSE by a clear margin; bad teachers are named before a run folder exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from '../../src/index.js';
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
    assert.ok(last < 0.5 * first, `MSE over the first 5 steps ${first.toFixed(4)}, the last 5 ${last.toFixed(4)}`);
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
