// The NovaPay face ("qecom" e-commerce API v1): RSA-signed JSON requests (x-sign, SHA-1 or SHA-256),
// payment sessions with holds, partial completion, same-day voids, secure delivery through Nova Poshta,
// frames and checkout, payer pages with 3-D Secure, and signed postbacks (X-Sign and x-sign-v2).
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { randomDigits } from '../../core/ids.js';
import type { JsonObject } from '../../core/model.js';
import type { Face } from '../face.js';
import { setGatewayKey } from './keys.js';
import { installErrorHandlers } from './http.js';
import { novapayJobs } from './jobs.js';
import { registerNovapayPages } from './pages.js';
import { registerDeliveryRoutes } from './routes/delivery.js';
import { registerPaymentRoutes } from './routes/payments.js';
import { registerPublicKeyRoute } from './routes/public-key.js';
import { registerSessionRoutes } from './routes/sessions.js';
import { NovapayService } from './service.js';
import { publicKeyOf } from './signing.js';
import { novapayMigrations } from './store.js';
import { novapayWebhooks } from './webhooks.js';
import { novapayConnectionFields, novapayOpenApi } from './openapi.js';

/** A merchant's `novapay` seed section. */
export interface NovapaySeed {
  /** NovaPay's merchant_id (number or string); generated when absent */
  merchantId?: string | number;
  merchant_id?: string | number;
  /** the merchant's RSA public key (PEM) that verifies its x-sign */
  publicKey?: string;
  /** or its private key (PEM): the public key is derived, and the key is shown for the demo merchant */
  privateKey?: string;
  /** Nova Poshta city ref the merchant ships from (default Kyiv) */
  senderCity?: string;
  /** the gateway's own signing key (PEM); generated and kept in the store when no seed sets it */
  gatewayPrivateKey?: string;
}

function publicPemOf(privatePem: string): string {
  return createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString();
}

export const novapayFace: Face = {
  name: 'novapay',
  prefix: '/novapay',
  apiHosts: ['api-qecom.novapay.ua', 'api-ecom.novapay.ua'],
  title: 'NovaPay qecom API v1',
  // the API takes no card data; the payer pages' form (number, cvv) and their 3-D Secure return do
  sensitive: {
    pan: ['$.number'],
    secret: ['$.cvv', '$.PaRes'],
  },
  migrations: novapayMigrations,
  frameworkError: () => ({
    status: 400,
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify({ type: 'validation', errors: [{ dataPath: '', message: 'request is malformed' }] }),
  }),
  routes(app, ctx) {
    const service = new NovapayService(ctx);
    installErrorHandlers(app, ctx);
    registerSessionRoutes(app, ctx, service);
    registerPaymentRoutes(app, ctx, service);
    registerDeliveryRoutes(app, ctx, service);
    registerPublicKeyRoute(app, ctx);
    registerNovapayPages(app, ctx, service);
  },
  webhooks: (ctx) => novapayWebhooks(ctx.engine),
  jobs: (ctx) => novapayJobs(new NovapayService(ctx)),
  credentials(seed) {
    const s = (seed ?? {}) as NovapaySeed;
    const id = s.merchantId ?? s.merchant_id;
    const key =
      id !== undefined && /^\d{1,18}$/.test(String(id).trim())
        ? String(id).trim()
        : String(1 + (Number(randomDigits(1)) % 9)) + randomDigits(5);
    const data: JsonObject = {};
    if (s.publicKey) {
      if (!publicKeyOf(s.publicKey)) throw new Error('novapay.publicKey is not an RSA public key');
      data.publicKey = s.publicKey;
    } else if (s.privateKey) {
      data.publicKey = publicPemOf(s.privateKey);
      data.privateKey = s.privateKey;
    } else {
      // no key given: a fresh pair; the private half is shown to the developer (sandbox use)
      const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      data.publicKey = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      data.privateKey = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    }
    if (s.senderCity) data.senderCity = s.senderCity;
    return [{ face: 'novapay', key, secret: null, data }];
  },
  async onMerchantCreated(tx, merchant, seed, ctx) {
    await ctx.engine.ledger.account(tx, merchant.id, 'UAH', 'available');
    const s = (seed ?? {}) as NovapaySeed;
    if (s.gatewayPrivateKey) await setGatewayKey(tx, ctx.engine, s.gatewayPrivateKey);
  },
  summary:
    'Payment sessions with holds, void, secure delivery through Nova Poshta, frames and checkout, postbacks. RSA `x-sign` (SHA-1 or SHA-256).',
  openapi: novapayOpenApi,
  connectionFields: novapayConnectionFields,
  async exampleValues(_tx, _merchantId, c) {
    if (!c.merchantId) return { params: {}, body: {} };
    return { params: {}, body: { merchant_id: /^\d{1,15}$/.test(c.merchantId) ? Number(c.merchantId) : c.merchantId } };
  },
  describe(creds, baseUrl) {
    const c = creds[0]!;
    const out: Record<string, string> = { baseUrl: `${baseUrl}/v1`, merchantId: c.key, gatewayPublicKey: `${baseUrl}/v1/public-key` };
    if (typeof c.data.privateKey === 'string') out.privateKey = c.data.privateKey;
    return out;
  },
};
