/**
 * The audio sets of the data-set registry (src/data/registry.ts): pitched mono
 * 16 kHz tracks for self-supervised pitch estimation (SPICE, Gfeller et al. 2020),
 * each with its f0 per frame of 512 samples when known.
 *
 *   { name: 'singing', split: 'test', tracks: 32 }      synthetic singing, exact f0 (src/data/singing.ts)
 *   { name: 'piano-notes', lowNote: 'C2', highNote: 'C6' }  real piano notes, f0 from loudness
 *   { name: 'speech', clips: 48 }                      espeak-ng speech, no f0 (src/data/speech.ts)
 *   { name: 'pitched' }                                the training pool: piano-notes + speech + singing
 *   { name: 'speech-pool', clips: 256 }                TRILL's unlabelled pool: espeak-ng + real recordings, 10 s clips
 *   { name: 'wav-folder', path: 'songs/' }             every .wav under a folder, f0 from <name>.f0.csv
 */
import { bool, int, num, parseConfig, str, strs, z } from '../config/schema.js';
import { PITCH_HOP, PITCH_RATE, pianoTracks, wavFolderTracks } from './pitched-tracks.js';
import { equalPieces, realSpeech } from './real-speech.js';
import type { DataConfig, DataSetSpec } from './registry.js';
import { synthSinging, type PitchedTrack } from './singing.js';
import { speechTracks } from './speech.js';

export interface AudioSet {
  name: string;
  /** 16000 Hz for every track. */
  sampleRate: number;
  tracks: PitchedTrack[];
}

type AudioSpec = DataSetSpec<AudioSet>;

/** Track i of the test split draws seed·10⁶ + TEST_OFFSET + i, of the train split seed·10⁶ + i: the splits never share a track. */
const TEST_OFFSET = 500_000;
const seed = int('seed of the tracks (train and test splits draw disjoint seeds)', 0, { min: 0, max: 1_000_000 });

function trainOrTest(c: DataConfig): 'train' | 'test' {
  if (c.split !== 'train' && c.split !== 'test')
    throw new RangeError(`audio set ${c.name}: expected split "train" or "test" but received ${JSON.stringify(c.split)}`);
  return c.split;
}

/** How many of `n` items to make: the set's count, cut to `limit`. */
const count = (n: number, c: DataConfig): number => Math.min(n, c.limit ?? n);
const firstOf = (c: DataConfig, s: number): number => s * 1_000_000 + (trainOrTest(c) === 'test' ? TEST_OFFSET : 0);
const audioSet = (name: string, tracks: PitchedTrack[]): AudioSet => ({ name, sampleRate: PITCH_RATE, tracks });

const singing: AudioSpec = {
  name: 'singing',
  modality: 'audio',
  summary: 'synthetic singing (glides, vibrato, 7 vowels, breath noise, rests) A2–E5 with exact f0; train and test draw disjoint seeds',
  options: {
    tracks: int('tracks in the split', 64, { min: 1, max: TEST_OFFSET }),
    seconds: num('seconds per track', 8, { min: 1, max: 600 }),
    seed,
  },
  async load(c) {
    const o = c as DataConfig & { tracks: number; seconds: number; seed: number };
    const first = firstOf(c, o.seed);
    const tracks = Array.from({ length: count(o.tracks, c) }, (_, i) => synthSinging({ seed: first + i, seconds: o.seconds }));
    return audioSet(c.name, tracks);
  },
};

const pianoNotes: AudioSpec = {
  name: 'piano-notes',
  modality: 'audio',
  summary:
    'real piano notes (Salamander Grand, every minor third), f0 = the note on frames within 35 dB of its loudest after the onset; one split, all',
  options: {
    seconds: num('seconds kept of each note', 3, { min: 0.1, max: 20 }),
    lowNote: str('lowest note, e.g. C2 (the set has A, C, D#, F# of each octave)', 'C2'),
    highNote: str('highest note, e.g. C6', 'C6'),
  },
  async load(c) {
    if (!['all', 'train', 'test'].includes(c.split))
      throw new RangeError(
        `audio set piano-notes: expected split "all" (or "train"/"test", the same notes) but received ${JSON.stringify(c.split)}`,
      );
    const o = c as DataConfig & { seconds: number; lowNote: string; highNote: string };
    return audioSet(c.name, await pianoTracks({ ...o, limit: c.limit }));
  },
};

const speech: AudioSpec = {
  name: 'speech',
  modality: 'audio',
  summary: 'espeak-ng speech in 14 languages and 11 voice variants reading Brown corpus sentences (no f0)',
  options: {
    clips: int('clips in the split', 48, { min: 1, max: TEST_OFFSET }),
    seconds: num('seconds per clip (at most)', 6, { min: 1, max: 600 }),
    seed,
  },
  async load(c) {
    const o = c as DataConfig & { clips: number; seconds: number; seed: number };
    const tracks = speechTracks({ clips: count(o.clips, c), seed: o.seed, seconds: o.seconds, first: firstOf(c, 0) });
    return audioSet(c.name, tracks);
  },
};

/** The speech pool's espeak clips start this far into the seed's stream (test: TEST_OFFSET further), apart from the speech set's. */
const SPEECH_POOL_OFFSET = 250_000;

const speechPool: AudioSpec = {
  name: 'speech-pool',
  modality: 'audio',
  summary:
    "TRILL's unlabelled speech (Shor et al. 2020, §3.1): espeak-ng clips as in speech, plus (train split) the real recordings of " +
    'pocketsphinx-testdata and codec2-examples (28 files, 3.7 min) cut into equal pieces of at most `seconds`; no f0',
  options: {
    clips: int('espeak-ng clips in the split', 256, { min: 0, max: SPEECH_POOL_OFFSET }),
    seconds: num('seconds per clip (at most)', 10, { min: 1, max: 600 }),
    seed,
    real: bool('include the real recordings (train split only)', true),
  },
  async load(c) {
    const o = c as DataConfig & { clips: number; seconds: number; seed: number; real: boolean };
    const first = firstOf(c, 0) + SPEECH_POOL_OFFSET;
    const tracks = speechTracks({ clips: count(o.clips, c), seed: o.seed, seconds: o.seconds, first });
    if (o.real && c.split === 'train')
      for (const r of realSpeech())
        equalPieces(r.audio, Math.round(o.seconds * PITCH_RATE)).forEach((audio, k) =>
          tracks.push({ name: `speech-pool/${r.name}#${k}`, source: r.source, audio, sampleRate: PITCH_RATE, hop: PITCH_HOP }),
        );
    return audioSet(c.name, tracks);
  },
};

const POOL = { 'piano-notes': pianoNotes, speech, singing } as const;

const pitched: AudioSpec = {
  name: 'pitched',
  modality: 'audio',
  summary: 'the pitch training pool: piano-notes + speech + singing at their defaults (sources, singingTracks, speechClips)',
  options: {
    sources: strs(`sets in the pool (${Object.keys(POOL).join(', ')}; default all)`),
    singingTracks: int('tracks of singing', undefined, { min: 1, max: TEST_OFFSET }),
    speechClips: int('clips of speech', undefined, { min: 1, max: TEST_OFFSET }),
  },
  async load(c) {
    const o = c as DataConfig & { sources?: string[]; singingTracks?: number; speechClips?: number };
    const tracks: PitchedTrack[] = [];
    const names = o.sources ?? Object.keys(POOL);
    const bad = names.filter((n) => !(n in POOL));
    if (bad.length) throw new RangeError(`audio set pitched: unknown sources ${bad.join(', ')} (valid: ${Object.keys(POOL).join(', ')})`);
    for (const name of names) {
      const left = c.limit === undefined ? undefined : c.limit - tracks.length;
      if (left === 0) break;
      const own: Record<string, number> = {};
      if (name === 'singing' && o.singingTracks) own.tracks = o.singingTracks;
      if (name === 'speech' && o.speechClips) own.clips = o.speechClips;
      const spec = POOL[name as keyof typeof POOL];
      const options = parseConfig(z.object(spec.options), own, `audio set pitched: ${name}`);
      const split = name === 'piano-notes' ? 'all' : c.split;
      tracks.push(...(await spec.load({ ...options, name, split, limit: left } as DataConfig)).tracks);
    }
    return audioSet(c.name, tracks);
  },
};

const wavFolder: AudioSpec = {
  name: 'wav-folder',
  modality: 'audio',
  summary: 'every .wav under a folder (recursive), mono 16 kHz; f0 per frame from a sidecar <name>.f0.csv when present',
  options: {
    path: z.string().min(1).describe('the folder of .wav files'),
    hop: int('frame hop of the f0 sidecars, in samples at 16 kHz', PITCH_HOP, { min: 1 }),
  },
  async load(c) {
    const o = c as DataConfig & { path: string; hop: number };
    return audioSet(c.name, wavFolderTracks(o.path, o.hop));
  },
};

/** The audio sets, by name. */
export const AUDIO_SET_SPECS: Readonly<Record<string, AudioSpec>> = {
  singing,
  'piano-notes': pianoNotes,
  speech,
  pitched,
  'speech-pool': speechPool,
  'wav-folder': wavFolder,
};
