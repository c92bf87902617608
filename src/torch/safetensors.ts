/**
 * safetensors read/write (https://github.com/huggingface/safetensors format):
 * 8-byte little-endian header length, a JSON header mapping each name to
 * `{ dtype, shape, data_offsets }` (plus optional `__metadata__` strings), then the
 * raw little-endian tensor bytes. Files are written atomically (temp file + rename).
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync, unlinkSync } from 'node:fs';
import { native } from './native.js';
import { Tensor } from './tensor.js';
import { type DType, dtypeCode } from './dtype.js';

const toFormat: Partial<Record<DType, string>> = {
  float64: 'F64', float32: 'F32', float16: 'F16', bfloat16: 'BF16',
  int64: 'I64', int32: 'I32', int16: 'I16', int8: 'I8', uint8: 'U8', bool: 'BOOL',
};
const fromFormat = new Map(Object.entries(toFormat).map(([d, f]) => [f, d as DType]));
const itemSize: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

export type Metadata = Record<string, string>;

/** Serialises named tensors (moved to CPU, made contiguous) into one buffer. */
export function serialize(tensors: Record<string, Tensor>, metadata?: Metadata): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const names = Object.keys(tensors).sort((a, b) => {
    const sa = itemSize[toFormat[tensors[a].dtype] ?? 'U8'];
    const sb = itemSize[toFormat[tensors[b].dtype] ?? 'U8'];
    return sb - sa || (a < b ? -1 : a > b ? 1 : 0);
  });
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    if (!(t instanceof Tensor)) throw new TypeError(`safetensors: entry "${name}" is not a Tensor`);
    const format = toFormat[t.dtype];
    if (!format) throw new TypeError(`safetensors: tensor "${name}" has dtype ${t.dtype}, which the format cannot store`);
    const bytes = Buffer.from(native.toBytes(t._h) as ArrayBuffer);
    header[name] = { dtype: format, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((json.length + 8) % 8)) % 8);
  const head = Buffer.alloc(8);
  const jsonBytes = Buffer.from(json, 'utf8');
  head.writeBigUInt64LE(BigInt(jsonBytes.length));
  return Buffer.concat([head, jsonBytes, ...chunks]);
}

/** Parses a safetensors buffer; `source` names the file in error messages. */
export function deserialize(buf: Uint8Array, source = 'buffer'): { tensors: Record<string, Tensor>; metadata: Metadata } {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 8) throw new Error(`${source}: not a safetensors file (${b.length} bytes, shorter than the 8-byte header length)`);
  const n = Number(b.readBigUInt64LE(0));
  if (n > b.length - 8) throw new Error(`${source}: truncated or not a safetensors file (header length ${n} exceeds file size ${b.length})`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(b.subarray(8, 8 + n).toString('utf8'));
  } catch (e) {
    throw new Error(`${source}: corrupt safetensors header: ${(e as Error).message}`);
  }
  const data = b.subarray(8 + n);
  const tensors: Record<string, Tensor> = {};
  let metadata: Metadata = {};
  try {
    for (const [name, entry] of Object.entries(header)) {
      if (name === '__metadata__') {
        metadata = entry as Metadata;
        continue;
      }
      const e = entry as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
      const dtype = fromFormat.get(e.dtype ?? '');
      if (!dtype) throw new Error(`${source}: tensor "${name}" has unsupported dtype ${JSON.stringify(e.dtype)}`);
      const shape = e.shape;
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
        throw new Error(`${source}: tensor "${name}" has an invalid shape ${JSON.stringify(shape)}`);
      const [begin, end] = e.data_offsets ?? [NaN, NaN];
      const expected = shape.reduce((a, c) => a * c, 1) * itemSize[e.dtype!];
      if (!(begin >= 0 && end <= data.length && end - begin === expected))
        throw new Error(`${source}: tensor "${name}" has data_offsets ${JSON.stringify(e.data_offsets)} that do not fit shape [${shape}] of ${e.dtype} (${expected} bytes) within ${data.length} data bytes`);
      // Copy into an aligned buffer: the view into the file may be misaligned.
      const bytes = new Uint8Array(data.subarray(begin, end));
      tensors[name] = new Tensor(native.fromBytes(bytes, dtypeCode[dtype], shape, null, 'cpu'));
    }
  } catch (e) {
    for (const t of Object.values(tensors)) t.dispose();
    throw e;
  }
  return { tensors, metadata };
}

/** Writes `path` atomically: a crash mid-write leaves the previous file intact. */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/** Saves named tensors to a .safetensors file (atomically). */
export function saveFile(path: string, tensors: Record<string, Tensor>, metadata?: Metadata): void {
  writeFileAtomic(path, serialize(tensors, metadata));
}

/** Loads every tensor of a .safetensors file onto the CPU. */
export function loadFile(path: string): Record<string, Tensor> {
  return loadFileWithMetadata(path).tensors;
}

export function loadFileWithMetadata(path: string): { tensors: Record<string, Tensor>; metadata: Metadata } {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new Error(`safetensors: cannot read ${path}: ${(e as Error).message}`);
  }
  return deserialize(buf, path);
}
