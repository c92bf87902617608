/**
 * IDX files (LeCun's format for MNIST and Fashion-MNIST; http://yann.lecun.com/exdb/mnist/):
 * a big-endian header, magic = 0x0000 · type code · number of dims, then one uint32
 * per dim, then the elements row-major and big-endian. Gzipped files (`.gz`) are
 * recognised by their content; their header is inflated first and the size it
 * declares is checked (against `MAX_IDX_BYTES` and against what the compressed
 * bytes can hold) before the rest is inflated, never beyond that size.
 */
import { readFileSync } from 'node:fs';
import { constants, gunzipSync, type ZlibOptions } from 'node:zlib';
import * as torch from '../torch/index.js';

/** Magic number of an image file: uint8 elements, 3 dims [N, rows, cols]. */
export const IDX_IMAGES = 0x0803;
/** Magic number of a label file: uint8 elements, 1 dim [N]. */
export const IDX_LABELS = 0x0801;

type Reader = { size: number; make: (n: number) => ArrayBufferView & { [i: number]: number }; get: (v: DataView, at: number) => number };
const TYPES: Record<number, Reader> = {
  0x08: { size: 1, make: (n) => new Uint8Array(n), get: (v, at) => v.getUint8(at) },
  0x09: { size: 1, make: (n) => new Int8Array(n), get: (v, at) => v.getInt8(at) },
  0x0b: { size: 2, make: (n) => new Int16Array(n), get: (v, at) => v.getInt16(at) },
  0x0c: { size: 4, make: (n) => new Int32Array(n), get: (v, at) => v.getInt32(at) },
  0x0d: { size: 4, make: (n) => new Float32Array(n), get: (v, at) => v.getFloat32(at) },
  0x0e: { size: 8, make: (n) => new Float64Array(n), get: (v, at) => v.getFloat64(at) },
};

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

/** Largest IDX data read (bytes, header included): far above any IDX data set (EMNIST's largest file holds 0.7 GB). */
export const MAX_IDX_BYTES = 2 ** 32;
/** deflate's largest expansion: a 258-byte match coded in 2 bits (RFC 1951, 1-bit codes) gives 1032 bytes per input byte. */
const DEFLATE_RATIO = 1032;
/** The longest IDX header: magic and 255 dims. */
const MAX_HEADER = 4 + 4 * 255;

/** Inflates gzip bytes with zlib `opts`; null when the output would exceed `opts.maxOutputLength`. */
function gunzip(gz: Uint8Array, source: string, opts: ZlibOptions): Buffer | null {
  try {
    return gunzipSync(gz, opts);
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return null;
    throw new Error(`${source}: corrupt gzip data: ${(e as Error).message}`);
  }
}

/**
 * At least the first `need` inflated bytes of a gzip stream (all of them when it is
 * shorter): inflates growing prefixes of the compressed bytes with the output capped
 * at `need` + 64 KiB, so no stream, however compressible, makes it allocate more.
 */
function gunzipHead(gz: Uint8Array, need: number, source: string): Buffer {
  const cap = { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: need + 65536 };
  let [short, long] = [0, Infinity]; // prefixes whose output is below `need` / above the cap
  for (let n = Math.min(gz.length, 64); ;) {
    const out = gunzip(gz.subarray(0, n), source, cap);
    if (out && out.length >= need) return out;
    // The whole stream inflates to less: inflate it strictly, so a truncated one fails.
    if (out && n === gz.length) return gunzip(gz, source, { maxOutputLength: cap.maxOutputLength })!;
    if (out) short = n;
    else long = n;
    // One more compressed byte adds at most 8 · 258 bytes, far below the cap's slack.
    if (long - short <= 1)
      throw new Error(`${source}: corrupt gzip data: no prefix inflates to between ${need} and ${cap.maxOutputLength} bytes`);
    n = long === Infinity ? Math.min(gz.length, 2 * n) : Math.floor((short + long) / 2);
  }
}

/**
 * Parses IDX bytes into a tensor of the file's shape and type (uint8, int8, int16,
 * int32, float32 or float64). `source` names the file in errors; `magic`, when
 * given, is the expected type code and dims (e.g. `IDX_IMAGES`).
 */
export function parseIdx(bytes: Uint8Array, source = 'buffer', magic?: number): torch.Tensor {
  const gz = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  const head = gz ? gunzipHead(bytes, MAX_HEADER, source) : bytes;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.length < 4) throw new Error(`${source}: not an IDX file (${head.length} bytes, shorter than the 4-byte magic number)`);
  const found = view.getUint32(0);
  const type = TYPES[head[2]];
  const ndim = head[3];
  if (head[0] !== 0 || head[1] !== 0 || !type || ndim === 0)
    throw new Error(
      `${source}: not an IDX file: bad magic number ${hex(found)} (expected 0x0000, a type code in 08 09 0b 0c 0d 0e, and 1 or more dims)`,
    );
  if (magic !== undefined && found !== magic)
    throw new Error(
      `${source}: expected magic number ${hex(magic)} (${magic === IDX_IMAGES ? 'images' : magic === IDX_LABELS ? 'labels' : 'IDX'}) but found ${hex(found)}`,
    );
  const header = 4 + 4 * ndim;
  if (head.length < header)
    throw new Error(`${source}: truncated IDX header: ${ndim} dims need ${header} bytes but the file has ${head.length}`);
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const numel = shape.reduce((a, b) => a * b, 1);
  const expected = header + numel * type.size;
  const needs = `IDX data of shape [${shape}] needs ${expected} bytes`;
  if (expected > MAX_IDX_BYTES) throw new Error(`${source}: ${needs}, above the ${MAX_IDX_BYTES}-byte limit (MAX_IDX_BYTES)`);
  if (gz && expected > DEFLATE_RATIO * bytes.length)
    throw new Error(`${source}: ${needs} but ${bytes.length} gzipped bytes inflate to at most ${DEFLATE_RATIO * bytes.length} (truncated)`);
  const buf = gz ? gunzip(bytes, source, { maxOutputLength: expected }) : bytes;
  if (!buf) throw new Error(`${source}: ${needs} but the gzip stream holds more (trailing bytes)`);
  if (buf.length !== expected)
    throw new Error(`${source}: ${needs} but the file has ${buf.length} (${buf.length < expected ? 'truncated' : 'trailing bytes'})`);
  let data: ArrayBufferView;
  if (type.size === 1 && buf[2] === 0x08) data = buf.subarray(header);
  else {
    const out = type.make(numel);
    const body = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    for (let i = 0; i < numel; i++) out[i] = type.get(body, header + i * type.size);
    data = out;
  }
  return torch.tensor(data, { shape });
}

/** Reads an IDX file (optionally gzipped); see `parseIdx`. Errors name the file. */
export function readIdx(path: string, magic?: number): torch.Tensor {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read IDX file ${path}: ${(e as Error).message}`);
  }
  return parseIdx(bytes, path, magic);
}
