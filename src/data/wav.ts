/**
 * WAV (RIFF/WAVE) reading and writing (resampled on request with `resample`).
 *
 * Reads PCM 8 (unsigned) / 16 / 24 / 32-bit and IEEE float 32 / 64-bit, plain or
 * WAVE_FORMAT_EXTENSIBLE, into a float32 tensor [C, T] in [-1, 1] (integer PCM is
 * divided by 2^(bits−1)). Writes PCM int16 or float32. Compressed encodings (µ-law,
 * A-law, ADPCM, MP3 …), RIFX / RF64 and non-RIFF files are rejected with an error
 * naming the file and the encoding; truncated or corrupt files name the file and
 * the byte where reading failed.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic.js';
import * as torch from '../torch/index.js';
import { resample } from './resample.js';

type Tensor = torch.Tensor;

/** Sample encodings that can be read; `int16` and `float32` can also be written. */
export type WavFormat = 'uint8' | 'int16' | 'int24' | 'int32' | 'float32' | 'float64';

/** A decoded waveform. */
export interface Waveform {
  /** float32 [C, T] in [-1, 1] ([1, T] when mixed to mono). */
  audio: Tensor;
  sampleRate: number;
  /** The encoding found in the file. */
  format: WavFormat;
}

export interface ReadWavOptions {
  /** Resample to this rate (default: keep the file's rate); see `resample`. */
  sampleRate?: number;
  /** Mix the channels to one by their mean (default false: keep channels). */
  mono?: boolean;
}

/** A WAV file that cannot be read or written; the message names the file. */
export class WavError extends Error {
  override name = 'WavError';
}

const TAGS: Record<number, string> = {
  2: 'Microsoft ADPCM',
  6: 'A-law',
  7: 'µ-law',
  0x11: 'IMA ADPCM',
  0x31: 'GSM 6.10',
  0x50: 'MPEG',
  0x55: 'MPEG Layer 3',
};
const SUPPORTED = 'PCM 8/16/24/32-bit or IEEE float 32/64-bit';

function ascii(b: Uint8Array, at: number): string {
  return String.fromCharCode(...b.subarray(at, at + 4));
}

function encoding(tag: number, bits: number, fail: (m: string) => never): WavFormat {
  if (tag === 1 && bits === 8) return 'uint8';
  if (tag === 1 && (bits === 16 || bits === 24 || bits === 32)) return `int${bits}` as WavFormat;
  if (tag === 3 && (bits === 32 || bits === 64)) return `float${bits}` as WavFormat;
  const what = TAGS[tag] ?? (tag === 1 ? 'PCM' : tag === 3 ? 'IEEE float' : `format tag 0x${tag.toString(16)}`);
  return fail(`unsupported WAV encoding: ${what} (format tag ${tag}, ${bits} bits); supported: ${SUPPORTED}`);
}

/**
 * Decodes WAV bytes → { audio [C, T] float32, sampleRate, format }. `name` (a path)
 * appears in every error message.
 */
export function decodeWav(bytes: Uint8Array, name = '<bytes>', opts: ReadWavOptions = {}): Waveform {
  const fail = (m: string): never => {
    throw new WavError(`${name}: ${m}`);
  };
  if (bytes.length < 12) fail(`not a WAV file: ${bytes.length} bytes, shorter than a RIFF header (12)`);
  const riff = ascii(bytes, 0);
  if (riff === 'RIFX' || riff === 'RF64') fail(`unsupported WAV container '${riff}'; only little-endian 'RIFF' is read`);
  if (riff !== 'RIFF') fail(`not a WAV file: expected 'RIFF' at byte 0 but found ${JSON.stringify(riff)}`);
  if (ascii(bytes, 8) !== 'WAVE') fail(`not a WAV file: RIFF type is ${JSON.stringify(ascii(bytes, 8))}, expected 'WAVE'`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: { channels: number; rate: number; format: WavFormat; block: number } | null = null;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = ascii(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > bytes.length) fail(`truncated or corrupt 'fmt ' chunk at byte ${at} (size ${size})`);
      let tag = view.getUint16(body, true);
      const channels = view.getUint16(body + 2, true);
      const rate = view.getUint32(body + 4, true);
      const block = view.getUint16(body + 12, true);
      const bits = view.getUint16(body + 14, true);
      if (tag === 0xfffe) {
        if (size < 40) fail(`corrupt WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk at byte ${at} (size ${size}, expected 40)`);
        tag = view.getUint16(body + 24, true);
      }
      const format = encoding(tag, bits, fail);
      if (channels < 1 || rate < 1 || block !== channels * (bits / 8))
        fail(`corrupt 'fmt ' chunk: ${channels} channels, ${rate} Hz, block align ${block} for ${bits}-bit samples`);
      fmt = { channels, rate, format, block };
    } else if (id === 'data') {
      if (!fmt) fail(`'data' chunk at byte ${at} comes before any 'fmt ' chunk`);
      const f = fmt!;
      if (body + size > bytes.length)
        fail(`truncated: 'data' chunk at byte ${at} declares ${size} bytes but only ${bytes.length - body} follow`);
      if (size % f.block) fail(`truncated: 'data' chunk holds ${size} bytes, not a whole number of ${f.block}-byte frames`);
      const audio = samples(view, body, size / f.block, f.channels, f.format);
      return finish({ audio, sampleRate: f.rate, format: f.format }, opts);
    }
    at = body + size + (size & 1);
  }
  return fail(fmt ? `no 'data' chunk (file ends at byte ${bytes.length})` : `no 'fmt ' chunk (file ends at byte ${bytes.length})`);
}

/** De-interleaves frames → float32 [C, T]. */
function samples(view: DataView, at: number, frames: number, channels: number, format: WavFormat): Tensor {
  const out = new Float32Array(frames * channels);
  const n = frames * channels;
  const read: (i: number) => number = {
    uint8: (i: number) => (view.getUint8(at + i) - 128) / 128,
    int16: (i: number) => view.getInt16(at + 2 * i, true) / 32768,
    int24: (i: number) =>
      (view.getUint8(at + 3 * i) | (view.getUint8(at + 3 * i + 1) << 8) | (view.getInt8(at + 3 * i + 2) << 16)) / 8388608,
    int32: (i: number) => view.getInt32(at + 4 * i, true) / 2147483648,
    float32: (i: number) => view.getFloat32(at + 4 * i, true),
    float64: (i: number) => view.getFloat64(at + 8 * i, true),
  }[format];
  for (let i = 0; i < n; i++) out[(i % channels) * frames + Math.floor(i / channels)] = read(i);
  return torch.tensor(out, { shape: [channels, frames] });
}

function finish(w: Waveform, opts: ReadWavOptions): Waveform {
  let { audio, sampleRate } = w;
  if (opts.mono && audio.shape[0] > 1) audio = torch.scope(() => audio.mean(0, true));
  if (opts.sampleRate !== undefined && opts.sampleRate !== sampleRate) {
    audio = resample(audio, sampleRate, opts.sampleRate);
    sampleRate = opts.sampleRate;
  }
  return { audio, sampleRate, format: w.format };
}

/** Reads a WAV file → { audio [C, T] float32 in [-1, 1], sampleRate, format }, optionally mono and resampled. */
export function readWav(path: string, opts: ReadWavOptions = {}): Waveform {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new WavError(`${path}: cannot read: ${(e as Error).message}`);
  }
  return decodeWav(bytes, path, opts);
}

export interface WriteWavOptions {
  /** Sample encoding (default 'int16'): int16 clips to [-1, 1 − 2⁻¹⁵] and rounds to nearest. */
  format?: 'int16' | 'float32';
}

/** Encodes audio [C, T] (or [T]) at `sampleRate` as WAV bytes (PCM int16 or IEEE float32). */
export function encodeWav(audio: Tensor, sampleRate: number, opts: WriteWavOptions = {}): Uint8Array {
  const format = opts.format ?? 'int16';
  if (format !== 'int16' && format !== 'float32')
    throw new TypeError(`encodeWav: expected format 'int16' or 'float32' but received ${JSON.stringify(format)}`);
  if (!Number.isInteger(sampleRate) || sampleRate < 1)
    throw new RangeError(`encodeWav: expected a positive integer sampleRate but received ${sampleRate}`);
  if (audio.dim() !== 1 && audio.dim() !== 2)
    throw new RangeError(`encodeWav: expected audio [C, T] or [T] but received shape [${audio.shape.join(', ')}]`);
  const [channels, frames] = audio.dim() === 1 ? [1, audio.shape[0]] : audio.shape;
  const data = torch.scope(() => audio.to({ dtype: 'float32', device: 'cpu' }).contiguous().data()) as Float32Array;
  const width = format === 'int16' ? 2 : 4;
  const size = frames * channels * width;
  const bytes = new Uint8Array(44 + size);
  const view = new DataView(bytes.buffer);
  const put = (at: number, s: string): void => {
    for (let i = 0; i < 4; i++) bytes[at + i] = s.charCodeAt(i);
  };
  put(0, 'RIFF');
  view.setUint32(4, 36 + size, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, format === 'int16' ? 1 : 3, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * width, true);
  view.setUint16(32, channels * width, true);
  view.setUint16(34, width * 8, true);
  put(36, 'data');
  view.setUint32(40, size, true);
  for (let t = 0; t < frames; t++) {
    for (let c = 0; c < channels; c++) {
      const v = data[c * frames + t];
      const at = 44 + (t * channels + c) * width;
      if (format === 'float32') view.setFloat32(at, v, true);
      else view.setInt16(at, Math.max(-32768, Math.min(32767, Math.round(v * 32768))), true);
    }
  }
  return bytes;
}

/** Writes audio [C, T] (or [T]) as a WAV file atomically. */
export function writeWav(path: string, audio: Tensor, sampleRate: number, opts: WriteWavOptions = {}): void {
  const bytes = encodeWav(audio, sampleRate, opts);
  try {
    writeFileAtomic(path, bytes, 'writeWav');
  } catch (e) {
    throw new WavError((e as Error).message);
  }
}
