// Mbill transfer status webhooks (the blueprint's TODO, our design): on every transfer status change the
// transfer is POSTed in an API Manifest envelope to the URL the merchant configured (seed `webhookUrl` or
// `PUT /mbill/webhook`), signed `X-Mbill-Signature: sha256=<hex HMAC-SHA256(API token, raw body)>`, with
// the event's stable id in `X-Polypay-Event-Id` for de-duplication (delivery is at least once).
import type { DeliveryPlan, WebhookRenderer } from '../../core/dispatcher.js';
import { HOUR, MINUTE } from '../../core/clock.js';
import type { Credential, OutboxEvent } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
import { carriedPerTransaction } from '../kit/carried.js';
import { EVENT_HEADER, EVENT_ID_HEADER, SIGNATURE_HEADER, webhookSignature } from './signing.js';
import { TRANSFER_SUBJECT } from './store.js';
import { isoUtc } from './wire.js';

/**
 * A merchant's credentials (their webhook URLs and API tokens) read at the start of a transfer's transaction with
 * its other first reads, handed to the renderer at its end (faces/kit/carried.ts).
 */
const carried = carriedPerTransaction<Credential[]>();

/** Hands the merchant's credentials, read in this transaction, to its webhooks. */
export function carryCredentials(tx: Tx, merchantId: string, credentials: Credential[]): void {
  carried.put(tx, merchantId, credentials);
}

const MBILL_RETRY_SCHEDULE = [MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR];
const MBILL_MAX_ATTEMPTS = 10;

export const mbillWebhooks: WebhookRenderer = {
  async render(tx: Tx, e: OutboxEvent): Promise<DeliveryPlan[]> {
    if (e.subjectType !== TRANSFER_SUBJECT || !e.type.startsWith('transfer.')) return [];
    const creds = (carried.get(tx, e.merchantId) ?? (await tx.credentials.list(e.merchantId))).filter(
      (c) => c.face === 'mbill' && c.status === 'active' && typeof c.data.webhookUrl === 'string',
    );
    const plans: DeliveryPlan[] = [];
    for (const c of creds) {
      const body = JSON.stringify({
        meta: { type: 'object', event: e.type, event_id: e.eventId, created_at: isoUtc(e.createdAt) },
        data: e.payload.transfer,
      });
      plans.push({
        kind: e.type,
        url: String(c.data.webhookUrl),
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Mbill-Webhook/1.0 (Polypay)',
          [EVENT_HEADER]: e.type,
          [EVENT_ID_HEADER]: e.eventId,
          [SIGNATURE_HEADER]: webhookSignature(c.secret ?? '', body),
        },
        body,
        schedule: MBILL_RETRY_SCHEDULE,
        maxAttempts: MBILL_MAX_ATTEMPTS,
      });
    }
    return plans;
  },
};
