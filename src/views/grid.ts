/**
 * Looking at views: tile an image batch into one grid (torchvision's `make_grid`)
 * and encode it as PNG with node:zlib (8-bit grayscale or RGB, no dependencies).
 */
import { writeFileAtomic } from '../io/atomic.js';
import { crc32, deflateSync } from 'node:zlib';
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { fail, int, num, options } from '../torch/check.js';
import { checkImages } from './image/common.js';

type Tensor = torch.Tensor;

export interface GridOptions {
  /** Images per row. Default 8. */
  nrow?: number;
  /** Pixels between and around the images. Default 2. */
  padding?: number;
  /** Value of the padding, in [0, 1]. Default 1 (white). */
  padValue?: number;
}

/**
 * Tiles images into rows of `nrow`, separated by `padding` pixels of `padValue`.
 * x: [N, C, H, W] -> [C, rows·(H + p) + p, nrow·(W + p) + p].
 */
export function imageGrid(x: Tensor, o?: GridOptions): Tensor {
  const [n, c, h, w] = checkImages(x, 'imageGrid');
  const { nrow = 8, padding = 2, padValue = 1 } = options(o, 'imageGrid', ['nrow', 'padding', 'padValue']);
  const [cols, p, v] = [Math.min(int(nrow, 'nrow', 1), n), int(padding, 'padding', 0), num(padValue, 'padValue', 0, 1)];
  const rows = Math.ceil(n / cols);
  return torch.scope(() => {
    const cells = torch.full([rows * cols, c, h + p, w + p], v, { dtype: x.dtype, device: x.device });
    cells.narrow(0, 0, n).narrow(2, p, h).narrow(3, p, w).copy_(x);
    // [rows, cols, C, h + p, w + p] -> [C, rows, h + p, cols, w + p]
    const tiled = cells
      .view([rows, cols, c, h + p, w + p])
      .permute([2, 0, 3, 1, 4])
      .reshape([c, rows * (h + p), cols * (w + p)]);
    return F.pad(tiled, [0, p, 0, p], { value: v });
  });
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * PNG bytes of one image in [0, 1] (values are clamped, then rounded to 8 bits as
 * torchvision's `save_image`). img: [C, H, W] with C = 1 (grayscale) or 3 (RGB).
 */
export function encodePng(img: Tensor): Buffer {
  if (!(img instanceof torch.Tensor) || img.dim() !== 3 || (img.shape[0] !== 1 && img.shape[0] !== 3)) {
    fail(img instanceof torch.Tensor ? `shape [${img.shape}]` : img, 'encodePng img', 'an image Tensor [C, H, W] with C = 1 or 3');
  }
  const [c, h, w] = img.shape;
  const pixels = torch.scope(
    () => img.mul(255).add(0.5).clamp(0, 255).to({ dtype: 'uint8' }).permute([1, 2, 0]).contiguous().data() as Uint8Array,
  );
  const stride = w * c;
  const raw = new Uint8Array(h * (stride + 1)); // each scanline: filter byte 0 (none) + pixels
  for (let y = 0; y < h; y++) raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, c === 1 ? 0 : 2, 0, 0, 0], 8); // bit depth 8, grayscale or RGB, deflate, no filter, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))]);
}

/** Writes `encodePng(img)` to `path`. img: [C, H, W] in [0, 1]. */
export function writePng(path: string, img: Tensor): void {
  writeFileAtomic(path, encodePng(img), 'view grid');
}
