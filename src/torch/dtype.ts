/** Data types, with libtorch's ScalarType codes. */
export type DType =
  'uint8' | 'int8' | 'int16' | 'int32' | 'int64' | 'float16' | 'float32' | 'float64' | 'bfloat16' | 'complex64' | 'complex128' | 'bool';

/** libtorch `c10::ScalarType` values (stable across releases). */
export const dtypeCode: Readonly<Record<DType, number>> = {
  uint8: 0,
  int8: 1,
  int16: 2,
  int32: 3,
  int64: 4,
  float16: 5,
  float32: 6,
  float64: 7,
  complex64: 9,
  complex128: 10,
  bool: 11,
  bfloat16: 15,
};

const byCode: DType[] = [];
for (const [name, code] of Object.entries(dtypeCode)) byCode[code] = name as DType;

export function dtypeFromCode(code: number): DType {
  const d = byCode[code];
  if (d === undefined) throw new RangeError(`Unsupported libtorch dtype code ${code}`);
  return d;
}

export const dtypeNames = Object.keys(dtypeCode) as DType[];

/** Bytes per element. */
export const itemSize: Readonly<Record<DType, number>> = {
  uint8: 1,
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  float16: 2,
  float32: 4,
  float64: 8,
  complex64: 8,
  complex128: 16,
  bool: 1,
  bfloat16: 2,
};

// PyTorch's dtype objects and their aliases (`torch.float32`, `torch.long`, …), as
// the dtype names, so `torch.tensor(data, { dtype: torch.int64 })` works everywhere a dtype does.
export const float32 = 'float32' as const;
export const float = float32;
export const float64 = 'float64' as const;
export const double = float64;
export const float16 = 'float16' as const;
export const half = float16;
export const bfloat16 = 'bfloat16' as const;
export const int64 = 'int64' as const;
export const long = int64;
export const int32 = 'int32' as const;
export const int = int32;
export const int16 = 'int16' as const;
export const short = int16;
export const int8 = 'int8' as const;
export const uint8 = 'uint8' as const;
export const bool = 'bool' as const;
export const complex64 = 'complex64' as const;
export const cfloat = complex64;
export const complex128 = 'complex128' as const;
export const cdouble = complex128;

export function isFloating(d: DType): boolean {
  return d === 'float16' || d === 'float32' || d === 'float64' || d === 'bfloat16';
}

export function isComplex(d: DType): boolean {
  return d === 'complex64' || d === 'complex128';
}

/** Typed array that holds a tensor's data when read out with `data()`. */
export type TypedArray = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array;

/** The typed array class for a dtype's raw bytes (float16/bfloat16 read out as float32). */
export function typedArrayFor(d: DType, buffer: ArrayBuffer): TypedArray {
  switch (d) {
    case 'float32':
    case 'complex64':
      return new Float32Array(buffer);
    case 'float64':
    case 'complex128':
      return new Float64Array(buffer);
    case 'int64':
      return new BigInt64Array(buffer);
    case 'int32':
      return new Int32Array(buffer);
    case 'int16':
      return new Int16Array(buffer);
    case 'int8':
      return new Int8Array(buffer);
    case 'uint8':
    case 'bool':
      return new Uint8Array(buffer);
    default:
      throw new TypeError(`No typed array for ${d}; convert first`);
  }
}

/** The dtype that matches a typed array given to `tensor()`. */
export function dtypeOfTypedArray(a: ArrayBufferView): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof BigInt64Array) return 'int64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray) return 'uint8';
  throw new TypeError(
    `tensor: unsupported typed array ${a.constructor.name}; use Float32Array, Float64Array, BigInt64Array, Int32Array, Int16Array, Int8Array or Uint8Array`,
  );
}
