// Card-to-card transfers: money from a sender's card to a recipient's card through the merchant's balance, in two
// legs. The sender leg is a payment of the amount plus the fee; once it is paid the fee moves to the merchant's own
// fees account, and the recipient leg is a payout of the amount to the recipient's card. When the recipient leg
// fails, the fee comes back and the sender is refunded in full (or, where the provider lets the recipient claim with
// another card, the money waits on the balance for the next try). Mbill's transfers are these; the face keeps its
// own record, statuses and authentication rules, and calls these steps.
import { CoreError, isCoreError } from './errors.js';
import { AVAILABLE, FEES_ACCOUNT, type Ledger } from './ledger.js';
import type { FaceName, JsonObject, Payment, PayoutStatus } from './model.js';
import type { Payments } from './payments.js';
import type { Payouts } from './payouts.js';
import type { Tx } from './ports.js';

export interface NewCardTransfer {
  /** the payment's id, where the face numbers its transfer by it */
  id?: number;
  merchantId: string;
  face: FaceName;
  amount: bigint;
  fee: bigint;
  currency: string;
  description?: string | null;
  email?: string | null;
  /** the end of the time the sender has to pay (authenticate) */
  expiresAt?: number | null;
  metadata?: JsonObject;
}

/** What the steps after the sender leg need of a transfer. */
export interface CardTransferLegs {
  merchantId: string;
  face: FaceName;
  currency: string;
  amount: bigint;
  fee: bigint;
  /** the sender leg's payment */
  paymentId: number;
  /** the ledger transfers' codes and what they belong to */
  ledger: { feeCode: string; feeReturnCode: string; refType: string; refId: string };
  metadata?: JsonObject;
}

/** A recipient card: with its expiry where it is known (a card number alone is paid out without one). */
export type RecipientCard = { number: string; expMonth: number; expYear: number } | { number: string };

export type RecipientOutcome = 'completed' | 'declined' | 'error';

/** Payout statuses → the recipient leg's outcome (a payout still waiting counts as an error: it never waits here). */
const OUTCOME: Record<PayoutStatus, RecipientOutcome> = {
  created: 'error',
  processing: 'error',
  completed: 'completed',
  declined: 'declined',
  expired: 'declined',
  cancelled: 'declined',
  failed: 'error',
};

export class CardTransfers {
  constructor(private readonly d: { ledger: Ledger; payments: Payments; payouts: Payouts }) {}

  /** The sender leg: a payment of the amount plus the fee, captured when authorized. */
  createSenderLeg(tx: Tx, t: NewCardTransfer): Promise<Payment> {
    if (t.fee < 0n) throw new CoreError('AMOUNT_INVALID', 'the fee cannot be negative');
    return this.d.payments.create(tx, {
      ...(t.id !== undefined ? { id: t.id } : {}),
      merchantId: t.merchantId,
      face: t.face,
      amount: t.amount + t.fee,
      currency: t.currency,
      captureMode: 'auto',
      description: t.description ?? null,
      email: t.email ?? null,
      expiresAt: t.expiresAt ?? null,
      metadata: t.metadata ?? {},
    });
  }

  /** The sender paid: the fee is the merchant's income (its fees account). */
  async keepFee(tx: Tx, t: CardTransferLegs): Promise<void> {
    const { ledger } = this.d;
    if (t.fee === 0n) return;
    const available = await ledger.account(tx, t.merchantId, t.currency, AVAILABLE);
    const fees = await ledger.systemAccount(tx, t.merchantId, t.currency, FEES_ACCOUNT);
    await ledger.post(tx, available, fees, t.fee, { code: t.ledger.feeCode, refType: t.ledger.refType, refId: t.ledger.refId });
  }

  /**
   * The recipient leg: a payout of the amount from the merchant's balance to the card (none: it cannot be paid, an
   * error). Its payout and outcome, with the decline reason when it did not complete.
   */
  async payRecipient(
    tx: Tx,
    t: CardTransferLegs,
    card: RecipientCard | undefined,
  ): Promise<{ payoutId: number; outcome: RecipientOutcome; reason: string | null }> {
    const payout = await this.d.payouts.create(tx, {
      merchantId: t.merchantId,
      face: t.face,
      amount: t.amount,
      currency: t.currency,
      metadata: t.metadata ?? {},
    });
    if (!card) return { payoutId: payout.id, outcome: 'error', reason: 'processing_error' };
    try {
      const done = await this.d.payouts.execute(tx, payout.id, card);
      return { payoutId: payout.id, outcome: OUTCOME[done.status], reason: done.declineReason };
    } catch (e) {
      if (!isCoreError(e)) throw e;
      return { payoutId: payout.id, outcome: 'error', reason: 'processing_error' };
    }
  }

  /** The recipient leg failed for good: the fee comes back from the fees account and the sender is refunded in full. */
  async refundSender(tx: Tx, t: CardTransferLegs): Promise<void> {
    const { ledger } = this.d;
    if (t.fee > 0n) {
      const available = await ledger.account(tx, t.merchantId, t.currency, AVAILABLE);
      const fees = await ledger.systemAccount(tx, t.merchantId, t.currency, FEES_ACCOUNT);
      await ledger.post(tx, fees, available, t.fee, { code: t.ledger.feeReturnCode, refType: t.ledger.refType, refId: t.ledger.refId });
    }
    await this.d.payments.refund(tx, t.paymentId, null, { merchantId: t.merchantId, ...(t.metadata ? { metadata: t.metadata } : {}) });
  }
}
