/**
 * `selfsup pitch FILE.wav [--model RUN] [--csv OUT.csv] [--png OUT.png]`: the
 * pitch track of any WAV under a trained SPICE model — per frame of 32 ms, the
 * time, f₀ in Hz, the MIDI note (fractional) and its name, the confidence and
 * the voicing decision (confidence ≥ the model's calibrated threshold). The
 * file is mixed to mono and resampled to 16 kHz; the PNG draws the track over
 * the constant-Q spectrogram.
 */
import { existsSync } from 'node:fs';
import * as torch from '../torch/index.js';
import { readWav } from '../data/wav.js';
import { writePng } from '../views/grid.js';
import { writeFileAtomic } from '../io/atomic.js';
import { hzToMidi, spiceTracker } from '../eval/pitch.js';
import { Spice } from '../methods/spice.js';
import { SPICE_CQT } from '../views/audio/pitch-frames.js';
import { audioMethodOfRun } from './pretrain-audio.js';

/** Where `selfsup pitch` looks for a model by default: the run folder of the README's training command. */
export const DEFAULT_PITCH_MODEL = 'runs/spice';

export interface PitchFrame {
  time: number;
  hz: number;
  midi: number;
  note: string;
  confidence: number;
  voiced: boolean;
}

const NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];
/** The name of the nearest equal-tempered note: 60 → 'C4'. */
export const noteName = (midi: number): string => {
  const m = Math.round(midi);
  return `${NAMES[((m % 12) + 12) % 12]}${Math.floor(m / 12) - 1}`;
};

/** The SPICE model of a run folder, with a clear error when the folder is not one. */
export function pitchModel(dir = DEFAULT_PITCH_MODEL): Spice {
  if (!existsSync(dir))
    throw new Error(
      `pitch: no model at ${dir}: train one with \`selfsup pretrain --method spice -o ${dir}\` (README, SPICE) or pass --model RUN`,
    );
  const model = audioMethodOfRun(dir);
  if (!(model instanceof Spice)) throw new Error(`pitch: ${dir} is not a SPICE run`);
  model.calibrated(); // fails early for a model without calibration
  return model;
}

/** The pitch track of mono 16 kHz audio. */
export function trackAudio(model: Spice, audio: Float32Array): PitchFrame[] {
  const { threshold } = model.calibrated();
  const { hz, confidence } = spiceTracker(model).track(audio);
  return Array.from(hz, (f, t) => {
    const midi = hzToMidi(f);
    return {
      time: (t * SPICE_CQT.hopLength) / SPICE_CQT.sampleRate,
      hz: f,
      midi,
      note: noteName(midi),
      confidence: confidence[t],
      voiced: confidence[t] >= threshold,
    };
  });
}

/** Reads a WAV (any rate, any channels) → mono 16 kHz samples; errors name the file. */
export function readMono16k(file: string): Float32Array {
  const w = readWav(file, { mono: true, sampleRate: SPICE_CQT.sampleRate });
  const audio = torch.scope(() => w.audio.squeeze(0).contiguous().data() as Float32Array);
  w.audio.dispose();
  if (!audio.length) throw new RangeError(`${file}: the file holds no samples`);
  for (let i = 0; i < audio.length; i++)
    if (!Number.isFinite(audio[i])) throw new RangeError(`${file}: sample ${i} is not a finite number`);
  return audio;
}

/** The frames as CSV: time,f0_hz,midi,note,confidence,voiced. */
export function pitchCsv(frames: PitchFrame[]): string {
  const lines = frames.map(
    (f) => `${f.time.toFixed(3)},${f.hz.toFixed(2)},${f.midi.toFixed(2)},${f.note},${f.confidence.toPrecision(3)},${f.voiced ? 1 : 0}`,
  );
  return ['time,f0_hz,midi,note,confidence,voiced', ...lines].join('\n') + '\n';
}

/** The note held longest over the voiced frames (null when none is voiced). */
export function mainNote(frames: PitchFrame[]): string | null {
  const counts = new Map<string, number>();
  for (const f of frames) if (f.voiced) counts.set(f.note, (counts.get(f.note) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

/**
 * A PNG of the constant-Q spectrogram (low bins at the bottom, 2 px per frame
 * and per bin) with the voiced pitch track drawn in red.
 */
export function writePitchPng(path: string, model: Spice, audio: Float32Array, frames: PitchFrame[]): void {
  torch.scope(() => {
    const spec = model.frontEnd.frames(audio); // [T, 190]
    const [t, bins] = spec.shape;
    const grey = spec.t().flip([0]).repeatInterleave(2, 0).repeatInterleave(2, 1); // [2·bins, 2·T], high bins on top
    const img = torch.stack([grey, grey, grey]).contiguous(); // [3, H, W]
    const px = img.data() as Float32Array;
    const h = 2 * bins;
    const w = 2 * t;
    frames.forEach((f, i) => {
      if (!f.voiced) return;
      const bin = SPICE_CQT.binsPerOctave * Math.log2(f.hz / SPICE_CQT.fMin);
      const y = Math.round(h - 1 - 2 * bin);
      if (!(y >= 1 && y < h - 1)) return;
      for (const dy of [-1, 0, 1])
        for (const dx of [0, 1]) {
          const at = (y + dy) * w + 2 * i + dx;
          px[at] = 1;
          px[h * w + at] = 0;
          px[2 * h * w + at] = 0;
        }
    });
    writePng(path, torch.tensor(px, { shape: [3, h, w] }));
  });
}

/** The CLI's work: track `file`, write the CSV and PNG asked for; returns the frames. */
export function pitchOfFile(file: string, o: { model?: string; csv?: string; png?: string }): PitchFrame[] {
  const model = pitchModel(o.model);
  const audio = readMono16k(file);
  const frames = trackAudio(model, audio);
  if (o.csv) writeFileAtomic(o.csv, pitchCsv(frames), 'pitch');
  if (o.png) writePitchPng(o.png, model, audio, frames);
  return frames;
}
