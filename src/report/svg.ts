/**
 * SVG building blocks shared by the charts: text escaping, a colour-blind-safe
 * palette (Okabe & Ito 2008, "Color Universal Design"), series styles, the
 * frame (title, axes, grid, tick labels, axis labels) and the legend.
 */
import type { Scale } from './scale.js';

/** Escapes text for HTML/XML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Okabe–Ito colours, yellow last (it is the hardest to see on white). */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#F0E442'];
/** Line dashes and marker shapes for series beyond the palette's length. */
const DASHES = ['', '6 3', '2 3', '8 3 2 3'];
const SHAPES = ['circle', 'square', 'triangle', 'diamond'] as const;
export type Shape = (typeof SHAPES)[number];

/** The style of series `i`: palette colour, then a new dash / marker shape each time the colours run out. */
export function seriesStyle(i: number): { color: string; dash: string; shape: Shape } {
  const round = Math.floor(i / PALETTE.length);
  return { color: PALETTE[i % PALETTE.length], dash: DASHES[round % DASHES.length], shape: SHAPES[round % SHAPES.length] };
}

/** A coordinate rounded to 0.1 px, as short text. */
export function px(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/** A marker of `shape` centred at (x, y) with radius r; `attrs` are extra attributes, `inner` child elements. */
export function marker(shape: Shape, x: number, y: number, r: number, attrs: string, inner = ''): string {
  const close = (tag: string, geometry: string): string =>
    inner ? `<${tag} ${geometry} ${attrs}>${inner}</${tag}>` : `<${tag} ${geometry} ${attrs}/>`;
  switch (shape) {
    case 'circle':
      return close('circle', `cx="${px(x)}" cy="${px(y)}" r="${r}"`);
    case 'square':
      return close('rect', `x="${px(x - r)}" y="${px(y - r)}" width="${2 * r}" height="${2 * r}"`);
    case 'triangle':
      return close('path', `d="M${px(x)},${px(y - 1.2 * r)}L${px(x + 1.1 * r)},${px(y + 0.8 * r)}H${px(x - 1.1 * r)}Z"`);
    case 'diamond':
      return close(
        'path',
        `d="M${px(x)},${px(y - 1.3 * r)}L${px(x + 1.3 * r)},${px(y)}L${px(x)},${px(y + 1.3 * r)}L${px(x - 1.3 * r)},${px(y)}Z"`,
      );
  }
}

/** Estimated width in px of `text` at `size` px (sans-serif, no font metrics available). */
function textWidth(text: string, size: number): number {
  return text.length * size * 0.58;
}

export interface LegendItem {
  name: string;
  /** Swatch: a short line (line charts) or a marker (scatter charts). */
  kind: 'line' | 'marker';
  index: number;
}

const LEGEND_ROW = 20;

/** Lays legend items out left to right in rows within `width`; returns the rows' item positions. */
function legendRows(items: LegendItem[], width: number): { item: LegendItem; x: number; row: number }[] {
  const out: { item: LegendItem; x: number; row: number }[] = [];
  let x = 0;
  let row = 0;
  for (const item of items) {
    const w = 28 + textWidth(item.name, 12) + 18;
    if (x > 0 && x + w > width) {
      row++;
      x = 0;
    }
    out.push({ item, x, row });
    x += w;
  }
  return out;
}

/** Height in px that the legend of `items` takes within `width`. */
export function legendHeight(items: LegendItem[], width: number): number {
  if (items.length === 0) return 0;
  return (legendRows(items, width).at(-1)!.row + 1) * LEGEND_ROW + 8;
}

/** The legend at (x0, y0), laid out within `width`. */
export function legend(items: LegendItem[], x0: number, y0: number, width: number): string {
  const parts = legendRows(items, width).map(({ item, x, row }) => {
    const { color, dash, shape } = seriesStyle(item.index);
    const cx = x0 + x;
    const cy = y0 + row * LEGEND_ROW + LEGEND_ROW / 2;
    const swatch =
      item.kind === 'line'
        ? `<line x1="${px(cx)}" y1="${px(cy)}" x2="${px(cx + 22)}" y2="${px(cy)}" stroke="${color}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`
        : marker(shape, cx + 11, cy, 5, `fill="${color}"`);
    return `<g class="legend-item">${swatch}<text x="${px(cx + 28)}" y="${px(cy + 4)}">${esc(item.name)}</text></g>`;
  });
  return `<g class="legend" font-size="12">${parts.join('')}</g>`;
}

export interface FrameOptions {
  title: string;
  xLabel: string;
  yLabel: string;
}

/** The plot area in px: left, top, right, bottom. */
export interface Box {
  l: number;
  t: number;
  r: number;
  b: number;
}

/** Grid lines, axes, tick marks and labels, axis labels and the title around `box`. */
export function frame(box: Box, x: Scale, y: Scale, o: FrameOptions, xFormat = x.format, yFormat = y.format): string {
  const { l, t, r, b } = box;
  const grid: string[] = [];
  const marks: string[] = [];
  const labels: string[] = [];
  for (const v of x.ticks) {
    const X = px(x.map(v));
    grid.push(`<line x1="${X}" y1="${t}" x2="${X}" y2="${b}"/>`);
    marks.push(`<line x1="${X}" y1="${b}" x2="${X}" y2="${b + 5}"/>`);
    labels.push(`<text class="tick-label x" x="${X}" y="${b + 19}" text-anchor="middle">${esc(xFormat(v))}</text>`);
  }
  for (const v of y.ticks) {
    const Y = px(y.map(v));
    grid.push(`<line x1="${l}" y1="${Y}" x2="${r}" y2="${Y}"/>`);
    marks.push(`<line x1="${l - 5}" y1="${Y}" x2="${l}" y2="${Y}"/>`);
    labels.push(`<text class="tick-label y" x="${l - 8}" y="${px(y.map(v) + 4)}" text-anchor="end">${esc(yFormat(v))}</text>`);
  }
  const midX = px((l + r) / 2);
  const midY = px((t + b) / 2);
  return [
    `<text class="title" x="${midX}" y="22" text-anchor="middle" font-size="15" font-weight="600">${esc(o.title)}</text>`,
    `<g class="grid" stroke="#e4e4e4" stroke-width="1">${grid.join('')}</g>`,
    `<g class="axes" stroke="#444" stroke-width="1"><line x1="${l}" y1="${b}" x2="${r}" y2="${b}"/><line x1="${l}" y1="${t}" x2="${l}" y2="${b}"/>${marks.join('')}</g>`,
    `<g class="ticks" font-size="11" fill="#333">${labels.join('')}</g>`,
    `<text class="axis-label x" x="${midX}" y="${b + 40}" text-anchor="middle" font-size="13">${esc(o.xLabel)}</text>`,
    `<text class="axis-label y" transform="translate(16 ${midY}) rotate(-90)" text-anchor="middle" font-size="13">${esc(o.yLabel)}</text>`,
  ].join('');
}

/** The <svg> element (scales with its container through the viewBox). */
export function svgRoot(width: number, height: number, title: string, body: string): string {
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"><title>${esc(title)}</title><rect class="bg" width="${width}" height="${height}" fill="#fff"/>${body}</svg>`;
}
