// The Numopay face (API v2): NP-ACCESS-TOKEN HMAC auth, accounts, charge and refill tokens, payment
// status, webhook endpoints, transactions, checkout sessions and payment pages.
import type { FastifyInstance } from 'fastify';
import { randomToken } from '../../core/ids.js';
import type { ExampleValues, Face, FaceContext } from '../face.js';
import { signedRequests } from './auth.js';
import { installErrorHandlers } from './http.js';
import { numopayConnectionFields, numopayOpenApi } from './openapi.js';
import { registerNumopayPages } from './pages.js';
import { registerAccountRoutes } from './routes/accounts.js';
import { registerChargeRoutes } from './routes/charges.js';
import { registerCheckoutRoutes, registerPaymentPageRoutes } from './routes/checkout.js';
import { registerPaymentRoutes } from './routes/payments.js';
import { registerRefillRoutes } from './routes/refills.js';
import type { RouteDeps } from './routes/signed.js';
import { registerTimeRoutes } from './routes/time.js';
import { registerWebhookEndpointRoutes } from './routes/webhook-endpoints.js';
import { NumopayService } from './service.js';
import { numopayMigrations, numopayStore } from './store.js';
import { numopayWebhooks } from './webhooks.js';

interface NumopaySeed {
  apiKey?: string;
  secret?: string;
  publishableKey?: string;
  accounts?: Array<{ id?: string; currency?: string }>;
}

export const numopayFace: Face = {
  name: 'numopay',
  prefix: '/numopay',
  apiHosts: ['api.numopay.com'],
  title: 'Numopay API v2',
  // charges (card_info), refills (card_number), the checkout payment page's form (number, cvv) and its 3-D Secure return
  sensitive: {
    pan: ['$.card_info.number', '$.card_number', '$.number'],
    secret: ['$.card_info.cvv', '$.cvv', '$.PaRes'],
  },
  migrations: numopayMigrations,
  routes: registerRoutes,
  webhooks: () => numopayWebhooks,
  frameworkError: () => ({ status: 400, contentType: 'application/json; charset=utf-8', body: JSON.stringify({ error: 'Bad request' }) }),
  credentials(seed) {
    const s = (seed ?? {}) as NumopaySeed;
    return [
      {
        face: 'numopay',
        key: s.apiKey ?? 'np_' + randomToken(24),
        secret: s.secret ?? randomToken(40),
        data: { publishableKey: s.publishableKey ?? 'pk_live_' + randomToken(24) },
      },
    ];
  },
  async onMerchantCreated(tx, merchant, seed, ctx) {
    const s = (seed ?? {}) as NumopaySeed;
    const accounts = s.accounts?.length ? s.accounts : [{ currency: 'RUB' }];
    await new NumopayService(ctx.engine).openAccounts(
      tx,
      merchant.id,
      accounts.map((a) => ({ id: a.id, currency: (a.currency ?? 'RUB').toUpperCase() })),
    );
  },
  async exportSeed(tx, merchantId, creds) {
    const c = creds[0]!;
    const accounts = await numopayStore.listAccounts(tx, merchantId);
    return {
      apiKey: c.key,
      secret: c.secret,
      publishableKey: String(c.data.publishableKey ?? ''),
      accounts: accounts.map((a) => ({ id: a.id, currency: a.currency })),
    };
  },
  summary:
    'Accounts, charge and refill tokens with 3-D Secure, payment status, webhook endpoints, checkout sessions. NP-ACCESS-TOKEN (HMAC-SHA256) auth.',
  openapi: numopayOpenApi,
  connectionFields: numopayConnectionFields,
  async exampleValues(tx, merchantId, c) {
    const values: ExampleValues = { params: {}, body: {} };
    const accounts = await numopayStore.listAccounts(tx, merchantId);
    if (accounts[0]) values.params.account_id = accounts[0].id;
    if (c.publishableKey) values.body.key = c.publishableKey;
    return values;
  },
  describe(creds, baseUrl) {
    const c = creds[0]!;
    return { baseUrl, apiKey: c.key, secret: c.secret ?? '', publishableKey: String(c.data.publishableKey ?? '') };
  },
};

/** The payer pages and `/v2/time` are open; everything under `/v2/accounts` is signed; payment pages take a publishable key. */
function registerRoutes(app: FastifyInstance, ctx: FaceContext): void {
  const d: RouteDeps = { ctx, service: new NumopayService(ctx.engine) };
  installErrorHandlers(app);
  registerTimeRoutes(app);
  registerNumopayPages(app, ctx, d.service);
  app.register(async (api) => {
    api.addHook('preHandler', signedRequests(ctx));
    for (const register of [
      registerAccountRoutes,
      registerChargeRoutes,
      registerPaymentRoutes,
      registerRefillRoutes,
      registerWebhookEndpointRoutes,
      registerCheckoutRoutes,
    ])
      register(api, d);
  });
  registerPaymentPageRoutes(app, d);
}
