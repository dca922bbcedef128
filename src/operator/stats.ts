// Figures for the dashboard's charts (and the admin API's /stats): payment volume, approval rate and API latency
// over time.
import type { OperatorContext } from './context.js';

export interface StatsBucket {
  start: number;
  payments: number;
  approved: number;
  declined: number;
  approvalRate: number | null;
  /** minor units per currency */
  volume: Record<string, string>;
  requests: number;
  latencyP50: number | null;
  latencyP95: number | null;
}

function pct(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function collectStats(
  op: OperatorContext,
  o: { hours: number; buckets: number; merchantId?: string | undefined },
): Promise<{ from: number; to: number; buckets: StatsBucket[] }> {
  const hours = Number.isFinite(o.hours) && o.hours > 0 ? Math.min(o.hours, 24 * 90) : 24;
  const n = Number.isInteger(o.buckets) && o.buckets > 0 ? Math.min(o.buckets, 500) : 24;
  await op.flushApiLog();
  const to = op.engine.clock.now();
  const from = to - hours * 3_600_000;
  const width = (to - from) / n;
  const buckets: StatsBucket[] = Array.from({ length: n }, (_, i) => ({
    start: Math.round(from + i * width),
    payments: 0,
    approved: 0,
    declined: 0,
    approvalRate: null,
    volume: {},
    requests: 0,
    latencyP50: null,
    latencyP95: null,
  }));
  const at = (t: number) => Math.min(n - 1, Math.max(0, Math.floor((t - from) / width)));
  const { payments, requests } = await op.engine.read(async (tx) => ({
    payments: await tx.payments.list({
      ...(o.merchantId ? { merchantId: o.merchantId } : {}),
      createdFrom: from,
      createdTo: to + 1,
      limit: 20_000,
    }),
    requests: await tx.apiRequests.list({ ...(o.merchantId ? { merchantId: o.merchantId } : {}), limit: 20_000 }),
  }));
  const volume: Array<Record<string, bigint>> = buckets.map(() => ({}));
  for (const p of payments) {
    const i = at(p.createdAt);
    const b = buckets[i]!;
    b.payments++;
    if (p.status === 'declined') b.declined++;
    if (p.capturedAmount > 0n || p.status === 'authorized') {
      b.approved++;
      const v = volume[i]!;
      v[p.currency] = (v[p.currency] ?? 0n) + (p.capturedAmount > 0n ? p.capturedAmount : p.amount);
    }
  }
  const lat: number[][] = buckets.map(() => []);
  for (const r of requests) {
    if (r.at < from || r.at > to) continue;
    const i = at(r.at);
    buckets[i]!.requests++;
    lat[i]!.push(r.durationMs);
  }
  buckets.forEach((b, i) => {
    const decided = b.approved + b.declined;
    b.approvalRate = decided ? b.approved / decided : null;
    b.volume = Object.fromEntries(Object.entries(volume[i]!).map(([c, v]) => [c, v.toString()]));
    const s = lat[i]!.sort((x, y) => x - y);
    b.latencyP50 = pct(s, 50);
    b.latencyP95 = pct(s, 95);
  });
  return { from, to, buckets };
}
