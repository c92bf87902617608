/**
 * Random forest classifier (Breiman 2001, "Random Forests"), following
 * scikit-learn's `RandomForestClassifier(n_estimators=100)` as the non-semantic
 * speech benchmark uses it: each tree grows on a bootstrap sample, fully (to pure
 * leaves), splitting on the best Gini split among ⌊√D⌋ randomly drawn features
 * (more are drawn while the drawn ones are constant in the node), thresholds at
 * midpoints between neighbouring values; the forest averages the trees' leaf class
 * distributions. `balanced` weights samples by N / (K·N_class) in the Gini counts
 * and leaves (scikit-learn's `class_weight='balanced'`). Seeded and deterministic,
 * but not bit-identical to scikit-learn (different random streams).
 *
 * Speed: features are ranked once per fit (a libtorch sort); a node sorts its
 * samples by packing rank·N + position into one float64 key for an in-place quicksort.
 */
import * as torch from '../../torch/index.js';
import { mulberry32 } from '../../data/noise.js';
import { classWeights, type Classifier } from './classifier.js';

type Tensor = torch.Tensor;

export interface ForestOptions {
  /** Default 100. */
  trees?: number;
  /** Default false. */
  balanced?: boolean;
  /** Features drawn per split. Default ⌊√D⌋ (at least 1). */
  maxFeatures?: number;
  /** Default 0. */
  seed?: number;
}

/** Flat trees: node j splits on feature[j] at threshold[j] (≤ goes left), or is a leaf when feature[j] = −1, its class distribution then being row left[j] of probs [leaves, K]. */
interface Tree {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  probs: Float64Array;
}

/** Dense ranks of each column, feature-major: rank[f·N + i], and the value of each rank, values[f·N + r]. */
function rankColumns(x: Tensor): { rank: Int32Array; values: Float64Array } {
  const [n, d] = x.shape;
  const { order, sorted } = torch.scope(() => {
    const s = x.t().contiguous().sort(1); // [D, N]
    return { order: s.indices.data() as BigInt64Array, sorted: s.values.data() as Float64Array };
  });
  const rank = new Int32Array(n * d);
  const values = new Float64Array(n * d);
  for (let f = 0; f < d; f++) {
    let r = -1;
    for (let j = 0; j < n; j++) {
      const v = sorted[f * n + j];
      if (j === 0 || v !== sorted[f * n + j - 1]) values[f * n + ++r] = v;
      rank[f * n + Number(order[f * n + j])] = r;
    }
  }
  return { rank, values };
}

/** Sorts a[lo, hi) ascending in place: quicksort (median of three) down to runs of 16, then insertion sort. */
function sortRange(a: Float64Array, lo: number, hi: number): void {
  while (hi - lo > 16) {
    const mid = (lo + hi) >>> 1;
    const p = a[lo];
    const q = a[mid];
    const r = a[hi - 1];
    const pivot = Math.max(Math.min(p, q), Math.min(Math.max(p, q), r));
    let i = lo;
    let j = hi - 1;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (j - lo < hi - i - 1) {
      sortRange(a, lo, j + 1);
      lo = i;
    } else {
      sortRange(a, i, hi);
      hi = j + 1;
    }
  }
  for (let i = lo + 1; i < hi; i++) {
    const v = a[i];
    let j = i - 1;
    for (; j >= lo && a[j] > v; j--) a[j + 1] = a[j];
    a[j + 1] = v;
  }
}

interface Growth {
  n: number;
  d: number;
  k: number;
  y: Int32Array;
  rank: Int32Array;
  values: Float64Array;
  mtry: number;
}

/**
 * The best Gini split of samples[start, end) on feature f: the proxy score
 * Σ_c L_c²/W_L + Σ_c R_c²/W_R (higher is purer) and the last rank going left; null if f is constant there.
 */
function scanFeature(
  g: Growth,
  w: Float64Array,
  f: number,
  samples: Int32Array,
  start: number,
  end: number,
  keys: Float64Array,
  total: Float64Array,
  wAll: number,
  lw: Float64Array,
): { score: number; rank: number } | null {
  const { n, k, y, rank } = g;
  const m = end - start;
  for (let j = 0; j < m; j++) keys[j] = rank[f * n + samples[start + j]] * n + j;
  sortRange(keys, 0, m);
  if (Math.floor(keys[0] / n) === Math.floor(keys[m - 1] / n)) return null;
  lw.fill(0);
  let wl = 0;
  let best = -Infinity;
  let bestRank = 0;
  let r = Math.floor(keys[0] / n);
  for (let j = 0; j < m - 1; j++) {
    const i = samples[start + keys[j] - r * n];
    lw[y[i]] += w[i];
    wl += w[i];
    const next = Math.floor(keys[j + 1] / n);
    if (next === r) continue;
    let sl = 0;
    let sr = 0;
    for (let c = 0; c < k; c++) {
      const right = total[c] - lw[c];
      sl += lw[c] * lw[c];
      sr += right * right;
    }
    const score = sl / wl + sr / (wAll - wl);
    if (score > best) {
      best = score;
      bestRank = r;
    }
    r = next;
  }
  return { score: best, rank: bestRank };
}

/** Grows one tree on samples with weights w (0 = not in the bootstrap). */
function growTree(g: Growth, w: Float64Array, rand: () => number): Tree {
  const { n, d, k, y, rank, values, mtry } = g;
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const probs: number[] = [];
  const samples = Int32Array.from([...w.keys()].filter((i) => w[i] > 0));
  const features = Int32Array.from({ length: d }, (_, f) => f);
  const keys = new Float64Array(samples.length);
  const scratch = new Int32Array(samples.length);
  const total = new Float64Array(k);
  const lw = new Float64Array(k);
  const stack: [number, number, number][] = [[0, samples.length, 0]]; // [start, end, node]
  const addNode = (): number => {
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    return feature.length - 1;
  };
  addNode();
  while (stack.length > 0) {
    const [start, end, node] = stack.pop()!;
    total.fill(0);
    for (let j = start; j < end; j++) total[y[samples[j]]] += w[samples[j]];
    const wAll = total.reduce((a, b) => a + b, 0);
    const pure = total.filter((v) => v > 0).length <= 1;
    let best = -Infinity;
    let bestF = -1;
    let bestRank = 0;
    for (let drawn = 0, visited = 0; !pure && drawn < d && (visited < mtry || bestF < 0); drawn++) {
      const pick = drawn + Math.floor(rand() * (d - drawn));
      [features[drawn], features[pick]] = [features[pick], features[drawn]];
      const f = features[drawn];
      const split = scanFeature(g, w, f, samples, start, end, keys, total, wAll, lw);
      if (split === null) continue; // constant here
      visited++;
      if (split.score > best) [best, bestF, bestRank] = [split.score, f, split.rank];
    }
    if (bestF < 0) {
      feature[node] = -1;
      left[node] = probs.length / k;
      for (let c = 0; c < k; c++) probs.push(total[c] / wAll);
      continue;
    }
    let lo = start;
    let hi = 0;
    for (let j = start; j < end; j++) {
      const i = samples[j];
      if (rank[bestF * n + i] <= bestRank) samples[lo++] = i;
      else scratch[hi++] = i;
    }
    samples.set(scratch.subarray(0, hi), lo);
    let nextRank = Infinity;
    for (let j = lo; j < end; j++) nextRank = Math.min(nextRank, rank[bestF * n + samples[j]]);
    const a = values[bestF * n + bestRank];
    const b = values[bestF * n + nextRank];
    const mid = a / 2 + b / 2;
    feature[node] = bestF;
    threshold[node] = mid === b ? a : mid;
    for (const [s, e, side] of [
      [start, lo, left],
      [lo, end, right],
    ] as const) {
      side[node] = addNode();
      stack.push([s, e, side[node]]);
    }
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    probs: Float64Array.from(probs),
  };
}

/** Fits on float64 rows x [N, D] with class indices y in [0, K). */
export function fitForest(x: Tensor, y: Int32Array, numClasses: number, o: ForestOptions = {}): Classifier {
  const [n, d] = x.shape;
  const { trees = 100, balanced = false, maxFeatures = Math.max(1, Math.floor(Math.sqrt(d))), seed = 0 } = o;
  const { rank, values } = rankColumns(x);
  const growth: Growth = { n, d, k: numClasses, y, rank, values, mtry: maxFeatures };
  const cw = balanced ? classWeights(y, numClasses) : new Float64Array(numClasses).fill(1);
  const rand = mulberry32(seed);
  const forest: Tree[] = [];
  for (let t = 0; t < trees; t++) {
    const w = new Float64Array(n);
    for (let j = 0; j < n; j++) w[Math.floor(rand() * n)]++;
    for (let i = 0; i < n; i++) w[i] *= cw[y[i]];
    forest.push(growTree(growth, w, rand));
  }
  const predict = (t: Tensor): Int32Array => {
    const m = t.shape[0];
    const data = torch.scope(() => t.contiguous().data() as Float64Array);
    const out = new Int32Array(m);
    const p = new Float64Array(numClasses);
    for (let r = 0; r < m; r++) {
      p.fill(0);
      for (const tree of forest) {
        let j = 0;
        while (tree.feature[j] >= 0) j = data[r * d + tree.feature[j]] <= tree.threshold[j] ? tree.left[j] : tree.right[j];
        for (let c = 0; c < numClasses; c++) p[c] += tree.probs[tree.left[j] * numClasses + c];
      }
      out[r] = p.indexOf(Math.max(...p));
    }
    return out;
  };
  return { predict };
}
