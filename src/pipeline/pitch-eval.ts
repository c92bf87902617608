/**
 * `selfsup pitch-eval RUN...`: pitch trackers scored on audio with per-frame
 * ground truth — the synthetic singing test split and the real piano notes —
 * clean and with pink noise mixed in at each SNR (SPICE Table IV's protocol,
 * pink noise standing in for the backing tracks), against the YIN baseline in
 * the same run. Every trained run is calibrated (its model stores the map); a
 * run whose config says `supervised` is the supervised baseline.
 *
 * Metrics are pooled over the frames of a set (src/eval/pitch.ts). Rows go to
 * OUT/results.json with the command's config, a table to stdout.
 */
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as torch from '../torch/index.js';
import { bool, int, nums, num, parseConfig, z, type Config } from '../config/schema.js';
import { loadAudioSet } from '../data/registry.js';
import type { AudioSet } from '../data/audio-sets.js';
import { pinkNoise } from '../data/noise.js';
import { concatFloat32 } from '../data/collate.js';
import { addNoise } from '../views/audio/augment.js';
import { pitchMetrics, spiceTracker, yinTracker, type PitchMetrics, type PitchTracker } from '../eval/pitch.js';
import { Spice } from '../methods/spice.js';
import { writeFileAtomic } from '../io/atomic.js';
import { audioMethodOfRun } from './pretrain-audio.js';
import { applyThreads } from './common.js';

export const pitchEvalSchema = () =>
  z.strictObject({
    threads: int('libtorch threads (default: all cores)', undefined, { min: 1, max: 1024 }),
    snr: nums('SNRs in dB of the pink noise mixed in (the clean audio is always scored)', [20, 10, 0], { min: -30, max: 60 }),
    singingTracks: int('tracks of the synthetic singing test split', 16, { min: 1, max: 10000 }),
    piano: bool('score the real piano notes (C2–C6) too', true),
    yin: bool('score the YIN baseline (npm pitchfinder) in the same run', true),
    falseAlarm: num('voicing false-alarm rate at which voicing recall is read', 0.1, { min: 0.001, max: 0.5 }),
    seed: int('seed of the noise', 0, { min: 0 }),
  });
export type PitchEvalConfig = Config<ReturnType<typeof pitchEvalSchema>>;

export interface PitchEvalRow extends PitchMetrics {
  tracker: string;
  set: string;
  /** 'clean' or the SNR in dB. */
  snr: 'clean' | number;
}

/** A tracker per run folder (named by the run's name) and YIN. */
async function trackersOf(runs: string[], c: PitchEvalConfig): Promise<PitchTracker[]> {
  const out: PitchTracker[] = runs.map((dir) => {
    const model = audioMethodOfRun(dir);
    if (!(model instanceof Spice)) throw new Error(`${dir}: not a pitch model (method ${model.constructor.name})`);
    return spiceTracker(model, basename(dir));
  });
  if (c.yin) out.push(await yinTracker());
  if (!out.length) throw new RangeError('pitch-eval: give at least one run folder (or keep --yin)');
  return out;
}

/** `audio` with pink noise at `snr` dB (seeded per track). */
function noisy(audio: Float32Array, snr: number, seed: number): Float32Array {
  return torch.scope(() => {
    const x = torch.tensor(audio).unsqueeze(0);
    const noise = torch.tensor(pinkNoise(audio.length, seed)).unsqueeze(0);
    return addNoise(x, snr, { noise }).squeeze(0).contiguous().data() as Float32Array;
  });
}

/** Pooled metrics of one tracker on every track of a set at one SNR. */
function score(tracker: PitchTracker, set: AudioSet, snr: 'clean' | number, c: PitchEvalConfig): PitchMetrics {
  const hz: Float32Array[] = [];
  const conf: Float32Array[] = [];
  const ref: Float32Array[] = [];
  set.tracks.forEach((t, i) => {
    const audio = snr === 'clean' ? t.audio : noisy(t.audio, snr, c.seed * 100003 + i);
    const est = tracker.track(audio);
    const n = Math.min(est.hz.length, t.f0!.length);
    hz.push(est.hz.subarray(0, n));
    conf.push(est.confidence.subarray(0, n));
    ref.push(t.f0!.subarray(0, n));
  });
  return pitchMetrics({ hz: concatFloat32(hz), confidence: concatFloat32(conf) }, concatFloat32(ref), c.falseAlarm);
}

/** Scores every tracker on every set and SNR; writes OUT/results.json when `out` is given. */
export async function pitchEval(runs: string[], raw: Record<string, unknown>, out?: string): Promise<PitchEvalRow[]> {
  const c: PitchEvalConfig = parseConfig(pitchEvalSchema(), raw, 'pitch-eval');
  applyThreads(c.threads);
  const trackers = await trackersOf(runs, c);
  const sets = [await loadAudioSet({ name: 'singing', split: 'test', tracks: c.singingTracks })];
  if (c.piano) sets.push(await loadAudioSet({ name: 'piano-notes' }));
  for (const s of sets) {
    const bad = s.tracks.find((t) => !t.f0);
    if (bad) throw new Error(`pitch-eval: ${bad.name} of ${s.name} has no ground-truth f0`);
  }
  const rows: PitchEvalRow[] = [];
  for (const set of sets)
    for (const snr of ['clean' as const, ...c.snr])
      for (const tracker of trackers) {
        const m = score(tracker, set, snr, c);
        rows.push({ tracker: tracker.name, set: set.name, snr, ...m });
        console.error(
          `pitch-eval: ${tracker.name} on ${set.name} (${snr === 'clean' ? 'clean' : `${snr} dB`}): RPA ${(100 * m.rpa).toFixed(1)} %`,
        );
      }
  if (out) {
    mkdirSync(out, { recursive: true });
    writeFileAtomic(join(out, 'results.json'), JSON.stringify({ runs, config: c, rows }, null, 2), 'pitch-eval');
  }
  return rows;
}
