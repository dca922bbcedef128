// The Numopay face (API v2): NP-ACCESS-TOKEN HMAC auth, accounts, charge and refill tokens, payment
// status, webhook endpoints, transactions, checkout sessions and payment pages.
import { randomToken, uuid } from '../../core/ids.js';
import type { ExampleValues, Face } from '../face.js';
import { registerNumopayRoutes } from './routes.js';
import { numopayMigrations, numopayStore } from './store.js';
import { numopayWebhooks } from './webhooks.js';
import { numopayConnectionFields, numopayOpenApi } from './openapi.js';

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
  routes: (app, ctx) => registerNumopayRoutes(app, ctx),
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
    for (const a of accounts) {
      const currency = (a.currency ?? 'RUB').toUpperCase();
      await numopayStore.insertAccount(tx, { id: a.id ?? uuid(), merchantId: merchant.id, currency, createdAt: ctx.engine.clock.now() });
      await ctx.engine.ledger.account(tx, merchant.id, currency, 'available');
    }
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
