// Subscriptions (recurrent payments): created from a saved token (or by an order's SubscriptionBehavior), one
// scheduler job per subscription on the gateway clock (subscription-charges.ts charges each due period), changed
// and cancelled through the API. Every status change emits a Recurrent notification.
import { randomHex } from '../../../core/ids.js';
import { DAY } from '../../../core/clock.js';
import type { Json } from '../../../core/model.js';
import type { Tx } from '../../../core/ports.js';
import type { FaceContext } from '../../face.js';
import { CpError } from '../http.js';
import { cpStore, type Subscription } from '../store.js';
import { serializeSubscription, SUBSCRIPTION_SUBJECT, type Interval, type SubscriptionStatus } from '../wire/subscription.js';
import { tokenCard } from './tokens.js';

/** The scheduler job of a subscription (ref = subscription id). */
export const SUBSCRIPTION_JOB = 'cloudpayments.subscription';

function newSubscriptionId(): string {
  return 'sc_' + randomHex(15).slice(0, 29);
}

/** The instant `n` intervals after `from` (months keep the day, clamped to the month's end; UTC). */
export function addInterval(from: number, interval: Interval, n: number): number {
  if (interval === 'Day') return from + n * DAY;
  if (interval === 'Week') return from + n * 7 * DAY;
  const d = new Date(from);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + n;
  const day = d.getUTCDate();
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(day, last), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

export function isLive(s: SubscriptionStatus): boolean {
  return s === 'Active' || s === 'PastDue';
}

/** Stores a subscription change and schedules (or cancels) its job; emits Recurrent on a status change. */
export async function saveSubscription(
  tx: Tx,
  ctx: FaceContext,
  sub: Subscription,
  before: SubscriptionStatus | null,
  opts: { insert?: boolean; fromJob?: boolean } = {},
): Promise<void> {
  sub.updatedAt = ctx.engine.clock.now();
  if (opts.insert) await cpStore.insertSubscription(tx, sub);
  else await cpStore.updateSubscription(tx, sub);
  if (!opts.fromJob) {
    if (isLive(sub.status) && sub.nextTransactionAt !== null) await tx.jobs.schedule(SUBSCRIPTION_JOB, sub.id, sub.nextTransactionAt, {});
    else await tx.jobs.cancel(SUBSCRIPTION_JOB, sub.id);
  }
  if (before !== null && before !== sub.status) {
    await ctx.engine.outbox.emit(tx, {
      merchantId: sub.merchantId,
      face: 'cloudpayments',
      type: 'subscription.status_changed',
      subjectType: SUBSCRIPTION_SUBJECT,
      subjectId: sub.id,
      payload: { subscription: serializeSubscription(sub), from: before },
    });
  }
}

/** What /subscriptions/create asks for. */
export interface NewSubscription {
  token: string;
  accountId: string;
  description: string;
  email: string | null;
  amount: bigint;
  currency: string;
  requireConfirmation: boolean;
  startDate: number;
  interval: Interval;
  period: number;
  maxPeriods: number | null;
  receipt: Json;
  cultureName: string | null;
}

/** A subscription of the merchant's saved token, Active from its start date. */
export async function createSubscription(tx: Tx, ctx: FaceContext, merchantId: string, n: NewSubscription): Promise<Subscription> {
  const card = await tokenCard(tx, merchantId, n.token, n.accountId);
  const now = ctx.engine.clock.now();
  const sub: Subscription = {
    id: newSubscriptionId(),
    merchantId,
    ...n,
    cardId: card.id,
    status: 'Active',
    successful: 0,
    failed: 0,
    lastTransactionAt: null,
    nextTransactionAt: n.startDate,
    periodAt: n.startDate,
    createdAt: now,
    updatedAt: now,
  };
  await saveSubscription(tx, ctx, sub, null, { insert: true });
  return sub;
}

/** The subscription an order's SubscriptionBehavior makes from the card that paid it (weekly or monthly). */
export async function subscribeFromOrder(
  tx: Tx,
  ctx: FaceContext,
  o: { merchantId: string; id: string; email: string | null; description: string; amount: bigint; currency: string },
  x: { accountId: string; token: string; cardId: string; interval: Interval; requireConfirmation: boolean; cultureName: string | null },
): Promise<void> {
  const now = ctx.engine.clock.now();
  const start = addInterval(now, x.interval, 1);
  await saveSubscription(
    tx,
    ctx,
    {
      id: newSubscriptionId(),
      merchantId: o.merchantId,
      accountId: x.accountId,
      token: x.token,
      cardId: x.cardId,
      description: o.description,
      email: o.email,
      amount: o.amount,
      currency: o.currency,
      requireConfirmation: x.requireConfirmation,
      startDate: start,
      interval: x.interval,
      period: 1,
      maxPeriods: null,
      cultureName: x.cultureName,
      status: 'Active',
      successful: 0,
      failed: 0,
      lastTransactionAt: null,
      nextTransactionAt: start,
      periodAt: start,
      receipt: null,
      createdAt: now,
      updatedAt: now,
    },
    null,
    { insert: true },
  );
}

/** The merchant's subscription (locked for a change), or CloudPayments' not-found answer. */
export async function subscriptionOf(tx: Tx, merchantId: string, id: string, lock = false): Promise<Subscription> {
  const s = lock ? await cpStore.lockSubscription(tx, id) : await cpStore.getSubscription(tx, id);
  if (!s || s.merchantId !== merchantId) throw new CpError('Not found');
  return s;
}

/** What /subscriptions/update may change (absent: unchanged); the amount is read in the resulting currency. */
export interface SubscriptionChanges {
  description?: string;
  email?: string;
  currency?: string;
  amount: (currency: string) => bigint | undefined;
  requireConfirmation?: boolean;
  startDate?: number;
  interval?: Interval;
  period?: number;
  maxPeriods?: number;
  receipt?: Json;
  cultureName?: string;
}

/** Applies the changes; updating re-activates a cancelled, rejected or expired subscription. */
export async function updateSubscription(
  tx: Tx,
  ctx: FaceContext,
  merchantId: string,
  id: string,
  c: SubscriptionChanges,
): Promise<Subscription> {
  const sub = await subscriptionOf(tx, merchantId, id, true);
  const before = sub.status;
  const currency = c.currency ?? sub.currency;
  const amount = c.amount(currency);
  if (c.currency !== undefined && amount === undefined && c.currency !== sub.currency) throw new CpError('Amount is required');
  if (c.description !== undefined) sub.description = c.description;
  if (c.email !== undefined) sub.email = c.email;
  sub.currency = currency;
  if (amount !== undefined) sub.amount = amount;
  if (c.requireConfirmation !== undefined) sub.requireConfirmation = c.requireConfirmation;
  if (c.interval !== undefined) sub.interval = c.interval;
  if (c.period !== undefined) sub.period = c.period;
  if (c.maxPeriods !== undefined) sub.maxPeriods = c.maxPeriods;
  if (c.receipt !== undefined) sub.receipt = c.receipt;
  if (c.cultureName !== undefined) sub.cultureName = c.cultureName;
  const now = ctx.engine.clock.now();
  if (c.startDate !== undefined) {
    sub.startDate = c.startDate;
    sub.periodAt = c.startDate;
    sub.nextTransactionAt = c.startDate;
  }
  if (!isLive(sub.status)) {
    sub.status = 'Active';
    sub.failed = 0;
    if (c.startDate === undefined) {
      const due =
        sub.periodAt !== null && sub.periodAt > now ? sub.periodAt : addInterval(sub.lastTransactionAt ?? now, sub.interval, sub.period);
      sub.periodAt = due > now ? due : addInterval(now, sub.interval, sub.period);
      sub.nextTransactionAt = sub.periodAt;
    }
    if (sub.maxPeriods !== null && sub.successful >= sub.maxPeriods) sub.maxPeriods = null;
  }
  await saveSubscription(tx, ctx, sub, before);
  return sub;
}

/** Cancels the subscription (a cancelled one stays as it is). */
export async function cancelSubscription(tx: Tx, ctx: FaceContext, merchantId: string, id: string): Promise<Subscription> {
  const sub = await subscriptionOf(tx, merchantId, id, true);
  const before = sub.status;
  if (sub.status !== 'Cancelled') {
    sub.status = 'Cancelled';
    sub.nextTransactionAt = null;
    await saveSubscription(tx, ctx, sub, before);
  }
  return sub;
}
