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
import { cutItems, FRAME_RATE, windowsAt } from './log-mel-windows.js';
import { WindowMethod } from './window-method.js';
import type { PitchedTrack } from '../data/singing.js';
import type { MethodSpec, StepInfo, TrainingStep } from './method.js';
import type { AudioBatch, AudioItems } from './audio-method.js';

type Tensor = torch.Tensor;

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

export class Trill extends WindowMethod<TrillNet> {
  readonly net: TrillNet;
  /** Frames of an item: one window plus τ. */
  readonly itemFrames: number;

  constructor(readonly options: TrillOptions) {
    super();
    const { width, depth, embeddingDim } = options;
    this.net = this.registerModule('net', new TrillNet({ width, depth, embeddingDim }));
    this.itemFrames = TRILL_WINDOW.frames + Math.round(options.tauSeconds * FRAME_RATE);
  }

  get representationDim(): number {
    return this.options.embeddingDim;
  }

  /**
   * Items [M, τ + 96 frames, 64]: each track's log-mel frames cut into
   * consecutive items (the remainder dropped); targets [M] = the track's index.
   * Tracks shorter than one item are skipped and counted.
   */
  prepare(tracks: readonly PitchedTrack[]): AudioItems {
    if (!tracks.length) throw new RangeError('trill: the data set has no tracks');
    const l = this.itemFrames;
    const { items, track } = cutItems(
      this.frontEnd,
      tracks.map((t) => t.audio),
      l,
    );
    const used = new Set(track);
    if (used.size < 2)
      throw new RangeError(
        `trill: ${used.size} of ${tracks.length} tracks last one item (τ + 0.96 s = ${(l / FRAME_RATE).toFixed(2)} s); the triplet loss needs at least two clips (lower method.tauSeconds or use longer tracks)`,
      );
    return {
      items,
      targets: torch.tensor(Float32Array.from(track)),
      summary: { tracks: tracks.length, usedTracks: used.size, skippedTracks: tracks.length - used.size, items: items.shape[0] },
    };
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
      const a = windowsAt(batch.items, torch.randint(0, span, [n], { generator }));
      const p = windowsAt(batch.items, torch.randint(0, span, [n], { generator }));
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
