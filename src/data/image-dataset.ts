/**
 * Datasets of image files decoded on demand (so sets larger than memory stream):
 * item i is `{ image }` (subclasses add their fields) with `image` a [C, H, W] tensor — float32 in
 * [0, 1] (default) or uint8 — decoded in the worker pool (decode-pool.ts) or, with
 * `workers: 0`, on the main thread through sharp's own threads. A file that
 * cannot be decoded raises an ImageDecodeError naming it, or with
 * `onError: 'skip'` is logged, counted in `skipped` and read as `null` (the
 * DataLoader leaves it out of the batch).
 */
import * as torch from '../torch/index.js';
import { checkIndex, type Dataset } from './dataset.js';
import { DecodePool, sharedDecodePool } from './decode-pool.js';
import { decodeImage, resolveImageOptions, type ImageOptions, type RawImage } from './image.js';

export interface ImageDatasetOptions extends ImageOptions {
  /** 'float32' scales to [0, 1] (default); 'uint8' keeps 0…255. */
  dtype?: 'float32' | 'uint8';
  /** 'raise' (default) throws naming the file; 'skip' logs, counts and drops it. */
  onError?: 'raise' | 'skip';
  /** Where to decode: a pool, 0 for the main thread; default the shared pool. */
  workers?: DecodePool | 0;
  /** Receives the skip messages (default `console.warn`). */
  log?: (message: string) => void;
}

/** Makes a [C, H, W] tensor from planar pixels: uint8, or float32 scaled to [0, 1]. */
export function rawToTensor(raw: RawImage, dtype: 'float32' | 'uint8' = 'float32'): torch.Tensor {
  const u8 = torch.tensor(raw.data, { shape: raw.shape }); // [C, H, W] uint8
  if (dtype === 'uint8') return u8;
  const f = u8.to('float32').div_(255);
  u8.dispose();
  return f;
}

/** Decodes one image file to a [C, H, W] tensor (see `decodeImage` for the options). */
export async function loadImage(path: string, o: ImageOptions & { dtype?: 'float32' | 'uint8' }): Promise<torch.Tensor> {
  return rawToTensor(await decodeImage(path, o), o.dtype);
}

/** Image files as a dataset; subclasses override `sample` to add fields (labels, case ids). */
export class ImageDataset<S = { image: torch.Tensor }> implements Dataset<S> {
  readonly paths: readonly string[];
  /** Files skipped under `onError: 'skip'`, each with its error message (each file once). */
  readonly skipped = new Map<string, string>();
  protected readonly options: ImageDatasetOptions;

  constructor(paths: readonly string[], o: ImageDatasetOptions) {
    resolveImageOptions(o);
    const { dtype = 'float32', onError = 'raise', workers } = o;
    if (dtype !== 'float32' && dtype !== 'uint8')
      throw new RangeError(`ImageDataset: expected "float32" or "uint8" for dtype but received ${JSON.stringify(dtype)}`);
    if (onError !== 'raise' && onError !== 'skip')
      throw new RangeError(`ImageDataset: expected "raise" or "skip" for onError but received ${JSON.stringify(onError)}`);
    if (workers !== undefined && workers !== 0 && !(workers instanceof DecodePool))
      throw new TypeError(`ImageDataset: expected a DecodePool or 0 for workers but received ${String(workers)}`);
    this.paths = paths;
    this.options = o;
  }

  get length(): number {
    return this.paths.length;
  }

  /** The sample of item i given its decoded image [C, H, W]. */
  protected sample(image: torch.Tensor, i: number): S {
    void i;
    return { image } as S;
  }

  /** The sample of item i (decoded now), or null for a skipped file. */
  async get(i: number): Promise<S | null> {
    checkIndex(i, this.paths.length, 'ImageDataset.get');
    const path = this.paths[i];
    const o = this.options;
    let raw: RawImage;
    try {
      raw = await (o.workers === 0 ? decodeImage(path, o) : (o.workers ?? sharedDecodePool()).decode(path, o));
    } catch (e) {
      if (o.onError !== 'skip') throw e;
      const message = (e as Error).message;
      if (!this.skipped.has(path)) (o.log ?? console.warn)(`skipping ${message}`);
      this.skipped.set(path, message);
      return null;
    }
    return this.sample(rawToTensor(raw, o.dtype), i);
  }
}
