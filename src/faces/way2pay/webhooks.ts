// Way2Pay callbacks: a POST of the documented JSON to the object's callbackURL on every status change
// (not on creation: the creating response already shows the state), with `User-Agent: Way2Pay-Callback/1.0`,
// `X-Webhook-Timestamp` and `X-Webhook-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`
// computed for each attempt, and `X-Polypay-Event-Id`. One attempt plus three retries; only HTTP 200 counts.
//
// The signing secret is the credential's `data.callbackSecret`, or its secret key. The dispatcher's `sign`
// hook is synchronous and has no transaction, so secrets are kept in memory: loaded at start, refreshed on
// every render and every 30 s.
import type { DeliveryPlan, WebhookRenderer } from '../../core/dispatcher.js';
import type { Credential, Delivery, OutboxEvent } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
import type { FaceContext } from '../face.js';
import { generationOf } from './auth.js';
import type { Way2PayService } from './service.js';
import { callbackSignature } from './signing.js';
import { deserializePayIn, payInCallback } from './wire/pay-in.js';
import { deserializePayOut, payOutCallback } from './wire/pay-out.js';

const CALLBACK_USER_AGENT = 'Way2Pay-Callback/1.0';

function callbackSecretOf(c: Credential): string {
  const s = c.data.callbackSecret;
  return typeof s === 'string' && s ? s : (c.secret ?? '');
}

function activeCredential(list: Credential[]): Credential | undefined {
  return list.find((c) => c.face === 'way2pay' && c.status === 'active');
}

export function way2payWebhooks(ctx: FaceContext, svc: Way2PayService): WebhookRenderer {
  const secrets = new Map<string, string>();

  async function load(): Promise<void> {
    await ctx.engine.read(async (tx) => {
      for (const m of await tx.merchants.list()) {
        const c = activeCredential(await tx.credentials.list(m.id));
        if (c) secrets.set(m.id, callbackSecretOf(c));
        else secrets.delete(m.id);
      }
    });
  }
  let failures = 0;
  const refresh = () =>
    load().then(
      () => void (failures = 0),
      () => {
        // the store is gone (the gateway closed): stop refreshing
        if (++failures >= 3) clearInterval(timer);
      },
    );
  const timer = setInterval(() => void refresh(), 30_000);
  timer.unref();
  void refresh();

  return {
    async render(tx: Tx, e: OutboxEvent): Promise<DeliveryPlan[]> {
      if (e.type !== 'way2pay.payin.status' && e.type !== 'way2pay.payout.status') return [];
      const cred = activeCredential(await tx.credentials.list(e.merchantId));
      if (!cred) return [];
      secrets.set(e.merchantId, callbackSecretOf(cred));
      const generation = generationOf(cred);
      let url: string | null;
      let body: string;
      if (e.subjectType === 'way2pay_payin') {
        const p = deserializePayIn(e.payload.payin as Record<string, unknown>);
        url = p.callbackUrl;
        body = JSON.stringify(payInCallback(p, generation, e.createdAt));
      } else {
        const p = deserializePayOut(e.payload.payout as Record<string, unknown>);
        url = p.callbackUrl;
        body = JSON.stringify(payOutCallback(p, generation, e.createdAt));
      }
      if (!url) return [];
      return [
        {
          kind: 'callback',
          url,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': CALLBACK_USER_AGENT, 'x-polypay-event-id': e.eventId },
          body,
          schedule: svc.config.callbackSchedule,
          maxAttempts: svc.config.callbackMaxAttempts,
        },
      ];
    },

    /** "Your server must answer HTTP 200." */
    accepts(_d: Delivery, status: number): boolean {
      return status === 200;
    },

    /** Signed per attempt. The timestamp is real time, so merchants' replay windows work while the sandbox clock is advanced. */
    sign(d: Delivery): Record<string, string> {
      const secret = secrets.get(d.merchantId);
      if (secret === undefined) {
        void refresh();
        // never send an unsigned callback: this attempt fails and is retried once the secret is loaded
        throw new Error(`way2pay: no callback secret loaded for merchant ${d.merchantId}`);
      }
      const ts = String(Math.floor(Date.now() / 1000));
      return { 'x-webhook-timestamp': ts, 'x-webhook-signature': callbackSignature(secret, ts, d.body) };
    },
  };
}
