/**
 * IDX files (LeCun's format for MNIST and Fashion-MNIST; http://yann.lecun.com/exdb/mnist/):
 * a big-endian header, magic = 0x0000 · type code · number of dims, then one uint32
 * per dim, then the elements row-major and big-endian. Gzipped files (`.gz`) are
 * recognised by their content and inflated first.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
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

/**
 * Parses IDX bytes into a tensor of the file's shape and type (uint8, int8, int16,
 * int32, float32 or float64). `source` names the file in errors; `magic`, when
 * given, is the expected type code and dims (e.g. `IDX_IMAGES`).
 */
export function parseIdx(bytes: Uint8Array, source = 'buffer', magic?: number): torch.Tensor {
  let buf = bytes;
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
      throw new Error(`${source}: corrupt gzip data: ${(e as Error).message}`);
    }
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 4) throw new Error(`${source}: not an IDX file (${buf.length} bytes, shorter than the 4-byte magic number)`);
  const found = view.getUint32(0);
  const type = TYPES[buf[2]];
  const ndim = buf[3];
  if (buf[0] !== 0 || buf[1] !== 0 || !type || ndim === 0)
    throw new Error(`${source}: not an IDX file: bad magic number ${hex(found)} (expected 0x0000, a type code in 08 09 0b 0c 0d 0e, and 1 or more dims)`);
  if (magic !== undefined && found !== magic)
    throw new Error(`${source}: expected magic number ${hex(magic)} (${magic === IDX_IMAGES ? 'images' : magic === IDX_LABELS ? 'labels' : 'IDX'}) but found ${hex(found)}`);
  const header = 4 + 4 * ndim;
  if (buf.length < header) throw new Error(`${source}: truncated IDX header: ${ndim} dims need ${header} bytes but the file has ${buf.length}`);
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const numel = shape.reduce((a, b) => a * b, 1);
  const expected = header + numel * type.size;
  if (buf.length !== expected)
    throw new Error(`${source}: IDX data of shape [${shape}] needs ${expected} bytes but the file has ${buf.length} (${buf.length < expected ? 'truncated' : 'trailing bytes'})`);
  let data: ArrayBufferView;
  if (type.size === 1 && buf[2] === 0x08) data = buf.subarray(header);
  else {
    const out = type.make(numel);
    for (let i = 0; i < numel; i++) out[i] = type.get(view, header + i * type.size);
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
