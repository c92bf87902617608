/**
 * JPEG round trips of image batches with sharp (libvips, baseline JPEG with the
 * IJG quality scaling and Annex K tables, 4:2:0 chroma for RGB): ImageNet-C's
 * `jpeg_compression` (Hendrycks & Dietterich 2019), which saves each image with
 * PIL at a quality per severity and decodes it. One encode per image costs far
 * more than the codec work on a 28-pixel image, so the batch is laid out as a
 * mosaic of cells aligned to the JPEG blocks and coded at once. JPEG codes each
 * 8×8 block (16×16 with subsampled chroma) on its own, so a grey image padded to
 * whole blocks by repeating its edge (as libjpeg pads) codes as it would alone;
 * RGB cells also get a 16-pixel repeated-edge margin on every side, because the
 * decoder's chroma upsampling reads the neighbouring chroma samples: it then
 * sees the image's own edge, never the neighbouring image. (A lone RGB image
 * decodes its outermost 2 pixels from repeated edge chroma samples instead, so
 * there the two can differ by a few levels; grey images match PIL byte for byte.)
 */
import type { Sharp, SharpOptions } from 'sharp';
import * as torch from '../../torch/index.js';
import * as F from '../../torch/functional/index.js';
import { int } from '../../torch/check.js';

type Tensor = torch.Tensor;
type SharpFn = (input: Uint8Array, o?: SharpOptions) => Sharp;

let sharpModule: Promise<SharpFn> | null = null;
/** sharp, loaded on first use (so importing selfsup does not load libvips). */
const loadSharp = (): Promise<SharpFn> => (sharpModule ??= import('sharp').then((m) => m.default as SharpFn));

/** Cells per mosaic row: a mosaic of 64 × 64 cells of 32 pixels is 2048 pixels wide. */
const COLUMNS = 64;

const roundUp = (v: number, k: number): number => Math.ceil(v / k) * k;

/**
 * Encodes each image as a JPEG of `quality` (1…100) and decodes it.
 * x: uint8 [N, C, H, W] with C 1 or 3 -> uint8, same shape.
 */
export async function jpegRoundTrip(x: Tensor, quality: number): Promise<Tensor> {
  int(quality, 'quality', 1, 100);
  if (x.dtype !== 'uint8' || x.dim() !== 4 || (x.shape[1] !== 1 && x.shape[1] !== 3))
    throw new TypeError(`jpegRoundTrip: expected uint8 images [N, 1 or 3, H, W] but received ${x.dtype} [${x.shape}]`);
  const [n, c, h, w] = x.shape;
  const block = c === 1 ? 8 : 16;
  const margin = c === 1 ? 0 : 16;
  const [ch, cw] = [2 * margin + roundUp(h, block), 2 * margin + roundUp(w, block)];
  const [cols, rows] = [Math.min(n, COLUMNS), Math.ceil(n / COLUMNS)];
  const mosaic = torch.scope(() => {
    const padded = F.pad(x.cpu().to({ dtype: 'float32' }), [margin, cw - w - margin, margin, ch - h - margin], { mode: 'replicate' });
    const cells = torch.cat([padded, torch.zeros([rows * cols - n, c, ch, cw])]).to({ dtype: 'uint8' });
    return cells.view([rows, cols, c, ch, cw]).permute([0, 3, 1, 4, 2]).contiguous(); // [rows, ch, cols, cw, C]: an HWC image
  });
  const sharp = await loadSharp();
  const raw = { width: cols * cw, height: rows * ch, channels: c as 1 | 3 };
  const encoder = sharp(mosaic.data() as Uint8Array, { raw });
  mosaic.dispose();
  const jpeg = await (c === 1 ? encoder.toColourspace('b-w') : encoder).jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer();
  const decoded = await sharp(jpeg)
    .toColourspace(c === 1 ? 'b-w' : 'srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (decoded.info.channels !== c || decoded.info.width !== raw.width || decoded.info.height !== raw.height)
    throw new Error(
      `jpegRoundTrip: sharp decoded ${decoded.info.width}×${decoded.info.height}×${decoded.info.channels}, expected ${raw.width}×${raw.height}×${c}`,
    );
  return torch.scope(() =>
    torch
      .tensor(new Uint8Array(decoded.data), { shape: [rows, ch, cols, cw, c], dtype: 'uint8' })
      .permute([0, 2, 4, 1, 3]) // [rows, cols, C, ch, cw]
      .reshape([rows * cols, c, ch, cw])
      .narrow(0, 0, n)
      .narrow(2, margin, h)
      .narrow(3, margin, w)
      .contiguous()
      .to({ device: x.device }),
  );
}
