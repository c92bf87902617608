/**
 * `selfsup export TRILL_RUN --web OUT/`: the page's front end in JS
 * (src/export/web/logmel.js) against selfsup's log-mel spectrogram, and the page
 * of a tiny real TRILL run served locally and driven in headless Chromium with
 * 16 kHz WAV files (keyword clips, a 3 s clip of several windows, a short tone,
 * a stereo file; and one at 44.1 kHz, resampled by the browser): its utterance embeddings equal `Trill.embedWindows(…).mean(0)`,
 * its neighbours are selfsup's, it shows a latency and says which file is no audio.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { torch } from '../../src/index.js';
import { logMelSpectrogram, MelSpectrogram } from '../../src/views/audio/mel.js';
import { loadSpeechTask } from '../../src/data/speech-tasks.js';
import { readWav, writeWav } from '../../src/data/wav.js';
import { resample } from '../../src/data/resample.js';
import { audioMethodOfRun, pretrainAudio } from '../../src/pipeline/pretrain-audio.js';
import type { Trill } from '../../src/methods/trill.js';
import { audioPageSpec, utteranceEmbedding } from '../../src/export/web-audio.js';
import { root } from '../helpers.js';
import { serve } from '../../bench/browser.js';
import { drive, maxAbsDiff, topK } from './page.js';
import { selfsup } from './runs.js';

/** The page's front-end module, loaded in Node. */
interface LogMelModule {
  logMel(samples: Float32Array, fe: object): Float64Array;
  fft(re: Float64Array, im: Float64Array): void;
}
const logmel = (): Promise<LogMelModule> => import(pathToFileURL(join(root, 'src', 'export', 'web', 'logmel.js')).href);

test('logmel.js: the FFT is the DFT; log-mel frames equal selfsup’s logMelSpectrogram on speech and noise', async () => {
  const { fft, logMel } = await logmel();
  const n = 16;
  const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 1.3) + (i % 3));
  const [re, im] = [Float64Array.from(x), new Float64Array(n)];
  fft(re, im);
  for (let k = 0; k < n; k++) {
    const want = x.reduce(
      (s, v, t) => [s[0] + v * Math.cos((-2 * Math.PI * k * t) / n), s[1] + v * Math.sin((-2 * Math.PI * k * t) / n)],
      [0, 0],
    );
    assert.ok(Math.abs(re[k] - want[0]) < 1e-12 && Math.abs(im[k] - want[1]) < 1e-12, `bin ${k}`);
  }
  assert.throws(() => fft(new Float64Array(12), new Float64Array(12)), /power-of-two length/);

  const fe = new MelSpectrogram();
  const page = { ...fe.options, window: fe.window.data(), filterbank: fe.filterbank.data() };
  const speech = (await loadSpeechTask('keywords')).clips[3].audio; // 15,360 samples
  const noise = Float32Array.from({ length: 7001 }, (_, i) => 0.3 * Math.sin(i * 0.37) * Math.cos(i * 0.011) + 0.05 * Math.sin(i * i));
  for (const [what, clip] of [
    ['speech', speech],
    ['noise', noise],
  ] as const) {
    const ref = torch.scope(() => logMelSpectrogram(torch.tensor(clip)).t().contiguous().data() as Float32Array); // [T', 64]
    const got = logMel(clip, page);
    assert.equal(got.length, ref.length, `${what}: frames`);
    const diff = maxAbsDiff(got, ref);
    console.log(
      `${what}: max |logmel.js − logMelSpectrogram| = ${diff.toExponential(2)} (log-mel range ${Math.min(...ref).toFixed(2)} … ${Math.max(...ref).toFixed(2)})`,
    );
    assert.ok(diff < 1e-4, `${what}: ${diff}`);
  }
  assert.throws(() => logMel(new Float32Array(100), page), /reflect padding needs more than 256 samples/);
});

test('selfsup export TRILL_RUN --web: the page in Chromium gives selfsup’s utterance embeddings and neighbours', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-web-audio-'));
  const run = join(dir, 'run');
  try {
    const data = { name: 'speech-pool', clips: 6, real: true, limit: 10 };
    const method = { name: 'trill', width: 4, embeddingDim: 16, tauSeconds: 1 };
    await pretrainAudio({ method, data, train: { steps: 4, batchSize: 8, logEvery: 2 }, threads: 1 }, run);
    const site = join(dir, 'site');
    const e = selfsup('export', run, '--web', site, '--gallery', '120');
    assert.equal(e.status, 0, e.stderr);
    const trill = audioMethodOfRun(run) as Trill;
    const spec = JSON.parse(readFileSync(join(site, 'model.json'), 'utf8'));
    assert.equal(spec.kind, 'audio-neighbours');
    assert.equal(spec.layer, 'stage4');
    assert.deepEqual(spec.windows, audioPageSpec(trill).windows);
    assert.deepEqual(spec.windows, { frames: 96, hopSeconds: 0.5, hopFrames: 50, minSamples: 16000 });
    const gallery = JSON.parse(readFileSync(join(site, 'gallery.json'), 'utf8'));
    assert.equal(gallery.count, 120);
    assert.equal(gallery.samples.length, 10);

    // Inputs (16 kHz, int16): gallery clips 0 and 11 (their own nearest neighbours), clip 1 (not in it),
    // 3 s of three clips (5 windows), a 0.4 s tone (zero-padded to 1 s), a stereo pair, and a file that is no audio.
    const { clips } = await loadSpeechTask('keywords');
    const tone = Float32Array.from({ length: 6400 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000));
    const long = Float32Array.from({ length: 48000 }, (_, i) => clips[20 + Math.floor(i / 16000)].audio[i % 16000] ?? 0);
    const inputs = join(dir, 'inputs');
    mkdirSync(inputs);
    const wavs: [string, torch.Tensor][] = [
      ['clip-0.wav', torch.tensor(clips[0].audio)],
      ['clip-11.wav', torch.tensor(clips[11].audio)],
      ['clip-1.wav', torch.tensor(clips[1].audio)],
      ['three.wav', torch.tensor(long)],
      ['tone.wav', torch.tensor(tone)],
      ['stereo.wav', torch.stack([torch.tensor(clips[100].audio), torch.tensor(clips[200].audio)])],
    ];
    const files = wavs.map(([name, audio]) => {
      writeWav(join(inputs, name), audio, 16000);
      return join(inputs, name);
    });
    writeFileSync(join(inputs, 'notes.wav'), 'not audio');
    files.push(join(inputs, 'notes.wav'));
    // The browser resamples other rates with its own resampler, not selfsup's sinc: close, not equal.
    writeWav(join(inputs, 'clip-1-44k.wav'), resample(torch.tensor(clips[1].audio), 16000, 44100), 44100);
    files.push(join(inputs, 'clip-1-44k.wav'));

    const bytes = readFileSync(join(site, 'gallery.f32'));
    const g = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4); // [120, D] unit-norm
    const server = await serve(site);
    try {
      const page = await drive(server.url, files);
      assert.match(
        page.about,
        /trill network of run .* \(layer stage4, mean over 0\.96 s windows\) finds each clip's 5 nearest gallery clips/,
      );
      assert.ok(
        page.requests.every((u) => u.startsWith(server.url) || u.startsWith('blob:')),
        `requests beyond the server: ${page.requests}`,
      );
      const rel: number[] = [];
      wavs.forEach(([name], j) => {
        const s = page.shown[j];
        assert.equal(s.name, name);
        const audio = readWav(files[j], { mono: true }).audio; // what the page decodes: int16 / 32768, channels averaged
        const want = torch.scope(
          () => utteranceEmbedding(trill, audio.reshape([-1]).data() as Float32Array, 'stage4').data() as Float32Array,
        );
        const dim = want.length;
        assert.equal(g.length, 120 * dim);
        const scale = Math.max(...want.map(Math.abs));
        rel.push(maxAbsDiff(s.raw!, want) / scale);
        assert.ok(rel.at(-1)! <= 1e-3, `${name}: the page's embedding differs from selfsup's by ${rel.at(-1)} of its scale`);
        const norm = Math.hypot(...want);
        const sims = Array.from({ length: 120 }, (_, k) => want.reduce((a, v, d) => a + v * g[k * dim + d], 0) / norm);
        assert.deepEqual(s.neighbours, topK(sims, 5), `${name}: neighbours`);
        assert.ok(
          s.ms! > 0 && /Inference latency: \d+\.\d ms \(\d+ windows? of 96×64; front end/.test(s.latency!),
          `${name}: ${s.latency}`,
        );
      });
      assert.equal(page.shown[0].neighbours![0], 0, 'gallery clip 0 is its own nearest neighbour');
      assert.equal(page.shown[1].neighbours![0], 3, 'clip 11 is gallery item 3 (⌊3 · 440 / 120⌋ = 11)');
      assert.match(page.shown[3].latency!, /\(5 windows of 96×64/);
      assert.match(page.shown[4].latency!, /\(1 window of 96×64/);
      assert.match(page.shown[6].error!, /^Could not read notes\.wav as audio/);
      const at16k = readWav(files[7], { mono: true, sampleRate: 16000 }).audio.reshape([-1]).data() as Float32Array;
      const z = torch.scope(() => utteranceEmbedding(trill, at16k, 'stage4').data() as Float32Array);
      const cos = z.reduce((a, v, d) => a + v * page.shown[7].raw![d], 0) / Math.hypot(...z) / Math.hypot(...page.shown[7].raw!);
      console.log(
        `44.1 kHz clip, the browser's resampler vs selfsup's: cosine ${cos.toFixed(6)}, max |diff| / scale ${(maxAbsDiff(page.shown[7].raw!, z) / Math.max(...z.map(Math.abs))).toExponential(2)}`,
      );
      assert.ok(cos > 0.99, `44.1 kHz: cosine ${cos}`);
      const ms = page.shown.filter((s) => s.ms !== undefined).map((s) => s.ms!.toFixed(2));
      console.log(`in-browser latency (ms): ${ms.join(' ')}; max |page − selfsup| / scale: ${Math.max(...rel).toExponential(2)}`);
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
