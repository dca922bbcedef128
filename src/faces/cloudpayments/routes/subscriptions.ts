// Subscriptions (recurrent payments from a saved token): create, get, find by AccountId, update (which also
// re-activates), cancel.
import type { FastifyInstance } from 'fastify';
import type { Json } from '../../../core/model.js';
import { bodyFields, ok } from '../http.js';
import { amount, currency, flag, integer, jsonData, text, utcDate } from '../parameters.js';
import { cpStore } from '../store.js';
import { cancelSubscription, createSubscription, subscriptionOf, updateSubscription } from '../service.js';
import { SUBSCRIPTION_SUBJECT, subscriptionModel, type Interval } from '../wire/subscription.js';
import { authed, change, look, modelBody, type Routes } from './common.js';

const INTERVALS: readonly Interval[] = ['Day', 'Week', 'Month'];
/** RequireConfirmation, also under the misspelling the docs once used. */
const REQUIRE_CONFIRMATION = ['RequireConfiramtion'];

export function registerSubscriptionRoutes(api: FastifyInstance, r: Routes): void {
  api.post('/subscriptions/create', async (req, reply) => {
    const a = authed(req);
    const f = bodyFields(req);
    const token = text(f, 'Token', 200, true)!;
    const accountId = text(f, 'AccountId', 200, true)!;
    const description = text(f, 'Description', 1000, true)!;
    const email = text(f, 'Email', 200) ?? null;
    const cur = currency(f);
    const sum = amount(f, cur)!;
    const requireConfirmation = flag(f, 'RequireConfirmation', REQUIRE_CONFIRMATION) ?? false;
    const startDate = utcDate(f, 'StartDate', true)!;
    const interval = f.enumOf('Interval', INTERVALS, { caseInsensitive: true, required: true })!;
    const period = integer(f, 'Period', { required: true, min: 1, max: 1000 })!;
    const maxPeriods = integer(f, 'MaxPeriods', { min: 1, max: 100_000 }) ?? null;
    const receipt = (jsonData(f, 'CustomerReceipt') ?? null) as Json;
    const cultureName = text(f, 'CultureName', 10) ?? null;
    return change(r, req, reply, {
      work: (tx) =>
        createSubscription(tx, r.ctx, a.merchant.id, {
          token,
          accountId,
          description,
          email,
          amount: sum,
          currency: cur,
          requireConfirmation,
          startDate,
          interval,
          period,
          maxPeriods,
          receipt,
          cultureName,
        }),
      subjects: (s) => [[SUBSCRIPTION_SUBJECT, s.id]],
      body: (s) => modelBody(subscriptionModel(s)),
    });
  });

  api.post('/subscriptions/get', async (req, reply) => {
    const a = authed(req);
    const id = text(bodyFields(req), 'Id', 100, true)!;
    return look(r, req, reply, {
      read: (tx) => subscriptionOf(tx, a.merchant.id, id),
      subjects: (s) => [[SUBSCRIPTION_SUBJECT, s.id]],
      body: (s) => modelBody(subscriptionModel(s)),
    });
  });

  api.post('/subscriptions/find', async (req, reply) => {
    const a = authed(req);
    const accountId = text(bodyFields(req), 'AccountId', 200, true)!;
    return look(r, req, reply, {
      read: (tx) => cpStore.findSubscriptions(tx, a.merchant.id, accountId),
      body: (list) => modelBody(list.map(subscriptionModel)),
    });
  });

  api.post('/subscriptions/update', async (req, reply) => {
    const a = authed(req);
    const f = bodyFields(req);
    const id = text(f, 'Id', 100, true)!;
    const description = text(f, 'Description', 1000);
    const email = text(f, 'Email', 200);
    const cur = f.has('Currency') ? currency(f) : undefined;
    const requireConfirmation = flag(f, 'RequireConfirmation', REQUIRE_CONFIRMATION);
    const startDate = utcDate(f, 'StartDate');
    const interval = f.enumOf('Interval', INTERVALS, { caseInsensitive: true });
    const period = integer(f, 'Period', { min: 1, max: 1000 });
    const maxPeriods = integer(f, 'MaxPeriods', { min: 1, max: 100_000 });
    const receipt = jsonData(f, 'CustomerReceipt');
    const cultureName = text(f, 'CultureName', 10);
    return change(r, req, reply, {
      work: (tx) =>
        updateSubscription(tx, r.ctx, a.merchant.id, id, {
          ...(description !== undefined ? { description } : {}),
          ...(email !== undefined ? { email } : {}),
          ...(cur !== undefined ? { currency: cur } : {}),
          amount: (c) => amount(f, c, { required: false }),
          ...(requireConfirmation !== undefined ? { requireConfirmation } : {}),
          ...(startDate !== undefined ? { startDate } : {}),
          ...(interval !== undefined ? { interval } : {}),
          ...(period !== undefined ? { period } : {}),
          ...(maxPeriods !== undefined ? { maxPeriods } : {}),
          ...(receipt !== undefined ? { receipt } : {}),
          ...(cultureName !== undefined ? { cultureName } : {}),
        }),
      subjects: (s) => [[SUBSCRIPTION_SUBJECT, s.id]],
      body: (s) => modelBody(subscriptionModel(s)),
    });
  });

  api.post('/subscriptions/cancel', async (req, reply) => {
    const a = authed(req);
    const id = text(bodyFields(req), 'Id', 100, true)!;
    return change(r, req, reply, {
      work: (tx) => cancelSubscription(tx, r.ctx, a.merchant.id, id),
      subjects: (s) => [[SUBSCRIPTION_SUBJECT, s.id]],
      body: () => ok(),
    });
  });
}
