/**
 * Pitched tracks from audio files, for pitch estimation (SPICE, Gfeller et al.
 * 2020): the real piano notes with an f0 truth derived from their loudness, and
 * a folder of WAV files with optional f0 sidecars. Every track is mono 16 kHz
 * with frames of `hop` samples, frame t centred on sample t·hop.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadPiano, noteToMidi, pianoNotes } from './piano.js';
import { frameCount, type PitchedTrack } from './singing.js';
import { readWav } from './wav.js';

export const PITCH_RATE = 16000;
export const PITCH_HOP = 512;
/** A piano frame is voiced while its RMS is within 35 dB of the note's loudest frame. */
export const PIANO_VOICED_DB = 35;

/**
 * The f0 truth of a single piano note at `frequency` Hz: frame t (RMS over the
 * `hop` samples centred on t·hop) is voiced — f0 = frequency — when it starts at or
 * after the onset (the first sample reaching a tenth of the peak amplitude) and its
 * RMS is within `PIANO_VOICED_DB` dB of the loudest frame; 0 elsewhere (the silence
 * before the hammer, the decayed tail).
 */
export function pianoF0(audio: Float32Array, frequency: number, hop = PITCH_HOP): Float32Array {
  let peak = 0;
  for (const v of audio) peak = Math.max(peak, Math.abs(v));
  const onset = audio.findIndex((v) => Math.abs(v) >= 0.1 * peak);
  const rms = Float64Array.from({ length: frameCount(audio.length, hop) }, (_, t) => {
    let sum = 0;
    for (let s = Math.max(0, t * hop - (hop >> 1)); s < Math.min(audio.length, t * hop + hop - (hop >> 1)); s++) sum += audio[s] ** 2;
    return Math.sqrt(sum / hop);
  });
  const floor = rms.reduce((m, r) => Math.max(m, r), 0) * 10 ** (-PIANO_VOICED_DB / 20);
  return Float32Array.from(rms, (r, t) => (onset >= 0 && t * hop >= onset && r >= floor && r > 0 ? frequency : 0));
}

/**
 * The piano notes from `lowNote` to `highNote` (the set has A, C, D#, F# of every
 * octave), the first `seconds` of each at 16 kHz with a 20 ms fade-out at the cut,
 * and their f0 truth (`pianoF0`); `limit` keeps the lowest N.
 */
export async function pianoTracks(o: { seconds: number; lowNote: string; highNote: string; limit?: number }): Promise<PitchedTrack[]> {
  const [low, high] = [noteToMidi(o.lowNote), noteToMidi(o.highNote)];
  const notes = pianoNotes().filter((n) => n.midi >= low && n.midi <= high);
  if (!notes.length)
    throw new RangeError(
      `piano-notes: no notes from ${o.lowNote} to ${o.highNote}; the set has ${pianoNotes()
        .map((n) => n.note)
        .join(', ')}`,
    );
  const chosen = notes.slice(0, o.limit).map((n) => n.note);
  const set = await loadPiano({ seconds: o.seconds, notes: chosen, sampleRate: PITCH_RATE });
  return set.items.map((r) => {
    const audio = r.audio.data() as Float32Array;
    r.audio.dispose();
    const fade = Math.min(audio.length, Math.round(0.02 * PITCH_RATE));
    for (let i = 0; i < fade; i++) audio[audio.length - 1 - i] *= i / fade;
    return {
      name: `piano-notes/${r.note}`,
      source: 'piano-notes',
      audio,
      sampleRate: PITCH_RATE,
      hop: PITCH_HOP,
      f0: pianoF0(audio, r.frequency),
    };
  });
}

/** Every `.wav` under `dir`, recursively, sorted. */
export function wavFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => (e.isDirectory() ? wavFiles(join(dir, e.name)) : /\.wav$/i.test(e.name) ? [join(dir, e.name)] : []));
}

/** The f0 sidecar `<name>.f0.csv` of a WAV file: one f0 in Hz (0 = unvoiced) per line, `frames` lines. */
function readF0(file: string, frames: number, hop: number): Float32Array {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  while (lines.length && !lines.at(-1)!.trim()) lines.pop();
  if (lines.length !== frames)
    throw new RangeError(
      `audio set wav-folder: ${file}: expected ${frames} f0 values (one per frame of ${hop} samples, 1 + ⌊samples / hop⌋) but found ${lines.length}`,
    );
  return Float32Array.from(lines, (l, i) => {
    const v = Number(l.trim());
    if (!l.trim() || !Number.isFinite(v) || v < 0)
      throw new RangeError(`audio set wav-folder: ${file}:${i + 1}: expected an f0 in Hz ≥ 0 but found ${JSON.stringify(l)}`);
    return v;
  });
}

/**
 * Every `.wav` under `path` (recursive, sorted), mixed to mono and resampled to
 * 16 kHz; a sidecar `<name>.f0.csv` beside a file gives its f0 per frame. An
 * unreadable file, a file under 0.1 s and an empty folder are errors naming them.
 */
export function wavFolderTracks(path: string, hop = PITCH_HOP): PitchedTrack[] {
  if (!existsSync(path) || !statSync(path).isDirectory())
    throw new RangeError(
      `audio set wav-folder: expected a folder of .wav files but ${path} is ${existsSync(path) ? 'not a folder' : 'missing'}`,
    );
  const files = wavFiles(path);
  if (!files.length) throw new RangeError(`audio set wav-folder: no .wav files under ${path}`);
  return files.map((file) => {
    let audio: Float32Array;
    try {
      const w = readWav(file, { mono: true, sampleRate: PITCH_RATE });
      audio = w.audio.data() as Float32Array;
      w.audio.dispose();
    } catch (e) {
      throw new Error(`audio set wav-folder: ${(e as Error).message}`);
    }
    if (audio.length < 0.1 * PITCH_RATE)
      throw new RangeError(
        `audio set wav-folder: ${file}: expected at least 0.1 s of audio but found ${(audio.length / PITCH_RATE).toFixed(3)} s`,
      );
    const sidecar = file.replace(/\.wav$/i, '.f0.csv');
    const f0 = existsSync(sidecar) ? readF0(sidecar, frameCount(audio.length, hop), hop) : undefined;
    return { name: file, source: 'wav-folder', audio, sampleRate: PITCH_RATE, hop, f0 };
  });
}
