/**
 * Axis scales for the report's charts: a data domain mapped onto a pixel range,
 * with "nice" tick values (1, 2, 5 × 10^k steps on linear axes; powers of ten,
 * plus 2× and 5× when the axis spans few decades, on log axes) and tick labels.
 */

export interface Scale {
  /** Data value → pixel coordinate. */
  map(v: number): number;
  /** Tick values, inside the domain, in ascending order. */
  ticks: number[];
  /** Tick label text. */
  format(v: number): string;
  /** The (niced) domain [lo, hi]. */
  domain: [number, number];
}

/** Formats a tick value with the decimals its step needs; 12000 → "12k", 0.000015 → "1.5e-5". */
export function formatTick(v: number, step: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 && step >= 1000 && v % 1000 === 0) return `${formatTick(v / 1000, step / 1000)}k`;
  if (a < 1e-3)
    return v
      .toExponential()
      .replace(/\.?0+e/, 'e')
      .replace('e+', 'e');
  const decimals = Math.max(0, Math.min(10, -Math.floor(Math.log10(step) + 1e-9)));
  return v.toFixed(decimals);
}

/** A fraction as a percentage with up to 3 significant digits: 0.01 → "1%", 0.625 → "62.5%". */
export function percent(v: number): string {
  return `${+(v * 100).toPrecision(3)}%`;
}

/** The 1, 2, 5 × 10^k step closest above span / count. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const r = raw / mag;
  return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
}

/** Widens a zero-width or non-finite extent so that a scale can be built from it. */
function widen([lo, hi]: [number, number]): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo !== hi) return [lo, hi];
  const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
  return [lo - pad, hi + pad];
}

/**
 * A linear scale over `extent` (extended outwards to multiples of the tick step),
 * onto the pixels [p0, p1] (p0 > p1 for a y axis). About `count` ticks.
 */
export function linearScale(extent: [number, number], [p0, p1]: [number, number], count = 6): Scale {
  const [lo0, hi0] = widen(extent);
  const step = niceStep(hi0 - lo0, count);
  const lo = Math.floor(lo0 / step + 1e-9) * step;
  const hi = Math.ceil(hi0 / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; lo + i * step <= hi + step * 1e-9; i++) ticks.push(+(lo + i * step).toPrecision(12));
  return {
    map: (v) => p0 + ((v - lo) / (hi - lo)) * (p1 - p0),
    ticks,
    format: (v) => formatTick(v, step),
    domain: [lo, hi],
  };
}

/** Formats a log-axis tick: 0.01 → "0.01", 100000 → "100k". */
function formatLogTick(v: number): string {
  const decade = 10 ** Math.floor(Math.log10(v) + 1e-9);
  return formatTick(v, decade);
}

/**
 * A base-10 log scale over a positive `extent` (extended outwards to whole
 * decades), onto the pixels [p0, p1]; ticks at 1, 2, 5 × 10^k when it spans at
 * most three decades, else at the powers of ten.
 */
export function logScale(extent: [number, number], [p0, p1]: [number, number]): Scale {
  const [a, b] = extent;
  if (!(a > 0 && b > 0)) throw new RangeError(`logScale: expected a positive extent but received [${a}, ${b}]`);
  const e0 = Math.floor(Math.log10(a) + 1e-9);
  const e1 = Math.max(e0 + 1, Math.ceil(Math.log10(b) - 1e-9));
  const ticks: number[] = [];
  const mantissas = e1 - e0 <= 3 ? [1, 2, 5] : [1];
  for (let e = e0; e <= e1; e++) for (const m of mantissas) if (e < e1 || m === 1) ticks.push(+(m * 10 ** e).toPrecision(12));
  return {
    map: (v) => p0 + ((Math.log10(v) - e0) / (e1 - e0)) * (p1 - p0),
    ticks,
    format: formatLogTick,
    domain: [10 ** e0, 10 ** e1],
  };
}

/** [min, max] of the finite values (and positive ones only, when `positive`); [NaN, NaN] when none. */
export function extentOf(values: Iterable<number>, positive = false): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (positive && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [NaN, NaN];
}
