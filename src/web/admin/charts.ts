import { esc } from '../layout.js';

/**
 * Bar charts as inline SVG for the admin pages (the throughput on /admin, the KPIs on
 * /admin/nyckeltal). No script and no style attribute (the CSP allows neither): colours and
 * text come from classes in /assets/site.css. Each chart is an image with a title and a
 * description for assistive technology, and the page puts a table with the same figures
 * right after it: the table, not the drawing, is where the numbers are read.
 */

export interface BarSeries {
  /** Shown in the legend. */
  name: string;
  /** One per category; null draws nothing (no figure), 0 draws nothing too but is a figure. */
  values: readonly (number | null)[];
}

export interface BarCategory {
  /** Under the bar. */
  label: string;
  /** A second line under the label (e.g. the year under "jan"). */
  sublabel?: string | undefined;
  /** Tooltip of the category's bars: the figures in words, e.g. "mars 2026: 83,3 % (5 av 6)". */
  title?: string | undefined;
}

export interface BarChartOptions {
  /** Prefix of the ids of the title and the description; unique on the page. */
  id: string;
  title: string;
  /** What the chart shows, in a sentence or two; the pointer to the table is added. */
  description: string;
  categories: readonly BarCategory[];
  series: readonly BarSeries[];
  /** Stacked (parts of a whole) or side by side (different measures of one thing). */
  layout?: 'stacked' | 'grouped';
  /** Top of the scale; by default the largest bar (at least 1). */
  max?: number;
  /** Text at the top of the axis; by default the number `max`. */
  maxLabel?: string;
  /** Label every n-th category only (crowded axes). */
  labelEvery?: number;
  width?: number;
  height?: number;
}

/** Colour classes, in series order (site.css: .chart-s1 ... .chart-s8); more series reuse them. */
export const SERIES_CLASSES = ['chart-s1', 'chart-s2', 'chart-s3', 'chart-s4', 'chart-s5', 'chart-s6', 'chart-s7', 'chart-s8'] as const;

const seriesClass = (i: number) => SERIES_CLASSES[i % SERIES_CLASSES.length]!;
const px = (v: number) => v.toFixed(1);

export function barChart(o: BarChartOptions): string {
  const width = o.width ?? 640;
  const height = o.height ?? 220;
  const layout = o.layout ?? 'stacked';
  const totals = o.categories.map((_, i) =>
    layout === 'stacked'
      ? o.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0)
      : Math.max(0, ...o.series.map((s) => s.values[i] ?? 0)),
  );
  const max = o.max ?? Math.max(1, ...totals);
  const maxLabel = o.maxLabel ?? String(max);
  // Room for the scale's top label at 11px (about 6.5px a character), e.g. "165 646,50 kr".
  const left = Math.max(40, Math.ceil(maxLabel.length * 6.5) + 12);
  const right = 8;
  const top = 12;
  const bottom = o.categories.some((c) => c.sublabel) ? 44 : 30;
  const plotHeight = height - top - bottom;
  const plotWidth = width - left - right;
  const n = o.categories.length;

  const step = plotWidth / Math.max(1, n);
  const groupWidth = step * 0.7;
  const baseline = top + plotHeight;
  const scale = (v: number) => (Math.min(v, max) / max) * plotHeight;
  const every = Math.max(1, o.labelEvery ?? 1);

  const bars = o.categories
    .map((category, i) => {
      const x0 = left + i * step + (step - groupWidth) / 2;
      const tip = category.title ? `<title>${esc(category.title)}</title>` : '';
      let y = baseline;
      const rects = o.series
        .map((s, k) => {
          const v = s.values[i];
          if (v === null || v === undefined || v <= 0) return '';
          const h = scale(v);
          if (layout === 'stacked') {
            y -= h;
            return `<rect class="${seriesClass(k)}" x="${px(x0)}" y="${px(y)}" width="${px(groupWidth)}" height="${px(h)}">${tip}</rect>`;
          }
          const w = groupWidth / o.series.length;
          return `<rect class="${seriesClass(k)}" x="${px(x0 + k * w)}" y="${px(baseline - h)}" width="${px(w)}" height="${px(h)}">${tip}</rect>`;
        })
        .join('');
      // No figure at all (a share of nothing): a dash says so instead of a bar that looks like 0.
      const none = o.series.every((s) => s.values[i] === null || s.values[i] === undefined)
        ? `<text class="chart-none" x="${px(x0 + groupWidth / 2)}" y="${px(baseline - 4)}" text-anchor="middle">–</text>`
        : '';
      const cx = px(left + i * step + step / 2);
      const label =
        i % every === 0
          ? `<text x="${cx}" y="${height - bottom + 16}" text-anchor="middle">${esc(category.label)}</text>${
              category.sublabel ? `<text x="${cx}" y="${height - bottom + 30}" text-anchor="middle">${esc(category.sublabel)}</text>` : ''
            }`
          : '';
      return rects + none + label;
    })
    .join('');

  const axis = `<line class="chart-axis" x1="${left}" y1="${baseline}" x2="${width - right}" y2="${baseline}"></line>
<line class="chart-grid" x1="${left}" y1="${top}" x2="${width - right}" y2="${top}"></line>
<text x="${left - 6}" y="${top + 4}" text-anchor="end">${esc(maxLabel)}</text>
<text x="${left - 6}" y="${baseline}" text-anchor="end">0</text>`;

  const legend =
    o.series.length > 1
      ? `<ul class="legend">${o.series
          .map((s, k) => `<li><svg class="swatch" width="12" height="12" aria-hidden="true" focusable="false"><rect class="${seriesClass(k)}" width="12" height="12"></rect></svg> ${esc(s.name)}</li>`)
          .join('')}</ul>`
      : '';

  return `<svg class="chart" role="img" aria-labelledby="${esc(o.id)}-titel ${esc(o.id)}-beskrivning" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">
<title id="${esc(o.id)}-titel">${esc(o.title)}</title>
<desc id="${esc(o.id)}-beskrivning">${esc(o.description)} Samma siffror finns i tabellen under diagrammet.</desc>
${axis}${bars}
</svg>
${legend}`;
}
