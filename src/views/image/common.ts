/**
 * Shared pieces of the image views: argument checks and the plumbing that turns
 * per-sample parameters (drawn in JS from a `torch.Generator`) into tensors that
 * broadcast over an image batch [N, C, H, W]. The `View` contract is in
 * ../view.ts (re-exported here).
 */
import * as torch from '../../torch/index.js';
import { fail, num } from '../../torch/check.js';

type Tensor = torch.Tensor;

export type { View } from '../view.js';

/** A per-sample scalar parameter: one number for the whole batch, or a tensor [N]. */
export type PerSample = number | Tensor;

/** Checks x is a floating image batch [N, C, H, W] with C in `channels` (any C ≥ 1 for 'any'); returns its shape. */
export function checkImages(x: unknown, api: string, channels: readonly number[] | 'any' = [1, 3]): [number, number, number, number] {
  if (!(x instanceof torch.Tensor)) fail(x, `${api} input`, 'a Tensor of images [N, C, H, W]');
  const s = x.shape;
  if (s.length !== 4) throw new RangeError(`${api}: expected images of shape [N, C, H, W] but received shape [${s}]`);
  if (channels === 'any' ? s[1] < 1 : !channels.includes(s[1]))
    throw new RangeError(
      `${api}: expected ${channels === 'any' ? 'at least 1' : channels.join(' or ')} channels (dim 1) but received shape [${s}]`,
    );
  if (x.dtype !== 'float32' && x.dtype !== 'float64' && x.dtype !== 'float16') {
    throw new TypeError(`${api}: expected floating images in [0, 1] but received dtype ${x.dtype} (convert uint8 with x.float().div(255))`);
  }
  return s as [number, number, number, number];
}

/** A probability in [0, 1]. */
export const probability = (p: unknown, name: string): number => num(p, name, 0, 1);

/** A [min, max] pair of numbers within [lo, hi] with min <= max. */
export function range(v: unknown, name: string, lo = -Infinity, hi = Infinity): [number, number] {
  const ok = Array.isArray(v) && v.length === 2 && v.every((e) => typeof e === 'number' && e >= lo && e <= hi) && v[0] <= v[1];
  const bounds = lo === -Infinity && hi === Infinity ? '' : ` within [${lo}, ${hi}]`;
  if (!ok) fail(v, name, `a [min, max] pair of numbers${bounds}`);
  return v as [number, number];
}

/**
 * A per-sample parameter as something that broadcasts over [N, C, H, W]: a number
 * stays a number; a tensor [N] becomes [N, 1, 1, 1] in x's dtype and device.
 */
export function perSample(x: Tensor, v: PerSample, name: string, api: string): number | Tensor {
  if (typeof v === 'number') return num(v, name);
  if (!(v instanceof torch.Tensor)) fail(v, name, 'a number or a Tensor [N]');
  const n = x.shape[0];
  if (v.numel() !== n) throw new RangeError(`${api}: expected ${name} to hold one value per sample (${n}) but received shape [${v.shape}]`);
  return v.to({ dtype: x.dtype, device: x.device }).reshape([n, 1, 1, 1]);
}

/**
 * A generator that draws per-sample parameters for the global batch of a data-parallel
 * run and hands out its shard's rows: a batch of n is shard `index` of `count`, rows
 * [index·n, (index+1)·n) of the draws for count·n samples. Every rank's generator then
 * advances exactly as one process's on the whole batch, so W ranks make the views one
 * process would, and the generator's state is the same on every world size (a
 * checkpoint resumes on any). Drawing count·n parameters costs little next to applying
 * them to n images.
 */
export class ShardGenerator extends torch.Generator {
  constructor(
    seed: number,
    readonly index: number,
    readonly count: number,
  ) {
    super(seed);
    if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count)
      throw new RangeError(`ShardGenerator: expected 0 ≤ index < count (integers) but received index ${index} and count ${count}`);
  }
}

/** `n` × `k` draws of `torch[kind]` from `generator` (row-major, a ShardGenerator's rows of the global batch), read back into JS. */
function draws(kind: 'rand' | 'randn', n: number, k: number, generator?: torch.Generator): Float32Array {
  if (n * k === 0) return new Float32Array(0);
  const shard = generator instanceof ShardGenerator ? generator : null;
  const t = torch[kind]([n * (shard?.count ?? 1), k], { generator });
  const data = t.data() as Float32Array;
  t.dispose();
  return shard ? data.subarray(shard.index * n * k, (shard.index + 1) * n * k) : data;
}

/** `n` × `k` uniforms on [0, 1) from `generator` (row-major), read back into JS. */
export const uniforms = (n: number, k: number, generator?: torch.Generator): Float32Array => draws('rand', n, k, generator);

/** `n` × `k` standard normals from `generator` (row-major), read back into JS. */
export const normals = (n: number, k: number, generator?: torch.Generator): Float32Array => draws('randn', n, k, generator);

/** Per-sample coin flips: true with probability p (torchvision's `torch.rand(1) < p`). */
export function coins(n: number, p: number, generator?: torch.Generator): boolean[] {
  return Array.from(uniforms(n, 1, generator), (u) => u < p);
}

/** Per-sample values as a tensor [N, 1, 1, 1] in x's dtype and device. */
export function column(x: Tensor, values: ArrayLike<number>): Tensor {
  const data = x.dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  const t = torch.tensor(data, { shape: [values.length, 1, 1, 1], device: x.device });
  return x.dtype === 'float16' ? t.to({ dtype: 'float16' }) : t;
}

/**
 * Applies `steps` in turn and frees each intermediate as soon as the next step has
 * used it (never `x` itself). On large batches this keeps memory hot: retaining
 * every temporary until the end of a scope makes each op touch fresh pages.
 */
export function pipe(x: Tensor, ...steps: ((t: Tensor) => Tensor)[]): Tensor {
  let y = x;
  for (const step of steps) {
    const z = step(y);
    if (y !== x && z !== y) y.dispose();
    y = z;
  }
  return y;
}

/** Elements per slice in `chunked` (4 MB of float32: a slice and its temporaries stay in cache). */
const CHUNK = 1 << 20;

/**
 * Runs `fn` on consecutive slices of the batch, `fn(slice, start)`, and gathers the
 * results into one tensor. Long chains of elementwise ops (colour jitter, hue)
 * run ~2× faster on cache-sized slices than on a batch of many megabytes.
 */
export function chunked(x: Tensor, fn: (slice: Tensor, start: number) => Tensor): Tensor {
  const n = x.shape[0];
  const per = Math.max(1, Math.floor((CHUNK * n) / Math.max(1, x.numel())));
  if (per >= n) return fn(x, 0);
  return torch.scope(() => {
    let out: Tensor | undefined;
    for (let start = 0; start < n; start += per) {
      const len = Math.min(per, n - start);
      const y = fn(x.narrow(0, start, len), start);
      out ??= torch.empty([n, ...y.shape.slice(1)], { dtype: y.dtype, device: y.device });
      out.narrow(0, start, len).copy_(y);
      y.dispose();
    }
    return out!;
  });
}

/** Per-sample flags as a bool tensor [N, 1, 1, 1] on x's device. */
export function mask(x: Tensor, flags: readonly boolean[]): Tensor {
  return torch.tensor(flags as boolean[], { dtype: 'bool', device: x.device }).view([flags.length, 1, 1, 1]);
}

/**
 * Applies `fn` to the samples whose `selected` flag is true and leaves the others as
 * they are. `fn` receives the selected images [K, C, H, W] and their indices. With
 * `inPlace` the result is written into x itself (for temporaries the caller owns).
 */
export function onSubset(x: Tensor, selected: readonly boolean[], fn: (sub: Tensor, idx: number[]) => Tensor, inPlace = false): Tensor {
  const idx = selected.flatMap((m, i) => (m ? [i] : []));
  if (idx.length === 0) return x;
  return torch.scope(() => {
    if (idx.length === selected.length && !inPlace) return fn(x, idx);
    const at = torch.tensor(idx, { dtype: 'int64', device: x.device });
    const out = inPlace ? x : x.clone();
    out.indexPut_(
      [at],
      pipe(x.indexSelect(0, at), (sub) => fn(sub, idx)),
    );
    return out;
  });
}
