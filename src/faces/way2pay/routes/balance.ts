// Way2Pay's balance and reference data: GET /balance, /banks, /currencies, /commissions.
import type { FastifyInstance } from 'fastify';
import type { FaceContext } from '../../face.js';
import { signed } from '../auth.js';
import { sendAnswer } from '../http.js';
import { BANKS, bankById, CURRENCIES } from '../reference-data.js';
import * as F from '../request-fields.js';
import type { Way2PayService } from '../service.js';
import type { Commission } from '../store.js';
import { money, percentNumber } from '../wire.js';
import { balanceView } from '../wire/balance.js';

function commissionView(c: Commission) {
  const cur = bankById(c.bankId)?.currency ?? 'RUB';
  return {
    id: c.id,
    bank: bankById(c.bankId)?.name ?? String(c.bankId),
    method: c.method,
    percent: percentNumber(c.percentBp),
    minAmount: money(c.minAmount, cur),
    maxAmount: money(c.maxAmount, cur),
    isActive: c.isActive,
  };
}

export function registerBalanceRoutes(app: FastifyInstance, ctx: FaceContext, svc: Way2PayService, base: string): void {
  const opts = { nonceWindowMs: svc.config.nonceWindowMs };

  app.get(`${base}/balance`, async (req, reply) =>
    sendAnswer(
      reply,
      await signed(req, ctx, opts, {
        work: (tx, a) => svc.balances(tx, a.merchant.id, F.queryCurrency(req).key),
        data: balanceView,
      }),
    ),
  );

  app.get(`${base}/banks`, async (req, reply) =>
    sendAnswer(
      reply,
      await signed(req, ctx, opts, {
        work: async () => F.environment(req),
        data: (env) => BANKS.map((b) => ({ id: b.id, name: b.name, key: b.key, currency: b.currency, environment: env })),
      }),
    ),
  );

  app.get(`${base}/currencies`, async (req, reply) =>
    sendAnswer(
      reply,
      await signed(req, ctx, opts, {
        work: async () => CURRENCIES,
        data: (list) => list.map((c) => ({ id: c.id, name: c.name, key: c.key, isActive: c.isActive })),
      }),
    ),
  );

  app.get(`${base}/commissions`, async (req, reply) =>
    sendAnswer(
      reply,
      await signed(req, ctx, opts, {
        async work(tx, a) {
          await svc.ensureSetup(tx, a.merchant.id);
          return svc.listCommissions(tx, a.merchant.id);
        },
        data: (rows) => ({
          payIn: rows.filter((c) => c.direction === 'payin').map(commissionView),
          payOut: rows.filter((c) => c.direction === 'payout').map(commissionView),
        }),
      }),
    ),
  );
}
