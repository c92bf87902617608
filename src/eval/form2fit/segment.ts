/**
 * Segmentation of a half's heightmap for the baselines: a 3×3 median filter
 * against depth noise, 4-connected components of a pixel mask, whether a
 * component touches the image border, and each pixel's city-block distance to
 * the nearest pixel outside its mask (the most interior pixel of an object is
 * where a hand-written planner puts its suction cup).
 */

/** A connected set of pixels of a size×size mask. */
export interface Region {
  /** Flat indices y·size + x, ascending. */
  pixels: number[];
  /** Mean (x, y) of the pixels. */
  centroid: [number, number];
  /** Whether a pixel lies on the image border. */
  border: boolean;
}

/** The 4-connected components of `mask` ([size, size], nonzero = in), in row-major order of their first pixel. */
export function regions(mask: Uint8Array, size: number): Region[] {
  const seen = new Uint8Array(mask.length);
  const out: Region[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    const pixels: number[] = [];
    const stack = [start];
    seen[start] = 1;
    while (stack.length > 0) {
      const i = stack.pop()!;
      pixels.push(i);
      const [x, y] = [i % size, Math.floor(i / size)];
      for (const [u, v] of [
        [x - 1, y],
        [x + 1, y],
        [x, y - 1],
        [x, y + 1],
      ]) {
        const j = v * size + u;
        if (u >= 0 && u < size && v >= 0 && v < size && mask[j] && !seen[j]) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    pixels.sort((a, b) => a - b);
    let [sx, sy, border] = [0, 0, false];
    for (const i of pixels) {
      const [x, y] = [i % size, Math.floor(i / size)];
      sx += x;
      sy += y;
      border ||= x === 0 || y === 0 || x === size - 1 || y === size - 1;
    }
    out.push({ pixels, centroid: [sx / pixels.length, sy / pixels.length], border });
  }
  return out;
}

/** City-block distance of each pixel of `mask` to the nearest pixel outside it (the image's outside counts as outside); 0 off the mask. */
export function edgeDistance(mask: Uint8Array, size: number): Int32Array {
  const far = 2 * size + 2;
  const d = new Int32Array(mask.length);
  // two chamfer passes: from the top-left, then from the bottom-right
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      d[i] = mask[i] ? Math.min(far, 1 + Math.min(x > 0 ? d[i - 1] : 0, y > 0 ? d[i - size] : 0)) : 0;
    }
  for (let y = size - 1; y >= 0; y--)
    for (let x = size - 1; x >= 0; x--) {
      const i = y * size + x;
      if (mask[i]) d[i] = Math.min(d[i], 1 + Math.min(x < size - 1 ? d[i + 1] : 0, y < size - 1 ? d[i + size] : 0));
    }
  return d;
}

/** The pixel of `region` farthest from its mask's edge (ties: nearest its centroid, then the first), as (x, y). */
export function innermost(region: Region, distance: Int32Array, size: number): [number, number] {
  let best = region.pixels[0];
  const score = (i: number): [number, number] => [
    distance[i],
    -Math.hypot((i % size) - region.centroid[0], Math.floor(i / size) - region.centroid[1]),
  ];
  for (const i of region.pixels) {
    const [a, b] = [score(i), score(best)];
    if (a[0] > b[0] || (a[0] === b[0] && a[1] > b[1])) best = i;
  }
  return [best % size, Math.floor(best / size)];
}

/** The height plane of a [2, S, S] half under a 3×3 median filter (windows clipped at the edges): depth noise off, edges kept. */
export function medianHeights(half: Float32Array, size: number): Float32Array {
  const area = size * size;
  const out = new Float32Array(area);
  const window: number[] = [];
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      window.length = 0;
      for (let v = Math.max(0, y - 1); v <= Math.min(size - 1, y + 1); v++)
        for (let u = Math.max(0, x - 1); u <= Math.min(size - 1, x + 1); u++) window.push(half[area + v * size + u]);
      window.sort((a, b) => a - b);
      out[y * size + x] = window[window.length >> 1];
    }
  return out;
}
