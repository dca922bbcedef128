// Way2Pay pay-out routes: create (the amount and commission frozen on the payout balance), read, list, cancel.
import type { FastifyInstance } from 'fastify';
import type { FaceContext } from '../../face.js';
import type { Subject } from '../../kit/request-context.js';
import { signed } from '../auth.js';
import { sendAnswer } from '../http.js';
import { PAYOUT_METHODS } from '../reference-data.js';
import * as F from '../request-fields.js';
import type { Way2PayService } from '../service.js';
import { PAYOUT_SUBJECT } from '../service/config.js';
import { way2payStore as S } from '../store.js';
import type { PayOut } from '../wire.js';
import { statusChangeView } from '../wire/operation.js';
import { payOutView } from '../wire/pay-out.js';

const subject = (p: PayOut): Subject[] => [[PAYOUT_SUBJECT, p.id]];

export function registerPayOutRoutes(app: FastifyInstance, ctx: FaceContext, svc: Way2PayService, base: string): void {
  const opts = { nonceWindowMs: svc.config.nonceWindowMs };

  app.post(`${base}/pay-out`, async (req, reply) =>
    sendAnswer(
      reply,
      await signed(req, ctx, opts, {
        async work(tx, a) {
          const f = F.bodyFields(a.body);
          const externalId = F.externalId(f);
          const currency = F.currency(f);
          const amount = F.amount(f, currency.key);
          const method = F.method(f, a.generation, PAYOUT_METHODS);
          const bankId = F.bank(f, a.generation, currency, true)!;
          const callbackUrl = F.callbackUrl(f, true)!;
          const receiver = F.receiver(f, method);
          const holder = F.holder(f);
          const description = F.optionalText(f, 'description', 1000);
          return svc.createPayOut(tx, a.merchant, a.generation, {
            externalId,
            amount,
            currency: currency.key,
            bankId,
            method,
            receiver,
            holder,
            callbackUrl,
            description,
          });
        },
        subjects: subject,
        data: (p, a) => payOutView(p, a.generation, { created: true }),
      }),
    ),
  );

  app.get(`${base}/pay-out/list`, async (req, reply) =>
    sendAnswer(
      reply,
      await signed(req, ctx, opts, {
        work: (tx, a) => S.listPayOuts(tx, { merchantId: a.merchant.id, ...F.listQuery(req) }),
        data: ({ total, items }, a) => ({ total, items: items.map((p) => payOutView(p, a.generation)) }),
      }),
    ),
  );

  app.get(`${base}/pay-out/:id`, async (req, reply) =>
    sendAnswer(
      reply,
      await signed(req, ctx, opts, {
        work: (tx, a) => svc.getPayOut(tx, F.idParam(req), a.merchant.id),
        subjects: subject,
        data: (p, a) => payOutView(p, a.generation),
      }),
    ),
  );

  app.put(`${base}/pay-out/:id/status/:status`, async (req, reply) =>
    sendAnswer(
      reply,
      await signed(req, ctx, opts, {
        async work(tx, a) {
          const id = F.idParam(req);
          await svc.getPayOut(tx, id, a.merchant.id);
          F.statusParam(req);
          return svc.cancelPayOut(tx, id, a.merchant.id);
        },
        subjects: subject,
        data: (p) => statusChangeView(p),
      }),
    ),
  );
}
