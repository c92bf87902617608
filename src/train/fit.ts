/**
 * The training loop shared by every stage (pretraining, fine-tuning): learning-rate
 * schedule, progress, metrics, periodic and Ctrl-C / SIGTERM checkpoints, and resume.
 *
 * Batches come from `batches(epoch)`, which must give the same batches for the same
 * epoch (seeded samplers do), so a resumed run skips the batches its checkpoint
 * already covered and continues exactly where it stopped.
 *
 * Data-parallel (a process group is initialized): every rank runs the loop on its
 * shard; after each step the ranks agree on the logged values and on stopping
 * (ranks.ts); only the run folder's writer (rank 0) shows progress, logs, evaluates
 * and saves checkpoints.
 */
import * as torch from '../torch/index.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { Progress, type ProgressOptions } from './progress.js';
import { agreeOnStep } from './ranks.js';
import type { RunDir } from './run-dir.js';

/** What one training step reports: the loss (a number), how many items it saw, other scalars to log. */
export interface StepResult {
  loss: number;
  items: number;
  extra?: Record<string, number>;
}

export interface FitOptions<B> {
  run: RunDir;
  /** Names the checkpoint folder and tags every logged event (e.g. "pretrain"). */
  stage: string;
  model: Module;
  optimizer: Optimizer<{ lr: number }>;
  /**
   * Learning-rate factor per step and optimizer parameter group (1 = the group's lr as
   * constructed), e.g. warmupCosine({ baseLr: 1, … }) for every group; the update
   * completing step s + 1 runs at schedule(s + 1, group).
   */
  schedule: (step: number, group: number) => number;
  epochs: number;
  stepsPerEpoch: number;
  /** Stop after this many steps (default epochs × stepsPerEpoch; fewer for fractional epochs). */
  totalSteps?: number;
  batches: (epoch: number) => Iterable<B>;
  /** One optimisation step: forward, backward (the loop zeroes grads before and steps the optimizer after). */
  step: (batch: B, step: number) => StepResult;
  /** After each optimizer step (momentum and teacher updates, centring); `step` is the step just taken (0-based). */
  afterStep?: (step: number) => void;
  /** Called every `evalEvery` steps and at the end; its result is logged as event `evalEvent`. */
  evaluate?: (step: number) => Record<string, number>;
  evalEvery?: number;
  evalEvent?: string;
  /** Steps between logged train events. Default 10. */
  logEvery?: number;
  /** Seconds between checkpoints (also saved at every epoch end that is at least this far apart, and at the end). Default 120. */
  checkpointSeconds?: number;
  /** Continue from the stage's checkpoint when there is one. */
  resume?: boolean;
  /** Stop after this many steps with a checkpoint, as Ctrl-C would (time-sliced jobs, tests); `resume` continues. */
  stopAfter?: number;
  /** Generators whose state must survive a resume (e.g. the views'). */
  generators?: Record<string, torch.Generator>;
  config?: unknown;
  progress?: ProgressOptions;
}

export interface FitResult {
  step: number;
  /** True when stopped by Ctrl-C (SIGINT) or SIGTERM after saving a checkpoint. */
  interrupted: boolean;
  seconds: number;
}

const yieldToEvents = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Ctrl-C, and the polite kill of `kill`, job schedulers and containers: both checkpoint and stop. */
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Runs the loop; resolves when all epochs are done or after Ctrl-C has been checkpointed. */
export async function fit<B>(o: FitOptions<B>): Promise<FitResult> {
  const { run, stage, model, optimizer, epochs, stepsPerEpoch, logEvery = 10, checkpointSeconds = 120 } = o;
  const total = o.totalSteps ?? epochs * stepsPerEpoch;
  const baseLrs = optimizer.paramGroups.map((g) => g.lr);
  const ckpt = run.checkpointDir(stage);
  let step = 0;
  let trainSeconds = 0; // time spent in training steps (not evaluations) over every process of the stage
  if (o.resume) {
    if (run.hasCheckpoint(stage)) {
      const c = loadCheckpoint(ckpt, { model, optimizer, generators: o.generators });
      step = c.step;
      trainSeconds = (c.extra as { trainSeconds?: number } | null)?.trainSeconds ?? 0;
    }
    run.rewind(stage, step); // events logged after the checkpoint (or before a first one) are logged again
  }
  const save = (): void => {
    if (!run.writer) return;
    saveCheckpoint(ckpt, {
      model,
      optimizer,
      step,
      epoch: Math.floor(step / stepsPerEpoch),
      config: o.config,
      generators: o.generators,
      extra: { trainSeconds },
    });
  };
  if (step >= total) return { step, interrupted: false, seconds: 0 };

  let stop = false;
  let signalled = 0;
  const onSignal = (): void => {
    // a second Ctrl-C quits at once (not one within a second: a launcher forwards the terminal's own Ctrl-C to its ranks)
    if (signalled && Date.now() - signalled > 1000) process.exit(130);
    signalled ||= Date.now();
    stop = true;
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  const evaluate = run.writer ? o.evaluate : undefined;
  const progress = new Progress(stage, total, step, run.writer ? o.progress : { bar: false, write: () => {} });
  const t0 = performance.now();
  let lastSave = t0;
  let window = { loss: 0, n: 0, items: 0, t: t0, extra: {} as Record<string, number> };
  try {
    model.train();
    for (let epoch = Math.floor(step / stepsPerEpoch); epoch < epochs && step < total && !stop; epoch++) {
      let skip = step - epoch * stepsPerEpoch;
      for (const batch of o.batches(epoch)) {
        if (skip-- > 0) continue;
        const started = performance.now();
        optimizer.paramGroups.forEach((g, i) => (g.lr = baseLrs[i] * o.schedule(step + 1, i))); // this update completes step + 1 (the convention of optim/schedules.ts)
        optimizer.zeroGrad();
        const local = torch.scope(() => o.step(batch, step));
        optimizer.step();
        if (o.afterStep) torch.scope(() => o.afterStep!(step));
        step++;
        await yieldToEvents(); // lets Ctrl-C's handler run between steps
        if (o.stopAfter !== undefined && step >= o.stopAfter) stop = true;
        const agreed: { result: StepResult; stop: boolean } = agreeOnStep(local, stop);
        const r = agreed.result;
        stop = agreed.stop;
        if (!Number.isFinite(r.loss))
          throw new Error(
            `${stage}: the loss became ${r.loss} at step ${step - 1}; lower the learning rate (the last checkpoint is in ${ckpt})`,
          );
        trainSeconds += (performance.now() - started) / 1000;
        window.loss += r.loss;
        window.n++;
        window.items += r.items;
        for (const [k, v] of Object.entries(r.extra ?? {})) window.extra[k] = (window.extra[k] ?? 0) + v;
        const now = performance.now();
        const rate = window.items / ((now - window.t) / 1000);
        progress.update(step, window.loss / window.n, rate, epoch);
        if (step % logEvery === 0 || step === total) {
          const extra = Object.fromEntries(Object.entries(window.extra).map(([k, v]) => [k, v / window.n]));
          run.log({
            event: 'train',
            stage,
            step,
            epoch,
            loss: window.loss / window.n,
            lr: optimizer.paramGroups[0].lr,
            imagesPerSec: rate,
            seconds: trainSeconds,
            ...extra,
          });
          window = { loss: 0, n: 0, items: 0, t: now, extra: {} };
        }
        if (evaluate && o.evalEvery && step % o.evalEvery === 0 && step < total) {
          run.log({ event: o.evalEvent ?? 'eval', stage, step, epoch, seconds: trainSeconds, ...evaluate(step) });
          model.train();
        }
        const epochEnd = step % stepsPerEpoch === 0;
        if (now - lastSave > checkpointSeconds * 1000 * (epochEnd ? 0.5 : 1)) {
          save();
          lastSave = performance.now();
        }
        if (stop || step >= total) break;
      }
    }
    save();
    if (stop) progress.log(`${stage}: interrupted at step ${step}/${total}; checkpoint saved in ${ckpt}. Continue with --resume.`);
    else if (evaluate) run.log({ event: o.evalEvent ?? 'eval', stage, step, epoch: epochs, seconds: trainSeconds, ...evaluate(step) });
    // `seconds`: this process's share of the stage (evaluations and checkpoints included); `trainSeconds`: all processes' time in training steps
    run.log({ event: stop ? 'interrupted' : 'end', stage, step, seconds: (performance.now() - t0) / 1000, trainSeconds });
  } finally {
    progress.stop();
    for (const s of SIGNALS) process.off(s, onSignal);
  }
  return { step, interrupted: stop, seconds: (performance.now() - t0) / 1000 };
}
