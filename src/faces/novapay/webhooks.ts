// NovaPay postbacks: on every session status change (and every move of a secure payment's parcel) the
// session's postback body, as it was at that change, is POSTed to the session's callback_url as compact
// JSON, signed with the gateway key over the exact bytes: `X-Sign` (RSA-SHA1, what the legacy SDKs
// check) and `x-sign-v2` (RSA-SHA256, the current SDK). Retried until the merchant answers 2xx.
import { DAY, HOUR, MINUTE } from '../../core/clock.js';
import type { DeliveryPlan, WebhookRenderer } from '../../core/dispatcher.js';
import type { Engine } from '../../core/engine.js';
import type { OutboxEvent } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
import { gatewayKeyIn } from './keys.js';
import { SESSION_SUBJECT } from './service.js';
import { LEGACY_SIGN_HEADER, signBody, V2_SIGN_HEADER } from './signing.js';
import { novapayStore as S } from './store.js';

/** 1 min, 5 min, 15 min, 1 h, 3 h, then every 6 h: about a month of attempts. */
const NOVAPAY_RETRY_SCHEDULE = [MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR];
const NOVAPAY_MAX_ATTEMPTS = Math.ceil((30 * DAY) / (6 * HOUR)) + 5;

export function novapayWebhooks(engine: Engine): WebhookRenderer {
  return {
    async render(tx: Tx, e: OutboxEvent): Promise<DeliveryPlan[]> {
      // core payment events of NovaPay payments are told through the session's own events
      if (e.subjectType !== SESSION_SUBJECT) return [];
      const s = await S.getSession(tx, e.subjectId);
      const url = s?.callbackUrl;
      const postback = e.payload.postback;
      if (!url || postback === undefined) return [];
      const body = JSON.stringify(postback);
      const key = await gatewayKeyIn(tx, engine);
      return [
        {
          kind: 'postback',
          url,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'NovaPay-Postback/1.0',
            [LEGACY_SIGN_HEADER]: signBody(body, key.privateKey, 'sha1'),
            [V2_SIGN_HEADER]: signBody(body, key.privateKey, 'sha256'),
            'x-polypay-event-id': e.eventId,
          },
          body,
          schedule: NOVAPAY_RETRY_SCHEDULE,
          maxAttempts: NOVAPAY_MAX_ATTEMPTS,
        },
      ];
    },
  };
}
