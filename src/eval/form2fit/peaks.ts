/**
 * Local maxima of a square score map, as scikit-image's
 * `feature.peak_local_max(image, min_distance, threshold_rel, num_peaks)` with
 * its defaults (`exclude_border=True`, a (2·min_distance+1)² square footprint,
 * the Chebyshev norm): a pixel is a peak when it equals the maximum of its
 * footprint (the footprint clipped at the image edge, as `maximum_filter`'s
 * 'nearest' mode), lies more than `minDistance` pixels inside the border and
 * exceeds max(min(map), thresholdRel · max(map)); peaks are then taken from the
 * highest down (ties in row-major order), each dropping the later ones closer
 * than `minDistance`. Form2Fit's planner (Zakka et al. 2020,
 * `planner/planner.py`) takes its candidates this way with threshold_rel 0.1.
 */
import { int, num, options, within } from '../../torch/check.js';

export interface PeakOptions {
  /** Least Chebyshev distance between two peaks, and the width of the excluded border (default 1). 0: every pixel above the threshold. */
  minDistance?: number;
  /** Peaks must exceed this fraction of the map's maximum (default 0.1, as Form2Fit's planner). */
  thresholdRel?: number;
  /** At most this many peaks, the highest (default: all). */
  maxPeaks?: number;
}

/** Peaks of `map` ([size, size] row-major) as (x, y) = (column, row), highest first (see the module comment). */
export function peakLocalMax(map: Float32Array, size: number, o: PeakOptions = {}): [number, number][] {
  const {
    minDistance = 1,
    thresholdRel = 0.1,
    maxPeaks = Infinity,
  } = options(o, 'peakLocalMax', ['minDistance', 'thresholdRel', 'maxPeaks']);
  within('peakLocalMax', () => {
    int(size, 'size', 1);
    int(minDistance, 'minDistance', 0);
    num(thresholdRel, 'thresholdRel', 0, 1);
    if (maxPeaks !== Infinity) int(maxPeaks, 'maxPeaks', 1);
  });
  if (!(map instanceof Float32Array) || map.length !== size * size)
    throw new RangeError(
      `peakLocalMax: expected a Float32Array of ${size}×${size} = ${size * size} values but received ${map?.length ?? map}`,
    );
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of map) {
    if (Number.isNaN(v)) throw new RangeError('peakLocalMax: expected a map without NaN');
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const threshold = Math.max(lo, thresholdRel * hi);
  const isPeak = minDistance === 0 ? (i: number) => map[i] > threshold : footprintPeaks(map, size, minDistance);
  const found: number[] = [];
  for (let y = minDistance; y < size - minDistance; y++)
    for (let x = minDistance; x < size - minDistance; x++)
      if (map[y * size + x] > threshold && isPeak(y * size + x)) found.push(y * size + x);
  found.sort((a, b) => map[b] - map[a] || a - b);
  const kept: number[] = [];
  for (const i of found) {
    if (kept.length >= maxPeaks) break;
    const [x, y] = [i % size, Math.floor(i / size)];
    if (kept.every((j) => Math.max(Math.abs((j % size) - x), Math.abs(Math.floor(j / size) - y)) >= minDistance)) kept.push(i);
  }
  return kept.map((i) => [i % size, Math.floor(i / size)]);
}

/**
 * Whether each pixel equals the maximum over its (2r+1)² window clipped at the
 * edges; no pixel is a peak when every pixel is (a flat map), as scikit-image.
 */
function footprintPeaks(map: Float32Array, size: number, r: number): (i: number) => boolean {
  // separable maximum filter: rows, then columns
  const rows = new Float32Array(map.length);
  const full = new Float32Array(map.length);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      let m = -Infinity;
      for (let u = Math.max(0, x - r); u <= Math.min(size - 1, x + r); u++) m = Math.max(m, map[y * size + u]);
      rows[y * size + x] = m;
    }
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      let m = -Infinity;
      for (let v = Math.max(0, y - r); v <= Math.min(size - 1, y + r); v++) m = Math.max(m, rows[v * size + x]);
      full[y * size + x] = m;
    }
  const flat = map.every((v, i) => v === full[i]);
  return (i) => !flat && map[i] === full[i];
}
