/**
 * Collation (PyTorch's `default_collate`): a list of B samples becomes one batch
 * of the same structure — tensors [...] are stacked to [B, ...], numbers become a
 * [B] tensor (int64 when all are integers, else float32), booleans a [B] bool
 * tensor, strings a string[]; arrays (tuples) and plain objects are collated
 * field by field. Shape mismatches are reported with the field's path.
 */
import * as torch from '../torch/index.js';

export type Collate<T, B> = (samples: T[]) => B;

/** `min(m, n)` indices evenly spaced over [0, m): ⌊i·m/k⌋ for i < k = min(m, n) (every index when m ≤ n). */
export function spreadIndices(m: number, n: number): number[] {
  const k = Math.min(m, n);
  return Array.from({ length: k }, (_, i) => Math.floor((i * m) / k));
}

/** `n` rows of x [M, …] at evenly spaced indices (`spreadIndices`; all of them when M ≤ n). */
export function spread(x: torch.Tensor, n: number): torch.Tensor {
  if (x.shape[0] <= n) return x;
  return torch.scope(() => x.indexSelect(0, torch.tensor(Float64Array.from(spreadIndices(x.shape[0], n)), { dtype: 'int64' })));
}

/** The arrays of `parts` one after another in one Float32Array (audio tracks, per-frame targets, feature rows). */
export function concatFloat32(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

function kind(v: unknown): string {
  if (v instanceof torch.Tensor) return 'Tensor';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function collateAt(samples: unknown[], path: string): unknown {
  const first = samples[0];
  const k = kind(first);
  samples.forEach((s, i) => {
    if (kind(s) !== k) throw new TypeError(`collate: ${path}: sample ${i} is ${kind(s)} but sample 0 is ${k}`);
  });
  if (first instanceof torch.Tensor) {
    const shape = first.shape.join(',');
    (samples as torch.Tensor[]).forEach((t, i) => {
      if (t.shape.join(',') !== shape || t.dtype !== first.dtype)
        throw new RangeError(
          `collate: ${path}: sample ${i} has shape [${t.shape}] ${t.dtype} but sample 0 has [${first.shape}] ${first.dtype}`,
        );
    });
    return torch.stack(samples as torch.Tensor[]); // [B, ...]
  }
  if (k === 'number') {
    const xs = samples as number[];
    const ints = xs.every(Number.isInteger);
    return torch.tensor(Float64Array.from(xs), { dtype: ints ? 'int64' : 'float32' }); // [B]
  }
  if (k === 'boolean') return torch.tensor(Uint8Array.from(samples as boolean[], Number), { dtype: 'bool' });
  if (k === 'string' || k === 'null' || k === 'undefined') return samples;
  if (Array.isArray(first)) {
    (samples as unknown[][]).forEach((s, i) => {
      if (s.length !== first.length)
        throw new RangeError(`collate: ${path}: sample ${i} has ${s.length} fields but sample 0 has ${first.length}`);
    });
    return first.map((_, j) =>
      collateAt(
        (samples as unknown[][]).map((s) => s[j]),
        `${path}[${j}]`,
      ),
    );
  }
  if (k === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first as object))
      out[key] = collateAt(
        (samples as Record<string, unknown>[]).map((s) => s[key]),
        `${path}.${key}`,
      );
    return out;
  }
  throw new TypeError(`collate: ${path}: cannot collate values of type ${k}`);
}

/** Collates B samples into one batch (see the module comment). Throws on an empty list. */
export function defaultCollate<B = unknown>(samples: unknown[]): B {
  if (!Array.isArray(samples) || samples.length === 0) throw new RangeError('collate: expected a non-empty array of samples');
  return collateAt(samples, 'batch') as B;
}

/** Every tensor reachable from `value` through arrays and plain objects. */
export function tensorsIn(value: unknown, out = new Set<torch.Tensor>()): Set<torch.Tensor> {
  if (value instanceof torch.Tensor) out.add(value);
  else if (Array.isArray(value)) value.forEach((v) => tensorsIn(v, out));
  else if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value))
    Object.values(value).forEach((v) => tensorsIn(v, out));
  return out;
}

/** Disposes every tensor reachable from `value` except those in `keep`. */
export function disposeTensors(value: unknown, keep: ReadonlySet<torch.Tensor> = new Set()): void {
  for (const t of tensorsIn(value)) if (!keep.has(t)) t.dispose();
}
