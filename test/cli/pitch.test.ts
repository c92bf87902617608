/**
 * `selfsup pitch` and `selfsup pitch-eval` end to end on a tiny SPICE run:
 * any WAV (another rate, stereo, silence, one sample) gives finite frames; CSV
 * and PNG outputs; bad files and a missing model are named; pitch-eval scores
 * the run next to YIN and writes results.json.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch, data, pipeline } from '../../src/index.js';
import { root } from '../helpers.js';
import { quietErr } from '../methods/resume.js';

const cli = join(root, 'dist', 'src', 'cli', 'main.js');
const selfsup = (...args: string[]): { status: number | null; stdout: string; stderr: string } =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '2' }, timeout: 120_000 });

const tone = (hz: number, seconds: number, rate: number, channels: number): torch.Tensor =>
  torch.scope(() => {
    const t = torch.arange(Math.round(seconds * rate), { dtype: 'float64' }).div(rate);
    return t
      .mul(2 * Math.PI * hz)
      .sin()
      .mul(0.5)
      .float()
      .unsqueeze(0)
      .repeat([channels, 1]);
  });

test('selfsup pitch: any WAV → finite frames, CSV and PNG; bad input named; pitch-eval next to YIN', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-pitch-'));
  const run = join(dir, 'run');
  const restore = quietErr();
  try {
    await pipeline.pretrain(
      {
        method: { name: 'spice', width: 4, decoderWidth: 4, calibrationNotes: 4 },
        data: { name: 'singing', tracks: 2, seconds: 2 },
        train: { steps: 3, batchSize: 16 },
      },
      run,
    );
  } finally {
    restore();
  }
  try {
    const stereo = join(dir, 'a440.wav');
    data.writeWav(stereo, tone(440, 1, 44100, 2), 44100);
    const r = selfsup('pitch', stereo, '--model', run);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'time,f0_hz,midi,note,confidence,voiced');
    assert.equal(lines.length - 1, 1 + Math.floor(16000 / 512), 'one row per 32 ms frame of the audio resampled to 16 kHz');
    for (const l of lines.slice(1)) {
      const [time, hz, midi, , conf, voiced] = l.split(',');
      assert.ok([time, hz, midi, conf].every((v) => Number.isFinite(Number(v))) && ['0', '1'].includes(voiced), l);
    }
    assert.match(r.stderr, /32 frames, \d+ voiced; main note/);

    const csv = join(dir, 'out.csv');
    const png = join(dir, 'out.png');
    assert.equal(selfsup('pitch', stereo, '--model', run, '--csv', csv, '--png', png).status, 0);
    assert.equal(readFileSync(csv, 'utf8').trim().split('\n').length, 33);
    const bytes = readFileSync(png);
    assert.deepEqual([...bytes.subarray(1, 4)], [...Buffer.from('PNG')]);
    assert.deepEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], [2 * 32, 2 * 190], 'width 2 px per frame, height 2 px per bin');

    for (const [name, audio] of [
      ['silence', torch.zeros([1, 8000])],
      ['one-sample', torch.full([1, 1], 0.5)],
    ] as const) {
      const f = join(dir, `${name}.wav`);
      data.writeWav(f, audio, 16000);
      const s = selfsup('pitch', f, '--model', run);
      assert.equal(s.status, 0, `${name}: ${s.stderr}`);
      assert.doesNotMatch(s.stdout, /NaN|Infinity/, name);
    }
    const empty = join(dir, 'empty.wav');
    data.writeWav(empty, torch.zeros([1, 0]), 16000);
    assert.match(selfsup('pitch', empty, '--model', run).stderr, /empty\.wav: the file holds no samples/);
    const text = join(dir, 'notes.wav');
    writeFileSync(text, 'not a wav');
    const bad = selfsup('pitch', text, '--model', run);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /notes\.wav/);
    assert.match(
      selfsup('pitch', stereo, '--model', join(dir, 'nowhere')).stderr,
      /no model at .*nowhere: train one with `selfsup pretrain --method spice/,
    );

    const out = join(dir, 'eval');
    const e = selfsup('pitch-eval', run, '--singing-tracks', '1', '--snr', '10', '--piano', 'false', '-o', out);
    assert.equal(e.status, 0, e.stderr);
    assert.match(e.stdout, /tracker +set +SNR +RPA %/);
    const { rows } = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      rows: { tracker: string; snr: string | number; rpa: number }[];
    };
    assert.deepEqual(
      rows.map((x) => [x.tracker, x.snr]),
      [
        ['run', 'clean'],
        ['yin', 'clean'],
        ['run', 10],
        ['yin', 10],
      ],
    );
    assert.ok(rows.every((x) => x.rpa >= 0 && x.rpa <= 1));
    assert.ok(existsSync(join(out, 'results.json')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
