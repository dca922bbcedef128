// The Transaction Model of a payment (Type 0) and of a refund (Type 1, a transaction of its own pointing at its
// payment), and the answer to a charge.
import type { Json, JsonObject, Payment, Refund } from '../../../core/model.js';
import {
  approvedFields,
  AWAITING,
  COMPLETED,
  cultureOf,
  declineFields,
  DECLINED,
  NO_REASON,
  PAYMENT_STATUS,
  type ReasonFields,
} from '../wire.js';
import { meta, threeDsModel, transactionModel, type TransactionModel, type WireContext } from './transaction.js';

function reasonOfPayment(p: Payment): ReasonFields {
  const culture = cultureOf(meta(p).cultureName);
  const status = PAYMENT_STATUS[p.status];
  if (status === DECLINED)
    return declineFields(p.declineReason ?? (p.status === 'expired' ? 'expired_authentication' : null), p.metadata, culture);
  if (status === AWAITING) return NO_REASON;
  return approvedFields(culture);
}

/**
 * The amount a payment shows: the confirmed amount once confirmed (a two-stage payment may be confirmed for a part
 * of what was authorized: CloudPayments then shows that part as Amount and PaymentAmount), else the amount asked.
 */
export function shownAmount(p: Payment): bigint {
  return p.capturedAmount > 0n ? p.capturedAmount : p.amount;
}

/** The one Transaction Model of a payment. */
export function paymentModel(p: Payment, w: WireContext): TransactionModel {
  const m = meta(p);
  return transactionModel(
    {
      id: p.id,
      amount: shownAmount(p),
      currency: p.currency,
      invoiceId: p.invoiceId,
      accountId: p.payerRef,
      email: p.email,
      description: p.description,
      jsonData: m.jsonData ?? null,
      createdAt: p.createdAt,
      authorizedAt: p.authorizedAt,
      confirmedAt: p.capturedAt,
      authCode: p.authCode,
      rrn: p.rrn,
      originalId: null,
      ip: p.ip,
      card: p.card,
      status: PAYMENT_STATUS[p.status],
      culture: m.cultureName ?? null,
      reason: reasonOfPayment(p),
      type: 0,
      refunded: p.refundedAmount > 0n,
      name: m.name ?? p.card?.holder ?? null,
      token: PAYMENT_STATUS[p.status] === DECLINED ? null : (m.token ?? null),
      subscriptionId: m.subscriptionId ?? null,
      testMode: p.testMode,
    },
    w,
  );
}

/** A refund is a transaction of its own (Type 1) pointing at its payment. */
export function refundModel(r: Refund, p: Payment, w: WireContext): TransactionModel {
  const m = meta(p);
  return transactionModel(
    {
      id: r.id,
      amount: r.amount,
      currency: r.currency,
      invoiceId: p.invoiceId,
      accountId: p.payerRef,
      email: p.email,
      description: p.description,
      jsonData: (r.metadata.jsonData as Json) ?? null,
      createdAt: r.createdAt,
      authorizedAt: r.createdAt,
      confirmedAt: r.createdAt,
      authCode: null,
      rrn: p.rrn,
      originalId: p.id,
      ip: p.ip,
      card: p.card,
      status: r.status === 'completed' ? COMPLETED : DECLINED,
      culture: m.cultureName ?? null,
      reason:
        r.status === 'completed'
          ? approvedFields(cultureOf(m.cultureName))
          : declineFields('processing_error', {}, cultureOf(m.cultureName)),
      type: 1,
      refunded: false,
      name: m.name ?? p.card?.holder ?? null,
      token: null,
      subscriptionId: null,
      testMode: p.testMode,
    },
    w,
  );
}

/** The answer to a charge: accepted (Success true), declined (a Model with ReasonCode) or 3-D Secure (its Model). */
export function chargeBody(
  r: { kind: 'approved' | 'declined' | 'challenge'; payment: Payment },
  w: WireContext,
  threeDs: { paReq: string; acsUrl: string } | null,
): JsonObject {
  if (r.kind === 'challenge' && threeDs)
    return { Model: threeDsModel(r.payment.id, threeDs.paReq, threeDs.acsUrl), Success: false, Message: null };
  return { Model: paymentModel(r.payment, w), Success: r.kind === 'approved', Message: null };
}
