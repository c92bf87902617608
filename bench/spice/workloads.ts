/**
 * selfsup side of bench/spice: SPICE's training step from audio and the
 * `selfsup pitch` path, timed like reference.py.
 *
 * Training: each step takes the next clip of (batch − 1) · hop samples of a
 * synthetic singing recording, makes its `batch` constant-Q frames with the
 * method's front end (PitchFrontEnd: conv1d of the 380 real/imaginary kernels,
 * magnitude, log, peak normalisation), then runs what the audio pipeline runs
 * per batch: views (two slices of 128 bins at offsets uniform on [0, 8]) →
 * trainingStep (both slices through SpiceNet in one batch, Huber pitch loss,
 * confidence loss, decoder and reconstruction loss, the logged values) →
 * backward → AdamW (weight decay 0, i.e. Adam) step. The octave-shifted copies
 * of `prepare` are left out: they are data, made once per track.
 *
 * Pitch: readMono16k + trackAudio of a WAV file, with a Spice model built in
 * process (random weights: the time does not depend on them) and a calibration
 * written into its buffer.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { torch } from '../../src/index.js';
import { SPICE_OPTIONS, Spice } from '../../src/methods/spice.js';
import { AdamW } from '../../src/optim/index.js';
import { synthSinging } from '../../src/data/singing.js';
import { writeWav } from '../../src/data/wav.js';
import { readMono16k, trackAudio } from '../../src/pipeline/pitch.js';
import { SPICE_CQT } from '../../src/views/audio/pitch-frames.js';

/** A benchmarked network size. */
export interface Workload {
  name: string;
  width: number;
  decoderWidth: number;
}

export const WORKLOADS: Workload[] = [
  { name: 'width 16, decoder 8', width: 16, decoderWidth: 8 },
  { name: 'width 64, decoder 32 (paper)', width: 64, decoderWidth: 32 },
];

/** Frames per training batch (the paper's 64) and the clip that gives them (the centred CQT has 1 + ⌊T / hop⌋ frames). */
export const BATCH = 64;
export const CLIP = (BATCH - 1) * SPICE_CQT.hopLength;
/** The method's default rate, 4e-3 per 256 items, scaled to the batch as the pipeline does. */
export const LR = (4e-3 * BATCH) / 256;
/** Seconds of the recording (four synthetic singers of 7.5 s). */
export const SECONDS = 30;
/** A calibration for the pitch path: semitones above C1 = 10 + 60 · y, voiced at confidence ≥ 0.5. */
export const CALIBRATION = [10, 60, 0.5, 0];

const build = (w: Workload): Spice => new Spice(SPICE_OPTIONS.parse({ width: w.width, decoderWidth: w.decoderWidth }));

/**
 * Writes the recording as `dir/song.wav` (int16, 16 kHz mono) and the CQT's
 * conv1d weight [380, 1, N₀] as `dir/kernels.f32` (raw little-endian float32)
 * for reference.py; returns their paths and the kernel length N₀.
 */
export function writeInputs(dir: string): { wav: string; kernels: string; kernelLength: number } {
  const part = SECONDS / 4;
  const audio = new Float32Array(SECONDS * SPICE_CQT.sampleRate);
  for (let i = 0; i < 4; i++) audio.set(synthSinging({ seed: 31 + i, seconds: part }).audio, i * part * SPICE_CQT.sampleRate);
  const wav = join(dir, 'song.wav');
  torch.scope(() => writeWav(wav, torch.tensor(audio), SPICE_CQT.sampleRate));
  const model = build(WORKLOADS[0]);
  const kernels = join(dir, 'kernels.f32');
  const k = model.frontEnd.cqt.kernels;
  const data = k.contiguous().data() as Float32Array;
  writeFileSync(kernels, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return { wav, kernels, kernelLength: k.shape[2] };
}

/** What one side reports for training: seconds per step, its CQT and rest parts, the last loss and the mean frame value (both sides' front ends agree on it). */
export interface StepTiming {
  seconds: number;
  cqt: number;
  step: number;
  loss: number;
  frameMean: number;
}

/** Runs `warmup + steps` SPICE steps on consecutive clips of `audio`; times the last `steps`. */
export function spiceSteps(w: Workload, audio: Float32Array, warmup: number, steps: number): StepTiming {
  if ((warmup + steps) * CLIP > audio.length)
    throw new RangeError(
      `bench/spice: ${warmup + steps} steps need ${(warmup + steps) * CLIP} samples but the recording has ${audio.length}`,
    );
  return torch.scope(() => {
    torch.manualSeed(0);
    const model = build(w);
    model.train();
    const optimizer = new AdamW(
      model.paramGroups().map((g) => ({ params: g.params })),
      { lr: LR, weightDecay: 0 },
    );
    const generator = new torch.Generator(1);
    const info = { totalSteps: warmup + steps, stepsPerEpoch: 1 };
    let cqt = 0;
    let rest = 0;
    let loss = NaN;
    let frameMean = NaN;
    for (let i = 0; i < warmup + steps; i++) {
      const t0 = performance.now();
      const items = model.frontEnd.frames(audio.subarray(i * CLIP, (i + 1) * CLIP)); // [64, 190]
      const t1 = performance.now();
      optimizer.zeroGrad();
      loss = torch.scope(() => {
        const r = model.trainingStep(model.views({ items }, generator), { ...info, step: i, epoch: i });
        r.loss.backward();
        return r.loss.item();
      });
      optimizer.step();
      const t2 = performance.now();
      if (i >= warmup) {
        cqt += t1 - t0;
        rest += t2 - t1;
      }
      frameMean = items.mean().item();
      items.dispose();
    }
    return { seconds: (cqt + rest) / 1000 / steps, cqt: cqt / 1000 / steps, step: rest / 1000 / steps, loss, frameMean };
  });
}

/** What one side reports for the pitch path: the best seconds per file and the frames tracked. */
export interface PitchTiming {
  seconds: number;
  frames: number;
}

/** Best seconds of `readMono16k(wav)` + `trackAudio` over `reps` runs after a warm-up. */
export function pitchRuns(w: Workload, wav: string, reps: number): PitchTiming {
  return torch.scope(() => {
    torch.manualSeed(0);
    const model = build(w);
    torch.noGrad(() => model.calibration.copy_(torch.tensor(CALIBRATION, { dtype: 'float64' })));
    let best = Infinity;
    let frames = 0;
    for (let i = 0; i <= reps; i++) {
      const t0 = performance.now();
      frames = trackAudio(model, readMono16k(wav)).length;
      if (i > 0) best = Math.min(best, (performance.now() - t0) / 1000);
    }
    return { seconds: best, frames };
  });
}
