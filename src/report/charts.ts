/**
 * Self-contained SVG charts (no script, no external resources): a line chart
 * (linear or log x axis) and a scatter chart, each with a title, nice ticks,
 * axis labels and a legend. They scale with their container (viewBox).
 *
 * Each series is one `<g class="series" data-series="NAME">` holding a
 * `path.line` (line charts) and/or markers (`.pt`), so tests and readers can
 * find it.
 */
import { extentOf, linearScale, logScale, type Scale } from './scale.js';
import { type Box, esc, frame, legend, legendHeight, type LegendItem, marker, px, seriesStyle, svgRoot } from './svg.js';

export interface LineSeries {
  name: string;
  /** [x, y] points; a non-finite y leaves a gap in the line. */
  points: [number, number][];
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** viewBox width in px (default 720). */
  width?: number;
  /** Height of the plot area in px (default 300 for line charts, 420 for scatter charts). */
  plotHeight?: number;
  /** Tick label formatters (default: the scale's own). */
  xFormat?: (v: number) => string;
  yFormat?: (v: number) => string;
}

export interface LineChartOptions extends ChartOptions {
  /** Base-10 log x axis; points with x ≤ 0 are left out (default false). */
  logX?: boolean;
  /** A series with more points is averaged over equal runs of points down to this many (default 1000). */
  maxPoints?: number;
  /** Draw a marker at every point (default: when no series has more than 40 points). */
  markers?: boolean;
}

const MARGIN = { l: 72, r: 24, t: 40 };
/** Space below the plot area for tick labels and the x-axis label, before the legend. */
const BELOW = 54;

/** Averages consecutive runs of points so that at most `max` remain (keeps noisy curves readable). */
export function thin(points: [number, number][], max: number): [number, number][] {
  if (points.length <= max) return points;
  const k = Math.ceil(points.length / max);
  const out: [number, number][] = [];
  for (let i = 0; i < points.length; i += k) {
    const run = points.slice(i, i + k);
    const ys = run.filter(([, y]) => Number.isFinite(y));
    const mx = run.reduce((s, [x]) => s + x, 0) / run.length;
    out.push([mx, ys.length ? ys.reduce((s, [, y]) => s + y, 0) / ys.length : NaN]);
  }
  return out;
}

/** Box and total height for a chart whose legend holds `items`. */
function layout(o: ChartOptions, plotHeight: number, items: LegendItem[]): { box: Box; width: number; height: number } {
  const width = o.width ?? 720;
  const box = { l: MARGIN.l, t: MARGIN.t, r: width - MARGIN.r, b: MARGIN.t + plotHeight };
  const height = box.b + BELOW + legendHeight(items, box.r - box.l) + 4;
  return { box, width, height };
}

/** A line chart of `series` (one colour, dash and legend entry each); returns the `<svg>` text. */
export function lineChart(series: LineSeries[], o: LineChartOptions): string {
  const logX = o.logX ?? false;
  const shown = series.map((s) => ({
    name: s.name,
    points: thin(
      s.points.filter(([x]) => Number.isFinite(x) && (!logX || x > 0)).sort((a, b) => a[0] - b[0]),
      o.maxPoints ?? 1000,
    ),
  }));
  const items = shown.map((s, index) => ({ name: s.name, kind: 'line' as const, index }));
  const { box, width, height } = layout(o, o.plotHeight ?? 300, items);
  const xs = shown.flatMap((s) => s.points.map(([x]) => x));
  const ys = shown.flatMap((s) => s.points.map(([, y]) => y));
  const x: Scale = logX ? logScaleOrUnit(extentOf(xs, true), [box.l, box.r]) : linearScale(extentOf(xs), [box.l, box.r], 7);
  const y = linearScale(extentOf(ys), [box.b, box.t], 6);
  const markers = o.markers ?? shown.every((s) => s.points.length <= 40);
  const body = shown.map((s, i) => {
    const { color, dash, shape } = seriesStyle(i);
    let d = '';
    let pen = false;
    const dots: string[] = [];
    for (const [vx, vy] of s.points) {
      if (!Number.isFinite(vy)) {
        pen = false;
        continue;
      }
      const X = x.map(vx);
      const Y = y.map(vy);
      d += `${pen ? 'L' : 'M'}${px(X)},${px(Y)}`;
      pen = true;
      if (markers) dots.push(marker(shape, X, Y, 3.5, `class="pt" fill="${color}"`));
    }
    const path = d
      ? `<path class="line" d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`
      : '';
    return `<g class="series" data-series="${esc(s.name)}">${path}${dots.join('')}</g>`;
  });
  return svgRoot(
    width,
    height,
    o.title,
    frame(box, x, y, o, o.xFormat, o.yFormat) + body.join('') + legend(items, box.l, box.b + BELOW, box.r - box.l),
  );
}

/** A log scale over `extent`, or over [1, 10] when no positive value exists. */
function logScaleOrUnit(extent: [number, number], range: [number, number]): Scale {
  return logScale(Number.isNaN(extent[0]) ? [1, 10] : extent, range);
}

export interface ScatterPoint {
  x: number;
  y: number;
  /** Index into `ScatterOptions.groups`: colour, marker shape and legend entry. */
  group: number;
  /** Tooltip text (an SVG `<title>`), e.g. the item's id and class. */
  label?: string;
  /** Marker radius in px (default `ScatterOptions.radius`). */
  radius?: number;
}

export interface ScatterOptions extends ChartOptions {
  /** Group names, for the legend. */
  groups: string[];
  /** Marker radius in px (default 3). */
  radius?: number;
  /** Base-10 log x axis; points with x ≤ 0 are left out (default false). */
  logX?: boolean;
  /** Lines drawn under the markers (e.g. a frontier), each with a legend entry after the groups'. */
  lines?: LineSeries[];
}

/** A scatter chart of `points` coloured by group; returns the `<svg>` text. */
export function scatterChart(points: ScatterPoint[], o: ScatterOptions): string {
  for (const p of points)
    if (!(Number.isInteger(p.group) && p.group >= 0 && p.group < o.groups.length))
      throw new RangeError(`scatterChart: point group ${p.group} is not an index into the ${o.groups.length} groups`);
  const lines = o.lines ?? [];
  const items = [
    ...o.groups.map((name, index) => ({ name, kind: 'marker' as const, index })),
    ...lines.map((l, i) => ({ name: l.name, kind: 'line' as const, index: o.groups.length + i })),
  ];
  const { box, width, height } = layout(o, o.plotHeight ?? 420, items);
  const shown = o.logX ? points.filter((p) => p.x > 0) : points;
  const xs = [...shown.map((p) => p.x), ...lines.flatMap((l) => l.points.map(([x]) => x))];
  const ys = [...shown.map((p) => p.y), ...lines.flatMap((l) => l.points.map(([, y]) => y))];
  const x = o.logX ? logScaleOrUnit(extentOf(xs, true), [box.l, box.r]) : linearScale(extentOf(xs), [box.l, box.r], 7);
  const y = linearScale(extentOf(ys), [box.b, box.t], 6);
  const r = o.radius ?? 3;
  const paths = lines.map((l, i) => {
    const { color, dash } = seriesStyle(o.groups.length + i);
    const d = l.points
      .filter(([vx, vy]) => Number.isFinite(vx) && Number.isFinite(vy) && (!o.logX || vx > 0))
      .map(([vx, vy], k) => `${k ? 'L' : 'M'}${px(x.map(vx))},${px(y.map(vy))}`)
      .join('');
    return `<g class="series line" data-series="${esc(l.name)}"><path class="line" d="${d}" fill="none" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/></g>`;
  });
  const body = o.groups.map((name, g) => {
    const { color, shape } = seriesStyle(g);
    const dots = shown
      .filter((p) => p.group === g && Number.isFinite(p.x) && Number.isFinite(p.y))
      .map((p) =>
        marker(shape, x.map(p.x), y.map(p.y), p.radius ?? r, 'class="pt"', p.label === undefined ? '' : `<title>${esc(p.label)}</title>`),
      );
    return `<g class="series" data-series="${esc(name)}" fill="${color}" fill-opacity="0.75" stroke="#000" stroke-opacity="0.3" stroke-width="0.5">${dots.join('')}</g>`;
  });
  return svgRoot(
    width,
    height,
    o.title,
    frame(box, x, y, o, o.xFormat, o.yFormat) + paths.join('') + body.join('') + legend(items, box.l, box.b + BELOW, box.r - box.l),
  );
}
