/**
 * The log-mel front end shared by the window methods (TRILL, FRILL — Shor et
 * al. 2020 §3; Peplinski et al. 2021 §3.1): clips → log-mel frames
 * (src/views/audio/mel.ts `TRILL_FRONTEND`, 10 ms hop), frames → items of a
 * fixed length, items → 96-frame windows [N, 1, 96, 64] at given offsets, and a
 * clip → per-window features of a network's named layers.
 */
import * as torch from '../torch/index.js';
import { concatFloat32 } from '../data/collate.js';
import { TRILL_WINDOW } from '../models/trill.js';
import { type MelSpectrogram, TRILL_FRONTEND } from '../views/audio/mel.js';

type Tensor = torch.Tensor;

/** Log-mel frames per second (10 ms hop). */
export const FRAME_RATE = TRILL_FRONTEND.sampleRate / TRILL_FRONTEND.hopLength;
/** Tracks of equal length go through the front end this many at a time. */
const MEL_BATCH = 32;
/** Windows through the network at a time in `embedClip`. */
const EMBED_BATCH = 256;

/** A network that reads named layers of 96 × 64 log-mel windows (TrillNet, FrillNet). */
export interface WindowNet {
  /** The layers `featuresAt` reads, input to output. */
  readonly layerNames: readonly string[];
  featureDim(layer: string): number;
  /** x [N, 1, 96, 64] → [N, featureDim(layer)] per layer. */
  featuresAt(x: Tensor, layers: readonly string[]): Tensor[];
}

/** Log-mel frames [T', 64] of each of `audio`, tracks of one length through the front end together. */
export function logMels(frontEnd: MelSpectrogram, audio: readonly Float32Array[]): Tensor[] {
  const out: Tensor[] = new Array<Tensor>(audio.length);
  const byLength = new Map<number, number[]>();
  audio.forEach((a, i) => byLength.set(a.length, [...(byLength.get(a.length) ?? []), i]));
  for (const [length, all] of byLength)
    for (let s = 0; s < all.length; s += MEL_BATCH) {
      const rows = all.slice(s, s + MEL_BATCH);
      const wave = torch.tensor(concatFloat32(rows.map((i) => audio[i])), { shape: [rows.length, length] }); // [B, T]
      const mel = torch.noGrad(() => frontEnd.forward(wave)); // [B, 64, T']
      rows.forEach((i, j) => (out[i] = torch.scope(() => mel.select(0, j).t().contiguous()))); // [T', 64]
      wave.dispose();
      mel.dispose();
    }
  return out;
}

/**
 * Each track's log-mel frames cut into consecutive items of `frames` frames (the
 * remainder dropped): items [M, frames, 64] and each item's track index [M].
 * Tracks shorter than one item give none.
 */
export function cutItems(frontEnd: MelSpectrogram, audio: readonly Float32Array[], frames: number): { items: Tensor; track: number[] } {
  const parts: Tensor[] = [];
  const track: number[] = [];
  logMels(frontEnd, audio).forEach((mel, i) => {
    const k = Math.floor(mel.shape[0] / frames);
    if (k > 0) {
      parts.push(mel.narrow(0, 0, k * frames).reshape([k, frames, TRILL_WINDOW.mels]));
      track.push(...new Array<number>(k).fill(i));
    }
    mel.dispose();
  });
  const items = parts.length ? torch.cat(parts) : torch.zeros([0, frames, TRILL_WINDOW.mels]);
  parts.forEach((t) => t.dispose());
  return { items, track };
}

/** 96-frame windows [N, 1, 96, 64] of items [N, L, 64] starting at frames `offsets` [N] (int64). */
export function windowsAt(items: Tensor, offsets: Tensor): Tensor {
  return torch.scope(() => {
    const { frames, mels } = TRILL_WINDOW;
    const rows = offsets.unsqueeze(1).add(torch.arange(frames, { dtype: 'int64' })); // [N, 96]
    return items.gather(1, rows.unsqueeze(2).expand([-1, -1, mels])).unsqueeze(1); // [N, 1, 96, 64]
  });
}

/**
 * Per-window features of a clip (16 kHz mono) at each of `layers`: one
 * [W, featureDim(layer)] per layer, the clip's log-mel frames cut into 96-frame
 * windows every `hopSeconds`, without gradients (the caller sets eval mode). A
 * clip shorter than 1 s is zero-padded to 16,000 samples (NOSS's front end does
 * the same), so it gives one window. `api` names the caller in errors.
 */
export function embedClip(
  api: string,
  net: WindowNet,
  frontEnd: MelSpectrogram,
  audio: Float32Array,
  layers: readonly string[],
  hopSeconds: number,
): Tensor[] {
  checkAudio(api, audio);
  for (const layer of layers) net.featureDim(layer); // an unknown layer lists the valid ones
  if (!(typeof hopSeconds === 'number' && hopSeconds * FRAME_RATE >= 1))
    throw new RangeError(`${api}: expected hopSeconds >= ${1 / FRAME_RATE} (one frame) but received ${hopSeconds}`);
  const mel = clipLogMel(frontEnd, audio); // [T', 64]
  const hop = Math.round(hopSeconds * FRAME_RATE);
  const count = 1 + Math.floor((mel.shape[0] - TRILL_WINDOW.frames) / hop);
  try {
    return torch.noGrad(() => {
      const parts: Tensor[][] = layers.map(() => []);
      for (let i = 0; i < count; i += EMBED_BATCH)
        torch.scope(() => {
          const offsets = torch.arange(i, Math.min(count, i + EMBED_BATCH), { dtype: 'int64' }).mul(hop); // [B]
          const items = mel.unsqueeze(0).expand([offsets.shape[0], -1, -1]); // [B, T', 64]
          net.featuresAt(windowsAt(items, offsets), layers).forEach((f, k) => parts[k].push(torch.keep(f)));
        });
      return parts.map((p) => (p.length === 1 ? p[0] : torch.cat(p)));
    });
  } finally {
    mel.dispose();
  }
}

/** Log-mel frames [T', 64] of one clip, zero-padded to 1 s (16,000 samples) when shorter, so it holds one window. */
export function clipLogMel(frontEnd: MelSpectrogram, audio: Float32Array): Tensor {
  const rate = TRILL_FRONTEND.sampleRate;
  const padded = audio.length >= rate ? audio : concatFloat32([audio, new Float32Array(rate - audio.length)]);
  return logMels(frontEnd, [padded])[0];
}

function checkAudio(api: string, audio: unknown): asserts audio is Float32Array {
  if (!(audio instanceof Float32Array))
    throw new TypeError(`${api}: expected audio as a Float32Array of 16 kHz samples but received ${typeof audio}`);
  if (audio.length === 0) throw new RangeError(`${api}: expected audio of at least one sample but received an empty clip`);
  if (!audio.every(Number.isFinite)) throw new RangeError(`${api}: expected finite samples but the audio holds NaN or ±Infinity`);
  if (audio.every((v) => v === 0)) throw new RangeError(`${api}: the audio is silent (all ${audio.length} samples are 0)`);
}
