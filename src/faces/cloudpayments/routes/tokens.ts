// Saved tokens (`/payments/tokens/list`) and chargebacks (`/chargebacks/list`: the sandbox network raises none).
import type { FastifyInstance } from 'fastify';
import { bodyFields } from '../http.js';
import { integer, localDate } from '../parameters.js';
import { listTokens } from '../service.js';
import { tokenModel } from '../wire/tokens.js';
import { authed, look, modelBody, type Routes } from './common.js';

export function registerTokenRoutes(api: FastifyInstance, r: Routes): void {
  api.post('/payments/tokens/list', async (req, reply) => {
    const a = authed(req);
    const page = integer(bodyFields(req), 'PageNumber', { min: 1 }) ?? 1;
    return look(r, req, reply, {
      read: (tx) => listTokens(tx, a.merchant.id, page),
      body: (items) => modelBody(items.map((x) => tokenModel(x.token, x.card))),
    });
  });

  api.post('/chargebacks/list', async (req, reply) => {
    const f = bodyFields(req);
    for (const n of ['CreatedDateGte', 'CreatedDateLte']) localDate(f, n, 0);
    integer(f, 'PageNumber', { min: 1 });
    return look(r, req, reply, { read: async () => [], body: (none) => modelBody(none) });
  });
}
