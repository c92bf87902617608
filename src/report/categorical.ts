/**
 * Charts over named categories, laid out in rows so that long names stay
 * readable: a dot chart (one row per category, one marker per series — e.g.
 * each representation's accuracy on each task) and an interval chart (one row
 * per item: an estimate with its confidence interval, and a reference line —
 * e.g. the OLS effect of each representation).
 */
import { type ChartOptions } from './charts.js';
import { extentOf, linearScale, type Scale } from './scale.js';
import { esc, frame, legend, legendHeight, marker, px, seriesStyle, svgRoot } from './svg.js';

const ROW = 26;
const LEFT_PAD = 12;
/** Estimated width in px of a 11 px label. */
const labelWidth = (s: string): number => s.length * 11 * 0.58;

/** A band scale: category i ↦ the middle of row i. */
function bandScale(names: string[], top: number): Scale {
  return {
    map: (i) => top + (i + 0.5) * ROW,
    ticks: names.map((_, i) => i),
    format: (i) => names[i] ?? '',
    domain: [0, names.length - 1],
  };
}

function box(o: ChartOptions, names: string[]) {
  const width = o.width ?? 720;
  const l = Math.min(width / 2, Math.max(72, Math.max(...names.map(labelWidth)) + 20));
  return { l, t: 40, r: width - 24, b: 40 + Math.max(1, names.length) * ROW, width };
}

export interface DotSeries {
  name: string;
  /** One value per category (NaN: no marker). */
  values: number[];
}

/** One row per category, one marker per series (offset a little within the row so equal values stay visible). */
export function dotChart(categories: string[], series: DotSeries[], o: ChartOptions): string {
  for (const s of series)
    if (s.values.length !== categories.length)
      throw new RangeError(`dotChart: series ${JSON.stringify(s.name)} has ${s.values.length} values for ${categories.length} categories`);
  const b = box(o, categories);
  const x = linearScale(extentOf(series.flatMap((s) => s.values)), [b.l + LEFT_PAD, b.r], 7);
  const y = bandScale(categories, b.t);
  const spread = Math.min(ROW * 0.7, 3 * series.length);
  const body = series.map((s, k) => {
    const { color, shape } = seriesStyle(k);
    const dy = series.length > 1 ? (k / (series.length - 1) - 0.5) * spread : 0;
    const dots = s.values
      .map((v, i) =>
        Number.isFinite(v)
          ? marker(
              shape,
              x.map(v),
              y.map(i) + dy,
              4,
              'class="pt"',
              `<title>${esc(`${s.name} · ${categories[i]}: ${(o.xFormat ?? x.format)(v)}`)}</title>`,
            )
          : '',
      )
      .join('');
    return `<g class="series" data-series="${esc(s.name)}" fill="${color}" fill-opacity="0.85">${dots}</g>`;
  });
  const items = series.map((s, index) => ({ name: s.name, kind: 'marker' as const, index }));
  const height = b.b + 54 + legendHeight(items, b.r - b.l) + 4;
  const axes = frame(b, x, y, { title: o.title, xLabel: o.xLabel, yLabel: '' }, o.xFormat, y.format);
  return svgRoot(b.width, height, o.title, axes + body.join('') + legend(items, b.l, b.b + 54, b.r - b.l));
}

export interface IntervalRow {
  name: string;
  value: number;
  low: number;
  high: number;
}

/** One row per item: a dot at `value`, a whisker from `low` to `high`, and a dashed line at `reference` (default 0). */
export function intervalChart(rows: IntervalRow[], o: ChartOptions & { reference?: number }): string {
  const names = rows.map((r) => r.name);
  const b = box(o, names);
  const ref = o.reference ?? 0;
  const x = linearScale(extentOf([ref, ...rows.flatMap((r) => [r.low, r.high, r.value])]), [b.l + LEFT_PAD, b.r], 7);
  const y = bandScale(names, b.t);
  const { color } = seriesStyle(0);
  const body = rows.map((r, i) => {
    const Y = px(y.map(i));
    const tip = `<title>${esc(`${r.name}: ${(o.xFormat ?? x.format)(r.value)} [${(o.xFormat ?? x.format)(r.low)}, ${(o.xFormat ?? x.format)(r.high)}]`)}</title>`;
    const whisker =
      Number.isFinite(r.low) && Number.isFinite(r.high)
        ? `<line x1="${px(x.map(r.low))}" y1="${Y}" x2="${px(x.map(r.high))}" y2="${Y}" stroke="${color}" stroke-width="2"/>`
        : '';
    return `<g class="series" data-series="${esc(r.name)}">${whisker}${marker('circle', x.map(r.value), y.map(i), 4.5, `class="pt" fill="${color}"`, tip)}</g>`;
  });
  const X = px(x.map(ref));
  const refLine = `<line class="reference" x1="${X}" y1="${b.t}" x2="${X}" y2="${b.b}" stroke="#444" stroke-dasharray="4 3"/>`;
  const axes = frame(b, x, y, { title: o.title, xLabel: o.xLabel, yLabel: '' }, o.xFormat, y.format);
  return svgRoot(b.width, b.b + 54, o.title, axes + refLine + body.join(''));
}
