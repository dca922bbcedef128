// The objects an operator looks at, as the admin API and the dashboard show them: payments and payouts with
// their decimal amounts, search by any id a face uses, and one object's full timeline.
import { maskCardNumbers, maskCardNumbersIn } from '../core/card-text.js';
import { formatMajor } from '../core/money.js';
import type { JsonObject, Payment, Payout } from '../core/model.js';
import { serializePayment } from '../core/payments.js';
import { serializePayout } from '../core/payouts.js';
import type { OperatorContext } from './context.js';

// A payer reference is kept as the merchant gave it (its saved cards are matched on it); an operator view masks a
// card number written into it, as everything an operator sees does (src/core/card-text.ts).
export function paymentView(p: Payment) {
  const payerRef = p.payerRef === null ? null : maskCardNumbers(p.payerRef);
  return { ...serializePayment(p), payerRef, amountDecimal: formatMajor(p.amount, p.currency), kind: 'payment' };
}
export function payoutView(p: Payout) {
  return { ...serializePayout(p), amountDecimal: formatMajor(p.amount, p.currency), kind: 'payout' };
}

/** Finds objects by any id a face uses (transaction ids, order slugs, session ids, external ids, ...). */
export async function search(op: OperatorContext, q: string): Promise<Array<JsonObject>> {
  const text = q.trim();
  if (!text) return [];
  return op.engine.read(async (tx) => {
    const out: JsonObject[] = [];
    const seen = new Set<string>();
    const push = async (type: string, id: string, via: string) => {
      const key = `${type}:${id}`;
      if (seen.has(key)) return;
      seen.add(key);
      if (type === 'payment') {
        const p = await tx.payments.get(Number(id));
        if (p) out.push({ ...(paymentView(p) as unknown as JsonObject), via });
      } else if (type === 'payout') {
        const p = await tx.payouts.get(Number(id));
        if (p) out.push({ ...(payoutView(p) as unknown as JsonObject), via });
      } else out.push({ kind: type, id, via });
    };
    if (/^\d{1,15}$/.test(text)) {
      await push('payment', text, 'id');
      await push('payout', text, 'id');
    }
    for (const r of await tx.refs.search(text, 20)) await push(r.subjectType, r.subjectId, `${r.face} ${r.kind}`);
    return out;
  });
}

/** One object's full timeline: state changes, ledger transfers, API requests, webhook attempts. */
export async function timeline(op: OperatorContext, type: string, id: string) {
  await op.flushApiLog();
  return op.engine.read(async (tx) => {
    const events = await tx.outbox.list(type, id);
    const transfers = await tx.ledger.listTransfersByRef(type, id);
    if (type === 'payment')
      for (const r of await tx.refunds.list(Number(id))) transfers.push(...(await tx.ledger.listTransfersByRef('refund', String(r.id))));
    const deliveries = await tx.deliveries.list({ subjectType: type, subjectId: id, limit: 500 });
    const requests = await tx.apiRequests.list({ subject: `${type}:${id}`, limit: 500 });
    const entries: Array<{ at: number; kind: string; title: string; data: unknown }> = [];
    for (const e of events)
      entries.push({ at: e.createdAt, kind: 'event', title: e.type, data: { eventId: e.eventId, payload: maskCardNumbersIn(e.payload) } });
    for (const t of transfers)
      entries.push({ at: t.createdAt, kind: 'ledger', title: `${t.code}: ${t.kind} ${t.amount} ${t.currency}`, data: t });
    for (const r of requests) entries.push({ at: r.at, kind: 'request', title: `${r.method} ${r.path} → ${r.status}`, data: r });
    for (const d of deliveries) {
      for (const a of await tx.deliveries.listAttempts(d.id)) {
        entries.push({
          at: a.at,
          kind: 'webhook',
          title: `${d.kind} #${a.attempt} ${d.method} ${d.url} → ${a.responseStatus ?? a.error}`,
          data: { eventId: d.eventId, ...a },
        });
      }
    }
    entries.sort((a, b) => a.at - b.at);
    return { type, id, entries, deliveries };
  });
}
