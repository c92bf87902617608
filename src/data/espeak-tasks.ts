/**
 * Synthetic stand-ins for the NOSS benchmark's speech tasks (Shor et al. 2020,
 * §3.2: language ID, speaker ID, emotion, speech commands …), spoken by espeak-ng
 * (src/data/speech.ts, cached per clip). A speaker is a voice variant (m1–m7,
 * f1–f4) at a base pitch, optionally with an accent; each clip jitters the pitch
 * by ±4 and draws its own rate and words from a stream seeded by its name, so a
 * clip is the same at any scale. Clips are trimmed of silence, cut to 3 s and
 * centred in 0.96 s when shorter.
 */
import { mixSeed, mulberry32 } from './noise.js';
import { brownSentences, synthSpeech, type SpeechOptions } from './speech.js';
import {
  capClip,
  padClip,
  shuffled,
  splitOrder,
  splitSpeakers,
  trimSilence,
  type LabelledClip,
  type SpeakerSplit,
  type SpeechTask,
} from './speech-clips.js';

export interface Speaker {
  speaker: string;
  /** espeak-ng variant, e.g. 'm3'. */
  variant: string;
  /** Base pitch (espeak-ng -p). */
  pitch: number;
  /** espeak-ng language of the voice (default 'en'). */
  accent?: string;
}

interface EspeakTask {
  summary: string;
  split: SpeakerSplit;
  speakers: readonly Speaker[];
  /** A speaker's classes. */
  labels(s: Speaker): readonly string[];
  /** Speakers are split apart within each stratum (the label, when it belongs to the speaker). */
  stratum(s: Speaker): string;
  /** Clips per speaker and class at scale 1. */
  perClass: number;
  /** What one clip says, and how. */
  utterance(label: string, s: Speaker, rand: () => number): SpeechOptions;
}

const VARIANTS = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'f1', 'f2', 'f3', 'f4'];
const gender = (s: Speaker): string => (s.variant.startsWith('f') ? 'female' : 'male');
const speakers = (pitches: number[], accents: string[] = ['en']): Speaker[] =>
  accents.flatMap((accent) =>
    VARIANTS.flatMap((variant) =>
      pitches.map((pitch) => ({ speaker: `${accent === 'en' ? '' : accent + '-'}${variant}-p${pitch}`, variant, pitch, accent })),
    ),
  );
/** Six speakers, each with its own train/validation/test clips, for the intra-speaker tasks. */
const INTRA_SPEAKERS = speakers([50]).filter((s) => ['m1', 'm3', 'm5', 'f1', 'f2', 'f4'].includes(s.variant));

export const LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'pl', 'fi', 'hu'] as const;
/** The ten command words of Speech Commands (Warden 2018). */
export const KEYWORDS = ['yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go'] as const;
/** Speaking rate (slow 110–130, fast 230–270 words/min) × pitch level (low 15–25, high 70–80). */
export const PROSODY = ['slow-low', 'slow-high', 'fast-low', 'fast-high'] as const;

const between = (rand: () => number, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
const voice = (s: Speaker, language = s.accent ?? 'en'): string => `${language}+${s.variant}`;
const jitter = (s: Speaker, rand: () => number): number => Math.max(0, Math.min(99, s.pitch + between(rand, -4, 4)));

/** Consecutive words of a Brown corpus sentence, about 1.4–2.4 s of speech at `rate` words/min. */
function words(rand: () => number, rate: number): string {
  const pool = brownSentences();
  const sentence = pool[Math.floor(rand() * pool.length)].split(' ');
  const n = Math.max(3, Math.round((rate / 60) * (1.4 + rand())));
  const start = Math.floor(rand() * Math.max(1, sentence.length - n + 1));
  return sentence.slice(start, start + n).join(' ');
}

const sentence = (label: string, s: Speaker, rand: () => number): SpeechOptions => {
  const rate = between(rand, 150, 190);
  return { text: words(rand, rate), voice: voice(s), pitch: jitter(s, rand), rate };
};

const prosody = (label: string, s: Speaker, rand: () => number): SpeechOptions => {
  const [speed, level] = label.split('-');
  const rate = speed === 'slow' ? between(rand, 110, 130) : between(rand, 230, 270);
  return { text: words(rand, rate), voice: voice(s), pitch: level === 'low' ? between(rand, 15, 25) : between(rand, 70, 80), rate };
};

const keyword = (label: string, s: Speaker, rand: () => number): SpeechOptions => ({
  text: label,
  voice: voice(s),
  pitch: jitter(s, rand),
  rate: between(rand, 130, 220),
});

export const ESPEAK_TASKS: Readonly<Record<string, EspeakTask>> = {
  language: {
    summary: `language ID over ${LANGUAGES.length} espeak-ng languages reading a random number (100–9999) in its own words (stands in for VoxLingua)`,
    split: 'disjoint',
    speakers: speakers([35, 65]),
    labels: () => LANGUAGES,
    stratum: () => '',
    perClass: 2,
    utterance: (label, s, rand) => ({
      text: String(between(rand, 100, 9999)),
      voice: voice(s, label),
      pitch: jitter(s, rand),
      rate: between(rand, 150, 190),
    }),
  },
  speaker: {
    summary:
      '22 speakers (11 variants × 2 base pitches) reading Brown corpus words; split by utterance, not speaker (stands in for VoxCeleb)',
    split: 'utterance',
    speakers: speakers([35, 65]),
    labels: (s) => [s.speaker],
    stratum: () => '',
    perClass: 13,
    utterance: sentence,
  },
  gender: {
    summary: 'male (m1–m7) vs female (f1–f4) variants at 3 base pitches reading Brown corpus words',
    split: 'disjoint',
    speakers: speakers([30, 50, 70]),
    labels: (s) => [gender(s)],
    stratum: gender,
    perClass: 8,
    utterance: sentence,
  },
  prosody: {
    summary: 'speaking rate (slow/fast) × pitch level (low/high), British and American voices (stands in for emotion: CREMA-D)',
    split: 'disjoint',
    speakers: speakers([50], ['en', 'en-us']),
    labels: () => PROSODY,
    stratum: () => '',
    perClass: 3,
    utterance: prosody,
  },
  keywords: {
    summary: 'the ten command words of Speech Commands, 1 s clips (stands in for Speech Commands)',
    split: 'disjoint',
    speakers: speakers([35, 65]),
    labels: () => KEYWORDS,
    stratum: () => '',
    perClass: 2,
    utterance: keyword,
  },
  'keywords-intra': {
    summary: 'the ten command words within each of 6 speakers (intra-speaker)',
    split: 'intra',
    speakers: INTRA_SPEAKERS,
    labels: () => KEYWORDS,
    stratum: () => '',
    perClass: 5,
    utterance: keyword,
  },
  'prosody-intra': {
    summary: 'speaking rate × pitch level within each of 6 speakers (intra-speaker; stands in for per-speaker emotion)',
    split: 'intra',
    speakers: INTRA_SPEAKERS,
    labels: () => PROSODY,
    stratum: () => '',
    perClass: 10,
    utterance: prosody,
  },
};

/** FNV-1a of a string: a clip's stream from its name. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** What clip `clip` ('<task>/<speaker>/<label>/<k>') of seed `seed` says, and how: its name and seed fix it. */
export function espeakClipOptions(clip: string, seed: number): SpeechOptions {
  const [name, speaker, label] = clip.split('/');
  const s = ESPEAK_TASKS[name]?.speakers.find((x) => x.speaker === speaker);
  if (!s) throw new RangeError(`espeakClipOptions: expected a clip '<task>/<speaker>/<label>/<k>' but received ${JSON.stringify(clip)}`);
  return ESPEAK_TASKS[name].utterance(label, s, mulberry32(mixSeed(seed, hash(clip))));
}

/** One clip: espeak-ng's audio trimmed of silence, cut to 3 s, centred in 0.96 s. */
function clipAudio(name: string, o: SpeechOptions): Float32Array {
  const audio = trimSilence(synthSpeech(o));
  if (!audio.length) throw new Error(`speech task clip ${name}: espeak-ng wrote only silence for ${JSON.stringify(o)}`);
  return padClip(capClip(audio));
}

/**
 * The clips of espeak task `name`. `scale` multiplies the clips per speaker and class
 * (at least 1; 3 when a speaker's clips are split); below 1 it also keeps that share of
 * each stratum's speakers (at least the 3 a speaker-disjoint split needs, 2 for speaker
 * ID, 1 for intra-speaker tasks), chosen by `seed`, which also picks the splits.
 */
export function espeakTask(name: string, seed: number, scale: number): SpeechTask {
  const t = ESPEAK_TASKS[name];
  const per = Math.max(t.split === 'disjoint' ? 1 : 3, Math.round(t.perClass * scale));
  const least = { disjoint: 3, utterance: 2, intra: 1 }[t.split];
  const strata = [...new Set(t.speakers.map(t.stratum))];
  const kept = strata.flatMap((stratum, k) => {
    const own = t.speakers.filter((s) => t.stratum(s) === stratum);
    const n = scale < 1 ? Math.min(own.length, Math.max(least, Math.round(own.length * scale))) : own.length;
    return shuffled(own, mulberry32(mixSeed(seed, k))).slice(0, n);
  });
  const ordered = t.speakers.filter((s) => kept.includes(s));
  const bySpeaker =
    t.split === 'disjoint'
      ? splitSpeakers(
          ordered.map((s) => ({ speaker: s.speaker, stratum: t.stratum(s) })),
          mixSeed(seed, hash(name)),
        )
      : undefined;
  const clips: LabelledClip[] = [];
  for (const s of ordered)
    for (const label of t.labels(s)) {
      const splits = t.split === 'disjoint' ? undefined : splitOrder(per, mixSeed(seed, hash(`${name}/${s.speaker}/${label}`)));
      for (let k = 0; k < per; k++) {
        const clip = `${name}/${s.speaker}/${label}/${k}`;
        clips.push({
          name: clip,
          audio: clipAudio(clip, espeakClipOptions(clip, seed)),
          label,
          speaker: s.speaker,
          split: splits?.[k] ?? bySpeaker!.get(s.speaker)!,
        });
      }
    }
  return { name, summary: t.summary, intraSpeaker: t.split === 'intra', clips };
}
