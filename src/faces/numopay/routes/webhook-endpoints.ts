// Webhook endpoints of an account: create, update, list, show, delete. Each gets every `order` event of the account.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CoreError } from '../../../core/errors.js';
import type { Fields } from '../../kit/fields.js';
import { bodyFields, data, send } from '../http.js';
import { numopayStore as S } from '../store.js';
import { endpointView } from '../wire.js';
import { accountIn, accountOf, signedCommand, signedQuery, type RouteDeps } from './signed.js';

/** The one event Numopay documents. */
const EVENTS = ['order'] as const;

const event = (f: Fields) => f.enumOf('event', EVENTS);
const endpointId = (req: FastifyRequest) => (req.params as { id: string }).id;

export function registerWebhookEndpointRoutes(api: FastifyInstance, d: RouteDeps): void {
  const { service } = d;

  api.post('/v2/accounts/:account_id/webhook-endpoints', async (req, reply) => {
    const a = await accountOf(d, req);
    const f = bodyFields(req);
    const url = f.url('url', { required: true })!;
    const ev = event(f) ?? 'order';
    return send(
      reply,
      await signedCommand(d, req, {
        work: (tx) => service.createWebhookEndpoint(tx, a, { url, event: ev }),
        render: (e) => data(endpointView(e)),
      }),
    );
  });

  api.put('/v2/accounts/:account_id/webhook-endpoints/:id', async (req, reply) => {
    const a = await accountOf(d, req);
    const f = bodyFields(req);
    const change = { url: f.url('url'), event: event(f) };
    return send(
      reply,
      await signedCommand(d, req, {
        work: (tx) => service.updateWebhookEndpoint(tx, a, endpointId(req), change),
        render: (e) => data(endpointView(e)),
      }),
    );
  });

  api.get('/v2/accounts/:account_id/webhook-endpoints', async (req, reply) =>
    send(
      reply,
      await signedQuery(d, req, {
        read: async (tx) => S.listEndpoints(tx, (await accountIn(tx, req)).id),
        render: (list) => data(list.map(endpointView)),
      }),
    ),
  );

  api.get('/v2/accounts/:account_id/webhook-endpoints/:id', async (req, reply) =>
    send(
      reply,
      await signedQuery(d, req, {
        read: async (tx) => {
          const e = await S.getEndpoint(tx, (await accountIn(tx, req)).id, endpointId(req));
          if (!e) throw new CoreError('NOT_FOUND', 'Webhook endpoint not found');
          return e;
        },
        render: (e) => data(endpointView(e)),
      }),
    ),
  );

  api.delete('/v2/accounts/:account_id/webhook-endpoints/:id', async (req, reply) => {
    const a = await accountOf(d, req);
    const id = endpointId(req);
    return send(reply, await signedCommand(d, req, { work: (tx) => service.deleteWebhookEndpoint(tx, a, id), render: () => data({ id }) }));
  });
}
