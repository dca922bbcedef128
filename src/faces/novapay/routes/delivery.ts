// NovaPay's secure (delivery) payments: `/confirm-delivery-hold` (the seller ships: an express waybill),
// `/delivery-info` (Nova Poshta's API, proxied), `/delivery-price` and `/print-express-waybill` (a PDF).
import type { FastifyInstance } from 'fastify';
import { toWireNumber } from '../../../core/money.js';
import { command, query, type Answer } from '../../kit/command.js';
import type { FaceContext } from '../../face.js';
import { signedRoute } from '../auth.js';
import { cityName, waybillPdf } from '../delivery.js';
import { jsonAnswer, PDF_TYPE, processing } from '../http.js';
import { amount, bodyFields, deliveryInput, merchantId, object, sessionIdOf, str } from '../input.js';
import { novaposhtaApiKey, passThrough, referenceAnswer } from '../novaposhta.js';
import { sessionSubjects, type NovapayService } from '../service.js';
import { CURRENCY } from '../wire.js';

export function registerDeliveryRoutes(app: FastifyInstance, ctx: FaceContext, service: NovapayService): void {
  const { engine } = ctx;

  signedRoute(app, ctx, '/v1/confirm-delivery-hold', async (a, req) => {
    const f = bodyFields(a.body);
    const id = sessionIdOf(f);
    f.done();
    return command(engine, req, {
      merchantId: a.merchant.id,
      work: async (tx) => service.confirmDeliveryHold(tx, await service.lockOwned(tx, a.merchant.id, id!)),
      subjects: sessionSubjects,
      render: (s) => jsonAnswer({ id: s.id, metadata: s.metadata, express_waybill: s.expressWaybill, ref_id: s.waybillRef }),
    });
  });

  signedRoute(app, ctx, '/v1/delivery-info', async (a, req) => {
    const f = bodyFields(a.body);
    merchantId(f, false);
    const modelName = str(f, 'modelName', { required: true, min: 1, max: 100 });
    const calledMethod = str(f, 'calledMethod', { required: true, min: 1, max: 100 });
    const props = object(f, 'methodProperties', { nullable: true }) ?? {};
    f.done();
    // Nova Poshta is called outside any transaction; the query only records the merchant
    const key = novaposhtaApiKey();
    const answer: Answer = key
      ? { ...jsonAnswer(null), body: await passThrough(key, modelName!, calledMethod!, props) }
      : jsonAnswer(referenceAnswer(modelName!, calledMethod!, props));
    return query(engine, req, { merchantId: a.merchant.id, read: async () => answer, render: (x) => x });
  });

  signedRoute(app, ctx, '/v1/delivery-price', async (a, req) => {
    const f = bodyFields(a.body);
    merchantId(f, false);
    const total = amount(f, 'amount', { required: true });
    const d = deliveryInput(f, '0.1', true);
    f.done();
    const price = await service.deliveryPrice(a.merchant.id, total!, d!);
    return query(engine, req, {
      merchantId: a.merchant.id,
      read: async () => price,
      render: (x) => jsonAnswer({ delivery_price: toWireNumber(x ?? 0n, CURRENCY) }),
    });
  });

  signedRoute(app, ctx, '/v1/print-express-waybill', async (a, req) => {
    const f = bodyFields(a.body);
    const id = sessionIdOf(f);
    f.done();
    return query(engine, req, {
      merchantId: a.merchant.id,
      read: async (tx) => {
        const s = await service.owned(tx, a.merchant.id, id!);
        return { s, sender: cityName(await service.senderCity(tx, s.merchantId)) };
      },
      subjects: ({ s }) => sessionSubjects(s),
      render: ({ s, sender }): Answer => {
        if (!s.expressWaybill) throw processing('WAYBILL_NOT_FOUND');
        const pdf = waybillPdf(s, a.merchant.name, sender, engine.clock.now());
        return {
          status: 200,
          headers: {
            'content-type': PDF_TYPE,
            // a bare token, as the PHP SDK reads the option value without unquoting it
            'content-disposition': `attachment; filename=${s.expressWaybill}.pdf`,
            'content-length': String(pdf.length),
          },
          body: pdf.toString('latin1'),
        };
      },
    });
  });
}
