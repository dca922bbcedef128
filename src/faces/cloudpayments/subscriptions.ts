// Subscriptions (recurrent payments): a face-owned table and one scheduler job per subscription, driven by the
// Clock. Each due period is charged with the saved token (no 3-D Secure); success keeps the subscription Active
// and moves to the next period; a failure makes it PastDue and retries a day later; three failures in a row
// make it Rejected; MaxPeriods successful payments make it Expired. Every status change emits a Recurrent
// notification.
import { randomHex } from '../../core/ids.js';
import { DAY } from '../../core/clock.js';
import type { Job } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
import type { JobHandler } from '../../core/scheduler.js';
import type { FaceContext } from '../face.js';
import { payInTx } from './flows.js';
import { serializeSubscription, SUBSCRIPTION_SUBJECT } from './notifications.js';
import { cpStore, type Subscription } from './store.js';
import type { Interval, SubscriptionStatus } from './wire.js';

export const SUBSCRIPTION_JOB = 'cloudpayments.subscription';
export const RETRY_AFTER_FAILURE = DAY;
export const MAX_CONSECUTIVE_FAILURES = 3;

export function newSubscriptionId(): string {
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

/** Charges one due period of a subscription (in the job's transaction). */
async function chargePeriod(tx: Tx, ctx: FaceContext, sub: Subscription): Promise<void> {
  const { engine } = ctx;
  const now = engine.clock.now();
  const before = sub.status;
  const merchant = await tx.merchants.get(sub.merchantId);
  const token = await tx.cardTokens.get(sub.token);
  const card = token ? await tx.cards.get(token.cardId) : undefined;
  let approved = false;
  if (merchant && card) {
    const r = await payInTx(
      tx,
      ctx,
      {
        merchant,
        amount: sub.amount,
        currency: sub.currency,
        captureMode: sub.requireConfirmation ? 'manual' : 'auto',
        accountId: sub.accountId,
        email: sub.email,
        description: sub.description,
        cultureName: sub.cultureName,
        name: card.holder,
        subscriptionId: sub.id,
        source: { kind: 'token', token: sub.token, card },
      },
      { check: null },
    );
    approved = r.kind === 'approved';
  }
  if (approved) {
    sub.successful += 1;
    sub.failed = 0;
    sub.lastTransactionAt = now;
    sub.status = 'Active';
    const period = sub.periodAt ?? sub.nextTransactionAt ?? now;
    if (sub.maxPeriods !== null && sub.successful >= sub.maxPeriods) {
      sub.status = 'Expired';
      sub.periodAt = null;
      sub.nextTransactionAt = null;
    } else {
      sub.periodAt = addInterval(period, sub.interval, sub.period);
      sub.nextTransactionAt = sub.periodAt;
    }
  } else {
    sub.failed += 1;
    if (sub.failed >= MAX_CONSECUTIVE_FAILURES) {
      sub.status = 'Rejected';
      sub.nextTransactionAt = null;
    } else {
      sub.status = 'PastDue';
      sub.nextTransactionAt = now + RETRY_AFTER_FAILURE;
    }
  }
  await saveSubscription(tx, ctx, sub, before, { fromJob: true });
}

export function subscriptionJobs(ctx: FaceContext): Record<string, JobHandler> {
  return {
    [SUBSCRIPTION_JOB]: async (tx: Tx, job: Job) => {
      const sub = await cpStore.lockSubscription(tx, job.ref);
      if (!sub || !isLive(sub.status) || sub.nextTransactionAt === null) return;
      const now = ctx.engine.clock.now();
      if (now < sub.nextTransactionAt) return sub.nextTransactionAt;
      if (sub.maxPeriods !== null && sub.successful >= sub.maxPeriods) {
        const before = sub.status;
        sub.status = 'Expired';
        sub.nextTransactionAt = null;
        sub.periodAt = null;
        await saveSubscription(tx, ctx, sub, before, { fromJob: true });
        return;
      }
      await chargePeriod(tx, ctx, sub);
      return isLive(sub.status) && sub.nextTransactionAt !== null ? sub.nextTransactionAt : undefined;
    },
  };
}
