// The recipient's leg of a transfer: once the sender paid (amount + fee captured into the merchant's balance) the
// fee moves to the merchant's own fees account, then a core payout from the balance pays the recipient's (or the
// claimant's) card, run by a scheduler job while the transfer shows `processing`. A failed payout refunds the
// sender and returns the fee; for a claim the money waits for another claim instead.
import { isCoreError } from '../../../core/errors.js';
import { AVAILABLE, FEES_ACCOUNT } from '../../../core/ledger.js';
import type { Tx } from '../../../core/ports.js';
import { openCard } from '../sealing.js';
import { mbillStore as S, TRANSFER_SUBJECT, type Transfer } from '../store.js';
import type { Bases } from '../views.js';
import { OUTCOME_OF_PAYOUT, type ClaimStatus } from '../wire.js';
import type { Lifecycle } from './lifecycle.js';

export class Payouts {
  constructor(private readonly life: Lifecycle) {}

  private get engine() {
    return this.life.engine;
  }

  /** The sender paid: keep the fee, then pay out (or wait for a claim). */
  async onSenderCharged(tx: Tx, t: Transfer, bases: Bases): Promise<Transfer> {
    const { ledger } = this.engine;
    const merchant = await ledger.account(tx, t.merchantId, t.currency, AVAILABLE);
    const fees = await ledger.systemAccount(tx, t.merchantId, t.currency, FEES_ACCOUNT);
    await ledger.post(tx, merchant, fees, t.fee, { code: 'mbill_fee', refType: TRANSFER_SUBJECT, refId: String(t.id) });
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

    const payout = await this.engine.payouts.create(tx, {
      merchantId: t.merchantId,
      face: 'mbill',
      amount: t.amount,
      currency: t.currency,
      metadata: { mbill_transfer_id: String(t.id) },
    });
    let outcome: 'completed' | 'declined' | 'error' = 'error';
    let reason: string | null = 'processing_error';
    if (card) {
      try {
        const target =
          card.expMonth !== null && card.expYear !== null
            ? { number: card.number, expMonth: card.expMonth, expYear: card.expYear }
            : { number: card.number };
        const done = await this.engine.payouts.execute(tx, payout.id, target);
        const o = OUTCOME_OF_PAYOUT[done.status];
        outcome = o === 'pending' ? 'error' : o;
        reason = done.declineReason;
      } catch (e) {
        if (!isCoreError(e)) throw e;
      }
    }
    const now = this.life.now();
    if (outcome === 'completed') {
      if (claim) await S.updateClaim(tx, claim.id, { status: 'completed', card: null, payoutId: payout.id, updatedAt: now });
      await this.life.transition(tx, t, 'completed', { payoutId: payout.id, recipientCard: null }, bases);
      return;
    }
    if (claim) {
      // the money stays with the merchant: the recipient may claim again with another card
      const status: ClaimStatus = outcome === 'error' ? 'error' : 'declined';
      await S.updateClaim(tx, claim.id, {
        status,
        card: null,
        payoutId: payout.id,
        declineReason: reason ?? 'processing_error',
        updatedAt: now,
      });
      await this.life.transition(tx, t, 'waiting_for_claim', { activeClaimId: null }, bases);
      return;
    }
    await this.refundSender(tx, t);
    await this.life.transition(
      tx,
      t,
      outcome === 'error' ? 'error' : 'declined',
      { payoutId: payout.id, recipientCard: null, declineReason: reason ?? 'processing_error' },
      bases,
    );
  }

  /** The recipient leg failed: the fee comes back from the fees account and the sender is refunded in full. */
  private async refundSender(tx: Tx, t: Transfer): Promise<void> {
    const { ledger } = this.engine;
    const merchant = await ledger.account(tx, t.merchantId, t.currency, AVAILABLE);
    const fees = await ledger.systemAccount(tx, t.merchantId, t.currency, FEES_ACCOUNT);
    await ledger.post(tx, fees, merchant, t.fee, { code: 'mbill_fee_reversal', refType: TRANSFER_SUBJECT, refId: String(t.id) });
    await this.engine.payments.refund(tx, t.paymentId, null, { merchantId: t.merchantId, metadata: { mbill_transfer_id: String(t.id) } });
  }
}
