// Payments as Numopay shows them: one order's status by its slug (a charge or a refill), and the account's
// transactions, newest first.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CoreError } from '../../../core/errors.js';
import type { Payment, Payout } from '../../../core/model.js';
import type { Tx } from '../../../core/ports.js';
import { data, queryFields, send } from '../http.js';
import { numopayStore as S, type NumopayAccount, type NumopayToken } from '../store.js';
import { paymentStatusObject, payoutStatusObject, type StatusObject } from '../wire.js';
import { accountIn, signedQuery, type RouteDeps } from './signed.js';

export function registerPaymentRoutes(api: FastifyInstance, d: RouteDeps): void {
  api.get('/v2/accounts/:account_id/payment/:order_slug', async (req, reply) =>
    send(
      reply,
      await signedQuery(d, req, {
        read: async (tx) => {
          // the account and the order's token do not depend on each other: read at the same time
          const [a, t] = await Promise.all([accountIn(tx, req), S.getTokenBySlug(tx, (req.params as { order_slug: string }).order_slug)]);
          const status = t && t.accountId === a.id ? await orderStatus(tx, t) : undefined;
          if (!t || !status) throw new CoreError('PAYMENT_NOT_FOUND');
          return { t, status };
        },
        subjects: ({ t }) => [[t.kind === 'charge' ? 'payment' : 'payout', t.subjectId]],
        render: ({ status }) => data(status),
      }),
    ),
  );

  api.get('/v2/accounts/:account_id/transactions', async (req, reply) =>
    send(
      reply,
      await signedQuery(d, req, {
        read: async (tx) => transactions(tx, await accountIn(tx, req), transactionFilter(req)),
        render: (items) => data(items),
      }),
    ),
  );
}

/** The status object of an order, from its token (charge → payment, refill → payout). */
async function orderStatus(tx: Tx, t: NumopayToken): Promise<StatusObject | undefined> {
  if (t.kind === 'charge') {
    const p = await tx.payments.get(t.subjectId);
    return p && paymentStatusObject(p, t.orderSlug);
  }
  const p = await tx.payouts.get(t.subjectId);
  return p && payoutStatusObject(p, t.orderSlug);
}

interface TransactionFilter {
  limit: number;
  offset: number;
  from: number | undefined;
  to: number | undefined;
}

/** `limit` 0–100 (10 by default), `offset`, `from` (created at or after) and `to` (before), ISO 8601. */
function transactionFilter(req: FastifyRequest): TransactionFilter {
  const q = queryFields(req);
  const count = (key: string, max: number, fallback: number): number => {
    const n = q.int(key);
    if (n === undefined) return fallback;
    if (n < 0 || n > max) q.custom(key, 'between', `${key} must be between 0 and ${max}`);
    return n;
  };
  const date = (key: string): number | undefined => {
    const v = q.str(key);
    if (v === undefined) return undefined;
    const t = Date.parse(v);
    if (!Number.isFinite(t) || !/^\d{4}-\d{2}-\d{2}/.test(v)) q.problem({ rule: 'format', path: [key], key, format: 'date', value: v });
    return t;
  };
  return { limit: count('limit', 100, 10), offset: count('offset', 1_000_000, 0), from: date('from'), to: date('to') };
}

async function transactions(tx: Tx, a: NumopayAccount, q: TransactionFilter): Promise<StatusObject[]> {
  const f = {
    merchantId: a.merchantId,
    face: 'numopay' as const,
    currency: a.currency,
    createdFrom: q.from,
    createdTo: q.to,
    order: 'desc' as const,
    limit: q.offset + q.limit,
    offset: 0,
  };
  const [payments, payouts] = await Promise.all([tx.payments.list(f), tx.payouts.list(f)]);
  const merged: Array<{ at: number; id: number; kind: 'charge' | 'refill'; obj: Payment | Payout }> = [
    ...payments.map((p) => ({ at: p.createdAt, id: p.id, kind: 'charge' as const, obj: p })),
    ...payouts.map((p) => ({ at: p.createdAt, id: p.id, kind: 'refill' as const, obj: p })),
  ].sort((x, y) => y.at - x.at || y.id - x.id);
  const out: StatusObject[] = [];
  for (const m of merged.slice(q.offset, q.offset + q.limit)) {
    const t = await S.getTokenBySubject(tx, m.kind, m.id);
    if (!t) continue;
    out.push(m.kind === 'charge' ? paymentStatusObject(m.obj as Payment, t.orderSlug) : payoutStatusObject(m.obj as Payout, t.orderSlug));
  }
  return out;
}
