/**
 * 2-D maps of embeddings with UMAP (McInnes, Healy & Melville 2018, "UMAP:
 * Uniform Manifold Approximation and Projection for Dimension Reduction",
 * arXiv:1802.03426) through the `umap-js` package, driven by a seeded random
 * function so that the same seed gives the same map.
 */
import { UMAP } from 'umap-js';
import { int } from '../torch/check.js';
import { mulberry32 } from '../data/noise.js';

/** Mulberry32 (src/data/noise.ts): a small, fast, seeded generator of uniform numbers in [0, 1). */
export const seededRandom = mulberry32;

/** `k` distinct indices of 0…n-1 (all of them when k ≥ n), chosen with `seed`, ascending. */
export function sampleIndices(n: number, k: number, seed: number): number[] {
  int(n, 'n', 0);
  int(k, 'k', 0);
  const all = Array.from({ length: n }, (_, i) => i);
  if (k >= n) return all;
  const random = seededRandom(seed);
  // Partial Fisher–Yates: the first k slots end up a uniform sample.
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (n - i));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, k).sort((a, b) => a - b);
}

export interface Embed2dOptions {
  /** Seed of UMAP's random choices (default 0). */
  seed?: number;
  /** Neighbours of each point in UMAP's graph (default 15, at most N - 1). */
  nNeighbors?: number;
  /** Optimisation epochs (default: umap-js's, 500 for up to 2,500 points). */
  nEpochs?: number;
}

/**
 * Maps N points of dimension `dim` (x: [N, dim] row-major) to 2-D with UMAP
 * under cosine geometry (rows are L2-normalised first, as kNN evaluation
 * compares embeddings by cosine similarity). Returns [N, 2] row-major.
 */
export function embed2d(x: Float32Array, dim: number, o: Embed2dOptions = {}): Float32Array {
  int(dim, 'dim', 1);
  if (x.length % dim !== 0) throw new RangeError(`embed2d: ${x.length} values do not form rows of dim ${dim}`);
  const n = x.length / dim;
  if (n < 3) throw new RangeError(`embed2d: UMAP needs at least 3 points but received ${n}`);
  const seed = o.seed ?? 0;
  int(seed, 'seed', 0);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from(x.subarray(i * dim, (i + 1) * dim));
    const norm = Math.sqrt(row.reduce((s, v) => s + v * v, 0)) || 1;
    rows.push(row.map((v) => v / norm));
  }
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(o.nNeighbors ?? 15, n - 1),
    nEpochs: o.nEpochs,
    random: seededRandom(seed),
  });
  const out = new Float32Array(2 * n);
  umap.fit(rows).forEach(([a, b], i) => {
    out[2 * i] = a;
    out[2 * i + 1] = b;
  });
  return out;
}
