/**
 * FRILL (Peplinski, Shor, Joglekar, Garrison, Patel 2021, "FRILL: A
 * Non-Semantic Speech Embedding for Mobile Devices", §3.1): a MobileNetV3
 * student (src/models/frill.ts) distilled from a trained TRILL run — its
 * output regresses, by mean squared error (src/losses/frill.ts), the teacher's
 * features at one layer (the paper: TRILL's layer19) on the same 0.96 s log-mel
 * windows.
 *
 * `prepare` cuts each track's log-mel frames into 96-frame windows (TRILL's
 * front end, src/methods/log-mel-windows.ts) — with `maxShiftFrames` k, items
 * of 96 + 2k frames — and computes the teacher's targets [M, D] once, without
 * gradients, in eval mode, on each item's centre window. A view is a window of
 * the item at an offset uniform on [0, 2k], i.e. shifted by at most ±k frames
 * against its target (k = 0: the window as is). The student's embedding is its
 * bottleneck, "distilled_output".
 */
import * as torch from '../torch/index.js';
import { bool, int, num, oneOf, str, z, type Config } from '../config/schema.js';
import { FrillNet } from '../models/frill.js';
import { TRILL_WINDOW } from '../models/trill.js';
import { distillationMse } from '../losses/frill.js';
import type { Module } from '../nn/module.js';
import { updateBatchNorm } from '../nn/update-bn.js';
import type { PitchedTrack } from '../data/singing.js';
import { spreadIndices } from '../data/collate.js';
import type { BuildContext, MethodSpec, StepInfo, TrainingStep } from './method.js';
import type { AudioBatch, AudioItems } from './audio-method.js';
import { cutItems, windowsAt } from './log-mel-windows.js';
import { WindowMethod } from './window-method.js';
import { Trill } from './trill.js';

type Tensor = torch.Tensor;

/** Windows through the teacher at a time in `prepare`. */
const TEACHER_BATCH = 256;
/** Training windows, and windows per batch, that re-estimate the student's batch norms after training. */
const BN_WINDOWS = 4096;
const BN_BATCH = 64;

export const FRILL_OPTIONS = z.strictObject({
  teacher: str('the teacher: the folder of a finished TRILL run (`selfsup pretrain --method trill`); required'),
  teacherLayer: str("the teacher's layer to regress (default: the teacher's `layer`; the paper: TRILL's layer19)"),
  size: oneOf('MobileNetV3 size (tiny: ours, 6 bnecks; FRILL: small)', ['tiny', 'small', 'large'], 'small'),
  widthMultiplier: num('α, the width multiplier (FRILL: 2)', 1, { min: 0.05, max: 4 }),
  globalPool: bool('global average pooling of the last feature map; off flattens it (FRILL: on)', true),
  bottleneck: int('width of the embedding "distilled_output" (FRILL: 2048)', 512, { min: 1, max: 8192 }),
  rank: int('rank r of a low-rank (SVD-style) bottleneck: two Dense layers d → r → bottleneck; 0 = one full Dense', 0, {
    min: 0,
    max: 8192,
  }),
  qat: bool('quantization-aware training of the bottleneck: fake-quant int8 weights and output', false),
  qatDelay: num(
    "with qat: the fraction of the steps trained in float before fake-quant starts (TensorFlow's quant_delay); the output range is measured from then on",
    0.5,
    { min: 0, max: 0.95 },
  ),
  standardizeTargets: bool(
    "regress each teacher dimension standardized over the training windows (z-scores): what tells clips apart, not the teacher's large shared mean (the paper: raw)",
    true,
  ),
  maxShiftFrames: int('random time shift of a view against its target, in frames (±k; the paper: none)', 0, { min: 0, max: 48 }),
  hopSeconds: num('hop between the windows of a clip at embedding time', 0.5, { min: 0.01, max: 10 }),
  layer: oneOf(
    'the layer `selfsup embed` and `speech-bench` read by default',
    ['features', 'distilled_output', 'embedding_to_target'],
    'distilled_output',
  ),
});
export type FrillOptions = Config<typeof FRILL_OPTIONS>;

export class Frill extends WindowMethod<FrillNet> {
  readonly net: FrillNet;
  /** The teacher's layer the student regresses. */
  readonly teacherLayer: string;
  private readonly openTeacher: (o?: { weights?: boolean }) => Module;

  constructor(
    readonly options: FrillOptions,
    ctx: Pick<BuildContext, 'openAudioRun'>,
  ) {
    super();
    const dir = options.teacher;
    if (!dir)
      throw new RangeError('frill: method.teacher is required: the folder of a finished TRILL run (selfsup pretrain --method trill)');
    const open = ctx.openAudioRun;
    if (!open) throw new Error('frill: the teacher run can only be opened by the audio pretraining pipeline');
    this.openTeacher = (o) => {
      try {
        return open(dir, o);
      } catch (e) {
        throw new Error(`frill: method.teacher: ${(e as Error).message}`);
      }
    };
    const teacher = this.openTeacher({ weights: false });
    if (!(teacher instanceof Trill))
      throw new RangeError(`frill: method.teacher ${dir} is a run of ${teacher.constructor.name}, but the teacher must be a TRILL run`);
    this.teacherLayer = options.teacherLayer ?? teacher.defaultLayer;
    const targetDim = withName(() => teacher.layerDim(this.teacherLayer));
    const { size, widthMultiplier, globalPool, bottleneck, rank, qat } = options;
    this.net = this.registerModule('net', new FrillNet({ size, widthMultiplier, globalPool, bottleneck, rank, qat, targetDim }));
  }

  get representationDim(): number {
    return this.options.bottleneck;
  }

  /** Items [M, 96 + 2k, 64] of consecutive windows of every track; targets [M, D]: the teacher's layer on each centre window. */
  prepare(tracks: readonly PitchedTrack[]): AudioItems {
    if (!tracks.length) throw new RangeError('frill: the data set has no tracks');
    const k = this.options.maxShiftFrames;
    const { items, track } = cutItems(
      this.frontEnd,
      tracks.map((t) => t.audio),
      TRILL_WINDOW.frames + 2 * k,
    );
    if (!track.length)
      throw new RangeError(`frill: none of the ${tracks.length} tracks lasts one window (${TRILL_WINDOW.frames + 2 * k} frames)`);
    const teacher = this.openTeacher() as Trill; // eval mode, trained weights
    const targets = torch.noGrad(() => {
      const parts: Tensor[] = [];
      for (let s = 0; s < items.shape[0]; s += TEACHER_BATCH)
        torch.scope(() => {
          const batch = items.narrow(0, s, Math.min(TEACHER_BATCH, items.shape[0] - s)); // [B, L, 64]
          const centre = windowsAt(batch, torch.full([batch.shape[0]], k, { dtype: 'int64' })); // [B, 1, 96, 64]
          parts.push(torch.keep(teacher.net.featuresAt(centre, [this.teacherLayer])[0])); // [B, D]
        });
      const all = torch.cat(parts); // [M, D]
      parts.forEach((p) => p.dispose());
      if (!this.options.standardizeTargets) return all;
      const z = torch.scope(() => {
        const centred = all.sub(all.mean([0], true)); // [M, D]
        const std = centred.square().mean([0], true).sqrt().clampMin(1e-6); // [1, D]
        return torch.keep(centred.div(std));
      });
      all.dispose();
      return z;
    });
    const used = new Set(track).size;
    return { items, targets, summary: { tracks: tracks.length, usedTracks: used, windows: items.shape[0], targetDim: targets.shape[1] } };
  }

  /** [windows [N, 1, 96, 64] shifted by at most ±k frames, teacher targets [N, D]]. */
  views(batch: AudioBatch, generator: torch.Generator): Tensor[] {
    if (!batch.targets || batch.targets.ndim !== 2) throw new Error('frill: batches need the teacher targets [N, D] that prepare() gives');
    const [n, l] = batch.items.shape;
    const offsets = torch.randint(0, l - TRILL_WINDOW.frames + 1, [n], { generator });
    const windows = windowsAt(batch.items, offsets);
    offsets.dispose();
    return [windows, batch.targets];
  }

  trainingStep([x, target]: Tensor[], info: StepInfo): TrainingStep {
    const start = Math.round(this.options.qatDelay * info.totalSteps);
    const bottleneck = this.net.distilled;
    bottleneck.quantizing = info.step >= start;
    // the range seen in float warm-up (from the untrained network on) is far wider than the trained outputs
    if (info.step === start) bottleneck.outputQuant?.resetRange();
    return { loss: distillationMse(this.net.forward(x), target) };
  }

  /**
   * Re-estimates the student's batch-norm statistics on the centre windows of
   * (at most `BN_WINDOWS` evenly spaced) training items: MobileNetV3's running
   * averages (momentum 0.01) still hold the early steps' statistics after a
   * run of a few hundred steps, which left eval-mode features all but constant
   * (per-dimension spread 1.5e-4 against 0.34 in training mode). The passes
   * run in training mode, so a QAT bottleneck's output range also follows
   * them, as PyTorch's update_bn moves a fake-quant observer.
   */
  override finish({ items }: AudioItems): Record<string, unknown> {
    const picks = spreadIndices(items.shape[0], BN_WINDOWS);
    const n = picks.length;
    const centre = torch.full([BN_BATCH], this.options.maxShiftFrames, { dtype: 'int64' });
    const batches = function* (): Generator<Tensor> {
      for (let s = 0; s < n; s += BN_BATCH) {
        const rows = picks.slice(s, s + BN_BATCH);
        const index = torch.tensor(Float64Array.from(rows), { dtype: 'int64' });
        yield torch.scope(() => torch.keep(windowsAt(items.indexSelect(0, index), centre.narrow(0, 0, rows.length))));
        index.dispose();
      }
    };
    const batchNormBatches = updateBatchNorm(this.net, batches());
    centre.dispose();
    return { batchNormWindows: n, batchNormBatches };
  }

  /** The embedding "distilled_output" of windows x [N, 1, 96, 64] → [N, bottleneck]. */
  representation(x: Tensor): Tensor {
    return this.net.featuresAt(x, ['distilled_output'])[0];
  }
}

/** `fn`, its errors prefixed with where the bad value came from. */
function withName<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new RangeError(`frill: method.teacherLayer: ${(e as Error).message}`);
  }
}

export const frill: MethodSpec<typeof FRILL_OPTIONS, AudioBatch, FrillNet> = {
  name: 'frill',
  paper: 'Peplinski et al. 2021, FRILL: A Non-Semantic Speech Embedding for Mobile Devices (§3.1)',
  modality: 'audio',
  summary: "distils a TRILL run's layer into a MobileNetV3 student (MSE on 0.96 s log-mel windows)",
  options: FRILL_OPTIONS,
  optim: { name: 'adamw', lr: 4e-3, weightDecay: 0 }, // Adam 1e-3 at batch 64 (the paper's, NOSS's flag default)
  defaultData: 'speech-pool',
  build: (o, ctx) => new Frill(o, ctx),
};
