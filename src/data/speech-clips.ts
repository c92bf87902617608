/**
 * Labelled speech clips for the non-semantic speech benchmark (NOSS; Shor et al.
 * 2020, "Towards learning a universal non-semantic representation of speech",
 * §3): the clip and task types, the clip-shaping helpers (silence trim, the
 * 0.96 s minimum of one TRILL window, a 3 s cap), seeded speaker-disjoint
 * splits, and the checks every task passes — built-in or read from a manifest.
 */
import { mulberry32 } from './noise.js';

export type TaskSplit = 'train' | 'validation' | 'test';
export const TASK_SPLITS: readonly TaskSplit[] = ['train', 'validation', 'test'];

/** One labelled clip: mono 16 kHz audio, its class, who produced it and its split. */
export interface LabelledClip {
  name: string;
  /** Mono, 16 kHz, at least `MIN_CLIP_SAMPLES` samples. */
  audio: Float32Array;
  label: string;
  speaker: string;
  split: TaskSplit;
}

export interface SpeechTask {
  name: string;
  summary: string;
  /** True: every speaker has its own train/validation/test clips (evaluate within each speaker, then average). */
  intraSpeaker: boolean;
  clips: LabelledClip[];
}

/**
 * How a task's speakers meet its splits: 'disjoint' (no speaker in two splits),
 * 'utterance' (every speaker in every split, different utterances: speaker ID),
 * 'intra' (as 'utterance', and each speaker's clips cover at least two classes in every split).
 */
export type SpeakerSplit = 'disjoint' | 'utterance' | 'intra';

export const CLIP_RATE = 16000;
/** One TRILL window (96 frames of 10 ms): the shortest clip a task holds. */
export const MIN_CLIP_SECONDS = 0.96;
export const MIN_CLIP_SAMPLES = Math.round(MIN_CLIP_SECONDS * CLIP_RATE);
/** A synthesised clip is cut to this length (with a 20 ms fade-out). */
export const MAX_CLIP_SECONDS = 3;

/** 10 ms frames. */
const FRAME = CLIP_RATE / 100;

/**
 * `audio` without its leading and trailing silence: from the first to the last 10 ms
 * frame whose RMS is within `floorDb` (default 40) dB of the loudest frame, widened by
 * `marginSeconds` (default 0.05) each side. All-zero audio comes back empty.
 */
export function trimSilence(audio: Float32Array, o: { floorDb?: number; marginSeconds?: number } = {}): Float32Array {
  const { floorDb = 40, marginSeconds = 0.05 } = o;
  const frames = Math.ceil(audio.length / FRAME);
  const rms = Float64Array.from({ length: frames }, (_, f) => {
    let sum = 0;
    const end = Math.min(audio.length, (f + 1) * FRAME);
    for (let s = f * FRAME; s < end; s++) sum += audio[s] ** 2;
    return Math.sqrt(sum / (end - f * FRAME));
  });
  const floor = rms.reduce((m, r) => Math.max(m, r), 0) * 10 ** (-floorDb / 20);
  const first = rms.findIndex((r) => r > 0 && r >= floor);
  if (first < 0) return new Float32Array(0);
  let last = frames - 1;
  while (rms[last] < floor) last--;
  const margin = Math.round(marginSeconds * CLIP_RATE);
  return audio.slice(Math.max(0, first * FRAME - margin), Math.min(audio.length, (last + 1) * FRAME + margin));
}

/** `audio` centred in `samples` zeros when shorter (default: one TRILL window, 0.96 s); otherwise unchanged. */
export function padClip(audio: Float32Array, samples = MIN_CLIP_SAMPLES): Float32Array {
  if (audio.length >= samples) return audio;
  const out = new Float32Array(samples);
  out.set(audio, (samples - audio.length) >> 1);
  return out;
}

/** The first `MAX_CLIP_SECONDS` of `audio`, faded out over its last 20 ms when cut. */
export function capClip(audio: Float32Array, seconds = MAX_CLIP_SECONDS): Float32Array {
  const n = Math.round(seconds * CLIP_RATE);
  if (audio.length <= n) return audio;
  const out = audio.slice(0, n);
  const fade = Math.round(0.02 * CLIP_RATE);
  for (let i = 0; i < fade; i++) out[n - 1 - i] *= i / fade;
  return out;
}

/** Shuffles a copy of `a` with `rand` (Fisher–Yates). */
export function shuffled<T>(a: readonly T[], rand: () => number): T[] {
  const out = [...a];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** How `n` items (n ≥ 3) divide 60/20/20 into train/validation/test, each at least one. */
export function splitCounts(n: number): [number, number, number] {
  if (n < 3) throw new RangeError(`splitCounts: expected at least 3 items (one per split) but received ${n}`);
  const validation = Math.max(1, Math.round(0.2 * n));
  const test = Math.max(1, Math.round(0.2 * n));
  return [n - validation - test, validation, test];
}

/** The split of each of `n` items, 60/20/20 in a seeded order. */
export function splitOrder(n: number, seed: number): TaskSplit[] {
  const [train, validation] = splitCounts(n);
  const order = shuffled(
    Array.from({ length: n }, (_, i) => i),
    mulberry32(seed),
  );
  const out = new Array<TaskSplit>(n);
  order.forEach((i, k) => (out[i] = k < train ? 'train' : k < train + validation ? 'validation' : 'test'));
  return out;
}

/**
 * Speaker-disjoint splits: the speakers of each stratum (e.g. their gender, when the
 * label is a property of the speaker) divided 60/20/20 in a seeded order, so every
 * split holds every stratum. Fails naming a stratum of fewer than 3 speakers.
 */
export function splitSpeakers(speakers: readonly { speaker: string; stratum: string }[], seed: number): Map<string, TaskSplit> {
  const out = new Map<string, TaskSplit>();
  const strata = [...new Set(speakers.map((s) => s.stratum))].sort();
  strata.forEach((stratum, k) => {
    const own = speakers.filter((s) => s.stratum === stratum).map((s) => s.speaker);
    if (own.length < 3)
      throw new RangeError(
        `splitSpeakers: stratum ${JSON.stringify(stratum)} has ${own.length} speakers, fewer than the 3 the splits need`,
      );
    splitOrder(own.length, seed + k).forEach((split, i) => out.set(own[i], split));
  });
  return out;
}

/** The distinct values of `key` over `clips`, sorted. */
export const distinct = (clips: readonly LabelledClip[], key: 'label' | 'speaker' | 'split'): string[] =>
  [...new Set(clips.map((c) => c[key]))].sort();

/**
 * Checks a task's clips against `mode` and returns them: every split present with at
 * least two classes; 'disjoint': no speaker in two splits; 'utterance' / 'intra':
 * every speaker in every split; 'intra': each speaker's split with two classes or
 * more. `where(i)` names clip i in errors (a manifest's file and line).
 */
export function checkTaskClips(clips: readonly LabelledClip[], mode: SpeakerSplit, where: (i: number) => string): void {
  for (const split of TASK_SPLITS) {
    const own = clips.filter((c) => c.split === split);
    if (!own.length) throw new RangeError(`split "${split}" has no clips; a task needs train, validation and test clips`);
    const labels = distinct(own, 'label');
    if (labels.length < 2)
      throw new RangeError(`split "${split}" has one class (${JSON.stringify(labels[0])}); every split needs at least two`);
  }
  const seen = new Map<string, number>();
  clips.forEach((c, i) => {
    const first = seen.get(c.speaker);
    if (first === undefined) seen.set(c.speaker, i);
    else if (mode === 'disjoint' && clips[first].split !== c.split)
      throw new RangeError(
        `speaker ${JSON.stringify(c.speaker)} is in ${clips[first].split} (${where(first)}) and ${c.split} (${where(i)}); ` +
          `speakers must not share splits unless the task is intra-speaker`,
      );
  });
  if (mode === 'disjoint') return;
  for (const [speaker, first] of seen)
    for (const split of TASK_SPLITS) {
      const own = clips.filter((c) => c.speaker === speaker && c.split === split);
      if (!own.length) throw new RangeError(`speaker ${JSON.stringify(speaker)} (${where(first)}) has no ${split} clips`);
      if (mode === 'intra' && distinct(own, 'label').length < 2)
        throw new RangeError(
          `speaker ${JSON.stringify(speaker)} (${where(first)}) has one class in ${split}; an intra-speaker task needs two or more`,
        );
    }
}
