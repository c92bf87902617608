/**
 * The audio half of `selfsup export TRILL_RUN --web OUT/` (./web.ts): what the
 * page needs to reproduce selfsup's TRILL front end in JavaScript
 * (src/export/web/logmel.js) — the log-mel options, the Hann window and the mel
 * filterbank as selfsup's own float32 values, the windowing of
 * `Trill.embedWindows` — and a labelled gallery of keyword clips (the built-in
 * `keywords` speech task) embedded by selfsup: each clip's windows at the
 * exported layer, averaged, unit-normalised. OUT also gets one clip of each
 * keyword beyond the gallery as samples/<keyword>.wav to try.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { TRILL_WINDOW } from '../models/trill.js';
import { Trill } from '../methods/trill.js';
import { audioMethodOfRun } from '../pipeline/pretrain-audio.js';
import { loadSpeechTask } from '../data/speech-tasks.js';
import { encodeWav } from '../data/wav.js';
import { spreadIndices } from '../data/collate.js';
import { writeFileAtomic } from '../io/atomic.js';

/** The built-in speech task the gallery comes from. */
const GALLERY_TASK = 'keywords';

/** What model.json holds for the page's front end (src/export/web/logmel.js). */
export interface AudioPageSpec {
  frontEnd: {
    sampleRate: number;
    nFft: number;
    winLength: number;
    hopLength: number;
    nMels: number;
    power: number;
    logOffset: number;
    center: true;
    padMode: 'reflect';
    /** Hann window [winLength] (periodic), selfsup's float32 values. */
    window: number[];
    /** Mel filterbank [nFft / 2 + 1, nMels], row-major, selfsup's float32 values. */
    filterbank: number[];
  };
  windows: { frames: number; hopSeconds: number; hopFrames: number; minSamples: number };
}

/** Run `dir`'s TRILL method (its weights loaded, eval mode); other audio methods have no page. */
export function trillOfRun(dir: string): Trill {
  const method = audioMethodOfRun(dir);
  if (!(method instanceof Trill))
    throw new Error(`export --web: ${dir} is a ${method.constructor.name} run; the page runs image runs and TRILL runs only`);
  return method;
}

/** The front end and windowing of `trill`, as the page reads them from model.json. */
export function audioPageSpec(trill: Trill): AudioPageSpec {
  const fe = trill.frontEnd;
  const o = fe.options;
  if (!o.center || o.padMode !== 'reflect' || o.winLength > o.nFft)
    throw new Error(`export --web: the page reproduces a centred, reflect-padded front end only`);
  const values = (t: torch.Tensor): number[] => Array.from(t.contiguous().data() as Float32Array);
  const hopFrames = Math.round((trill.options.hopSeconds * o.sampleRate) / o.hopLength);
  return {
    frontEnd: {
      sampleRate: o.sampleRate,
      nFft: o.nFft,
      winLength: o.winLength,
      hopLength: o.hopLength,
      nMels: o.nMels,
      power: o.power,
      logOffset: o.logOffset,
      center: true,
      padMode: 'reflect',
      window: values(fe.window),
      filterbank: values(fe.filterbank),
    },
    windows: { frames: TRILL_WINDOW.frames, hopSeconds: trill.options.hopSeconds, hopFrames, minSamples: o.sampleRate },
  };
}

/** The utterance embedding of a clip: `embedWindows` at `layer`, averaged over windows → [D]. */
export const utteranceEmbedding = (trill: Trill, audio: Float32Array, layer: string): torch.Tensor =>
  torch.scope(() => trill.embedWindows(audio, { layer }).mean(0));

/**
 * Embeds `count` clips of the keywords task spread evenly over it and writes
 * gallery.json (labels), gallery.f32 (unit-norm [G, D] float32) and one
 * sample clip per keyword not in the gallery; returns the gallery's size.
 */
export async function writeAudioGallery(trill: Trill, layer: string, out: string, count: number): Promise<number> {
  const { clips } = await loadSpeechTask(GALLERY_TASK);
  const picks = spreadIndices(clips.length, count);
  const n = picks.length;
  const embeddings = torch.scope(() => {
    const z = torch.stack(picks.map((i) => utteranceEmbedding(trill, clips[i].audio, layer))); // [G, D]
    return F.normalize(z, { dim: 1 }).contiguous().data() as Float32Array;
  });
  const items = picks.map((i) => ({ id: clips[i].name, label: clips[i].label, speaker: clips[i].speaker }));
  mkdirSync(join(out, 'samples'), { recursive: true });
  const inGallery = new Set(picks);
  const sampleRate = trill.frontEnd.options.sampleRate;
  const samples = [...new Set(clips.map((c) => c.label))].flatMap((label) => {
    const c = clips.find((c, i) => c.label === label && !inGallery.has(i));
    if (c === undefined) return [];
    const file = `samples/${label}.wav`;
    writeFileAtomic(
      join(out, file),
      torch.scope(() => encodeWav(torch.tensor(c.audio), sampleRate)),
      'export --web',
    );
    return [file];
  });
  writeFileAtomic(
    join(out, 'gallery.f32'),
    new Uint8Array(embeddings.buffer, embeddings.byteOffset, embeddings.byteLength),
    'export --web',
  );
  const meta = { set: `${GALLERY_TASK} task`, count: n, dim: embeddings.length / n, metric: 'cosine', items, samples };
  writeFileAtomic(join(out, 'gallery.json'), JSON.stringify(meta), 'export --web');
  return n;
}
