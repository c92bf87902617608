/**
 * Feature extraction with a frozen encoder, the first step of linear and kNN
 * evaluation (SimCLR, Chen et al. 2020, §4.2: evaluate the encoder output h,
 * before the projection head). Runs in batches without autograd; each batch's
 * temporaries are freed before the next, so memory holds the output [N, D]
 * plus one batch.
 */
import * as torch from '../torch/index.js';
import { int, tensor, within } from '../torch/check.js';

type Tensor = torch.Tensor;

export interface ExtractOptions {
  /** Images per call of the encoder. Default 256. */
  batchSize?: number;
  /** Applied to each batch [B, ...] before the encoder: e.g. scale uint8 to float, normalise, move to the GPU. */
  prepare?: (batch: Tensor) => Tensor;
  /** Called after each batch with the number of images done and the total N. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Encodes `images` [N, ...] batch by batch with `fn` (a batch [B, ...] → [B, D]),
 * under `torch.noGrad`, into one float32 tensor [N, D] on the device of fn's output.
 * Put the encoder in eval mode first (batch norm must use its running statistics).
 *
 *     const feats = extractFeatures((x) => encoder.forward(x), images, { prepare: (b) => b.float().div(255) });
 */
export function extractFeatures(fn: (x: Tensor) => Tensor, images: Tensor, o: ExtractOptions = {}): Tensor {
  const { batchSize = 256, prepare, onProgress } = o;
  if (typeof fn !== 'function') throw new TypeError(`extractFeatures: expected a function for fn but received ${typeof fn}`);
  within('extractFeatures', () => tensor(images, 'images'));
  if (images.ndim === 0 || images.shape[0] === 0)
    throw new RangeError(`extractFeatures: expected images [N, ...] with N >= 1 but received [${images.shape}]`);
  within('extractFeatures', () => int(batchSize, 'batchSize', 1));
  const n = images.shape[0];
  let out: Tensor | null = null;
  try {
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      out = torch.noGrad(() =>
        torch.scope(() => {
          const batch = images.narrow(0, start, size);
          const y = fn(prepare ? prepare(batch) : batch);
          const d = out?.shape[1];
          if (!(y instanceof torch.Tensor) || y.ndim !== 2 || y.shape[0] !== size || (d !== undefined && y.shape[1] !== d)) {
            const got = y instanceof torch.Tensor ? `[${y.shape}]` : typeof y;
            throw new RangeError(
              `extractFeatures: expected fn to return [B, D] = [${size}, ${d ?? 'D'}] for the batch at ${start} but received ${got}`,
            );
          }
          const dest = out ?? torch.empty([n, y.shape[1]], { device: y.device }); // [N, D] float32
          dest.narrow(0, start, size).copy_(y);
          return dest;
        }),
      );
      onProgress?.(start + size, n);
    }
  } catch (e) {
    out?.dispose();
    throw e;
  }
  return out!;
}
