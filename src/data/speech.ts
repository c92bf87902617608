/**
 * Synthetic speech from the espeak-ng formant synthesiser (Debian package
 * `espeak-ng`), as unlabelled pitched audio for self-supervised pitch training
 * (SPICE, Gfeller et al. 2020, trains on unlabelled audio). espeak-ng writes
 * 22,050 Hz WAV; it is resampled to 16 kHz and cached under
 * `.cache/speech/<sha1 of the options>.wav` (float32, written atomically), so a
 * clip is synthesised once.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../torch/index.js';
import { defaultCacheDir } from './cache.js';
import { mixSeed, mulberry32 } from './noise.js';
import type { PitchedTrack } from './singing.js';
import { loadBrown } from './text-corpora.js';
import { readWav, writeWav } from './wav.js';

export const ESPEAK_INSTALL = 'apt-get install espeak-ng';
/** The sample rate of the returned audio. */
export const SPEECH_RATE = 16000;

export interface SpeechOptions {
  text: string;
  /** espeak-ng voice: a language, optionally with a variant, e.g. 'en+m3', 'de+f2' (default 'en'). */
  voice?: string;
  /** Pitch, espeak-ng's -p, 0–99 (default 50). */
  pitch?: number;
  /** Speaking rate in words per minute, espeak-ng's -s, 80–450 (default 175). */
  rate?: number;
}

function resolve(o: SpeechOptions): Required<SpeechOptions> {
  const r = { voice: 'en', pitch: 50, rate: 175, ...o };
  if (typeof r.text !== 'string' || !r.text.trim())
    throw new RangeError(`synthSpeech: expected a non-empty text but received ${JSON.stringify(r.text)}`);
  if (!/^[a-z][a-z0-9-]*(\+[A-Za-z0-9_-]+)?$/.test(r.voice))
    throw new RangeError(`synthSpeech: expected a voice like 'en', 'de+f2' or 'en-us+m3' but received ${JSON.stringify(r.voice)}`);
  if (!Number.isInteger(r.pitch) || r.pitch < 0 || r.pitch > 99)
    throw new RangeError(`synthSpeech: expected an integer pitch in [0, 99] but received ${r.pitch}`);
  if (!Number.isInteger(r.rate) || r.rate < 80 || r.rate > 450)
    throw new RangeError(`synthSpeech: expected an integer rate in [80, 450] words/min but received ${r.rate}`);
  return r;
}

/** The cache file of a clip: `.cache/speech/<sha1 of the resolved options>.wav`. */
export function speechCachePath(o: SpeechOptions): string {
  const r = resolve(o);
  const key = JSON.stringify({ text: r.text, voice: r.voice, pitch: r.pitch, rate: r.rate, sampleRate: SPEECH_RATE });
  return join(defaultCacheDir(), 'speech', `${createHash('sha1').update(key).digest('hex')}.wav`);
}

/** Mono samples of a WAV file at `SPEECH_RATE`. */
function readMono(path: string): Float32Array {
  const { audio } = readWav(path, { mono: true, sampleRate: SPEECH_RATE });
  try {
    return audio.data() as Float32Array;
  } finally {
    audio.dispose();
  }
}

/** Runs espeak-ng → the WAV it writes, read as mono 16 kHz. */
function espeak(r: Required<SpeechOptions>): Float32Array {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-espeak-'));
  try {
    const wav = join(dir, 'out.wav');
    const args = ['-v', r.voice, '-p', String(r.pitch), '-s', String(r.rate), '-w', wav, '--stdin'];
    const p = spawnSync('espeak-ng', args, { input: r.text, encoding: 'utf8', timeout: 60_000 });
    if ((p.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
      throw new Error(`synthSpeech: espeak-ng is not installed (not found on PATH); run \`${ESPEAK_INSTALL}\``);
    if (p.error) throw new Error(`synthSpeech: espeak-ng failed for voice ${JSON.stringify(r.voice)}: ${p.error.message}`);
    if (p.status !== 0 || !existsSync(wav))
      throw new Error(
        `synthSpeech: espeak-ng exited with ${p.status ?? p.signal} for voice ${JSON.stringify(r.voice)}: ${p.stderr.trim() || 'no message'}`,
      );
    const audio = readMono(wav);
    if (audio.length === 0) throw new Error(`synthSpeech: espeak-ng wrote no samples for voice ${JSON.stringify(r.voice)}`);
    return audio;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Speech for `o.text` as mono float32 at 16 kHz, from the cache when there (an unreadable cache file is rebuilt). */
export function synthSpeech(o: SpeechOptions): Float32Array {
  const r = resolve(o);
  const file = speechCachePath(r);
  if (existsSync(file)) {
    try {
      return readMono(file);
    } catch {
      // unreadable (e.g. cut short): synthesise it again below
    }
  }
  const audio = espeak(r);
  mkdirSync(join(file, '..'), { recursive: true });
  const t = torch.tensor(audio, { shape: [1, audio.length] });
  try {
    writeWav(file, t, SPEECH_RATE, { format: 'float32' });
  } finally {
    t.dispose();
  }
  return audio;
}

/** espeak-ng languages the clips are drawn from. */
export const SPEECH_LANGUAGES = ['en', 'en-us', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'pl', 'sv', 'da', 'fi', 'cs', 'hu'] as const;
/** espeak-ng voice variants: male m1–m7, female f1–f4. */
export const SPEECH_VARIANTS = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'f1', 'f2', 'f3', 'f4'] as const;

let sentenceCache: string[] | undefined;
/** Brown corpus sentences of 5 or more words; quotes and dashes dropped, . , ; : ? ! kept for the intonation. */
export function brownSentences(): string[] {
  sentenceCache ??= loadBrown()
    .items.flatMap((d) => d.sentences)
    .map((s) => s.filter((w) => /[A-Za-z0-9.,;:?!]/.test(w) && !/^(``|''|--)$/.test(w)))
    .filter((s) => s.length >= 5)
    .map((s) => s.join(' ').replace(/ ([.,;:?!])/g, '$1'));
  return sentenceCache;
}

/**
 * `clips` seeded speech clips of at most `seconds` (default 6) seconds, no f0.
 * Clip i draws from its own stream (seed, i), so a longer list extends a shorter
 * one: a language (SPEECH_LANGUAGES), a variant (SPEECH_VARIANTS), pitch 10–90,
 * rate 120–200 words/min, and consecutive Brown corpus sentences (≈ the words
 * that fill `seconds`). The corpus is English: the other languages' voices read
 * it with their own phonetics and intonation, which is still varied speech.
 */
export function speechTracks(o: { clips: number; seed: number; seconds?: number; first?: number }): PitchedTrack[] {
  const { clips, seed, seconds = 6, first = 0 } = o;
  if (!Number.isInteger(clips) || clips < 0)
    throw new RangeError(`speechTracks: expected a non-negative integer clips but received ${clips}`);
  if (!Number.isInteger(seed)) throw new RangeError(`speechTracks: expected an integer seed but received ${seed}`);
  if (!(seconds > 0 && seconds <= 600)) throw new RangeError(`speechTracks: expected seconds in (0, 600] but received ${seconds}`);
  const pool = clips ? brownSentences() : [];
  return Array.from({ length: clips }, (_, j) => {
    const i = first + j;
    const rand = mulberry32(mixSeed(seed, i));
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)];
    const voice = `${pick(SPEECH_LANGUAGES)}+${pick(SPEECH_VARIANTS)}`;
    const pitch = 10 + Math.floor(rand() * 81);
    const rate = 120 + Math.floor(rand() * 81);
    const words = (rate * seconds) / 60;
    const text: string[] = [];
    for (let k = Math.floor(rand() * pool.length); text.join(' ').split(' ').length < words; k = (k + 1) % pool.length) text.push(pool[k]);
    const audio = synthSpeech({ text: text.join(' '), voice, pitch, rate });
    return {
      name: `speech/${seed}/${i}`,
      source: 'speech',
      audio: audio.subarray(0, Math.round(seconds * SPEECH_RATE)).slice(),
      sampleRate: SPEECH_RATE,
      hop: 512,
    };
  });
}
