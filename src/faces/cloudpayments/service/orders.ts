// Orders: invoices with a hosted payment page. Created and cancelled through the API; paid on the page (pages.ts)
// at most once (the order row is locked), a declined attempt may be retried; SubscriptionBehavior makes a weekly or
// monthly subscription from the card that paid.
import { PAID_STATUSES } from '../../../core/checkouts.js';
import { randomToken } from '../../../core/ids.js';
import type { Json, JsonObject, Payment, PaymentStatus } from '../../../core/model.js';
import type { AuthorizeResult } from '../../../core/payments.js';
import type { Tx } from '../../../core/ports.js';
import type { FaceContext } from '../../face.js';
import { CpError } from '../http.js';
import { cpStore, orderOf, type Order, type OrderRow } from '../store.js';
import type { CpPaymentMeta } from '../wire/transaction.js';
import { pay, type PayInput, type Prepared } from './payments.js';
import { subscribeFromOrder } from './subscriptions.js';
import { withToken } from './tokens.js';

/** A payment of the order waiting for 3-D Secure. */
export const IN_FLIGHT: ReadonlySet<PaymentStatus> = new Set(['requires_authentication']);
/** A payment that paid the order (the statuses in which a payment pays its checkout). */
export const PAID: ReadonlySet<PaymentStatus> = PAID_STATUSES;

/** What /orders/create asks for. */
export interface NewOrder {
  amount: bigint;
  currency: string;
  description: string;
  email: string | null;
  phone: string | null;
  requireConfirmation: boolean;
  invoiceId: string | null;
  accountId: string | null;
  cultureName: string | null;
  successRedirectUrl: string | null;
  failRedirectUrl: string | null;
  jsonData: Json;
  /** the other create parameters (SendEmail, OfferUri, SubscriptionBehavior, …) */
  extra: JsonObject;
}

export async function createOrder(tx: Tx, ctx: FaceContext, merchantId: string, n: NewOrder): Promise<Order> {
  const row: OrderRow = {
    id: randomToken(16),
    number: await tx.sequences.nextTransactionId(),
    merchantId,
    ...n,
    createdAt: ctx.engine.clock.now(),
  };
  const checkout = await ctx.engine.checkouts.open(tx, { id: row.id, merchantId, face: 'cloudpayments', kind: 'order' });
  await cpStore.insertOrder(tx, row);
  return orderOf(row, checkout);
}

/** Cancels an unpaid order (a payment waiting for 3-D Secure is voided). */
export async function cancelOrder(tx: Tx, ctx: FaceContext, merchantId: string, id: string): Promise<Order> {
  const o = await cpStore.lockOrder(tx, id);
  if (!o || o.merchantId !== merchantId) throw new CpError('Not found');
  if (o.status === 'Paid') throw new CpError('The order has already been paid');
  return orderOf(o, await ctx.engine.checkouts.cancel(tx, o.checkout));
}

/** Marks an order paid by an approved payment; SubscriptionBehavior creates the subscription. */
async function markPaid(tx: Tx, ctx: FaceContext, o: Order, p: Payment): Promise<Order> {
  const paid = orderOf(o, await ctx.engine.checkouts.paid(tx, o.checkout, p.id));
  const behavior = paid.extra.SubscriptionBehavior;
  const token = (p.metadata as CpPaymentMeta).token;
  if ((behavior === 'CreateWeekly' || behavior === 'CreateMonthly') && token && p.card)
    await subscribeFromOrder(tx, ctx, paid, {
      accountId: p.payerRef ?? paid.email ?? paid.id,
      token,
      cardId: p.card.cardId,
      interval: behavior === 'CreateWeekly' ? 'Week' : 'Month',
      requireConfirmation: paid.requireConfirmation,
      cultureName: paid.cultureName,
    });
  return paid;
}

/** Pays the order with the page's card; null when the order is no longer payable (paid, cancelled, in 3-D Secure). */
export async function payOrder(
  tx: Tx,
  ctx: FaceContext,
  orderId: string,
  input: PayInput,
  prepared: Prepared,
): Promise<{ o: Order; r: AuthorizeResult } | null> {
  const checkouts = ctx.engine.checkouts;
  const o = await cpStore.lockOrder(tx, orderId);
  if (!o || (await checkouts.refusal(tx, o.checkout)) !== null) return null;
  const r = await pay(tx, ctx, input, prepared);
  const tried = orderOf(o, await checkouts.recordAttempt(tx, o.checkout, { type: 'payment', id: r.payment.id }));
  return { o: r.kind === 'approved' ? await markPaid(tx, ctx, tried, r.payment) : tried, r };
}

/** The ACS's answer for the order's payment (TermUrl): approved pays the order. */
export async function completeOrderAuthentication(
  tx: Tx,
  ctx: FaceContext,
  orderId: string,
  paymentId: number,
  paRes: string,
): Promise<{ o: Order; p: Payment; declined: boolean }> {
  const o = (await cpStore.lockOrder(tx, orderId))!;
  const r = await ctx.engine.payments.completeAuthentication(tx, paymentId, paRes);
  if (r.kind === 'approved') {
    const p = await withToken(tx, ctx, r.payment);
    return { o: o.status === 'Created' ? await markPaid(tx, ctx, o, p) : o, p, declined: false };
  }
  return { o, p: r.payment, declined: r.kind === 'declined' };
}
