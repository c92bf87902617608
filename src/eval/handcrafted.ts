/**
 * Handcrafted clip features, the baselines of the speech benchmark (NOSS,
 * Shor et al. 2020, compares learned representations with such features):
 * statistics over time of the TRILL log-mel spectrogram (src/views/audio/mel.ts)
 * and of its MFCCs with deltas (src/views/audio/mfcc.ts).
 *
 *   log-mel stats  per-bin mean and standard deviation over frames   2 · 64 = 128-d
 *   mfcc stats     mean and std of 20 MFCCs and of their deltas      4 · 20 = 80-d
 */
import * as torch from '../torch/index.js';
import { MelSpectrogram, TRILL_FRONTEND } from '../views/audio/mel.js';
import { deltas, mfcc } from '../views/audio/mfcc.js';

export type HandcraftedKind = 'log-mel-stats' | 'mfcc-stats';
export const HANDCRAFTED_KINDS: readonly HandcraftedKind[] = ['log-mel-stats', 'mfcc-stats'];
const N_MFCC = 20;
/** The width of each kind: mean and std of the 64 mel bins; of 20 MFCCs and their deltas. */
export const HANDCRAFTED_DIMS: Readonly<Record<HandcraftedKind, number>> = {
  'log-mel-stats': 2 * TRILL_FRONTEND.nMels,
  'mfcc-stats': 4 * N_MFCC,
};

let frontEnd: MelSpectrogram | undefined;

/** Mean and (biased) standard deviation over frames of [bins, frames] → [2 · bins]. */
function meanStd(x: torch.Tensor): torch.Tensor {
  const mean = x.mean([1]);
  const std = x.sub(mean.unsqueeze(1)).pow(2).mean([1]).sqrt();
  return torch.cat([mean, std]);
}

/** The `kind` features of one clip of 16 kHz mono audio (at least one sample). */
export function handcraftedFeatures(kind: HandcraftedKind, audio: Float32Array): Float32Array {
  if (!HANDCRAFTED_KINDS.includes(kind))
    throw new RangeError(`handcraftedFeatures: expected a kind in ${HANDCRAFTED_KINDS.join(', ')} but received ${JSON.stringify(kind)}`);
  if (!(audio instanceof Float32Array) || audio.length === 0)
    throw new RangeError(
      `handcraftedFeatures: expected a non-empty Float32Array of audio but received ${audio?.length ?? typeof audio} samples`,
    );
  frontEnd ??= new MelSpectrogram();
  return torch.scope(() => {
    // Reflect padding needs more samples than half the FFT: a very short clip is zero-padded to 1/32 s.
    const padded = audio.length > 512 ? audio : Float32Array.from({ length: 513 }, (_, i) => audio[i] ?? 0);
    const logMel = frontEnd!.forward(torch.tensor(padded)); // [64, frames]
    if (kind === 'log-mel-stats') return meanStd(logMel).data() as Float32Array;
    const m = mfcc(logMel, N_MFCC);
    return torch.cat([meanStd(m), meanStd(deltas(m))]).data() as Float32Array;
  });
}
