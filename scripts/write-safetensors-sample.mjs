// Writes a deterministic safetensors sample with every dtype the format stores,
// using selfsup's writer (dist/src/index.js: build first with `npm run build`).
// tools/goldens/g_safetensors_fmt.py runs it and verifies the file with an
// independent Python reader; its SAMPLE table mirrors the one below.
//
//     node scripts/write-safetensors-sample.mjs out.safetensors
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const out = process.argv[2];
if (!out) {
  console.error('usage: node scripts/write-safetensors-sample.mjs <out.safetensors>');
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { torch } = await import(pathToFileURL(join(root, 'dist', 'src', 'index.js')).href);

const F32 = [0, 1.5, -2.25, 3.4028234663852886e38, 1.1754943508222875e-38, 1.401298464324817e-45, Infinity, -Infinity, NaN, -0];
const F64 = [1 / 3, -1e300, 5e-324, Infinity, -Infinity, NaN, 0.1, -0];
const F16 = [0, 1, -2.5, 65504, -65504, 6.103515625e-5, 5.960464477539063e-8, Infinity, -Infinity, NaN, 0.333251953125, -0];
const BF16 = [1.5, -3, 3.3895313892515355e38, 9.183549615799121e-41, 0.0078125, -Infinity, NaN, -0];
const I64 = [0n, 1n, -1n, 2n ** 62n, -(2n ** 63n), 2n ** 63n - 1n, 123456789012345n];

const range = (a, b) => Array.from({ length: b - a }, (_, i) => a + i);
const t = torch.tensor;
const sample = {
  f32: t(Float32Array.from(F32), { shape: [2, 5] }),
  f64: t(Float64Array.from(F64), { shape: [2, 2, 2] }),
  f16: t(Float32Array.from(F16), { dtype: 'float16' }),
  bf16: t(Float32Array.from(BF16), { shape: [2, 4], dtype: 'bfloat16' }),
  i64: t(BigInt64Array.from(I64)),
  i32: t(Int32Array.from([-(2 ** 31), 2 ** 31 - 1, 0, 7]), { shape: [2, 2] }),
  i16: t(Int16Array.from([-32768, 32767, -1, 0, 1, 12345]), { shape: [3, 2] }),
  i8: t(Int8Array.from(range(-128, 128)), { shape: [16, 16] }),
  u8: t(Uint8Array.from(range(0, 256))),
  bool: t([
    [true, false, true],
    [false, false, true],
  ]),
  'scalar.f32': t(3.5),
  'scalar.i64': t(-7, { dtype: 'int64' }),
  'scalar.bool': t(true),
  'empty.f32': torch.zeros([0]),
  'empty.i64': torch.zeros([2, 0, 3], { dtype: 'int64' }),
  'empty.bool': torch.zeros([0], { dtype: 'bool' }),
  // Non-contiguous: written in logical (row-major) order.
  transposed: torch.arange(6, undefined, 1, { dtype: 'float32' }).reshape([2, 3]).t(),
};
torch.safetensors.saveFile(out, sample, { writer: 'selfsup', note: 'unicode \u00fc\u2713 pads by bytes', empty: '' });
for (const x of Object.values(sample)) x.dispose();
console.log(`wrote ${Object.keys(sample).length} tensors to ${out}`);
