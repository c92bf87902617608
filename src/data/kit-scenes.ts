/**
 * Form2Fit's training batches (Zakka et al. 2020, §IV): time-reversed
 * disassembly examples of the kit simulator (src/sim/) rendered into the kit
 * and object halves (grey + height, with seeded depth noise) and their labels —
 * suction and place pixels, the rotation bin, and up to K object↔kit pixel
 * correspondences for the matching network.
 */
import * as torch from '../torch/index.js';
import { correspondences, render, type AssemblyExample } from '../sim/index.js';
import { mixSeed, mulberry32 } from './noise.js';

type Tensor = torch.Tensor;

export interface SceneBatch {
  /** [N, 2, S, S] float32: grey, height above the table (m). */
  kit: Tensor;
  /** [N, 2, S, S] float32. */
  object: Tensor;
  /** [N, 2] int64 (x, y) on the object half. */
  suction: Tensor;
  /** [N, 2] int64 (x, y) in the unrotated kit half. */
  place: Tensor;
  /** [N] int64 rotation bin (20 bins of 18°). */
  rotation: Tensor;
  /** [N, K, 4] int64 (xo, yo, xk, yk), kit pixels unrotated; padding rows are −1. */
  matches: Tensor;
}

export interface SceneBatchOptions {
  /** Correspondences per example, K (a seeded sample when the object has more pixels; −1 rows pad when fewer). */
  matches: number;
  /** Depth noise σ (m). */
  noise: number;
  /** Seed of the noise and of the correspondence samples. */
  seed: number;
}

/** Up to k of n indices, a seeded sample without replacement (in order when n ≤ k). */
function sample(n: number, k: number, random: () => number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  if (n <= k) return idx;
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (n - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, k);
}

/** Renders and labels a batch of assembly examples; example i's noise and samples are seeded by (seed, i). */
export function sceneBatch(examples: AssemblyExample[], o: SceneBatchOptions): SceneBatch {
  if (!Array.isArray(examples) || examples.length === 0)
    throw new RangeError(
      `sceneBatch: expected a non-empty array of examples but received ${Array.isArray(examples) ? 'none' : typeof examples}`,
    );
  const { matches: k, noise, seed } = o;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`sceneBatch: expected a positive integer matches but received ${k}`);
  if (!Number.isInteger(seed)) throw new RangeError(`sceneBatch: expected an integer seed but received ${seed}`);
  const s = examples[0].scene.size;
  const bad = examples.findIndex((x) => x.scene.size !== s);
  if (bad >= 0)
    throw new RangeError(`sceneBatch: expected every scene of size ${s} but example ${bad} has size ${examples[bad].scene.size}`);
  const n = examples.length;
  const plane = 2 * s * s;
  const [kit, object] = [new Float32Array(n * plane), new Float32Array(n * plane)];
  const [suction, place, rotation] = [new Float64Array(2 * n), new Float64Array(2 * n), new Float64Array(n)];
  const matches = new Float64Array(n * k * 4).fill(-1);
  examples.forEach((x, i) => {
    const views = render(x.scene, { noise, seed: mixSeed(seed, i) });
    kit.set(views.kit, i * plane);
    object.set(views.object, i * plane);
    suction.set(x.suction, 2 * i);
    place.set(x.place, 2 * i);
    rotation[i] = x.rotationBin;
    const c = correspondences(x);
    sample(c.object.length, k, mulberry32(mixSeed(mixSeed(seed, i), 1))).forEach((m, j) =>
      matches.set([...c.object[m], ...c.kit[m]], (i * k + j) * 4),
    );
  });
  const long = (a: Float64Array, shape: number[]): Tensor => torch.tensor(a, { dtype: 'int64', shape });
  return {
    kit: torch.tensor(kit, { shape: [n, 2, s, s] }),
    object: torch.tensor(object, { shape: [n, 2, s, s] }),
    suction: long(suction, [n, 2]),
    place: long(place, [n, 2]),
    rotation: long(rotation, [n]),
    matches: long(matches, [n, k, 4]),
  };
}
