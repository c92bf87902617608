/**
 * SPICE (Gfeller, Frank, Roblek, Sharifi, Tagliasacchi, Velimirović 2020,
 * "SPICE: Self-Supervised Pitch Estimation"): a network that reads a slice of
 * F constant-Q bins of one frame and outputs a scalar y, trained so that two
 * slices of the same frame at bin offsets k₁, k₂ give y₁ − y₂ = σ(k₁ − k₂)
 * (Eq. 6–9, Huber loss) — one bin is a fixed pitch interval, so y becomes an
 * affine function of log f₀ without a single label. A decoder reconstructs
 * each slice from y (Eq. 10–11) and a confidence head, trained on the stopped
 * pitch error (Eq. 14), gives voicing. After training the affine map is
 * calibrated on a few synthetic harmonic notes (§III-D), and a voicing
 * threshold is set at 10 % false alarms on synthetic rests.
 *
 * Options also give the paper's ablations (Table III): no reconstruction
 * (`wRecon 0`), L1 / L2 instead of Huber (`loss`), no pitch-shift augmentation
 * (`octaveShift false`), and the supervised baseline of the same size
 * (`supervised`: the pitch head regresses the known f₀ of labelled frames).
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { bool, int, num, oneOf, z, type Config } from '../config/schema.js';
import { SpiceNet } from '../models/spice.js';
import { spiceConfidenceLoss, spicePitchLoss, spiceReconstructionLoss, spiceRobust } from '../losses/spice.js';
import { PitchFrontEnd, SPICE_CQT } from '../views/audio/pitch-frames.js';
import { octaveShift, shiftedF0 } from '../data/octave.js';
import { mixSeed, noisyCopy } from '../data/noise.js';
import { concatFloat32 } from '../data/collate.js';
import { fitCalibration } from './spice-calibration.js';
import type { PitchedTrack } from '../data/singing.js';
import type { MethodSpec, StepInfo, TrainingStep } from './method.js';
import { AudioMethod, type AudioBatch, type AudioItems } from './audio-method.js';

type Tensor = torch.Tensor;

export const SPICE_OPTIONS = z.strictObject({
  width: int('encoder width d: conv channels d·[1, 2, 4, 8, 8, 8] (paper: 64; 16 trains in minutes on a CPU)', 64, { min: 1, max: 512 }),
  decoderWidth: int('decoder width (paper: 32)', 32, { min: 1, max: 512 }),
  bins: int('CQT bins per slice F (paper: 128; a multiple of 64)', 128, { min: 64, max: 128 }),
  maxShift: int('largest slice offset k_max in bins (paper: 8, i.e. 4 semitones)', 8, { min: 1, max: 62 }), // 128 + 62 = the CQT's 190 bins
  envelope: num(
    "timbre augmentation: each view gets its own random smooth spectral envelope, up to ± this in frame units (0.1 = 8 dB; 0: none, the paper's views)",
    0.1,
    { min: 0, max: 1 },
  ),
  coordinates: bool("give the encoder each bin's position in the slice as a second channel (CoordConv; not in the paper)", true),
  loss: oneOf('pitch loss: huber (paper), l1 or l2 (the ablations)', ['huber', 'l1', 'l2'], 'huber'),
  tau: num('Huber threshold τ in units of σ (paper: 0.25)', 0.25, { min: 1e-3, max: 100 }),
  wPitch: num('weight of the pitch loss (paper: 1e4)', 1e4, { min: 0 }),
  wRecon: num(
    'weight of the reconstruction loss (0: the ablation without it; paper: 1 on |CQT| ≲ 0.3, i.e. 0.01 on our [0, 1] frames)',
    0.01,
    { min: 0 },
  ),
  noise: bool(
    'pair each frame with a noisy copy (white-to-brown noise at noiseMinSnr–noiseMaxSnr dB per track); a view reads either, the reconstruction the clean one (paper: backing tracks at −5…25 dB)',
    true,
  ),
  noiseMinSnr: num(
    'with noise: the lowest SNR of the noisy copies in dB (drawn per track, uniform up to noiseMaxSnr; 0–30 dB left 37 % of singing frames right after 3,000 steps)',
    20,
    {
      min: -20,
      max: 80,
    },
  ),
  noiseMaxSnr: num('with noise: the highest SNR of the noisy copies in dB', 40, { min: -20, max: 80 }),
  octaveShift: bool('add copies of the audio an octave up and down (the paper shifts by ±12 semitones)', true),
  supervised: bool('the supervised baseline: regress the known f₀ of labelled frames (a set with ground truth, e.g. singing)', false),
  calibrationNotes: int('synthetic harmonic notes for the calibration (paper: 5 suffice)', 16, { min: 2, max: 1000 }),
  falseAlarm: num('voicing threshold: the confidence above which this fraction of synthetic rests lies', 0.1, { min: 0.001, max: 0.5 }),
});
export type SpiceOptions = Config<typeof SPICE_OPTIONS>;

/** What the calibration found: pitch in semitones above C1 = b + s · y, voiced when confidence ≥ threshold. */
export interface SpiceCalibration {
  b: number;
  s: number;
  threshold: number;
  /** RMS residual of the fit over the calibration notes, in semitones. */
  residual: number;
}

/** Raw output of the network on frames. */
export interface RawPitch {
  /** [M] raw pitch y in (0, 1). */
  y: Tensor;
  /** [M] confidence in (0, 1). */
  confidence: Tensor;
}

export class Spice extends AudioMethod<SpiceNet['encoder']> {
  readonly net: SpiceNet;
  readonly frontEnd = new PitchFrontEnd();
  /** σ of Eq. 8: one CQT bin in units of y (y ∈ [0, 1] spans the 190 bins). */
  readonly sigma = 1 / SPICE_CQT.nBins;
  /** [b, s, threshold, residual] (SpiceCalibration); s = 0 until calibrated. */
  readonly calibration: Tensor;

  constructor(readonly options: SpiceOptions) {
    super();
    const o = options;
    if (o.noiseMinSnr > o.noiseMaxSnr)
      throw new RangeError(`spice: expected method.noiseMinSnr ≤ noiseMaxSnr but received ${o.noiseMinSnr} > ${o.noiseMaxSnr}`);
    this.net = this.registerModule(
      'net',
      new SpiceNet({ bins: o.bins, width: o.width, decoderWidth: o.decoderWidth, coordinates: o.coordinates }),
    );
    this.calibration = this.registerBuffer('calibration', torch.zeros([4], { dtype: 'float64' }));
  }

  get encoder(): SpiceNet['encoder'] {
    return this.net.encoder;
  }
  get representationDim(): number {
    return this.net.featureDim;
  }
  /** The slice offset used to track pitch: the middle of [0, k_max]. */
  get inferenceOffset(): number {
    return Math.floor(this.options.maxShift / 2);
  }

  /**
   * CQT frames [M, 190] of every track (and of its octave shifts) — [M, 2, 190]
   * with `noise`: each frame and its noisy copy — with f₀ targets where the
   * tracks have them.
   */
  prepare(tracks: readonly PitchedTrack[]): AudioItems {
    if (!tracks.length) throw new RangeError('spice: the data set has no tracks');
    const missing = tracks.filter((t) => !t.f0).map((t) => t.name);
    if (this.options.supervised && missing.length)
      throw new RangeError(
        `spice: method.supervised needs per-frame f0 for every track; ${missing.length} have none (${missing.slice(0, 3).join(', ')}…): use a set with ground truth (singing)`,
      );
    const shifts: (-1 | 0 | 1)[] = this.options.octaveShift ? [-1, 0, 1] : [0];
    const { noiseMinSnr: minSnr, noiseMaxSnr: maxSnr } = this.options;
    const items: Tensor[] = [];
    const targets: Float32Array[] = [];
    let voiced = 0;
    for (const track of tracks)
      for (const s of shifts) {
        const audio = octaveShift(track.audio, s, track.sampleRate);
        const clean = this.frontEnd.frames(audio); // [T, 190]
        const frames = this.options.noise
          ? torch.stack([clean, this.frontEnd.frames(noisyCopy(audio, mixSeed(items.length, 7), { minSnr, maxSnr }))], 1)
          : clean; // [T, 2, 190]
        if (frames !== clean) clean.dispose();
        const f0 = track.f0 ? shiftedF0(track.f0, s, frames.shape[0]) : new Float32Array(frames.shape[0]).fill(NaN);
        voiced += f0.filter((f) => f > 0).length;
        items.push(frames);
        targets.push(f0);
      }
    const all = torch.cat(items);
    items.forEach((t) => t.dispose());
    return {
      items: all,
      targets: missing.length === tracks.length ? undefined : torch.tensor(concatFloat32(targets)),
      summary: { tracks: tracks.length, frames: all.shape[0], voicedFrames: voiced, octaveCopies: shifts.length },
    };
  }

  /** Slices of frames [N, 190] at per-row offsets k (int64 [N]) → [N, F]. */
  slice(frames: Tensor, k: Tensor): Tensor {
    return torch.scope(() => frames.gather(1, k.reshape([-1, 1]).add(torch.arange(this.options.bins, { dtype: 'int64' }))));
  }

  /**
   * [x₁, x₂, k₁, k₂ (float), c₁, c₂, targets?]: two slices of each frame at
   * offsets uniform on [0, k_max], each read from the frame or its noisy copy
   * (a coin per view) and given its own random spectral envelope; c₁, c₂ are
   * the clean slices (the reconstruction's targets, as the paper's Eq. 15–17).
   */
  views(batch: AudioBatch, generator: torch.Generator): Tensor[] {
    const n = batch.items.shape[0];
    return torch.scope(() => {
      const k1 = torch.randint(0, this.options.maxShift + 1, [n], { generator });
      const k2 = torch.randint(0, this.options.maxShift + 1, [n], { generator });
      const paired = batch.items.dim() === 3;
      const clean = paired ? batch.items.select(1, 0) : batch.items; // [N, 190]
      const source = (): Tensor => {
        if (!paired) return clean;
        const coin = torch.randint(0, 2, [n, 1], { generator }).bool();
        return torch.where(coin, batch.items.select(1, 1), clean);
      };
      const x1 = this.reshape(this.slice(source(), k1), generator);
      const x2 = this.reshape(this.slice(source(), k2), generator);
      const v = [x1, x2, k1.float(), k2.float(), this.slice(clean, k1), this.slice(clean, k2)];
      return batch.targets ? [...v, batch.targets] : v;
    });
  }

  /**
   * Slices [N, F] plus a random smooth envelope per row — Σ_{j=1..3} a_j cos(πju) +
   * b_j sin(πju) over u ∈ [0, 1] along the bins, a, b ~ U(−e, e) — clamped to
   * [0, 1]. The pitch loss asks both views for the same pitch whatever their
   * envelopes, so y must follow the harmonics, not formants or spectral tilt,
   * which move with a slice shift just as the harmonics do (not in the paper).
   */
  private reshape(x: Tensor, generator: torch.Generator): Tensor {
    const e = this.options.envelope;
    if (e === 0) return x;
    return torch.scope(() => {
      const u = torch.linspace(0, Math.PI, x.shape[1], { dtype: 'float32' }); // [F]
      const basis = torch.stack([1, 2, 3].flatMap((j) => [u.mul(j).cos(), u.mul(j).sin()])); // [6, F]
      const coefficients = torch
        .rand([x.shape[0], 6], { generator })
        .mul(2 * e)
        .sub(e); // [N, 6]
      return x.add(coefficients.matmul(basis)).clamp(0, 1);
    });
  }

  trainingStep(views: Tensor[], _info: StepInfo): TrainingStep {
    return this.options.supervised ? this.supervisedStep(views) : this.selfSupervisedStep(views);
  }

  private selfSupervisedStep([x1, x2, k1, k2, clean1, clean2]: Tensor[]): TrainingStep {
    const o = this.options;
    const n = x1.shape[0];
    const out = this.net.forward(torch.cat([x1, x2])); // both slices through batch norm together
    const [y1, y2] = out.pitch.split(n);
    const [c1, c2] = out.confidence.split(n);
    const pitch = spicePitchLoss(y1, y2, k1, k2, { sigma: this.sigma, tau: o.tau * this.sigma, kind: o.loss });
    const confidence = spiceConfidenceLoss(c1, c2, pitch.error, this.sigma);
    let loss = pitch.loss.mul(o.wPitch).add(confidence);
    const logs: Record<string, number> = { pitch: pitch.loss.item(), confidence: confidence.item() };
    if (o.wRecon > 0) {
      const [r1, r2] = this.net.decode(out.pitch).split(n);
      const recon = spiceReconstructionLoss(clean1, r1, clean2, r2);
      loss = loss.add(recon.mul(o.wRecon));
      logs.recon = recon.item();
    }
    logs.errorBins = torch.noGrad(() => pitch.error.mean().item() / this.sigma);
    return { loss, logs };
  }

  /**
   * The supervised baseline: y of slice x₁ regresses 1 − (bin(f₀) − k₁)σ (the
   * self-supervised model's orientation: a higher slice offset reads higher)
   * with the same Huber function on voiced frames; the confidence head learns
   * voicing by binary cross-entropy. Frames without ground truth are skipped.
   */
  private supervisedStep([x1, , k1, , , , f0]: Tensor[]): TrainingStep {
    if (!f0) throw new Error('spice: method.supervised needs the per-frame f0 of the data set');
    const o = this.options;
    const out = this.net.forward(x1);
    const known = f0.isnan().logicalNot();
    const voiced = f0.gt(0);
    const bin = f0.clamp(1, null).div(SPICE_CQT.fMin).log2().mul(SPICE_CQT.binsPerOctave);
    const target = torch.ones([x1.shape[0]]).sub(bin.sub(k1).mul(this.sigma)).clamp(0, 1);
    const e = out.pitch.sub(target).abs();
    const h = spiceRobust(e, 'huber', o.tau * this.sigma);
    const nVoiced = Math.max(1, voiced.sum().item());
    const pitch = h.mul(voiced.float()).sum().div(nVoiced);
    const knownF = known.float();
    const voicing = F.binaryCrossEntropy(out.confidence, voiced.float(), { reduction: 'none' })
      .mul(knownF)
      .sum()
      .div(Math.max(1, knownF.sum().item()));
    return {
      loss: pitch.mul(o.wPitch).add(voicing),
      logs: {
        pitch: pitch.item(),
        voicing: voicing.item(),
        errorBins: torch.noGrad(() => e.mul(voiced.float()).sum().item() / nVoiced / this.sigma),
      },
    };
  }

  /** Features of the encoder on the inference slice of frames [N, 190] → [N, featureDim]. */
  representation(x: Tensor): Tensor {
    return torch.scope(() => this.net.forward(this.slice(x, this.offsets(x.shape[0]))).features);
  }

  private offsets(n: number): Tensor {
    return torch.full([n], this.inferenceOffset, { dtype: 'int64' });
  }

  /** Raw pitch and confidence of frames [M, 190], in eval mode, 4096 frames at a time. */
  raw(frames: Tensor): RawPitch {
    const wasTraining = this.training;
    this.eval();
    try {
      return torch.noGrad(() => {
        const ys: Tensor[] = [];
        const cs: Tensor[] = [];
        for (let i = 0; i < frames.shape[0]; i += 4096)
          torch.scope(() => {
            const part = frames.narrow(0, i, Math.min(4096, frames.shape[0] - i));
            const out = this.net.forward(this.slice(part, this.offsets(part.shape[0])));
            ys.push(torch.keep(out.pitch));
            cs.push(torch.keep(out.confidence));
          });
        return { y: torch.cat(ys), confidence: torch.cat(cs) };
      });
    } finally {
      this.train(wasTraining);
    }
  }

  /** The calibration, or an error when the model has none (a run stopped before its end). */
  calibrated(): SpiceCalibration {
    const [b, s, threshold, residual] = this.calibration.toArray();
    if (s === 0) throw new Error('spice: this model is not calibrated (its run stopped before the end); resume it to finish');
    return { b, s, threshold, residual };
  }

  /** Sets the calibration (spice-calibration.ts) and returns it. */
  calibrate(): SpiceCalibration {
    const c = fitCalibration(this);
    torch.noGrad(() => this.calibration.copy_(torch.tensor([c.b, c.s, c.threshold, c.residual], { dtype: 'float64' })));
    return c;
  }

  override finish(): Record<string, unknown> {
    return { calibration: this.calibrate() };
  }
}

export const spice: MethodSpec<typeof SPICE_OPTIONS, AudioBatch, SpiceNet['encoder']> = {
  name: 'spice',
  paper: 'Gfeller et al. 2020, SPICE: Self-Supervised Pitch Estimation (§III, Eq. 6–14)',
  modality: 'audio',
  summary: 'relative pitch from pairs of shifted constant-Q slices (Huber), reconstruction, confidence; calibrated on synthetic notes',
  options: SPICE_OPTIONS,
  optim: { name: 'adamw', lr: 4e-3, weightDecay: 0 }, // 1e-3 at batch 64: 10× the paper's Adam rate, for runs of thousands (not 100,000s) of steps
  build: (o) => new Spice(o),
};
