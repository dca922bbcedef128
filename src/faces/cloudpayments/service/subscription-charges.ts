// The subscription job (subscriptions.ts): each due period is charged with the token (no 3-D Secure, no Check);
// success keeps the subscription Active and moves to the next period; a failure makes it PastDue and retries a day
// later; three failures in a row make it Rejected; MaxPeriods successful payments make it Expired.
import { DAY } from '../../../core/clock.js';
import type { Job } from '../../../core/model.js';
import type { Tx } from '../../../core/ports.js';
import type { JobHandler } from '../../../core/scheduler.js';
import type { FaceContext } from '../../face.js';
import { cpStore, type Subscription } from '../store.js';
import { NO_CHECK, pay } from './payments.js';
import { addInterval, isLive, saveSubscription, SUBSCRIPTION_JOB } from './subscriptions.js';

const RETRY_AFTER_FAILURE = DAY;
const MAX_CONSECUTIVE_FAILURES = 3;

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
    const r = await pay(
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
      NO_CHECK,
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
