// The CloudPayments face: HTTP Basic `PublicId:ApiSecret`, card cryptograms to the gateway's own RSA key,
// one- and two-stage payments, 3-D Secure, tokens, payouts, subscriptions, orders with a hosted page,
// notifications (Check/Pay/Fail/Confirm/Refund/Recurrent/Cancel) signed with Content-HMAC, and the
// per-terminal concurrent request limit (429).
import { randomBytes } from 'node:crypto';
import type { Face } from '../face.js';
import { KeyRing } from './cryptogram.js';
import { installErrorHandlers, JSON_TYPE } from './http.js';
import { limiterFor, resolveConcurrency } from './limits.js';
import { cloudpaymentsConnectionFields, cloudpaymentsOpenApi } from './openapi.js';
import { registerOrderPages } from './pages.js';
import { registerCheckoutRoutes } from './routes/checkout.js';
import { registerAuthenticated, type Routes } from './routes/common.js';
import { registerKktRoutes } from './routes/kkt.js';
import { registerNotificationSettingsRoutes } from './routes/notification-settings.js';
import { registerOrderRoutes } from './routes/orders.js';
import { registerPaymentRoutes } from './routes/payments.js';
import { registerPayoutRoutes } from './routes/payouts.js';
import { registerSubscriptionRoutes } from './routes/subscriptions.js';
import { registerTestRoute } from './routes/test.js';
import { registerTokenRoutes } from './routes/tokens.js';
import { registerTransactionRoutes } from './routes/transactions.js';
import { seedSettings, subscriptionJobs } from './service.js';
import { cloudpaymentsMigrations } from './migrations.js';
import { NOTIFICATION_TYPES, defaultSettings, type NotificationSettings } from './wire/notification-settings.js';
import { cloudpaymentsWebhooks } from './webhooks.js';

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
    // every method is POST with a JSON or form body and HTTP Basic auth, except /test, /payments/publickey,
    // /checkout.js and the order pages; at most N authenticated requests of one terminal run at once (429 beyond)
    routes(app, ctx) {
      const limiter = limiterFor(ctx.engine, resolveConcurrency(options.concurrency, ctx.env));
      const r: Routes = { ctx, keys: new KeyRing(ctx.engine) };
      installErrorHandlers(app);
      registerTestRoute(app);
      registerCheckoutRoutes(app, r.keys);
      registerOrderPages(app, ctx);
      registerAuthenticated(app, ctx, limiter, (api) => {
        registerPaymentRoutes(api, r);
        registerPayoutRoutes(api, r);
        registerTransactionRoutes(api, r);
        registerTokenRoutes(api, r);
        registerSubscriptionRoutes(api, r);
        registerOrderRoutes(api, r);
        registerNotificationSettingsRoutes(api, r);
        registerKktRoutes(api, r);
      });
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
        await seedSettings(tx, ctx, merchant.id, settings);
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
