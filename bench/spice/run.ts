/**
 * bench/spice: SPICE (self-supervised pitch estimation), selfsup vs PyTorch on
 * the same machine in the same run:
 *
 *   npm run bench:spice [-- --quick] [-- --threads N]
 *
 * 1. Training throughput in frames per second of the whole step from audio
 *    (workloads.ts): constant-Q frames of a 2 s clip (64 frames) → two slices →
 *    SpiceNet on both → pitch, confidence and reconstruction losses → backward →
 *    AdamW, at widths 16 and 64, at `--threads` intra-op threads (default: the
 *    machine's cores, at most 2) and at 1 thread. The CQT and the rest of the
 *    step are timed apart as well.
 * 2. `selfsup pitch` on one thread: seconds of processing per second of audio
 *    (real-time factor) of readMono16k + trackAudio on a 30 s WAV, against the
 *    same read, front end, network forward and track in PyTorch.
 *
 * Both sides read the same synthetic singing recording and use the same CQT
 * kernels (exported from selfsup), written to a temp folder and removed at the
 * end. reference.py (a Debian python3-torch child process) runs each round in a
 * fresh process; the rounds alternate between the sides and each side keeps its
 * best. Warm-up steps (and the first pitch run) are not timed. With several
 * threads PyTorch also runs with OMP_WAIT_POLICY=passive, selfsup's default
 * (as bench/electra does): libgomp's spin-wait costs PyTorch dearly when other
 * processes hold the cores. Target: ≥ 1× PyTorch's throughput (as it comes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch } from '../../src/index.js';
import { readMono16k } from '../../src/pipeline/pitch.js';
import { bestOfAlternations, reference as python, startBench } from '../common.js';
import {
  BATCH,
  CALIBRATION,
  LR,
  SECONDS,
  WORKLOADS,
  pitchRuns,
  spiceSteps,
  writeInputs,
  type PitchTiming,
  type StepTiming,
  type Workload,
} from './workloads.js';

const args = startBench('spice');
const warmup = 2;
const steps = args.quick ? 3 : 6;
const reps = args.quick ? 1 : 3;
const threadCounts = [...new Set([args.threads, 1])];

/** reference.py's JSON line for `workload` at `threads` threads, with `env` added to PyTorch's own environment. */
const reference = <T>(workload: 'train' | 'pitch', threads: number, env: NodeJS.ProcessEnv, ...rest: (string | number)[]): T =>
  python<T>('spice', workload, threads, rest, env);

/** The sides of a training row: selfsup, PyTorch as it comes and, with several threads, PyTorch with sleeping threads as selfsup's. */
type Side = 'ours' | 'pytorch' | 'passive';
const ms = (s: number): string => (s * 1e3).toFixed(1);
const ratio = (ours: number, theirs: number): string => `${(theirs / ours).toFixed(2)}×`;

const root = mkdtempSync(join(tmpdir(), 'selfsup-bench-spice-'));
try {
  const input = writeInputs(root);
  const files = [input.wav, input.kernels, input.kernelLength];
  const audio = readMono16k(input.wav);
  const train = (side: Side, w: Workload, threads: number): StepTiming =>
    side === 'ours'
      ? spiceSteps(w, audio, warmup, steps)
      : reference(
          'train',
          threads,
          side === 'passive' ? { OMP_WAIT_POLICY: 'passive' } : {},
          w.width,
          w.decoderWidth,
          ...files,
          BATCH,
          LR,
          warmup,
          steps,
        );

  const trainRows: { w: Workload; threads: number; best: Partial<Record<Side, StepTiming>> }[] = [];
  for (const threads of threadCounts)
    for (const w of WORKLOADS) {
      torch.setNumThreads(threads);
      const sides: Side[] = threads > 1 ? ['ours', 'pytorch', 'passive'] : ['ours', 'pytorch'];
      const best = bestOfAlternations(
        sides,
        args.alternations,
        (side) => train(side, w, threads),
        (i, b) =>
          console.error(
            `  train ${w.name}, ${threads} thread(s), round ${i + 1}/${args.alternations}: ${sides.map((s) => `${s} ${ms(b[s]!.seconds)} ms`).join(', ')} per step`,
          ),
      );
      trainRows.push({ w, threads, best });
    }

  torch.setNumThreads(1);
  const pitchRows: { w: Workload; ours: PitchTiming; theirs: PitchTiming }[] = [];
  for (const w of WORKLOADS) {
    const { ours, theirs } = bestOfAlternations(
      ['ours', 'theirs'] as const,
      args.alternations,
      (side): PitchTiming =>
        side === 'ours'
          ? pitchRuns(w, input.wav, reps)
          : reference<PitchTiming>('pitch', 1, {}, w.width, w.decoderWidth, ...files, reps, ...CALIBRATION.slice(0, 3)),
      (i, b) =>
        console.error(
          `  pitch ${w.name}, 1 thread, round ${i + 1}/${args.alternations}: selfsup ${ms(b.ours!.seconds)} ms, PyTorch ${ms(b.theirs!.seconds)} ms per ${SECONDS} s`,
        ),
    );
    pitchRows.push({ w, ours: ours!, theirs: theirs! });
  }

  const fps = (t: StepTiming): string => `${(BATCH / t.seconds).toFixed(0)} frames/s`;
  const cell = (ours: StepTiming, t?: StepTiming): string => (t ? `${fps(t)} (${ratio(ours.seconds, t.seconds)})` : '—');
  const parts = (t?: StepTiming): string => (t ? `${ms(t.cqt)} + ${ms(t.step)}` : '—');
  console.log(
    `| SPICE training step from audio, batch ${BATCH} frames | threads | selfsup | PyTorch (ratio) | PyTorch, OMP_WAIT_POLICY=passive (ratio) | ms per step, CQT + rest: selfsup / PyTorch / passive | target ≥ 1× |`,
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const { w, threads, best } of trainRows) {
    const ours = best.ours!;
    console.log(
      `| ${w.name} | ${threads} | ${fps(ours)} | ${cell(ours, best.pytorch)} | ${cell(ours, best.passive)} | ${[best.ours, best.pytorch, best.passive].map(parts).join(' / ')} | ${ours.seconds <= best.pytorch!.seconds ? 'met' : 'missed'} |`,
    );
  }
  console.log();
  console.log(`| \`selfsup pitch\` of a ${SECONDS} s WAV, 1 thread | selfsup | PyTorch | ratio | target ≥ 1× |`);
  console.log('|---|---|---|---|---|');
  const rtf = (t: PitchTiming): string => `${ms(t.seconds)} ms (RTF ${(t.seconds / SECONDS).toFixed(4)})`;
  for (const { w, ours, theirs } of pitchRows)
    console.log(
      `| ${w.name} | ${rtf(ours)} | ${rtf(theirs)} | ${ratio(ours.seconds, theirs.seconds)} | ${ours.seconds <= theirs.seconds ? 'met' : 'missed'} |`,
    );
  const first = trainRows[0].best;
  console.error(
    `bench/spice: ${warmup} warm-up + ${steps} timed steps per training round, best of ${reps} pitch run(s) after a warm-up; ratios are PyTorch's time / selfsup's (> 1: selfsup faster); ` +
      `random weights on both sides; last losses (selfsup / PyTorch): ${trainRows.map((r) => `${r.best.ours!.loss.toFixed(2)} / ${r.best.pytorch!.loss.toFixed(2)}`).join(', ')}; ` +
      `mean of the last frames (same audio and kernels): ${first.ours!.frameMean.toFixed(5)} / ${first.pytorch!.frameMean.toFixed(5)}; ` +
      `frames tracked: ${pitchRows.map((r) => `${r.ours.frames} / ${r.theirs.frames}`).join(', ')}`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
