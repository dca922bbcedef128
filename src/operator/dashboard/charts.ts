// Charts drawn on the server as inline SVG (no script, CSP-safe: colours come from CSS classes).
import { esc } from '../../faces/kit/html.js';

export interface Series {
  name: string;
  values: Array<number | null>;
  kind: 'bar' | 'line';
}

export interface ChartOptions {
  id: string;
  title: string;
  /** one label per bucket (shown on the x axis, thinned out) */
  labels: string[];
  /** full label per bucket, for tooltips and the data table */
  longLabels: string[];
  series: Series[];
  yTitle: string;
  /** values in tooltips and the data table */
  format: (v: number) => string;
  /** labels of the y axis (its unit is in yTitle) */
  tick: (v: number) => string;
  /** a fixed top of the y axis and its step (100 and 25 for percentages) */
  yScale?: { top: number; step: number };
}

const W = 400;
const H = 230;
const M = { left: 58, right: 10, top: 12, bottom: 40 };

/** Round axis steps (1, 2, 5 × 10^k) covering max in at most 5 intervals. */
export function niceScale(max: number): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.25 };
  for (let p = 10 ** (Math.floor(Math.log10(max)) - 1); ; p *= 10) {
    for (const m of [1, 2, 5]) {
      const step = m * p;
      const k = Math.ceil(max / step - 1e-9);
      if (k <= 5) return { top: Math.max(1, k) * step, step };
    }
  }
}

function r(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

export function chart(o: ChartOptions): string {
  const n = o.labels.length;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const all = o.series.flatMap((s) => s.values.filter((x): x is number => x !== null && Number.isFinite(x)));
  const hasData = all.some((x) => x > 0) || (o.yScale !== undefined && all.length > 0);
  const { top, step } = o.yScale ?? niceScale(Math.max(0, ...all));
  const y = (v: number) => M.top + ph - (v / top) * ph;
  const bw = pw / Math.max(1, n);
  const cx = (i: number) => M.left + bw * i + bw / 2;
  const parts: string[] = [];
  // grid lines and y labels
  const ticks = Math.round(top / step);
  for (let t = 0; t <= ticks; t++) {
    const v = step * t;
    const yy = y(v);
    parts.push(`<line class="grid-line" x1="${M.left}" x2="${W - M.right}" y1="${r(yy)}" y2="${r(yy)}"/>`);
    parts.push(`<text x="${M.left - 6}" y="${r(yy + 4)}" text-anchor="end">${esc(o.tick(v))}</text>`);
  }
  // axes
  parts.push(`<line class="axis" x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + ph}"/>`);
  parts.push(`<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${M.top + ph}" y2="${M.top + ph}"/>`);
  // x labels, at most about 8
  const every = Math.max(1, Math.ceil(n / (Math.max(...o.labels.map((l) => l.length)) > 6 ? 4 : 6)));
  for (let i = 0; i < n; i += every) {
    parts.push(`<line class="axis" x1="${r(cx(i))}" x2="${r(cx(i))}" y1="${M.top + ph}" y2="${M.top + ph + 4}"/>`);
    parts.push(`<text x="${r(cx(i))}" y="${M.top + ph + 17}" text-anchor="middle">${esc(o.labels[i])}</text>`);
  }
  parts.push(`<text class="axis-title" x="${M.left + pw / 2}" y="${H - 6}" text-anchor="middle">Time (UTC)</text>`);
  parts.push(
    `<text class="axis-title" transform="translate(11 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yTitle)}</text>`,
  );
  // bars, grouped per bucket
  const bars = o.series.map((s, si) => ({ s, si })).filter((x) => x.s.kind === 'bar');
  const groupW = bw * 0.72;
  const oneW = bars.length ? groupW / bars.length : 0;
  for (const [bi, { s, si }] of bars.entries()) {
    s.values.forEach((val, i) => {
      if (val === null || !(val > 0)) return;
      const x = M.left + bw * i + (bw - groupW) / 2 + oneW * bi;
      const h = Math.max(1, (val / top) * ph);
      parts.push(
        `<rect class="bar c${si % 5}" x="${r(x)}" y="${r(M.top + ph - h)}" width="${r(Math.max(1, oneW - 1))}" height="${r(h)}" rx="1.5"><title>${esc(`${o.longLabels[i]} · ${s.name}: ${o.format(val)}`)}</title></rect>`,
      );
    });
  }
  // lines (broken where a bucket has no value), with a dot per point
  for (const [si, s] of o.series.entries()) {
    if (s.kind !== 'line') continue;
    let d = '';
    let pen = false;
    s.values.forEach((val, i) => {
      if (val === null || !Number.isFinite(val)) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${r(cx(i))} ${r(y(val))}`;
      pen = true;
    });
    if (d) parts.push(`<path class="line c${si % 5}" d="${d}"/>`);
    s.values.forEach((val, i) => {
      if (val === null || !Number.isFinite(val)) return;
      parts.push(
        `<circle class="dot c${si % 5}" cx="${r(cx(i))}" cy="${r(y(val))}" r="3.2"><title>${esc(`${o.longLabels[i]} · ${s.name}: ${o.format(val)}`)}</title></circle>`,
      );
    });
  }
  if (!hasData)
    parts.push(`<text class="nodata" x="${M.left + pw / 2}" y="${M.top + ph / 2}" text-anchor="middle">No data in this period</text>`);
  const legend = o.series.map((s, si) => `<span><i class="swatch c${si % 5}" aria-hidden="true"></i>${esc(s.name)}</span>`).join('');
  const rows = o.longLabels
    .map(
      (l, i) =>
        `<tr><td class="nowrap">${esc(l)}</td>${o.series.map((s) => `<td class="num">${s.values[i] === null ? '—' : esc(o.format(s.values[i]!))}</td>`).join('')}</tr>`,
    )
    .join('');
  const summary = `${o.title}: ${o.series.map((s) => s.name).join(', ')} over ${n} intervals`;
  return `<figure class="chart" id="${esc(o.id)}">
<svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${esc(o.id)}-t" preserveAspectRatio="xMidYMid meet"><title id="${esc(o.id)}-t">${esc(summary)}</title>${parts.join('')}</svg>
<figcaption class="legend">${legend}</figcaption>
<details class="small"><summary>Data</summary><div class="table-wrap"><table><thead><tr><th scope="col">Interval</th>${o.series.map((s) => `<th scope="col" class="num">${esc(s.name)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table></div></details>
</figure>`;
}
