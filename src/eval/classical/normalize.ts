/** The benchmark grid's two feature normalisations, on row-major float64 matrices [N·D]. */

/** Each row scaled to unit Euclidean norm (a zero row stays zero), in place. */
export function l2Normalize(x: Float64Array, dim: number): Float64Array {
  for (let r = 0; r < x.length; r += dim) {
    let s = 0;
    for (let j = r; j < r + dim; j++) s += x[j] * x[j];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = r; j < r + dim; j++) x[j] *= inv;
  }
  return x;
}

/**
 * Each feature z-scored within each speaker's rows (mean 0, population std 1; a
 * feature constant for a speaker is only centred), in place: scikit-learn's
 * StandardScaler fitted per speaker.
 */
export function speakerNormalize(x: Float64Array, dim: number, speakers: readonly string[]): Float64Array {
  const groups = new Map<string, number[]>();
  speakers.forEach((s, i) => (groups.get(s) ?? groups.set(s, []).get(s)!).push(i));
  for (const rows of groups.values()) {
    for (let f = 0; f < dim; f++) {
      let mean = 0;
      for (const i of rows) mean += x[i * dim + f];
      mean /= rows.length;
      let v = 0;
      for (const i of rows) v += (x[i * dim + f] - mean) ** 2;
      const std = Math.sqrt(v / rows.length);
      const inv = std > 0 ? 1 / std : 1;
      for (const i of rows) x[i * dim + f] = (x[i * dim + f] - mean) * inv;
    }
  }
  return x;
}
