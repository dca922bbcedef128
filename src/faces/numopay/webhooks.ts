// Numopay webhook events: `{type:"order", data:<payment status>, event_at}` POSTed, unsigned as the
// provider's are, to every endpoint of the order's account on each status change.
import type { DeliveryPlan, WebhookRenderer } from '../../core/dispatcher.js';
import { HOUR, MINUTE } from '../../core/clock.js';
import type { OutboxEvent } from '../../core/model.js';
import { deserializePayment } from '../../core/payments.js';
import { deserializePayout } from '../../core/payouts.js';
import type { Tx } from '../../core/ports.js';
import { numopayStore as S } from './store.js';
import { paymentStatusObject, payoutStatusObject, type StatusObject } from './wire.js';

const NUMOPAY_RETRY_SCHEDULE = [MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR];
const NUMOPAY_MAX_ATTEMPTS = 10;

const SILENT = new Set(['payment.created', 'payout.created']);

export const numopayWebhooks: WebhookRenderer = {
  async render(tx: Tx, e: OutboxEvent): Promise<DeliveryPlan[]> {
    if (SILENT.has(e.type)) return [];
    let data: StatusObject;
    if (e.subjectType === 'payment') {
      const p = deserializePayment(e.payload.payment as never);
      if (e.type === 'payment.authorized' && p.captureMode === 'auto') return [];
      const tok = await S.getTokenBySubject(tx, 'charge', p.id);
      if (!tok) return [];
      data = paymentStatusObject(p, tok.orderSlug);
      return plans(tx, tok.accountId, data, e);
    }
    if (e.subjectType === 'payout') {
      const p = deserializePayout(e.payload.payout as never);
      const tok = await S.getTokenBySubject(tx, 'refill', p.id);
      if (!tok) return [];
      data = payoutStatusObject(p, tok.orderSlug);
      return plans(tx, tok.accountId, data, e);
    }
    return [];
  },
};

async function plans(tx: Tx, accountId: string, data: StatusObject, e: OutboxEvent): Promise<DeliveryPlan[]> {
  const endpoints = await S.listEndpoints(tx, accountId);
  const body = JSON.stringify({ type: 'order', data, event_at: new Date(e.createdAt).toISOString() });
  return endpoints.map((ep) => ({
    kind: 'order',
    url: ep.url,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', 'user-agent': 'Numopay-Webhook/2.0', 'x-polypay-event-id': e.eventId },
    body,
    schedule: NUMOPAY_RETRY_SCHEDULE,
    maxAttempts: NUMOPAY_MAX_ATTEMPTS,
  }));
}
