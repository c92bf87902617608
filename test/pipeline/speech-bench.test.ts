/**
 * `selfsup speech-bench` end to end on real recordings (bucklespring key clicks)
 * and a manifest task of generated WAVs, with a tiny TRILL run: every
 * representation on every task, the OLS effects, the report, --resume, and
 * `selfsup embed` for audio runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch } from '../../src/index.js';
import { writeWav } from '../../src/data/wav.js';
import { pretrainAudio } from '../../src/pipeline/pretrain-audio.js';
import { speechBench, speechBenchTable, type SpeechBenchResults } from '../../src/pipeline/speech-bench.js';
import { embedRun } from '../../src/pipeline/evaluate.js';
import { assertClose } from '../helpers.js';

const RATE = 16000;

/** A manifest of 1 s tones: class "low" (220 Hz) or "high" (1760 Hz), four speakers (levels), two clips each per class. */
function toneManifest(dir: string): string {
  const rows = ['path,label,speaker,split'];
  const splits = ['train', 'train', 'validation', 'test'];
  splits.forEach((split, s) => {
    for (const [label, hz] of [
      ['low', 220],
      ['high', 1760],
    ] as const)
      for (let k = 0; k < 2; k++) {
        const name = `s${s}-${label}-${k}.wav`;
        const amp = 0.1 + 0.1 * s;
        const audio = Float32Array.from({ length: RATE }, (_, i) => amp * Math.sin((2 * Math.PI * hz * (1 + 0.01 * k) * i) / RATE));
        writeWav(join(dir, name), torch.tensor(audio, { shape: [1, RATE] }), RATE);
        rows.push(`${name},${label},s${s},${split}`);
      }
  });
  const path = join(dir, 'tones.csv');
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}

test('speech-bench: every representation on real key clicks and a manifest task, OLS, report, resume; embed for audio', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-speech-bench-'));
  try {
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
    const wavs = join(dir, 'wavs');
    mkdirSync(wavs);
    const manifest = toneManifest(wavs);
    const config = {
      tasks: ['key-press'],
      manifests: [manifest],
      supervised: 'key-press',
      supervisedSteps: 3,
      classifiers: ['lda', 'logistic'],
      threads: 1,
    };
    const out = join(dir, 'bench');
    const r = await speechBench([run], config, out);
    const names = r.representations.map((x) => x.name);
    assert.deepEqual(names, [
      'trill',
      'trill@stage1',
      'trill@stage2',
      'trill@stage3',
      'trill@pooled',
      'trill@embedding',
      'log-mel-stats',
      'mfcc-stats',
      'random-init',
      'supervised-key-press',
    ]);
    assert.deepEqual(
      r.representations.map((x) => x.dim),
      [128, 128, 128, 128, 32, 16, 128, 80, 128, 128],
      'dims: 32w per stage (the default layer is stage4), 8w pooled, the embedding, handcrafted',
    );
    assert.deepEqual(
      r.tasks.map((t) => [t.name, t.classes, t.clips]),
      [
        ['key-press', 2, 171],
        ['tones', 2, 16],
      ],
    );
    assert.equal(r.scores.length, names.length * 2);
    assert.deepEqual(r.warnings, [
      'task tones: the validation split has one speaker (s2); its score measures that speaker only, and per-speaker normalisation there is per-split',
      'task tones: the test split has one speaker (s3); its score measures that speaker only, and per-speaker normalisation there is per-split',
    ]);
    const acc = (rep: string, task: string): number => r.scores.find((s) => s.representation === rep && s.task === task)!.accuracy;
    assert.equal(acc('log-mel-stats', 'tones'), 1, 'a 220 Hz tone from a 1760 Hz one');
    assert.ok(acc('log-mel-stats', 'key-press') > 0.75, `press vs release from log-mel statistics: ${acc('log-mel-stats', 'key-press')}`);
    for (const s of r.scores) assert.ok(s.accuracy >= 0 && s.accuracy <= 1 && ['lda', 'logistic'].includes(s.config.classifier));
    assert.equal(r.ols!.reference, 'trill');
    assert.equal(r.ols!.effects.length, names.length - 1);
    for (const e of r.ols!.effects) assert.ok(e.low <= e.effect && e.effect <= e.high, `${e.representation}: interval holds the effect`);
    const table = speechBenchTable(r);
    assert.match(table, /\| trill \| [\d.]+ \| [\d.]+ \| 0 \(reference\) \|/);
    assert.deepEqual(r.sweep!.layers, ['stage1', 'stage2', 'stage3', 'stage4', 'pooled', 'embedding']);
    assert.equal(r.sweep!.names[3], 'trill', 'the run at its own layer (stage4) is that layer of the sweep');
    assert.equal(r.sweep!.names[5], 'trill@embedding');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    for (const id of ['task-accuracy', 'ols', 'layer-sweep', 'scores']) assert.ok(html.includes(`id="${id}"`), `report has ${id}`);

    // --resume recomputes only what is missing and finds the same scores; the supervised weights are read, not retrained.
    const weights = join(out, 'supervised-key-press.safetensors');
    const mtime = statSync(weights).mtimeMs;
    const saved = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as SpeechBenchResults;
    writeFileSync(join(out, 'results.json'), JSON.stringify({ ...saved, scores: saved.scores.filter((s) => s.task !== 'tones') }));
    await assert.rejects(speechBench([run], config, out), /already holds a benchmark; continue it with --resume/);
    await assert.rejects(speechBench([run], { ...config, supervisedSteps: 4 }, out, { resume: true }), /other runs or options/);
    const again = await speechBench([run], config, out, { resume: true });
    assert.deepEqual(
      again.scores.map((s) => [s.representation, s.task, s.accuracy]).sort(),
      r.scores.map((s) => [s.representation, s.task, s.accuracy]).sort(),
    );
    assert.equal(statSync(weights).mtimeMs, mtime);

    // embed: per-window and per-file embeddings of WAVs under the run.
    const file = await embedRun(run, { audio: [join(wavs, 's0-low-0.wav'), join(wavs, 's1-high-1.wav')], layer: 'pooled' });
    const e = torch.safetensors.loadFileWithMetadata(file);
    const { utterances, windows, clip, start } = e.tensors;
    assert.deepEqual(utterances.shape, [2, 32]);
    assert.deepEqual(windows.shape, [2, 32], 'a 1 s clip is one window');
    assert.deepEqual(clip.toArray(), [0, 1]);
    assert.deepEqual(start.toArray(), [0, 0]);
    assertClose(utterances, windows, { atol: 1e-6 });
    assert.equal(e.metadata.layer, 'pooled');

    await assert.rejects(speechBench([run], { ...config, tasks: ['nope'] }, join(dir, 'b2')), /unknown tasks nope \(valid: language, /);
    await assert.rejects(
      speechBench([run], { ...config, supervised: 'gender' }, join(dir, 'b3')),
      /supervised task "gender" is not among the tasks \(key-press, tones\)/,
    );
    await assert.rejects(embedRun(run, { audio: [join(dir, 'missing.wav')] }), /embed: .*missing\.wav does not exist/);
    assert.ok(!existsSync(join(dir, 'b2', 'results.json')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
