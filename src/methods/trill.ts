/**
 * TRILL (Shor, Jansen, Maor, Lang, Tuval, de Chaumont Quitry, Tagliasacchi,
 * Shavitt, Emanuel, Haviv 2020, "Towards Learning a Universal Non-Semantic
 * Representation of Speech", §3): a ResNet on 0.96 s log-mel windows (96 frames
 * × 64 mel bins, src/views/audio/mel.ts `TRILL_FRONTEND`) trained with a
 * triplet loss (src/losses/triplet.ts) so that two windows of one clip within
 * τ seconds of each other lie closer than windows of other clips of the batch
 * (the temporal-proximity triplets of Jansen et al. 2018).
 *
 * `prepare` turns each track into items of τ + 0.96 s of log-mel frames; the
 * two views of an item are 96-frame windows at independent random offsets, so
 * they start at most τ apart. An item's target is its track's index, so windows
 * of one clip are never negatives of each other. After training, `embedWindows`
 * reads any named layer of the network on the windows of a whole clip.
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { bool, int, num, oneOf, z, type Config } from '../config/schema.js';
import { TRILL_WINDOW, TrillNet } from '../models/trill.js';
import { squaredDistances, tripletLoss } from '../losses/triplet.js';
import { MelSpectrogram, TRILL_FRONTEND } from '../views/audio/mel.js';
import type { PitchedTrack } from '../data/singing.js';
import type { MethodSpec, StepInfo, TrainingStep } from './method.js';
import { AudioMethod, type AudioBatch, type AudioItems } from './audio-method.js';

type Tensor = torch.Tensor;

/** Log-mel frames per second (10 ms hop). */
const FRAME_RATE = TRILL_FRONTEND.sampleRate / TRILL_FRONTEND.hopLength;
/** Tracks of equal length go through the front end this many at a time. */
const MEL_BATCH = 32;
/** Windows through the network at a time in `embedWindows`. */
const EMBED_BATCH = 256;

export const TRILL_OPTIONS = z.strictObject({
  width: int('ResNet width w: stage channels w·[1, 2, 4, 8] (the paper: a ResNet-50; 16 trains in minutes on a CPU)', 16, {
    min: 1,
    max: 256,
  }),
  depth: int('basic blocks per stage (ResNet-18: 2)', 1, { min: 1, max: 8 }),
  embeddingDim: int('width of the embedding (paper: 512, its `embedding` output)', 512, { min: 1, max: 8192 }),
  margin: num('triplet margin δ in squared distance (FaceNet: 0.2 on unit-norm embeddings)', 0.2, { min: 0, max: 100 }),
  tauSeconds: num('τ: the two windows of a positive pair start at most this far apart (not given by the paper)', 2, { min: 0, max: 60 }),
  mining: oneOf('negative mining in the batch (losses/triplet.ts)', ['semi-hard', 'hard', 'random', 'all'], 'semi-hard'),
  normalize: bool('L2-normalise embeddings before the distances (FaceNet; bounds them so the margin has a scale)', true),
  hopSeconds: num('hop between the windows of a clip at embedding time', 0.5, { min: 0.01, max: 10 }),
  layer: oneOf(
    'the layer `selfsup embed`, `export` and `speech-bench` read by default (stage4: the best of our layer sweep; the paper chose its layer19 by one)',
    ['stage1', 'stage2', 'stage3', 'stage4', 'pooled', 'embedding'],
    'stage4',
  ),
});
export type TrillOptions = Config<typeof TRILL_OPTIONS>;

export class Trill extends AudioMethod<TrillNet> {
  readonly net: TrillNet;
  readonly frontEnd = new MelSpectrogram(TRILL_FRONTEND);
  /** Frames of an item: one window plus τ. */
  readonly itemFrames: number;

  constructor(readonly options: TrillOptions) {
    super();
    const { width, depth, embeddingDim } = options;
    this.net = this.registerModule('net', new TrillNet({ width, depth, embeddingDim }));
    this.itemFrames = TRILL_WINDOW.frames + Math.round(options.tauSeconds * FRAME_RATE);
  }

  get encoder(): TrillNet {
    return this.net;
  }
  get representationDim(): number {
    return this.options.embeddingDim;
  }
  /** The layers `embedWindows` reads (TrillNet's). */
  get layerNames(): readonly string[] {
    return this.net.layerNames;
  }
  /** The layer read when none is named (the `layer` option). */
  get defaultLayer(): string {
    return this.options.layer;
  }

  /** Log-mel frames [T', 64] of each of `audio`, tracks of one length through the front end together. */
  private logMels(audio: readonly Float32Array[]): Tensor[] {
    const out: Tensor[] = new Array<Tensor>(audio.length);
    const byLength = new Map<number, number[]>();
    audio.forEach((a, i) => byLength.set(a.length, [...(byLength.get(a.length) ?? []), i]));
    for (const [length, all] of byLength)
      for (let s = 0; s < all.length; s += MEL_BATCH) {
        const rows = all.slice(s, s + MEL_BATCH);
        const wave = torch.tensor(concat(rows.map((i) => audio[i])), { shape: [rows.length, length] }); // [B, T]
        const mel = torch.noGrad(() => this.frontEnd.forward(wave)); // [B, 64, T']
        rows.forEach((i, j) => (out[i] = torch.scope(() => mel.select(0, j).t().contiguous()))); // [T', 64]
        wave.dispose();
        mel.dispose();
      }
    return out;
  }

  /**
   * Items [M, τ + 96 frames, 64]: each track's log-mel frames cut into
   * consecutive items (the remainder dropped); targets [M] = the track's index.
   * Tracks shorter than one item are skipped and counted.
   */
  prepare(tracks: readonly PitchedTrack[]): AudioItems {
    if (!tracks.length) throw new RangeError('trill: the data set has no tracks');
    const l = this.itemFrames;
    const items: Tensor[] = [];
    const targets: number[] = [];
    const used = new Set<number>();
    this.logMels(tracks.map((t) => t.audio)).forEach((mel, i) => {
      const k = Math.floor(mel.shape[0] / l);
      if (k > 0) {
        items.push(mel.narrow(0, 0, k * l).reshape([k, l, TRILL_WINDOW.mels]));
        targets.push(...new Array<number>(k).fill(i));
        used.add(i);
      }
      mel.dispose();
    });
    if (used.size < 2)
      throw new RangeError(
        `trill: ${used.size} of ${tracks.length} tracks last one item (τ + 0.96 s = ${(l / FRAME_RATE).toFixed(2)} s); the triplet loss needs at least two clips (lower method.tauSeconds or use longer tracks)`,
      );
    const all = torch.cat(items);
    items.forEach((t) => t.dispose());
    return {
      items: all,
      targets: torch.tensor(Float32Array.from(targets)),
      summary: { tracks: tracks.length, usedTracks: used.size, skippedTracks: tracks.length - used.size, items: all.shape[0] },
    };
  }

  /** 96-frame windows [N, 1, 96, 64] of items [N, L, 64] starting at frames `offsets` [N] (int64). */
  private windows(items: Tensor, offsets: Tensor): Tensor {
    return torch.scope(() => {
      const { frames, mels } = TRILL_WINDOW;
      const rows = offsets.unsqueeze(1).add(torch.arange(frames, { dtype: 'int64' })); // [N, 96]
      return items.gather(1, rows.unsqueeze(2).expand([-1, -1, mels])).unsqueeze(1); // [N, 1, 96, 64]
    });
  }

  /**
   * [anchor windows, positive windows, clip ids (int64 [N]), seed (int64 [1])]:
   * two windows of each item at offsets uniform on [0, τ]; the seed drives
   * 'random' mining, drawn here so a resumed run draws the same negatives.
   */
  views(batch: AudioBatch, generator: torch.Generator): Tensor[] {
    const [n, l] = batch.items.shape;
    if (!batch.targets) throw new Error('trill: batches need the clip ids that prepare() gives as targets');
    return torch.scope(() => {
      const span = l - TRILL_WINDOW.frames + 1;
      const a = this.windows(batch.items, torch.randint(0, span, [n], { generator }));
      const p = this.windows(batch.items, torch.randint(0, span, [n], { generator }));
      return [a, p, batch.targets!.to({ dtype: 'int64' }), torch.randint(0, 2 ** 31 - 1, [1], { generator })];
    });
  }

  /** Embeddings [N, E] of windows, unit-norm with `normalize`. */
  private embed(windows: Tensor): Tensor {
    const e = this.net.forward(windows);
    return this.options.normalize ? F.normalize(e, { dim: 1 }) : e;
  }

  trainingStep([a, p, groups, seed]: Tensor[], _info: StepInfo): TrainingStep {
    const o = this.options;
    const n = a.shape[0];
    const [ea, ep] = this.embed(torch.cat([a, p])).split(n); // both views through batch norm together
    const generator = o.mining === 'random' ? new torch.Generator(seed.item()) : undefined;
    const loss = tripletLoss(ea, ep, { margin: o.margin, mining: o.mining, groups, generator });
    return { loss, logs: torch.noGrad(() => distanceLogs(ea, ep, groups)) };
  }

  /** The embedding of windows x [N, 1, 96, 64] → [N, E] (unnormalised). */
  representation(x: Tensor): Tensor {
    return this.net.forward(x);
  }

  /**
   * Per-window features [W, D] of a clip (16 kHz mono): its log-mel frames cut
   * into 96-frame windows every `hopSeconds` (default: the option), each read at
   * `layer` (default: the `layer` option; `layerNames` lists them), in eval mode. A clip
   * shorter than 1 s is zero-padded to 16,000 samples (NOSS's front end does the
   * same), so it gives one window.
   */
  embedWindows(audio: Float32Array, o: { layer?: string; hopSeconds?: number } = {}): Tensor {
    return this.embedLayers(audio, [o.layer ?? this.defaultLayer], o)[0];
  }

  /** `embedWindows` at several layers in one pass: one [W, D_layer] per layer of `layers`. */
  embedLayers(audio: Float32Array, layers: readonly string[], o: { hopSeconds?: number } = {}): Tensor[] {
    const { hopSeconds = this.options.hopSeconds } = o;
    checkAudio(audio);
    for (const layer of layers) this.net.featureDim(layer); // an unknown layer lists the valid ones
    if (!(typeof hopSeconds === 'number' && hopSeconds * FRAME_RATE >= 1))
      throw new RangeError(`trill.embedWindows: expected hopSeconds >= ${1 / FRAME_RATE} (one frame) but received ${hopSeconds}`);
    const padded =
      audio.length >= TRILL_FRONTEND.sampleRate ? audio : concat([audio, new Float32Array(TRILL_FRONTEND.sampleRate - audio.length)]);
    const [mel] = this.logMels([padded]); // [T', 64]
    const hop = Math.round(hopSeconds * FRAME_RATE);
    const count = 1 + Math.floor((mel.shape[0] - TRILL_WINDOW.frames) / hop);
    const wasTraining = this.training;
    this.eval();
    try {
      return torch.noGrad(() => {
        const parts: Tensor[][] = layers.map(() => []);
        for (let i = 0; i < count; i += EMBED_BATCH)
          torch.scope(() => {
            const offsets = torch.arange(i, Math.min(count, i + EMBED_BATCH), { dtype: 'int64' }).mul(hop); // [B]
            const items = mel.unsqueeze(0).expand([offsets.shape[0], -1, -1]); // [B, T', 64]
            this.net.featuresAt(this.windows(items, offsets), layers).forEach((f, k) => parts[k].push(torch.keep(f)));
          });
        return parts.map((p) => (p.length === 1 ? p[0] : torch.cat(p)));
      });
    } finally {
      mel.dispose();
      this.train(wasTraining);
    }
  }
}

/** Mean same-clip (positive) and other-clip squared distances of a step's embeddings, and their ratio. */
function distanceLogs(a: Tensor, p: Tensor, groups: Tensor): Record<string, number> {
  return torch.scope(() => {
    const positive = a.sub(p).square().sum(1).mean().item();
    const other = groups.unsqueeze(1).ne(groups.unsqueeze(0)); // [N, N]
    const negative = squaredDistances(a, p).maskedSelect(other).mean().item();
    return { positive, negative, ratio: positive / negative };
  });
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

function checkAudio(audio: unknown): asserts audio is Float32Array {
  if (!(audio instanceof Float32Array))
    throw new TypeError(`trill.embedWindows: expected audio as a Float32Array of 16 kHz samples but received ${typeof audio}`);
  if (audio.length === 0) throw new RangeError('trill.embedWindows: expected audio of at least one sample but received an empty clip');
  if (!audio.every(Number.isFinite))
    throw new RangeError('trill.embedWindows: expected finite samples but the audio holds NaN or ±Infinity');
  if (audio.every((v) => v === 0)) throw new RangeError(`trill.embedWindows: the audio is silent (all ${audio.length} samples are 0)`);
}

export const trill: MethodSpec<typeof TRILL_OPTIONS, AudioBatch, TrillNet> = {
  name: 'trill',
  paper: 'Shor et al. 2020, Towards Learning a Universal Non-Semantic Representation of Speech (§3)',
  modality: 'audio',
  summary: 'triplet loss on 0.96 s log-mel windows: two windows of one clip within τ closer than windows of other clips',
  options: TRILL_OPTIONS,
  optim: { name: 'adamw', lr: 4e-3, weightDecay: 0 }, // 1e-3 at batch 64 (Adam's default rate)
  defaultData: 'speech-pool',
  build: (o) => new Trill(o),
};
