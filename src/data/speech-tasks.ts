/**
 * The labelled tasks of a NOSS-style benchmark (Shor et al. 2020, "Towards
 * learning a universal non-semantic representation of speech", §3.2), built from
 * Debian packages only: espeak-ng stand-ins for language ID, speaker ID, emotion
 * and speech commands (src/data/espeak-tasks.ts), two intra-speaker tasks, and two
 * non-speech tasks over real key clicks (bucklespring-data, the key as the
 * "speaker"). Every task has seeded train/validation/test splits, speaker-disjoint
 * except speaker ID (split by utterance) and the intra-speaker tasks.
 *
 *     const t = await loadSpeechTask('keywords', { seed: 0, scale: 1 });
 *     t.clips[0]  // { name, audio: Float32Array (16 kHz mono, ≥ 0.96 s), label: 'yes', speaker: 'm1-p35', split: 'train' }
 */
import { ESPEAK_TASKS, espeakTask } from './espeak-tasks.js';
import { keyClicks, keyRow } from './key-clicks.js';
import { mixSeed } from './noise.js';
import { checkTaskClips, padClip, splitSpeakers, type LabelledClip, type SpeechTask } from './speech-clips.js';

export { MIN_CLIP_SECONDS, TASK_SPLITS, type LabelledClip, type SpeakerSplit, type SpeechTask, type TaskSplit } from './speech-clips.js';
export { manifestTask } from './task-manifest.js';

/** A key-click task: each click's label (or undefined to leave it out) and the summary. */
interface KeyTask {
  summary: string;
  label(c: { code: number; press: boolean }): string | undefined;
  /** The label belongs to the key: split keys apart within each label. */
  stratified: boolean;
}

const KEY_TASKS: Readonly<Record<string, KeyTask>> = {
  'key-press': {
    summary: 'key press vs release of an IBM Model M keyboard (bucklespring-data), 86 keys; non-speech, key-disjoint',
    label: (c) => (c.press ? 'press' : 'release'),
    stratified: false,
  },
  'key-group': {
    summary: 'the row of the key (function, number, top, home, bottom, space, navigation) from its press and release clicks; key-disjoint',
    label: (c) => keyRow(c.code),
    stratified: true,
  },
};

/** Built-in tasks, in table order. */
export const SPEECH_TASK_NAMES: readonly string[] = [...Object.keys(ESPEAK_TASKS), ...Object.keys(KEY_TASKS)];

/** A key task: every bucklespring click (scale does not apply: the recordings are all there is), keys split 60/20/20. */
function keyTask(name: string, seed: number): SpeechTask {
  const t = KEY_TASKS[name];
  const labelled = keyClicks().flatMap((c) => {
    const label = t.label(c);
    return label === undefined ? [] : [{ ...c, label }];
  });
  const keys = [...new Map(labelled.map((c) => [c.key, t.stratified ? c.label : ''])).entries()];
  const split = splitSpeakers(
    keys.map(([speaker, stratum]) => ({ speaker, stratum })),
    mixSeed(seed, name.length),
  );
  const clips: LabelledClip[] = labelled.map((c) => ({
    name: `${name}/${c.file}`,
    audio: padClip(c.audio),
    label: c.label,
    speaker: c.key,
    split: split.get(c.key)!,
  }));
  return { name, summary: t.summary, intraSpeaker: false, clips };
}

/**
 * Built-in task `name` (one of `SPEECH_TASK_NAMES`): `seed` (default 0) picks the
 * splits and each clip's words, rate and pitch; `scale` (default 1) multiplies the
 * espeak tasks' clips (see `espeakTask`); the key tasks always hold all 171 clicks.
 */
export async function loadSpeechTask(name: string, o: { seed?: number; scale?: number } = {}): Promise<SpeechTask> {
  const { seed = 0, scale = 1 } = o;
  if (!SPEECH_TASK_NAMES.includes(name))
    throw new RangeError(`loadSpeechTask: unknown task ${JSON.stringify(name)} (valid: ${SPEECH_TASK_NAMES.join(', ')})`);
  if (!Number.isInteger(seed) || seed < 0)
    throw new RangeError(`loadSpeechTask: expected a non-negative integer seed but received ${seed}`);
  if (!(scale > 0 && scale <= 100)) throw new RangeError(`loadSpeechTask: expected scale in (0, 100] but received ${scale}`);
  const task = name in KEY_TASKS ? keyTask(name, seed) : espeakTask(name, seed, scale);
  const mode = name in KEY_TASKS ? 'disjoint' : ESPEAK_TASKS[name].split;
  try {
    checkTaskClips(task.clips, mode, (i) => task.clips[i].name);
  } catch (e) {
    throw new Error(`loadSpeechTask ${name} (seed ${seed}, scale ${scale}): ${(e as Error).message}`);
  }
  return task;
}
