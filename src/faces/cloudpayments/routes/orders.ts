// Orders: invoices with a hosted payment page (`Model.Url` = `<base>/cloudpayments/orders/<Id>`, served by
// pages.ts), created and cancelled here.
import type { FastifyInstance } from 'fastify';
import type { Json, JsonObject } from '../../../core/model.js';
import { bodyFields, CpError, ok } from '../http.js';
import { amount, currency, flag, jsonData, text } from '../parameters.js';
import { orderUrl } from '../pages.js';
import { cancelOrder, createOrder } from '../service.js';
import { orderModel } from '../wire/order.js';
import { authed, change, modelBody, type Routes } from './common.js';

/** The subject type of an order in the request log. */
const ORDER_SUBJECT = 'cloudpayments_order';

export function registerOrderRoutes(api: FastifyInstance, r: Routes): void {
  api.post('/orders/create', async (req, reply) => {
    const a = authed(req);
    const f = bodyFields(req);
    const cur = currency(f);
    const sum = amount(f, cur)!;
    const description = text(f, 'Description', 1000, true)!;
    const behavior = text(f, 'SubscriptionBehavior', 40);
    if (behavior !== undefined && !/^(CreateWeekly|CreateMonthly)$/i.test(behavior))
      throw new CpError('Invalid SubscriptionBehavior value');
    const extra: JsonObject = {};
    for (const [k, kind] of [
      ['SendEmail', 'bool'],
      ['SendSms', 'bool'],
      ['SendViber', 'bool'],
      ['OfferUri', 'str'],
    ] as const) {
      const v = kind === 'bool' ? flag(f, k) : text(f, k, 2000);
      if (v !== undefined) extra[k] = v;
    }
    if (behavior !== undefined) extra.SubscriptionBehavior = /weekly/i.test(behavior) ? 'CreateWeekly' : 'CreateMonthly';
    const order = {
      amount: sum,
      currency: cur,
      description,
      email: text(f, 'Email', 200) ?? null,
      phone: text(f, 'Phone', 50) ?? null,
      requireConfirmation: flag(f, 'RequireConfirmation', ['RequireConfiramtion']) ?? false,
      invoiceId: text(f, 'InvoiceId', 100) ?? null,
      accountId: text(f, 'AccountId', 200) ?? null,
      cultureName: text(f, 'CultureName', 10) ?? null,
      successRedirectUrl: f.url('SuccessRedirectUrl', { max: 2000 }) ?? null,
      failRedirectUrl: f.url('FailRedirectUrl', { max: 2000 }) ?? null,
      jsonData: (jsonData(f, 'JsonData') ?? null) as Json,
      extra,
    };
    return change(r, req, reply, {
      work: (tx) => createOrder(tx, r.ctx, a.merchant.id, order),
      subjects: (o) => [[ORDER_SUBJECT, o.id]],
      body: (o) => modelBody(orderModel(o, orderUrl(r.ctx, o.id, req))),
    });
  });

  api.post('/orders/cancel', async (req, reply) => {
    const a = authed(req);
    const id = text(bodyFields(req), 'Id', 100, true)!;
    return change(r, req, reply, {
      work: (tx) => cancelOrder(tx, r.ctx, a.merchant.id, id),
      subjects: (o) =>
        o.paymentId !== null
          ? [
              [ORDER_SUBJECT, o.id],
              ['payment', o.paymentId],
            ]
          : [[ORDER_SUBJECT, o.id]],
      body: () => ok(),
    });
  });
}
