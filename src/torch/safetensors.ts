/**
 * safetensors read/write (https://github.com/huggingface/safetensors format):
 * 8-byte little-endian header length, a JSON header mapping each name to
 * `{ dtype, shape, data_offsets }` (plus optional `__metadata__` strings), then the
 * raw little-endian tensor bytes. Files are written atomically (temp file + rename).
 *
 * Reading validates everything before any tensor is made, as the reference
 * implementation does: each tensor's byte range matches its shape and dtype, the
 * ranges tile the data exactly (no overlap, no byte covered by no tensor), and no
 * name repeats. A corrupt or hostile file gives an Error naming the file and the
 * offending tensor, never a crash. Tensors load into a null-prototype object, so a
 * tensor named `__proto__` or `constructor` is an ordinary entry.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic.js';
import { native } from './native.js';
import { Tensor } from './tensor.js';
import { type DType, dtypeCode } from './dtype.js';
import { describe } from './check.js';

const toFormat: Partial<Record<DType, string>> = {
  float64: 'F64',
  float32: 'F32',
  float16: 'F16',
  bfloat16: 'BF16',
  int64: 'I64',
  int32: 'I32',
  int16: 'I16',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
};
const fromFormat = new Map(Object.entries(toFormat).map(([d, f]) => [f, d as DType]));
const itemSize: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
/** Headers above this size are refused (the reference implementation's limit). */
const MAX_HEADER = 100_000_000;

export type Metadata = Record<string, string>;

function checkMetadata(metadata: unknown, where: string): asserts metadata is Metadata {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))
    throw new TypeError(`${where}: __metadata__ must be an object of strings but received ${describe(metadata)}`);
  for (const [k, v] of Object.entries(metadata))
    if (typeof v !== 'string') throw new TypeError(`${where}: __metadata__ entry "${k}" must be a string but received ${describe(v)}`);
}

/** Serialises named tensors (moved to CPU, made contiguous) into one buffer. */
export function serialize(tensors: Record<string, Tensor>, metadata?: Metadata): Buffer {
  if (tensors === null || typeof tensors !== 'object' || tensors instanceof Tensor)
    throw new TypeError(`safetensors: expected an object mapping names to Tensors but received ${describe(tensors)}`);
  const entries = tensors instanceof Map ? [...(tensors as Map<string, Tensor>).entries()] : Object.entries(tensors);
  // Validate everything before reading any data.
  const formats = new Map<string, string>();
  for (const [name, t] of entries) {
    if (name === '__metadata__') throw new TypeError('safetensors: "__metadata__" is reserved and cannot name a tensor');
    if (!(t instanceof Tensor)) throw new TypeError(`safetensors: entry "${name}" is not a Tensor (received ${describe(t)})`);
    if (t.isDisposed) throw new TypeError(`safetensors: tensor "${name}" was disposed`);
    const format = toFormat[t.dtype];
    if (!format) throw new TypeError(`safetensors: tensor "${name}" has dtype ${t.dtype}, which the format cannot store`);
    formats.set(name, format);
  }
  const header: Record<string, unknown> = Object.create(null);
  if (metadata !== undefined) {
    checkMetadata(metadata, 'safetensors');
    header.__metadata__ = metadata;
  }
  // Largest items first, then by name: every tensor starts aligned to its item size.
  const names = entries
    .map(([n]) => n)
    .sort((a, b) => {
      const d = itemSize[formats.get(b)!] - itemSize[formats.get(a)!];
      return d || (a < b ? -1 : a > b ? 1 : 0);
    });
  const byName = new Map(entries);
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const name of names) {
    const t = byName.get(name)!;
    const bytes = Buffer.from(native.toBytes(t._h) as ArrayBuffer);
    header[name] = { dtype: formats.get(name), shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  // Pad the header with spaces so the data starts 8-byte aligned (in bytes, not UTF-16 units).
  let jsonBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (8 - (jsonBytes.length % 8)) % 8;
  if (pad) jsonBytes = Buffer.concat([jsonBytes, Buffer.alloc(pad, 0x20)]);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(jsonBytes.length));
  return Buffer.concat([head, jsonBytes, ...chunks]);
}

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * The keys of a JSON object's top level in order, repeats included (JSON.parse keeps
 * only the last of a repeated key). `text` must already have parsed as an object.
 */
function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let keyNext = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (depth === 1 && keyNext) keys.push(JSON.parse(text.slice(i, j + 1)) as string);
      keyNext = false;
      i = j;
    } else if (c === '{' || c === '[') keyNext = ++depth === 1;
    else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 1) keyNext = true;
  }
  return keys;
}

type Span = { name: string; begin: number; end: number };

/**
 * Checks that the byte ranges tile [0, size) exactly, as the reference reader does
 * (sorted by offsets, each begins where the previous ended, the last ends at the end).
 */
function checkTiling(spans: Span[], size: number, source: string): void {
  const sorted = [...spans].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: Span | undefined;
  const at = (s: Span): string => `tensor "${s.name}" at [${s.begin}, ${s.end})`;
  for (const s of sorted) {
    if (s.begin < pos) throw new Error(`${source}: ${at(s)} overlaps ${at(prev!)}`);
    if (s.begin > pos) throw new Error(`${source}: data bytes [${pos}, ${s.begin}) belong to no tensor (before ${at(s)})`);
    pos = s.end;
    prev = s;
  }
  if (pos < size)
    throw new Error(
      `${source}: data bytes [${pos}, ${size}) belong to no tensor (${prev ? `after ${at(prev)}` : 'the header lists none'})`,
    );
}

/** Parses a safetensors buffer; `source` names the file in error messages. */
export function deserialize(buf: Uint8Array, source = 'buffer'): { tensors: Record<string, Tensor>; metadata: Metadata } {
  if (!(buf instanceof Uint8Array)) throw new TypeError(`safetensors: expected a Uint8Array or Buffer but received ${describe(buf)}`);
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 8) throw new Error(`${source}: not a safetensors file (${b.length} bytes, shorter than the 8-byte header length)`);
  const n64 = b.readBigUInt64LE(0);
  if (n64 > BigInt(b.length - 8))
    throw new Error(
      `${source}: truncated or not a safetensors file (header length ${n64} exceeds the ${b.length - 8} bytes after the length field)`,
    );
  const n = Number(n64);
  if (n > MAX_HEADER) throw new Error(`${source}: safetensors header of ${n} bytes exceeds the ${MAX_HEADER}-byte limit`);
  const text = b.subarray(8, 8 + n).toString('utf8');
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: corrupt safetensors header (invalid JSON): ${(e as Error).message}`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    throw new Error(`${source}: corrupt safetensors header: expected a JSON object but found ${describe(header)}`);
  const seen = new Set<string>();
  for (const key of topLevelKeys(text)) {
    if (seen.has(key))
      throw new Error(`${source}: ${key === '__metadata__' ? '__metadata__' : `tensor "${key}"`} appears more than once in the header`);
    seen.add(key);
  }
  const data = b.subarray(8 + n);
  const metadata: Metadata = Object.create(null);
  // Validate every entry first, then make tensors.
  const plan: (Span & { dtype: DType; shape: number[]; format: string })[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      try {
        checkMetadata(entry, `${source}`);
      } catch (e) {
        throw new Error((e as Error).message);
      }
      Object.assign(metadata, entry);
      continue;
    }
    const where = `${source}: tensor "${name}"`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
      throw new Error(`${where}: header entry must be an object with dtype, shape and data_offsets but is ${describe(entry)}`);
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = typeof e.dtype === 'string' ? fromFormat.get(e.dtype) : undefined;
    if (!dtype)
      throw new Error(`${where} has unsupported dtype ${JSON.stringify(e.dtype)} (supported: ${[...fromFormat.keys()].join(', ')})`);
    const format = e.dtype as string;
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every(isIndex))
      throw new Error(`${where} has an invalid shape ${JSON.stringify(shape)} (expected an array of non-negative integers)`);
    const offsets = e.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex))
      throw new Error(`${where} has invalid data_offsets ${JSON.stringify(offsets)} (expected [begin, end] byte offsets)`);
    const [begin, end] = offsets as [number, number];
    if (end < begin) throw new Error(`${where} has data_offsets ${JSON.stringify(offsets)} out of order (end before begin)`);
    const numel = shape.reduce((a: number, c: number) => a * c, 1);
    const expected = numel * itemSize[format];
    if (end > data.length || end - begin !== expected)
      throw new Error(
        `${where} has data_offsets ${JSON.stringify(offsets)} that do not fit shape [${shape}] of ${format} (${expected} bytes) within ${data.length} data bytes`,
      );
    plan.push({ name, dtype, shape, begin, end, format });
  }
  checkTiling(plan, data.length, source);
  const tensors: Record<string, Tensor> = Object.create(null);
  try {
    for (const p of plan) {
      // Copy into a fresh (aligned) buffer: the view into the file may be misaligned.
      const bytes = new Uint8Array(data.subarray(p.begin, p.end));
      if (p.format === 'BOOL') {
        const bad = bytes.findIndex((v) => v > 1);
        if (bad >= 0)
          throw new Error(`${source}: tensor "${p.name}" is BOOL but element ${bad} holds byte ${bytes[bad]} (expected 0 or 1)`);
      }
      tensors[p.name] = new Tensor(native.fromBytes(bytes, dtypeCode[p.dtype], p.shape, null, 'cpu'));
    }
  } catch (e) {
    for (const t of Object.values(tensors)) t.dispose();
    throw e;
  }
  return { tensors, metadata };
}

/** Saves named tensors to a .safetensors file (atomically). */
export function saveFile(path: string, tensors: Record<string, Tensor>, metadata?: Metadata): void {
  if (typeof path !== 'string' || path === '') throw new TypeError(`safetensors: expected a file path but received ${describe(path)}`);
  // serialize() validates and reads every tensor before anything touches the disk.
  writeFileAtomic(path, serialize(tensors, metadata), 'safetensors');
}

/** Loads every tensor of a .safetensors file onto the CPU. */
export function loadFile(path: string): Record<string, Tensor> {
  return loadFileWithMetadata(path).tensors;
}

/** Loads every tensor of a .safetensors file and its `__metadata__` strings. */
export function loadFileWithMetadata(path: string): { tensors: Record<string, Tensor>; metadata: Metadata } {
  if (typeof path !== 'string' || path === '') throw new TypeError(`safetensors: expected a file path but received ${describe(path)}`);
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new Error(`safetensors: cannot read ${path}: ${(e as Error).message}`);
  }
  return deserialize(buf, path);
}
