/**
 * Mel-frequency cepstral coefficients and their deltas, as batched tensor ops
 * over log-mel spectrograms [..., nMels, frames] (src/views/audio/mel.ts):
 * MFCC = the orthonormal DCT-II of the log-mel bins (the matrix of
 * torchaudio.functional.create_dct with norm 'ortho'), deltas = the regression
 * slope over ±2 frames with the ends repeated (torchaudio.functional.compute_deltas).
 * The handcrafted baselines of the speech benchmark summarise them per clip.
 */
import * as torch from '../../torch/index.js';
import * as F from '../../torch/functional/index.js';

type Tensor = torch.Tensor;

/** The orthonormal DCT-II matrix [nMels, nMfcc]: column k is the k-th cosine over the mel bins. */
export function dctMatrix(nMfcc: number, nMels: number): Tensor {
  if (!Number.isInteger(nMels) || nMels < 1) throw new RangeError(`dctMatrix: expected a positive integer nMels but received ${nMels}`);
  if (!Number.isInteger(nMfcc) || nMfcc < 1 || nMfcc > nMels)
    throw new RangeError(`dctMatrix: expected an integer nMfcc in [1, nMels = ${nMels}] but received ${nMfcc}`);
  const m = new Float32Array(nMels * nMfcc);
  for (let n = 0; n < nMels; n++)
    for (let k = 0; k < nMfcc; k++) m[n * nMfcc + k] = Math.cos((Math.PI / nMels) * (n + 0.5) * k) * Math.sqrt((k === 0 ? 1 : 2) / nMels);
  return torch.tensor(m, { shape: [nMels, nMfcc] });
}

function checkSpectrogram(x: unknown, api: string): Tensor {
  if (!(x instanceof torch.Tensor) || x.dim() < 2)
    throw new RangeError(
      `${api}: expected a spectrogram [..., bins, frames] but received ${x instanceof torch.Tensor ? `shape [${x.shape.join(', ')}]` : typeof x}`,
    );
  return x;
}

/** MFCCs of log-mel spectrograms: [..., nMels, frames] → [..., nMfcc, frames]. */
export function mfcc(logMel: Tensor, nMfcc = 20): Tensor {
  const x = checkSpectrogram(logMel, 'mfcc');
  return torch.scope(() => {
    const dct = dctMatrix(nMfcc, x.shape[x.dim() - 2]).to({ dtype: x.dtype, device: x.device });
    return torch.matmul(x.transpose(-1, -2), dct).transpose(-1, -2).contiguous();
  });
}

/** Delta features over ±`(winLength − 1) / 2` frames (default 5 → ±2), ends repeated: same shape as `x` [..., bins, frames]. */
export function deltas(x: Tensor, winLength = 5): Tensor {
  checkSpectrogram(x, 'deltas');
  if (!Number.isInteger(winLength) || winLength < 3 || winLength % 2 === 0)
    throw new RangeError(`deltas: expected an odd integer winLength >= 3 but received ${winLength}`);
  const n = (winLength - 1) / 2;
  const shape = x.shape;
  return torch.scope(() => {
    const flat = x.reshape([1, -1, shape[shape.length - 1]]); // [1, rows, frames]
    const padded = F.pad(flat, [n, n], { mode: 'replicate' });
    const w = Float32Array.from({ length: winLength }, (_, i) => i - n);
    const denom = (2 * (n * (n + 1) * (2 * n + 1))) / 6;
    const kernel = torch
      .tensor(w, { shape: [1, 1, winLength] })
      .div(denom)
      .to({ dtype: x.dtype, device: x.device });
    const rows = padded.reshape([-1, 1, padded.shape[2]]); // [rows, 1, frames + 2n]
    return F.conv1d(rows, kernel).reshape(shape);
  });
}
