// NovaPay sessions: `/session` (acquiring), `/checkout/session` (checkout, precreated until its payment),
// `/expire` and `/get-status`.
import type { FastifyInstance } from 'fastify';
import type { JsonObject } from '../../../core/model.js';
import { command, query } from '../../kit/command.js';
import type { FaceContext } from '../../face.js';
import { signedRoute } from '../auth.js';
import { jsonAnswer } from '../http.js';
import { bodyFields, bool, object, sessionIdOf, sessionInput } from '../input.js';
import { sessionSubjects, type NovapayService } from '../service.js';
import { statusBody } from '../wire/status.js';

export function registerSessionRoutes(app: FastifyInstance, ctx: FaceContext, service: NovapayService): void {
  const { engine } = ctx;

  signedRoute(app, ctx, '/v1/session', async (a, req) => {
    const f = bodyFields(a.body);
    const input = sessionInput(f, a.merchant.id, 'acquiring', true);
    f.done();
    return command(engine, req, {
      merchantId: a.merchant.id,
      work: (tx) => service.createSession(tx, { ...input, status: 'created' }),
      subjects: sessionSubjects,
      render: (s) => jsonAnswer({ id: s.id, metadata: s.metadata }),
    });
  });

  signedRoute(app, ctx, '/v1/checkout/session', async (a, req) => {
    const f = bodyFields(a.body);
    const input = sessionInput(f, a.merchant.id, 'checkout', false);
    bool(f, 'create_express_waybill');
    const delivery = object(f, 'delivery', { nullable: true });
    f.done();
    return command(engine, req, {
      merchantId: a.merchant.id,
      work: (tx) =>
        service.createSession(tx, {
          ...input,
          status: 'precreated',
          checkoutDelivery: (delivery as JsonObject | null | undefined) ?? null,
        }),
      subjects: sessionSubjects,
      render: (s) => jsonAnswer({ id: s.id, session_id: s.id, metadata: s.metadata }),
    });
  });

  signedRoute(app, ctx, '/v1/expire', async (a, req) => {
    const f = bodyFields(a.body);
    const id = sessionIdOf(f);
    f.done();
    return command(engine, req, {
      merchantId: a.merchant.id,
      work: async (tx) => {
        const s = await service.lockOwned(tx, a.merchant.id, id!);
        await service.expire(tx, s);
        return s;
      },
      subjects: sessionSubjects,
      render: () => jsonAnswer(null),
    });
  });

  signedRoute(app, ctx, '/v1/get-status', async (a, req) => {
    const f = bodyFields(a.body);
    const id = sessionIdOf(f);
    f.done();
    return query(engine, req, {
      merchantId: a.merchant.id,
      read: async (tx) => {
        const s = await service.owned(tx, a.merchant.id, id!);
        return { s, p: await service.payment(tx, s) };
      },
      subjects: ({ s }) => sessionSubjects(s),
      render: ({ s, p }) => jsonAnswer(statusBody(s, p)),
    });
  });
}
