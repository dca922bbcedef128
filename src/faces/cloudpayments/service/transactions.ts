// Operations on a payment already made: completing 3-D Secure (post3ds), confirming (all or part of) an
// authorization, voiding it, refunding. Each finds the merchant's CloudPayments payment only (a payment of the same
// merchant made through another face is not found here) and words a refused state change as CloudPayments does.
import { DAY } from '../../../core/clock.js';
import { CoreError, isCoreError } from '../../../core/errors.js';
import type { Json, Payment, Refund } from '../../../core/model.js';
import type { AuthorizeResult, PaymentChange } from '../../../core/payments.js';
import type { Tx } from '../../../core/ports.js';
import type { FaceContext } from '../../face.js';
import { CpError } from '../http.js';
import { cpStore } from '../store.js';
import { PAYMENT_STATUS } from '../wire.js';
import { withToken } from './tokens.js';

/** Refunds are refused for payments older than a year (gateway clock). */
const REFUND_WINDOW = 365 * DAY;

/** An amount read in the payment's currency (undefined: the whole amount). */
export type AmountIn = (currency: string) => bigint | undefined;

/**
 * The payment, locked: the core's command then finds it among the rows this transaction holds. Where reads made
 * together share a round trip (PostgreSQL), the merchant's notification settings are read with the lock and handed
 * to the transaction, whose notifications are rendered from them at its end without a read of their own.
 */
async function lockWithSettings(tx: Tx, ctx: FaceContext, merchantId: string, id: number, change: PaymentChange): Promise<Payment> {
  // (with what the change needs next: a capture's or a void's hold, a refund's accounts and id)
  const lock = () => ctx.engine.payments.lockFor(tx, id, change, merchantId);
  if (!tx.together) return lock();
  const [p, settings] = await tx.together(() => Promise.all([lock(), cpStore.getAllSettings(tx, merchantId)]));
  cpStore.carrySettings(tx, merchantId, settings);
  return p;
}

/**
 * Runs `fn` on the merchant's CloudPayments payment; its INVALID_STATE becomes CloudPayments' message. `change`: what
 * fn changes on it (its hold, for a confirmation or a void; its refunds), whose needs are then read with the lock.
 */
async function onPayment<T>(
  tx: Tx,
  ctx: FaceContext,
  merchantId: string,
  id: number,
  action: string,
  change: PaymentChange,
  fn: (p: Payment) => Promise<T>,
): Promise<T> {
  const p = await lockWithSettings(tx, ctx, merchantId, id, change);
  if (p.face !== 'cloudpayments') throw new CoreError('PAYMENT_NOT_FOUND');
  try {
    return await fn(p);
  } catch (e) {
    if (isCoreError(e, 'INVALID_STATE'))
      throw new CpError(`Transaction ${id} cannot be ${action}: its status is ${PAYMENT_STATUS[p.status].name}`);
    throw e;
  }
}

/** post3ds: the payer's 3-D Secure result (PaRes) completes the authorization; an approved card is saved. */
export async function completeAuthentication(
  tx: Tx,
  ctx: FaceContext,
  merchantId: string,
  id: number,
  paRes: string,
): Promise<AuthorizeResult> {
  const r = await onPayment(tx, ctx, merchantId, id, 'authenticated', 'other', async (p) => {
    if (p.status !== 'requires_authentication')
      throw new CpError(`Transaction ${id} is not awaiting 3-D Secure authentication: its status is ${PAYMENT_STATUS[p.status].name}`);
    return ctx.engine.payments.completeAuthentication(tx, id, paRes);
  });
  if (r.kind === 'approved') return { kind: 'approved', payment: await withToken(tx, ctx, r.payment) };
  return r;
}

/** Confirms an authorization: all of it, or the amount given. */
export async function confirm(
  tx: Tx,
  ctx: FaceContext,
  merchantId: string,
  id: number,
  amount: AmountIn,
  jsonData: Json | undefined,
): Promise<Payment> {
  return onPayment(tx, ctx, merchantId, id, 'confirmed', 'hold', async (p) => {
    const captured = await ctx.engine.payments.capture(tx, id, amount(p.currency) ?? null, merchantId);
    if (jsonData === undefined) return captured;
    return ctx.engine.payments.setMetadata(tx, captured, { ...captured.metadata, confirmJsonData: jsonData });
  });
}

/** Voids an authorization. */
export async function voidPayment(tx: Tx, ctx: FaceContext, merchantId: string, id: number): Promise<Payment> {
  return onPayment(tx, ctx, merchantId, id, 'cancelled', 'hold', () => ctx.engine.payments.void(tx, id, { merchantId }));
}

/** Refunds all or part of a payment: the refund is a transaction of its own. */
export async function refund(
  tx: Tx,
  ctx: FaceContext,
  merchantId: string,
  id: number,
  amount: AmountIn,
  jsonData: Json | undefined,
): Promise<Refund> {
  const r = await onPayment(tx, ctx, merchantId, id, 'refunded', 'refund', (p) =>
    ctx.engine.payments.refund(tx, id, amount(p.currency) ?? null, {
      merchantId,
      refundWindowMs: REFUND_WINDOW,
      metadata: jsonData === undefined ? {} : { jsonData },
    }),
  );
  return r.refund;
}
