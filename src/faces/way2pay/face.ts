// The Way2Pay face (API v1): signed P2P pay-ins with requisites from the merchant's pool, pay-outs against the payout
// balance, balances, reference data and signed callbacks, for the auth generation each merchant uses: the original
// README's (1), the `Expires` one (2) or the current one (3).
import type { FastifyInstance } from 'fastify';
import { randomHex, randomToken } from '../../core/ids.js';
import type { JsonObject } from '../../core/model.js';
import type { Face, FaceContext } from '../face.js';
import { registerWay2payAdmin } from './admin.js';
import { generationFromSeed } from './auth.js';
import { errorBody, registerErrorHandlers } from './http.js';
import { way2payMigrations } from './migrations.js';
import { way2payConnectionFields, way2payOpenApi } from './openapi.js';
import { registerP2pDesk } from './p2p-desk.js';
import { registerBalanceRoutes } from './routes/balance.js';
import { registerPayInRoutes } from './routes/pay-ins.js';
import { registerPayOutRoutes } from './routes/pay-outs.js';
import { registerSandboxRoutes } from './routes/sandbox.js';
import { way2payService, type Way2PaySeed } from './service.js';
import { DEFAULT_CONFIG, JOB_PAYIN_TIMEOUT, JOB_PAYOUT_PROCESS, JOB_PAYOUT_TIMEOUT, type Way2PayConfig } from './service/config.js';
import { way2payWebhooks } from './webhooks.js';

export type { Way2PaySeed };

/** The merchant API under /api/v1 and, when enabled, the sandbox routes under /sandbox. */
function registerRoutes(app: FastifyInstance, ctx: FaceContext, config: Way2PayConfig): void {
  const svc = way2payService(ctx.engine, config);
  registerErrorHandlers(app);
  const base = '/api/v1';
  registerPayInRoutes(app, ctx, svc, base);
  registerPayOutRoutes(app, ctx, svc, base);
  registerBalanceRoutes(app, ctx, svc, base);
  if (svc.config.sandboxRoutes && ctx.sandbox.enabled) registerSandboxRoutes(app, ctx, svc);
}

export function createWay2payFace(options: Partial<Way2PayConfig> = {}): Face {
  const config: Way2PayConfig = { ...DEFAULT_CONFIG, ...options };
  return {
    name: 'way2pay',
    prefix: '/way2pay',
    apiHosts: ['way2pay.app', 'api.way2pay.com'],
    title: 'Way2Pay API v1',
    // a pay-out's receiver (a card number for method CARD; a phone or an account number is not kept either)
    sensitive: {
      pan: ['$.receiver'],
      secret: [],
    },
    migrations: way2payMigrations,
    frameworkError: () => {
      const e = errorBody(20000);
      return { status: e.status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(e.body) };
    },
    routes: (app, ctx) => registerRoutes(app, ctx, config),
    admin: (app, ctx) => registerWay2payAdmin(app, ctx, way2payService(ctx.engine, config)),
    dashboard: (pages, ctx) => registerP2pDesk(pages, ctx, way2payService(ctx.engine, config)),
    webhooks: (ctx) => way2payWebhooks(ctx, way2payService(ctx.engine, config)),
    jobs(ctx) {
      const svc = way2payService(ctx.engine, config);
      return {
        [JOB_PAYIN_TIMEOUT]: async (tx, job) => void (await svc.expirePayIn(tx, job.ref)),
        [JOB_PAYOUT_PROCESS]: async (tx, job) => void (await svc.processPayOut(tx, job.ref)),
        [JOB_PAYOUT_TIMEOUT]: async (tx, job) => void (await svc.expirePayOut(tx, job.ref)),
      };
    },
    credentials(seed) {
      const s = (seed ?? {}) as Way2PaySeed;
      const data: JsonObject = { generation: generationFromSeed(s.generation) };
      if (s.callbackSecret) data.callbackSecret = s.callbackSecret;
      return [{ face: 'way2pay', key: s.publicKey ?? 'w2p_pk_' + randomToken(24), secret: s.secretKey ?? randomHex(32), data }];
    },
    async onMerchantCreated(tx, merchant, seed, ctx) {
      await way2payService(ctx.engine, config).applySeed(tx, merchant.id, (seed ?? {}) as Way2PaySeed);
    },
    summary: 'P2P pay-ins with requisites, pay-outs, balances, reference data, callbacks. HMAC auth, generations 1, 2 and 3.',
    openapi: way2payOpenApi,
    connectionFields: way2payConnectionFields,
    async exampleValues(_tx, _merchantId, c) {
      return { params: {}, body: c.publicKey ? { publicKey: c.publicKey } : {} };
    },
    describe(creds, baseUrl) {
      const c = creds[0]!;
      return { baseUrl, publicKey: c.key, secretKey: c.secret ?? '', generation: String(c.data.generation ?? 1) };
    },
  };
}

export const way2payFace: Face = createWay2payFace();
