// Overview: charts of volume, approval rate and API latency over 1 hour, 24 hours or 7 days, the
// latest payments, and the sandbox clock.
import { formatMajor } from '../../core/money.js';
import type { Payment } from '../../core/model.js';
import { collectStats, type StatsBucket } from '../stats.js';
import { esc } from '../../faces/kit/html.js';
import { chart, type Series } from './charts.js';
import type { Router } from './router.js';
import { badge, duration, fmtTime, maskedCard, money, options, pad, page, qs, queryOf, table, time } from './ui.js';

const RANGES: Array<{ hours: number; label: string; buckets: number }> = [
  { hours: 1, label: '1 hour', buckets: 12 },
  { hours: 24, label: '24 hours', buckets: 24 },
  { hours: 168, label: '7 days', buckets: 28 },
];

function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${Math.round(v / 1e5) / 10}M`;
  if (a >= 1e4) return `${Math.round(v / 100) / 10}k`;
  return (Math.round(v * 100) / 100).toLocaleString('en-US');
}

function shortLabel(ms: number, hours: number): string {
  const d = new Date(ms);
  if (hours > 24) return `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}h`;
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

export function paymentRow(p: Payment, extra = ''): string {
  return `<tr data-payment="${p.id}"><td><a href="/dashboard/payments/${p.id}" class="mono">${p.id}</a></td><td>${esc(p.merchantId)}</td><td>${esc(p.face)}</td><td>${badge(p.status)}</td><td class="num">${money(p.amount, p.currency)}</td><td>${maskedCard(p.card)}</td>${extra}</tr>`;
}

export function registerOverview(r: Router): void {
  r.get('/', async ({ op, req, v }) => {
    const q = queryOf(req);
    const range = RANGES.find((x) => String(x.hours) === q.hours) ?? RANGES[1]!;
    const merchants = await op.engine.read((tx) => tx.merchants.list());
    const merchant = merchants.some((m) => m.id === q.merchant) ? q.merchant : undefined;
    const stats = await collectStats(op, { hours: range.hours, buckets: range.buckets, merchantId: merchant });
    const [latest, pendingDeliveries] = await op.engine.read(
      async (tx) =>
        [await tx.payments.list({ ...(merchant ? { merchantId: merchant } : {}), limit: 10 }), await tx.deliveries.countPending()] as const,
    );
    const body = `<h1>Overview</h1>
<div class="card"><form method="get" action="/dashboard" class="filters" id="range-form">
<div class="f"><span id="range-l" class="small muted">Period</span><span class="seg" role="group" aria-labelledby="range-l">${RANGES.map((x) => `<a href="/dashboard${qs({ hours: x.hours, merchant })}"${x === range ? ' aria-current="true"' : ''} id="range-${x.hours}">${x.label}</a>`).join('')}</span></div>
<input type="hidden" name="hours" value="${range.hours}">
<div class="f"><label for="ov-merchant">Merchant</label><select id="ov-merchant" name="merchant">${options(
      merchants.map((m) => [m.id, `${m.name} (${m.id})`] as [string, string]),
      merchant,
      'All merchants',
    )}</select></div>
<div class="f btn"><button type="submit" class="secondary">Apply</button></div>
<p class="muted small">From ${fmtTime(stats.from)} to ${fmtTime(stats.to)} UTC, in ${range.buckets} intervals of ${duration((stats.to - stats.from) / range.buckets)}.</p>
</form></div>
${kpis(stats.buckets, pendingDeliveries)}
<div class="grid" id="charts">
${charts(stats.buckets, range.hours, stats.to - stats.from)}
</div>
<div class="cols wide">
<section class="card" aria-labelledby="latest-h"><h2 id="latest-h">Latest payments <a class="small" href="/dashboard/payments${qs({ merchant })}">All payments →</a></h2>
${table(
  ['ID', 'Merchant', 'Face', 'Status', 'Amount', 'Card', 'Created (UTC)'],
  latest.map((p) => paymentRow(p, `<td>${time(v, p.createdAt)}</td>`)),
  { id: 'latest-payments', empty: 'No payments yet.', numCols: [4] },
)}
</section>
${clockCard(op.engine.clock.state())}
</div>`;
    return page(v, { title: 'Overview', section: 'overview', body });
  });
}

function kpis(buckets: StatsBucket[], pendingDeliveries: number): string {
  const payments = buckets.reduce((s, b) => s + b.payments, 0);
  const approved = buckets.reduce((s, b) => s + b.approved, 0);
  const declined = buckets.reduce((s, b) => s + b.declined, 0);
  const requests = buckets.reduce((s, b) => s + b.requests, 0);
  const volume: Record<string, bigint> = {};
  for (const b of buckets) for (const [c, m] of Object.entries(b.volume)) volume[c] = (volume[c] ?? 0n) + BigInt(m);
  const rate = approved + declined ? `${Math.round((approved / (approved + declined)) * 1000) / 10}%` : '—';
  const p95s = buckets.map((b) => b.latencyP95).filter((x): x is number => x !== null);
  const vol =
    Object.entries(volume)
      .map(([c, m]) => money(m, c))
      .join('<br>') || '—';
  const tile = (id: string, value: string, label: string) =>
    `<div class="kpi" id="kpi-${id}"><div class="v">${value}</div><div class="l">${label}</div></div>`;
  return `<div class="kpis">${tile('payments', String(payments), 'payments')}${tile('approval', rate, `approval rate (${approved} approved, ${declined} declined)`)}${tile('volume', vol, 'approved volume')}${tile('requests', String(requests), 'API requests')}${tile('p95', p95s.length ? `${Math.max(...p95s)} ms` : '—', 'worst p95 latency')}${tile('webhooks', String(pendingDeliveries), 'webhook deliveries pending')}</div>`;
}

function charts(buckets: StatsBucket[], hours: number, span: number): string {
  const width = span / buckets.length;
  const labels = buckets.map((b) => shortLabel(b.start, hours));
  const longLabels = buckets.map((b) => `${fmtTime(b.start)} – ${fmtTime(b.start + width).slice(11, 16)}`);
  const currencies = [...new Set(buckets.flatMap((b) => Object.keys(b.volume)))].sort();
  const volSeries: Series[] = currencies.length
    ? currencies.map((c) => ({
        name: c,
        kind: 'bar',
        values: buckets.map((b) => (b.volume[c] ? Number(formatMajor(BigInt(b.volume[c]!), c)) : null)),
      }))
    : [{ name: 'Volume', kind: 'bar', values: buckets.map(() => null) }];
  const volume = chart({
    id: 'chart-volume',
    title: 'Approved volume',
    labels,
    longLabels,
    series: volSeries,
    yTitle: currencies.length === 1 ? `Volume, ${currencies[0]}` : 'Volume (major units)',
    format: (x) => x.toLocaleString('en-US', { maximumFractionDigits: 2 }),
    tick: compact,
  });
  const approval = chart({
    id: 'chart-approval',
    title: 'Approval rate',
    labels,
    longLabels,
    series: [
      {
        name: 'Approved / decided',
        kind: 'line',
        values: buckets.map((b) => (b.approvalRate === null ? null : Math.round(b.approvalRate * 1000) / 10)),
      },
    ],
    yTitle: 'Approval rate, %',
    yScale: { top: 100, step: 25 },
    format: (x) => `${Math.round(x * 10) / 10}%`,
    tick: (x) => `${x}%`,
  });
  const latency = chart({
    id: 'chart-latency',
    title: 'API latency',
    labels,
    longLabels,
    series: [
      { name: 'p50', kind: 'line', values: buckets.map((b) => b.latencyP50) },
      { name: 'p95', kind: 'line', values: buckets.map((b) => b.latencyP95) },
    ],
    yTitle: 'Latency, ms',
    format: (x) => `${compact(x)} ms`,
    tick: compact,
  });
  return `<section class="card" aria-labelledby="h-vol"><h2 id="h-vol">Volume</h2>${volume}</section>
<section class="card" aria-labelledby="h-appr"><h2 id="h-appr">Approval rate</h2>${approval}</section>
<section class="card" aria-labelledby="h-lat"><h2 id="h-lat">API latency</h2>${latency}</section>`;
}

export function clockCard(s: { now: number; offsetMs: number; frozen: boolean }, link = true): string {
  return `<section class="card" aria-labelledby="clock-h" id="clock-card"><h2 id="clock-h">Sandbox clock${link ? ' <a class="small" href="/dashboard/clock">Change →</a>' : ''}</h2>
<dl class="facts"><dt>Now (UTC)</dt><dd id="clock-now">${fmtTime(s.now)}</dd><dt>Offset</dt><dd id="clock-offset">${s.offsetMs === 0 ? 'none (real time)' : (s.offsetMs > 0 ? '+' : '') + duration(s.offsetMs)}</dd><dt>State</dt><dd id="clock-state">${s.frozen ? '<span class="badge warn">frozen</span>' : '<span class="badge ok">running</span>'}</dd></dl>
</section>`;
}
