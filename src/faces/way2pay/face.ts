// The Way2Pay face (API v1): signed P2P pay-ins with requisites from the merchant's pool, pay-outs against
// the payout balance, balances, reference data and signed callbacks, for the original README's auth generation (1) and
// the current one (3), chosen per merchant.
import { randomHex, randomToken } from '../../core/ids.js';
import { parseMajor } from '../../core/money.js';
import type { JsonObject } from '../../core/model.js';
import type { Face } from '../face.js';
import {
  DEFAULT_CONFIG,
  demoCommissions,
  demoRequisites,
  JOB_PAYIN_TIMEOUT,
  JOB_PAYOUT_PROCESS,
  JOB_PAYOUT_TIMEOUT,
  way2payService,
  type Way2PayConfig,
} from './operations.js';
import { registerWay2payAdmin } from './admin.js';
import { registerP2pDesk } from './p2p-desk.js';
import { registerWay2payRoutes } from './routes.js';
import { way2payMigrations, way2payStore as S } from './store.js';
import { way2payWebhooks } from './webhooks.js';
import { errorBody, findBank, PAYIN_METHODS, PAYOUT_METHODS, type RequisiteKind } from './wire.js';
import { way2payConnectionFields, way2payOpenApi } from './openapi.js';

/** The merchant's `way2pay` section of a seed file. */
export interface Way2PaySeed {
  publicKey?: string;
  secretKey?: string;
  /** 1 (the original README's HMAC-SHA256 auth, the default) or 3 (the current HMAC-SHA512 auth) */
  generation?: 1 | 3 | '1' | '3';
  /** signs callbacks (default: the secret key) */
  callbackSecret?: string;
  /** opening balances in major units: "10000.00" (RUB) or { RUB: "10000", USD: "50" } */
  payoutBalance?: string | number | Record<string, string | number>;
  paymentBalance?: string | number | Record<string, string | number>;
  /** the requisites pool (default: the demo pool) */
  requisites?: Array<{ bank: string | number; kind?: RequisiteKind; method?: string; value: string; holder: string; active?: boolean }>;
  /** commissions (default: the demo commissions) */
  commissions?: Array<{
    direction: string;
    bank: string | number;
    method: string;
    percent: string | number;
    minAmount: string | number;
    maxAmount: string | number;
    isActive?: boolean;
  }>;
}

function balances(v: Way2PaySeed['payoutBalance']): Array<[string, string]> {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string' || typeof v === 'number') return [['RUB', String(v)]];
  return Object.entries(v).map(([cur, amount]) => [cur.toUpperCase(), String(amount)]);
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
    routes: (app, ctx) => registerWay2payRoutes(app, ctx, way2payService(ctx.engine, config)),
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
      const data: JsonObject = { generation: String(s.generation ?? '1') === '3' ? 3 : 1 };
      if (s.callbackSecret) data.callbackSecret = s.callbackSecret;
      return [{ face: 'way2pay', key: s.publicKey ?? 'w2p_pk_' + randomToken(24), secret: s.secretKey ?? randomHex(32), data }];
    },
    async onMerchantCreated(tx, merchant, seed, ctx) {
      const s = (seed ?? {}) as Way2PaySeed;
      const svc = way2payService(ctx.engine, config);
      const now = ctx.engine.clock.now();
      for (const c of s.commissions ?? []) {
        const direction = c.direction.toLowerCase() === 'payout' ? 'payout' : 'payin';
        await svc.setCommission(tx, merchant.id, { ...c, direction, minAmount: String(c.minAmount), maxAmount: String(c.maxAmount) });
      }
      if (!s.commissions?.length)
        for (const c of demoCommissions()) await S.insertCommissionIfMissing(tx, { ...c, merchantId: merchant.id });
      for (const r of s.requisites ?? []) {
        const bank = findBank(r.bank);
        const kind = r.kind ?? (r.method ? (PAYIN_METHODS[r.method.toUpperCase()] ?? PAYOUT_METHODS[r.method.toUpperCase()]) : undefined);
        if (!bank || !kind)
          throw new Error(`way2pay seed: requisite ${JSON.stringify(r)} needs a known bank and a kind (card, phone, account, link)`);
        await S.insertRequisite(tx, {
          merchantId: merchant.id,
          bankId: bank.id,
          kind,
          value: r.value,
          holder: r.holder,
          isActive: r.active ?? true,
          lastUsedAt: 0,
          createdAt: now,
        });
      }
      if (!s.requisites?.length)
        for (const r of demoRequisites())
          await S.insertRequisite(tx, { merchantId: merchant.id, ...r, isActive: true, lastUsedAt: 0, createdAt: now });
      for (const [currency, amount] of balances(s.payoutBalance))
        await svc.deposit(tx, merchant.id, currency, parseMajor(amount, currency), 'payout');
      for (const [currency, amount] of balances(s.paymentBalance))
        await svc.deposit(tx, merchant.id, currency, parseMajor(amount, currency), 'payment');
    },
    summary: 'P2P pay-ins with requisites, pay-outs, balances, reference data, callbacks. HMAC auth, generations 1 and 3.',
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
