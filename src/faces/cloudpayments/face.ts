// The CloudPayments face: HTTP Basic `PublicId:ApiSecret`, card cryptograms to the gateway's own RSA key,
// one- and two-stage payments, 3-D Secure, tokens, payouts, subscriptions, orders with a hosted page,
// notifications (Check/Pay/Fail/Confirm/Refund/Recurrent/Cancel) signed with Content-HMAC, and the
// per-terminal concurrent request limit (429).
import { randomBytes } from 'node:crypto';
import type { Face } from '../face.js';
import { KeyRing } from './cryptogram.js';
import { JSON_TYPE } from './http.js';
import { limiterFor, resolveConcurrency } from './limits.js';
import { cloudpaymentsWebhooks } from './notifications.js';
import { registerCloudPaymentsRoutes } from './routes.js';
import { cloudpaymentsMigrations, cpStore, NOTIFICATION_TYPES, defaultSettings, type NotificationSettings } from './store.js';
import { subscriptionJobs } from './subscriptions.js';
import { cloudpaymentsConnectionFields, cloudpaymentsOpenApi } from './openapi.js';

/** The seed section of a merchant: fixed credentials and, optionally, notification settings by type. */
export interface CloudPaymentsSeed {
  publicId?: string;
  apiSecret?: string;
  notifications?: Record<
    string,
    {
      address?: string;
      httpMethod?: 'GET' | 'POST';
      encoding?: 'UTF8' | 'Windows1251';
      format?: 'CloudPayments' | 'QIWI' | 'RT';
      isEnabled?: boolean;
    }
  >;
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** Options of the face (tests and embedders); anything not given comes from the environment. */
export interface CloudPaymentsOptions {
  /**
   * Concurrent requests per terminal (PublicId) before HTTP 429; 0 disables the limit. Default:
   * POLYPAY_CLOUDPAYMENTS_CONCURRENCY, else 5 (the test terminals' limit). Counted per gateway process.
   */
  concurrency?: number;
}

export function createCloudpaymentsFace(options: CloudPaymentsOptions = {}): Face {
  return {
    name: 'cloudpayments',
    prefix: '/cloudpayments',
    apiHosts: ['api.cloudpayments.ru'],
    title: 'CloudPayments API',
    // cryptograms and 3-D Secure results in the API (names are case-insensitive, as the API reads them), the
    // order page's form (number, cvv) and its 3-D Secure return
    sensitive: {
      pan: ['$.number', 'CardNumber'],
      secret: ['CardCryptogramPacket', 'PaRes', '$.cvv'],
    },
    migrations: cloudpaymentsMigrations,
    // a URL the HTTP layer cannot decode is answered in CloudPayments' shape, as any bad request
    frameworkError: () => ({ status: 400, contentType: JSON_TYPE, body: JSON.stringify({ Success: false, Message: 'Invalid request' }) }),
    routes(app, ctx) {
      const limiter = limiterFor(ctx.engine, resolveConcurrency(options.concurrency, ctx.env));
      registerCloudPaymentsRoutes(app, ctx, new KeyRing(ctx.engine), { limiter });
    },
    webhooks: (ctx) => cloudpaymentsWebhooks(ctx),
    jobs: (ctx) => subscriptionJobs(ctx),
    credentials(seed) {
      const s = (seed ?? {}) as CloudPaymentsSeed;
      return [{ face: 'cloudpayments', key: s.publicId ?? 'pk_' + hex(15).slice(0, 29), secret: s.apiSecret ?? hex(16) }];
    },
    async onMerchantCreated(tx, merchant, seed, ctx) {
      const s = (seed ?? {}) as CloudPaymentsSeed;
      for (const [name, n] of Object.entries(s.notifications ?? {})) {
        const type = NOTIFICATION_TYPES.find((t) => t.toLowerCase() === name.toLowerCase());
        if (!type || !n) continue;
        const settings: NotificationSettings = {
          ...defaultSettings(type),
          isEnabled: n.isEnabled ?? Boolean(n.address),
          address: n.address ?? null,
          httpMethod: n.httpMethod ?? 'GET',
          encoding: n.encoding ?? 'UTF8',
          format: n.format ?? 'CloudPayments',
        };
        await cpStore.putSettings(tx, merchant.id, settings, ctx.engine.clock.now());
      }
    },
    summary:
      'Cryptogram and token payments, 3-D Secure, two-stage payments, refunds, payouts, subscriptions, orders, notifications. HTTP Basic auth.',
    openapi: cloudpaymentsOpenApi,
    connectionFields: cloudpaymentsConnectionFields,
    describe(creds, baseUrl) {
      const c = creds[0]!;
      return { endpoint: baseUrl, publicId: c.key, apiSecret: c.secret ?? '', checkoutScript: `${baseUrl}/checkout.js` };
    },
  };
}

/** The face with its defaults (the limit from POLYPAY_CLOUDPAYMENTS_CONCURRENCY, else 5). */
export const cloudpaymentsFace: Face = createCloudpaymentsFace();
