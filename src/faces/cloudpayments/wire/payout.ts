// The Transaction Model of a card payout (Type 2) and the answer to a payout.
import type { JsonObject, Payout } from '../../../core/model.js';
import { approvedFields, COMPLETED, cultureOf, declineFields, DECLINED, NO_REASON, PAYOUT_STATUS } from '../wire.js';
import { transactionModel, type CpPaymentMeta, type TransactionModel, type WireContext } from './transaction.js';

/** A card payout (Type 2). */
export function payoutModel(p: Payout, w: WireContext): TransactionModel {
  const m = p.metadata as CpPaymentMeta & {
    invoiceId?: string | null;
    accountId?: string | null;
    email?: string | null;
    description?: string | null;
    ip?: string | null;
    authCode?: string | null;
    rrn?: string | null;
  };
  const status = PAYOUT_STATUS[p.status];
  const culture = cultureOf(m.cultureName);
  return transactionModel(
    {
      id: p.id,
      amount: p.amount,
      currency: p.currency,
      invoiceId: m.invoiceId ?? null,
      accountId: m.accountId ?? null,
      email: m.email ?? null,
      description: m.description ?? null,
      jsonData: m.jsonData ?? null,
      createdAt: p.createdAt,
      authorizedAt: p.completedAt,
      confirmedAt: p.completedAt,
      authCode: status === COMPLETED ? (m.authCode ?? null) : null,
      rrn: m.rrn ?? null,
      originalId: null,
      ip: m.ip ?? null,
      card: p.card,
      status,
      culture: m.cultureName ?? null,
      reason:
        status === DECLINED ? declineFields(p.declineReason, {}, culture) : status === COMPLETED ? approvedFields(culture) : NO_REASON,
      type: 2,
      refunded: false,
      name: m.name ?? p.card?.holder ?? null,
      token: m.token ?? null,
      subscriptionId: null,
      testMode: true,
    },
    w,
  );
}

/** The answer to a payout: its Model; Success when it completed. */
export function payoutBody(p: Payout, w: WireContext): JsonObject {
  return { Model: payoutModel(p, w), Success: p.status === 'completed', Message: null };
}
