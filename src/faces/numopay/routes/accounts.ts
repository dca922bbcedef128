// Accounts: the list, one account, its balance; and the sandbox exchange rates shown for an account.
import type { FastifyInstance } from 'fastify';
import { AVAILABLE } from '../../../core/ledger.js';
import { caller } from '../auth.js';
import { data, queryFields, send } from '../http.js';
import { hasRate, RATES_DATE, ratesFor } from '../rates.js';
import { numopayStore as S } from '../store.js';
import { accountView, balanceView } from '../wire.js';
import { accountIn, signedQuery, type RouteDeps } from './signed.js';

export function registerAccountRoutes(api: FastifyInstance, d: RouteDeps): void {
  const { engine } = d.ctx;

  api.get('/v2/accounts', async (req, reply) =>
    send(
      reply,
      await signedQuery(d, req, {
        read: (tx) => S.listAccounts(tx, caller(req).merchant.id),
        render: (list) => data(list.map(accountView)),
      }),
    ),
  );

  api.get('/v2/accounts/:account_id', async (req, reply) =>
    send(reply, await signedQuery(d, req, { read: (tx) => accountIn(tx, req), render: (a) => data(accountView(a)) })),
  );

  api.get('/v2/accounts/:account_id/balance', async (req, reply) =>
    send(
      reply,
      await signedQuery(d, req, {
        read: async (tx) => {
          const a = await accountIn(tx, req);
          return { a, balance: await engine.ledger.balance(tx, a.merchantId, a.currency, AVAILABLE) };
        },
        render: ({ a, balance }) => data(balanceView(balance.available, a.currency)),
      }),
    ),
  );

  api.get('/v2/accounts/:account_id/rates/latest', async (req, reply) =>
    send(
      reply,
      await signedQuery(d, req, {
        read: async (tx) => {
          await accountIn(tx, req);
          const q = queryFields(req);
          const base = (q.str('base') ?? 'EUR').toUpperCase();
          if (!hasRate(base)) q.custom('base', 'currency', 'Unsupported currency');
          const amount = q.str('amount', { pattern: /^\d{1,12}$/, format: 'positive integer' }) ?? '100';
          return { base, amount: BigInt(amount) };
        },
        render: ({ base, amount }) => data({ base, date: RATES_DATE, rates: ratesFor(base, amount) }),
      }),
    ),
  );
}
