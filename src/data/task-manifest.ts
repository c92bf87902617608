/**
 * A labelled speech task of your own, for the NOSS-style benchmark (Shor et al.
 * 2020, §3.2): a manifest of clips, CSV with the header `path,label,speaker,split`
 * (columns in any order; more are ignored) or JSON lines with those four string
 * fields. Paths are relative to the manifest's folder; WAVs of any rate and
 * channel count are read as mono 16 kHz. Every row is checked — the file is
 * readable, at least 0.96 s long (one TRILL window), not silent, its split one of
 * train/validation/test — and then the task: every split with two classes or
 * more, and speakers as `speakers` says (default: no speaker in two splits).
 *
 *     path,label,speaker,split
 *     clips/a1.wav,happy,alice,train
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { parseCsv } from './csv.js';
import { readSpeechFile } from './real-speech.js';
import {
  CLIP_RATE,
  MIN_CLIP_SAMPLES,
  MIN_CLIP_SECONDS,
  TASK_SPLITS,
  checkTaskClips,
  type LabelledClip,
  type SpeakerSplit,
  type SpeechTask,
  type TaskSplit,
} from './speech-clips.js';

const FIELDS = ['path', 'label', 'speaker', 'split'] as const;
type Row = { line: number } & Record<(typeof FIELDS)[number], string>;
/** A clip whose peak is below this level (dBFS) is silent. */
export const SILENT_DB = -60;

function csvRows(text: string, file: string): Row[] {
  const [header, ...rows] = parseCsv(text, file);
  const columns = FIELDS.map((f) => header?.fields.map((h) => h.trim()).indexOf(f) ?? -1);
  if (!header || columns.some((c) => c < 0))
    throw new RangeError(
      `manifestTask: ${file}: expected a header with the columns ${FIELDS.join(', ')} but received ${JSON.stringify(header?.fields.join(',') ?? '')}`,
    );
  return rows.map((r) => {
    if (r.fields.length !== header.fields.length)
      throw new RangeError(`manifestTask: ${file}:${r.line}: expected ${header.fields.length} fields but received ${r.fields.length}`);
    return { line: r.line, ...Object.fromEntries(FIELDS.map((f, k) => [f, r.fields[columns[k]].trim()])) } as Row;
  });
}

function jsonRows(text: string, file: string): Row[] {
  return text.split(/\r?\n/).flatMap((line, k) => {
    if (!line.trim()) return [];
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch (e) {
      throw new RangeError(`manifestTask: ${file}:${k + 1}: not JSON: ${(e as Error).message}`);
    }
    const r = (o ?? {}) as Record<string, unknown>;
    for (const f of FIELDS)
      if (typeof r[f] !== 'string')
        throw new RangeError(`manifestTask: ${file}:${k + 1}: expected a string field "${f}" but received ${JSON.stringify(r[f])}`);
    return [{ line: k + 1, ...Object.fromEntries(FIELDS.map((f) => [f, (r[f] as string).trim()])) } as Row];
  });
}

/** Row `r`'s clip, read and checked; errors name the manifest line and the field or file. */
function rowClip(r: Row, file: string): LabelledClip {
  const at = `manifestTask: ${file}:${r.line}`;
  for (const f of FIELDS) if (!r[f]) throw new RangeError(`${at}: empty ${f}`);
  if (!TASK_SPLITS.includes(r.split as TaskSplit))
    throw new RangeError(`${at}: split: expected ${TASK_SPLITS.join(', ')} but received ${JSON.stringify(r.split)}`);
  const wav = resolve(dirname(file), r.path);
  let audio: Float32Array;
  try {
    audio = readSpeechFile(wav);
  } catch (e) {
    throw new Error(`${at}: path: ${(e as Error).message}`);
  }
  if (audio.length < MIN_CLIP_SAMPLES)
    throw new RangeError(
      `${at}: ${wav} is ${(audio.length / CLIP_RATE).toFixed(3)} s long, shorter than the ${MIN_CLIP_SECONDS} s a clip needs`,
    );
  const peak = audio.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  if (20 * Math.log10(peak) < SILENT_DB)
    throw new RangeError(`${at}: ${wav} is silent (peak ${(20 * Math.log10(peak)).toFixed(1)} dBFS, below ${SILENT_DB} dBFS)`);
  return { name: r.path, audio, label: r.label, speaker: r.speaker, split: r.split as TaskSplit };
}

/**
 * The task a manifest describes (CSV, or JSON lines when the file ends in `.jsonl`):
 * named after the file, intra-speaker when `speakers` is 'intra'. `speakers`:
 * 'disjoint' (default) — no speaker in two splits; 'utterance' — every speaker in
 * every split (speaker ID); 'intra' — that, and two classes or more per speaker and split.
 */
export function manifestTask(path: string, o: { speakers?: SpeakerSplit } = {}): SpeechTask {
  const { speakers = 'disjoint' } = o;
  if (!['disjoint', 'utterance', 'intra'].includes(speakers))
    throw new RangeError(`manifestTask: expected speakers 'disjoint', 'utterance' or 'intra' but received ${JSON.stringify(speakers)}`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`manifestTask: cannot read ${path}: ${(e as Error).message}`);
  }
  const rows = extname(path) === '.jsonl' ? jsonRows(text, path) : csvRows(text, path);
  if (!rows.length) throw new RangeError(`manifestTask: ${path}: no clips (the manifest has no rows)`);
  const clips = rows.map((r) => rowClip(r, path));
  try {
    checkTaskClips(clips, speakers, (i) => `line ${rows[i].line}`);
  } catch (e) {
    throw new RangeError(`manifestTask: ${path}: ${(e as Error).message}`);
  }
  const name = basename(path, extname(path));
  return { name, summary: `${name}: ${clips.length} clips from ${path}`, intraSpeaker: speakers === 'intra', clips };
}
