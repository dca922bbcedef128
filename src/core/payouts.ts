// Payouts: money from a merchant's balance to a card (Numopay refill, CloudPayments topup, Way2Pay pay-out).
//   created → completed | declined | expired | cancelled
// Funds are held from the merchant's balance, then posted to the network on approval or released.
import { CoreError } from './errors.js';
import { validateCardNumber } from './cards.js';
import type { Clock } from './clock.js';
import type { Outbox } from './events.js';
import { AVAILABLE, Ledger, NETWORK_ACCOUNT } from './ledger.js';
import { checkAmount } from './money.js';
import { maskCardNumbersIn } from './card-text.js';
import type { FaceName, JsonObject, Payout } from './model.js';
import type { CardNetwork } from './network/network.js';
import type { Tx } from './ports.js';
import type { CardVault } from './vault.js';

export const PAYOUT_SUBJECT = 'payout';

export interface CreatePayout {
  merchantId: string;
  face: FaceName;
  amount: bigint;
  currency: string;
  metadata?: JsonObject;
  expiresAt?: number | null;
}

export interface PayoutsDeps {
  clock: Clock;
  ledger: Ledger;
  vault: CardVault;
  network: CardNetwork;
  outbox: Outbox;
}

/** Expiry unknown (a payout by card number only): the network does not check it. */
const NO_EXPIRY = { expMonth: 12, expYear: 2099 };

export class Payouts {
  constructor(private readonly d: PayoutsDeps) {}

  async create(tx: Tx, input: CreatePayout): Promise<Payout> {
    checkAmount(input.amount);
    const now = this.d.clock.now();
    const p: Payout = {
      id: await tx.sequences.nextTransactionId(),
      merchantId: input.merchantId,
      face: input.face,
      status: 'created',
      amount: input.amount,
      currency: input.currency,
      card: null,
      declineReason: null,
      holdTransferId: null,
      // a card number a merchant wrote into its metadata is never kept in clear (card-text.ts)
      metadata: maskCardNumbersIn(input.metadata ?? {}),
      expiresAt: input.expiresAt ?? null,
      createdAt: now,
      updatedAt: now,
      completedAt: null,
    };
    await tx.payouts.insert(p);
    await this.emit(tx, p, 'payout.created');
    if (p.expiresAt !== null) await tx.jobs.schedule('payout.expire', String(p.id), p.expiresAt, {});
    return p;
  }

  async get(tx: Tx, id: number, merchantId?: string): Promise<Payout> {
    const p = await tx.payouts.get(id);
    if (!p || (merchantId !== undefined && p.merchantId !== merchantId)) throw new CoreError('PAYOUT_NOT_FOUND');
    return p;
  }

  /**
   * Sends a created payout to a card: holds the merchant's funds (INSUFFICIENT_BALANCE / ZERO_BALANCE
   * when they are not there), asks the network, then posts or releases the hold.
   */
  async execute(
    tx: Tx,
    payoutId: number,
    target: { number: string; expMonth?: number; expYear?: number; holder?: string | null } | { cardId: string },
  ): Promise<Payout> {
    const p = await tx.payouts.lock(payoutId);
    if (!p) throw new CoreError('PAYOUT_NOT_FOUND');
    if (p.status !== 'created') throw new CoreError('INVALID_STATE', `payout is ${p.status}`);
    const now = this.d.clock.now();
    if (p.expiresAt !== null && now >= p.expiresAt) throw new CoreError('TOKEN_EXPIRED');
    let pan: string;
    if ('cardId' in target) {
      const r = await this.d.vault.reveal(tx, target.cardId);
      pan = r.pan;
      p.card = {
        cardId: r.card.id,
        first6: r.card.first6,
        last4: r.card.last4,
        brand: r.card.brand,
        expMonth: r.card.expMonth,
        expYear: r.card.expYear,
        holder: null,
      };
    } else {
      validateCardNumber(target.number);
      const exp = target.expMonth && target.expYear ? { expMonth: target.expMonth, expYear: target.expYear } : NO_EXPIRY;
      p.card = await this.d.vault.store(tx, { number: target.number, ...exp, holder: target.holder ?? null });
      pan = (await this.d.vault.reveal(tx, p.card.cardId)).pan;
    }
    const merchant = await this.d.ledger.account(tx, p.merchantId, p.currency, AVAILABLE);
    const network = await this.d.ledger.systemAccount(tx, p.merchantId, p.currency, NETWORK_ACCOUNT);
    const ref = { refType: PAYOUT_SUBJECT, refId: String(p.id) };
    p.holdTransferId = await this.d.ledger.hold(tx, merchant, network, p.amount, { code: 'payout_hold', ...ref }, { requireFunds: true });
    const decision = this.d.network.decide({
      card: { pan, brand: p.card.brand, expMonth: p.card.expMonth, expYear: p.card.expYear },
      amount: p.amount,
      currency: p.currency,
      kind: 'payout',
      now,
    });
    if (decision.outcome === 'approved') {
      await this.d.ledger.postPending(tx, p.holdTransferId, null, { code: 'payout', ...ref });
      p.status = 'completed';
      p.completedAt = now;
    } else {
      await this.d.ledger.voidPending(tx, p.holdTransferId, { code: 'payout_declined', ...ref });
      p.status = 'declined';
      p.declineReason = decision.outcome === 'declined' ? decision.reason : 'processing_error';
    }
    p.updatedAt = now;
    await tx.payouts.update(p);
    await tx.jobs.cancel('payout.expire', String(p.id));
    await this.emit(tx, p, p.status === 'completed' ? 'payout.completed' : 'payout.declined');
    return p;
  }

  async expire(tx: Tx, payoutId: number): Promise<Payout | null> {
    const p = await tx.payouts.lock(payoutId);
    if (!p || p.status !== 'created') return null;
    const now = this.d.clock.now();
    if (p.expiresAt !== null && now < p.expiresAt) return null;
    p.status = 'expired';
    p.updatedAt = now;
    await tx.payouts.update(p);
    await this.emit(tx, p, 'payout.expired');
    return p;
  }

  async setMetadata(tx: Tx, p: Payout, metadata: JsonObject): Promise<Payout> {
    p.metadata = maskCardNumbersIn(metadata);
    p.updatedAt = this.d.clock.now();
    await tx.payouts.update(p);
    return p;
  }

  private async emit(tx: Tx, p: Payout, type: string): Promise<void> {
    await this.d.outbox.emit(tx, {
      merchantId: p.merchantId,
      face: p.face,
      type,
      subjectType: PAYOUT_SUBJECT,
      subjectId: String(p.id),
      payload: { payout: serializePayout(p) },
    });
  }
}

export function serializePayout(p: Payout): JsonObject {
  return { ...p, amount: p.amount.toString(), card: p.card ? { ...p.card } : null } as unknown as JsonObject;
}

export function deserializePayout(j: JsonObject): Payout {
  const o = j as unknown as Payout & { amount: string };
  return { ...o, amount: BigInt(o.amount) };
}
