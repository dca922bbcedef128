// The recipient's leg of a transfer (a card-to-card transfer of the core, core/card-transfers.ts): once the sender
// paid (amount + fee captured into the merchant's balance) the fee moves to the merchant's own fees account, then a
// core payout from the balance pays the recipient's (or the claimant's) card, run by a scheduler job while the
// transfer shows `processing`. A failed payout refunds the sender and returns the fee; for a claim the money waits
// for another claim instead.
import type { CardTransferLegs } from '../../../core/card-transfers.js';
import type { Tx } from '../../../core/ports.js';
import { openCard } from '../sealing.js';
import { mbillStore as S, TRANSFER_SUBJECT, type Transfer } from '../store.js';
import type { Bases } from '../views.js';
import type { ClaimStatus } from '../wire.js';
import type { Lifecycle } from './lifecycle.js';

/** The transfer's legs as the core's card-to-card steps see them (its ledger codes and metadata are Mbill's). */
function legsOf(t: Transfer): CardTransferLegs {
  return {
    merchantId: t.merchantId,
    face: 'mbill',
    currency: t.currency,
    amount: t.amount,
    fee: t.fee,
    paymentId: t.paymentId,
    ledger: { feeCode: 'mbill_fee', feeReturnCode: 'mbill_fee_reversal', refType: TRANSFER_SUBJECT, refId: String(t.id) },
    metadata: { mbill_transfer_id: String(t.id) },
  };
}

export class Payouts {
  constructor(private readonly life: Lifecycle) {}

  private get engine() {
    return this.life.engine;
  }

  /** The sender paid: keep the fee, then pay out (or wait for a claim). */
  async onSenderCharged(tx: Tx, t: Transfer, bases: Bases): Promise<Transfer> {
    await this.engine.cardTransfers.keepFee(tx, legsOf(t));
    if (t.recipientKind === 'external-credential') return this.life.transition(tx, t, 'waiting_for_claim', {}, bases);
    const next = await this.life.transition(tx, t, 'processing', {}, bases);
    await this.life.schedulePayout(tx, t.id);
    return next;
  }

  /** The payout job: the recipient leg from the merchant's balance to the recipient's (or claimant's) card. */
  async process(tx: Tx, transferId: number, bases: Bases): Promise<void> {
    const t0 = await S.getTransfer(tx, transferId);
    if (!t0 || t0.status !== 'processing') return;
    await this.engine.payments.lock(tx, t0.paymentId);
    const t = (await S.getTransfer(tx, transferId))!;
    if (t.status !== 'processing') return;
    const claim = t.activeClaimId !== null ? await S.getClaim(tx, t.activeClaimId) : undefined;
    const sealed = claim ? claim.card : t.recipientCard;
    const card = sealed ? openCard(this.engine.vault, sealed, claim ? `claim:${claim.id}` : `transfer:${t.id}`) : undefined;
    const { payoutId, outcome, reason } = await this.engine.cardTransfers.payRecipient(
      tx,
      legsOf(t),
      card &&
        (card.expMonth !== null && card.expYear !== null
          ? { number: card.number, expMonth: card.expMonth, expYear: card.expYear }
          : { number: card.number }),
    );
    const now = this.life.now();
    if (outcome === 'completed') {
      if (claim) await S.updateClaim(tx, claim.id, { status: 'completed', card: null, payoutId, updatedAt: now });
      await this.life.transition(tx, t, 'completed', { payoutId, recipientCard: null }, bases);
      return;
    }
    if (claim) {
      // the money stays with the merchant: the recipient may claim again with another card
      const status: ClaimStatus = outcome === 'error' ? 'error' : 'declined';
      await S.updateClaim(tx, claim.id, {
        status,
        card: null,
        payoutId,
        declineReason: reason ?? 'processing_error',
        updatedAt: now,
      });
      await this.life.transition(tx, t, 'waiting_for_claim', { activeClaimId: null }, bases);
      return;
    }
    await this.engine.cardTransfers.refundSender(tx, legsOf(t));
    await this.life.transition(
      tx,
      t,
      outcome === 'error' ? 'error' : 'declined',
      { payoutId, recipientCard: null, declineReason: reason ?? 'processing_error' },
      bases,
    );
  }
}
