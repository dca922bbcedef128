// Way2Pay pay-in routes: create (the original README's body or the current one), read, list, and cancel (the current
// PATCH /cancel and the older PUT /status/CANCELLED).
import type { FastifyInstance } from 'fastify';
import type { FaceContext } from '../../face.js';
import type { Subject } from '../../kit/request-context.js';
import { signed } from '../auth.js';
import { sendAnswer } from '../http.js';
import { PAYIN_METHODS } from '../reference-data.js';
import * as F from '../request-fields.js';
import type { Way2PayService } from '../service.js';
import { PAYIN_SUBJECT } from '../service/config.js';
import { way2payStore as S } from '../store.js';
import type { PayIn } from '../wire.js';
import { statusChangeView } from '../wire/operation.js';
import { payInView } from '../wire/pay-in.js';

const subject = (p: PayIn): Subject[] => [[PAYIN_SUBJECT, p.id]];

export function registerPayInRoutes(app: FastifyInstance, ctx: FaceContext, svc: Way2PayService, base: string): void {
  const opts = { nonceWindowMs: svc.config.nonceWindowMs };

  app.post(`${base}/pay-in`, async (req, reply) =>
    sendAnswer(
      reply,
      await signed(req, ctx, opts, {
        async work(tx, a) {
          const f = F.bodyFields(a.body);
          const externalId = F.externalId(f);
          const currency = F.currency(f);
          const amount = F.amount(f, currency.key);
          const method = F.method(f, a.generation, PAYIN_METHODS, 'CARD');
          const bankId = F.bank(f, a.generation, currency, false);
          const callbackUrl = F.callbackUrl(f, false);
          const description = F.optionalText(f, 'description', 1000);
          return svc.createPayIn(tx, a.merchant, a.generation, {
            externalId,
            amount,
            currency: currency.key,
            bankId,
            method,
            callbackUrl,
            description,
          });
        },
        subjects: subject,
        data: (p, a) => payInView(p, a.generation),
      }),
    ),
  );

  app.get(`${base}/pay-in/list`, async (req, reply) =>
    sendAnswer(
      reply,
      await signed(req, ctx, opts, {
        work: (tx, a) => S.listPayIns(tx, { merchantId: a.merchant.id, ...F.listQuery(req) }),
        data: ({ total, items }, a) => ({ total, items: items.map((p) => payInView(p, a.generation)) }),
      }),
    ),
  );

  app.get(`${base}/pay-in/:id`, async (req, reply) =>
    sendAnswer(
      reply,
      await signed(req, ctx, opts, {
        work: (tx, a) => svc.getPayIn(tx, F.idParam(req), a.merchant.id),
        subjects: subject,
        data: (p, a) => payInView(p, a.generation),
      }),
    ),
  );

  app.patch(`${base}/pay-in/:id/cancel`, async (req, reply) =>
    sendAnswer(
      reply,
      await signed(req, ctx, opts, {
        work: (tx, a) => svc.cancelPayIn(tx, F.idParam(req), a.merchant.id),
        subjects: subject,
        data: (p) => ({ id: p.id, status: p.status }),
      }),
    ),
  );

  app.put(`${base}/pay-in/:id/status/:status`, async (req, reply) =>
    sendAnswer(
      reply,
      await signed(req, ctx, opts, {
        async work(tx, a) {
          const id = F.idParam(req);
          await svc.getPayIn(tx, id, a.merchant.id);
          F.statusParam(req);
          return svc.cancelPayIn(tx, id, a.merchant.id);
        },
        subjects: subject,
        data: (p) => statusChangeView(p),
      }),
    ),
  );
}
