/**
 * Image decoding with sharp (libvips): PNG, JPEG and WebP files are decoded,
 * composited over a background when they carry alpha, converted to RGB or
 * grayscale and resized to a fixed size. The result is planar uint8 pixels
 * [C, H, W] (C = 3 for RGB, 1 for grayscale), a fresh buffer that can be
 * transferred between threads. This module does not load the tensor engine, so
 * the decode workers (decode-worker.ts) can import it.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Sharp, SharpOptions } from 'sharp';

type SharpFn = (input: Uint8Array, o: SharpOptions) => Sharp;
let sharpModule: Promise<SharpFn> | null = null;
/** sharp, loaded on first use (so importing selfsup does not load libvips). */
const loadSharp = (): Promise<SharpFn> => (sharpModule ??= import('sharp').then((m) => m.default as SharpFn));

/** File extensions of the supported formats (lower case). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.webp'];

/** The format named by the file's first bytes (its signature), or null. */
export function sniffFormat(b: Uint8Array): 'png' | 'jpeg' | 'webp' | null {
  const ascii = (at: number, s: string): boolean => [...s].every((c, k) => b[at + k] === c.charCodeAt(0));
  if (b[0] === 0x89 && ascii(1, 'PNG\r\n')) return 'png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'webp';
  return null;
}

export interface ImageOptions {
  /** Output size: `n` for n×n or `[height, width]`. */
  size: number | readonly [number, number];
  /** 3 for RGB (default), 1 for grayscale (ITU-R 601-2 luma, as PIL and torchvision). */
  channels?: 1 | 3;
  /**
   * How the image fits the size: 'fill' stretches (default, like torchvision's
   * `Resize((h, w))`), 'cover' scales and crops the centre, 'contain' letterboxes
   * with the background colour.
   */
  fit?: 'fill' | 'cover' | 'contain';
  /** Colour under transparent pixels and around 'contain' letterboxes, '#rrggbb'. Default white. */
  background?: string;
}

/** Decoded pixels: planar uint8 `data` of shape [C, H, W]. */
export interface RawImage {
  data: Uint8Array;
  shape: [number, number, number];
}

/** An image that could not be read or decoded; `file` names it. */
export class ImageDecodeError extends Error {
  override name = 'ImageDecodeError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: cannot decode image: ${reason}`);
  }
}

/** Validates options and fills the defaults; throws a RangeError naming the bad option. */
export function resolveImageOptions(o: ImageOptions): Required<ImageOptions> & { size: [number, number] } {
  if (o === null || typeof o !== 'object') throw new TypeError(`image: expected options with a size but received ${String(o)}`);
  const size = typeof o.size === 'number' ? [o.size, o.size] : o.size;
  if (!Array.isArray(size) || size.length !== 2 || !size.every((d) => Number.isInteger(d) && d > 0))
    throw new RangeError(`image: expected a positive integer or [height, width] for size but received ${JSON.stringify(o.size)}`);
  const { channels = 3, fit = 'fill', background = '#ffffff' } = o;
  if (channels !== 1 && channels !== 3)
    throw new RangeError(`image: expected 1 or 3 for channels but received ${JSON.stringify(channels)}`);
  if (!['fill', 'cover', 'contain'].includes(fit))
    throw new RangeError(`image: expected "fill", "cover" or "contain" for fit but received ${JSON.stringify(fit)}`);
  if (typeof background !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(background))
    throw new RangeError(`image: expected a colour "#rrggbb" for background but received ${JSON.stringify(background)}`);
  return { size: [size[0], size[1]], channels, fit, background };
}

/** True when `path` has a supported image extension. */
export function isImageFile(path: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(path).toLowerCase());
}

/** Throws an Error naming `path` (and `where`, e.g. "manifest.csv:3") unless its extension is supported. */
export function checkImageFile(path: string, where = ''): void {
  if (!isImageFile(path))
    throw new Error(
      `${where ? `${where}: ` : ''}${path}: unsupported image format "${extname(path) || '(none)'}" (supported: ${IMAGE_EXTENSIONS.join(', ')})`,
    );
}

/**
 * Decodes the image file `path` (or encoded bytes, with `path` naming them in
 * errors) to planar uint8 [C, H, W] at `o.size`. A missing, truncated or corrupt
 * file, or one of another format, rejects with an ImageDecodeError naming it.
 */
export async function decodeImage(path: string, o: ImageOptions, bytes?: Uint8Array): Promise<RawImage> {
  const {
    size: [h, w],
    channels,
    fit,
    background,
  } = resolveImageOptions(o);
  let pixels: Buffer;
  try {
    const input = bytes ?? (await readFile(path));
    if (!sniffFormat(input)) throw new Error('not a PNG, JPEG or WebP file (unknown signature)');
    const sharp = await loadSharp();
    const p = sharp(input, { failOn: 'warning' }).flatten({ background }).resize(w, h, { fit, background, kernel: 'linear' });
    const out = await p.toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
    if (out.info.channels !== 3 || out.info.width !== w || out.info.height !== h)
      throw new Error(`decoded to ${out.info.width}×${out.info.height}×${out.info.channels}, expected ${w}×${h}×3`);
    pixels = out.data;
  } catch (e) {
    throw new ImageDecodeError(path, (e as Error).message);
  }
  return { data: channels === 1 ? toLuma(pixels, h * w) : toPlanar(pixels, h * w), shape: [channels, h, w] };
}

/** Interleaved RGB [H, W, 3] → planar [3, H, W], into a fresh (transferable) buffer. */
function toPlanar(hwc: Uint8Array, hw: number): Uint8Array {
  const out = new Uint8Array(hw * 3);
  for (let k = 0; k < 3; k++) for (let i = 0; i < hw; i++) out[k * hw + i] = hwc[i * 3 + k];
  return out;
}

/** Interleaved RGB → grey levels [1, H, W]: ITU-R 601-2 luma L = 0.299 R + 0.587 G + 0.114 B, exactly as PIL's convert('L') (and so torchvision's Grayscale). */
function toLuma(hwc: Uint8Array, hw: number): Uint8Array {
  const out = new Uint8Array(hw);
  for (let i = 0; i < hw; i++) out[i] = (hwc[3 * i] * 19595 + hwc[3 * i + 1] * 38470 + hwc[3 * i + 2] * 7471 + 0x8000) >>> 16;
  return out;
}
