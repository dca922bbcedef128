// The Mbill face (Transfer Tokenization Service, Nebo15/tokenizer.api): one-time card tokens, card-to-card
// transfers with 3-D Secure or OTP lookup codes, transfers to external credentials completed by claims,
// the API Manifest envelope, signed status webhooks, and the tokenizer iframe.
import { randomToken } from '../../core/ids.js';
import { AVAILABLE } from '../../core/ledger.js';
import type { JsonObject } from '../../core/model.js';
import type { Face } from '../face.js';
import { tokenKey } from './signing.js';
import { registerMbillAdmin } from './admin.js';
import { registerHttp } from './http.js';
import { mbillConnectionFields, mbillOpenApi } from './openapi.js';
import { registerMbillPages } from './pages.js';
import { registerClaimRoutes } from './routes/claims.js';
import { registerTokenRoutes } from './routes/tokens.js';
import { registerTransferRoutes } from './routes/transfers.js';
import { registerWebhookRoutes } from './routes/webhook.js';
import { MbillService } from './service.js';
import { mbillMigrations } from './store.js';
import { mbillWebhooks } from './webhooks.js';
import { CURRENCY } from './wire.js';

export interface MbillSeed {
  /** the API token clients send as the HTTP Basic username */
  apiToken?: string;
  /** where transfer status webhooks go */
  webhookUrl?: string;
}

export const mbillFace: Face = {
  name: 'mbill',
  prefix: '/mbill',
  apiHosts: ['transfers.mbill.co', 'tokenizer-api.herokuapp.com'],
  title: 'Mbill Transfer Tokenization Service',
  // card tokens (number, cvv), transfers (a sender card, a card-number recipient), claims, the lookup (OTP) code
  // of transfers and claims (`code` or `otp-code`), and the 3-D Secure return
  sensitive: {
    pan: ['$.number', '$.sender.credential.number', '$.recipient.credential.number', '$.credential.number'],
    secret: ['$.cvv', '$.sender.credential.cvv', '$.code', '$.otp-code', '$.PaRes'],
  },
  migrations: mbillMigrations,
  routes(app, ctx) {
    const svc = new MbillService(ctx);
    registerHttp(app, ctx);
    registerMbillPages(app, ctx, svc);
    registerTokenRoutes(app, ctx, svc);
    registerTransferRoutes(app, ctx, svc);
    registerClaimRoutes(app, ctx, svc);
    registerWebhookRoutes(app, ctx, svc);
  },
  webhooks: () => mbillWebhooks,
  jobs: (ctx) => new MbillService(ctx).jobs(),
  frameworkError: (_code, url) => ({
    status: 400,
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify({
      meta: { url, type: 'object', code: 400, request_id: 'req-' + randomToken(20) },
      error: {
        type: 'request_malformed',
        invalid: [{ entry_type: 'request', rules: [{ rule: 'url' }] }],
        message: 'Malformed request. The URL could not be decoded.',
      },
    }),
  }),
  credentials(seed) {
    const s = (seed ?? {}) as MbillSeed;
    const data: JsonObject = {};
    if (typeof s.webhookUrl === 'string' && s.webhookUrl) data.webhookUrl = s.webhookUrl;
    const token = s.apiToken ?? randomToken(24);
    // the token is the secret: it is found by its hash and compared in constant time (http.ts)
    return [{ face: 'mbill', key: tokenKey(token), secret: token, data }];
  },
  async onMerchantCreated(tx, merchant, _seed, ctx) {
    await ctx.engine.ledger.account(tx, merchant.id, CURRENCY, AVAILABLE);
  },
  async exportSeed(_tx, _merchantId, creds) {
    const c = creds[0];
    if (!c) return undefined;
    const out: JsonObject = { apiToken: c.secret ?? '' };
    if (typeof c.data.webhookUrl === 'string') out.webhookUrl = c.data.webhookUrl;
    return out;
  },
  admin: (app, ctx) => registerMbillAdmin(app, ctx),
  summary: 'One-time card tokens, card-to-card transfers with 3-D Secure or lookup codes, claims, webhooks. HTTP Basic tokens.',
  openapi: mbillOpenApi,
  connectionFields: mbillConnectionFields,
  describe(creds, baseUrl) {
    const c = creds[0]!;
    const out: Record<string, string> = { baseUrl, apiToken: c.secret ?? '' };
    if (typeof c.data.webhookUrl === 'string') out.webhookUrl = c.data.webhookUrl;
    return out;
  },
};
