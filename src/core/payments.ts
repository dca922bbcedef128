// Payments: a charge against a card, with its state machine.
//   created → requires_authentication → authorized → captured → partially_refunded → refunded
//   created/requires_authentication → declined | expired | voided;  authorized → voided | expired
// Every transition writes its ledger transfers and an outbox event in the caller's transaction.
import { CoreError } from './errors.js';
import { maskPan, validateCardNumber, type CardInput } from './cards.js';
import type { Clock } from './clock.js';
import type { Challenges } from './challenges.js';
import type { Outbox } from './events.js';
import { AVAILABLE, Ledger, NETWORK_ACCOUNT } from './ledger.js';
import { checkAmount, formatMajor } from './money.js';
import { maskCardNumbers, maskCardNumbersIn } from './card-text.js';
import type { CardSnapshot, Challenge, FaceName, JsonObject, Payment, PaymentStatus, Refund, StoredCard } from './model.js';
import type { CardNetwork, NetworkDecision, OperationKind } from './network/network.js';
import type { DeclineReason } from './network/reasons.js';
import type { Tx } from './ports.js';
import type { CardVault } from './vault.js';

export interface CreatePayment {
  merchantId: string;
  face: FaceName;
  amount: bigint;
  currency: string;
  captureMode: 'auto' | 'manual';
  description?: string | null;
  invoiceId?: string | null;
  payerRef?: string | null;
  email?: string | null;
  ip?: string | null;
  metadata?: JsonObject;
  testMode?: boolean;
  /** a payment not paid by then expires */
  expiresAt?: number | null;
  /** use this transaction id (faces that reserve one up front) */
  id?: number;
  /**
   * The caller authorizes (or declines) the payment in this same transaction: it cannot wait, so no expiry job is
   * scheduled for it now. Whatever the authorization decides schedules its own (a challenge's, or an uncaptured
   * hold's life); a captured, declined or expired payment needs none.
   */
  authorizedAtOnce?: boolean;
}

export type CardSource =
  | { kind: 'card'; card: CardInput }
  | {
      kind: 'stored';
      cardId: string;
      expMonth?: number;
      expYear?: number;
      holder?: string | null;
      /** the card's row as the caller read it (with its token): its number is decrypted from it, not read again */
      card?: StoredCard;
    };

export interface AuthorizeOptions {
  source: CardSource;
  operation?: Exclude<OperationKind, 'payout'>;
  requireAuthentication?: boolean;
  skipAuthentication?: boolean;
  /** the name shown by the ACS page */
  merchantName: string;
}

export type AuthorizeResult =
  | { kind: 'challenge'; payment: Payment; challenge: Challenge }
  | { kind: 'approved'; payment: Payment }
  | { kind: 'declined'; payment: Payment };

export const PAYMENT_SUBJECT = 'payment';

/** What a command changes on a payment it locks: its hold (a capture, a void), its refunds, or something else. */
export type PaymentChange = 'hold' | 'refund' | 'other';

export interface PaymentsDeps {
  clock: Clock;
  ledger: Ledger;
  vault: CardVault;
  network: CardNetwork;
  challenges: Challenges;
  outbox: Outbox;
}

export class Payments {
  /**
   * Per transaction, the payments it created without an expiry job (`authorizedAtOnce`) and has scheduled none for
   * since: there is no job to cancel for them (their ids are new), so cancelling costs no statement.
   */
  private readonly withoutExpiryJob = new WeakMap<Tx, Set<number>>();

  constructor(private readonly d: PaymentsDeps) {}

  async create(tx: Tx, input: CreatePayment): Promise<Payment> {
    checkAmount(input.amount);
    const { authorizedAtOnce, ...fields } = input;
    const p = draftPayment({ ...fields, id: fields.id ?? (await tx.sequences.nextTransactionId()) }, this.d.clock.now());
    await tx.payments.insert(p);
    await this.emit(tx, p, 'payment.created');
    if (authorizedAtOnce) {
      let set = this.withoutExpiryJob.get(tx);
      if (!set) this.withoutExpiryJob.set(tx, (set = new Set()));
      set.add(p.id);
    } else if (p.expiresAt !== null) await this.scheduleExpiry(tx, p, p.expiresAt);
    return p;
  }

  private async scheduleExpiry(tx: Tx, p: Payment, at: number): Promise<void> {
    this.withoutExpiryJob.get(tx)?.delete(p.id);
    await tx.jobs.schedule('payment.expire', String(p.id), at, {});
  }

  private async cancelExpiry(tx: Tx, p: Payment): Promise<void> {
    if (this.withoutExpiryJob.get(tx)?.has(p.id)) return;
    await tx.jobs.cancel('payment.expire', String(p.id));
  }

  async get(tx: Tx, id: number, merchantId?: string): Promise<Payment> {
    const p = await tx.payments.get(id);
    if (!p || (merchantId !== undefined && p.merchantId !== merchantId)) throw new CoreError('PAYMENT_NOT_FOUND');
    return p;
  }

  async lock(tx: Tx, id: number, merchantId?: string): Promise<Payment> {
    const p = await tx.payments.lock(id);
    if (!p || (merchantId !== undefined && p.merchantId !== merchantId)) throw new CoreError('PAYMENT_NOT_FOUND');
    return p;
  }

  /**
   * The payment locked for a change. Where reads travel together (`Tx.together`), what that change needs next is
   * read in the same round trip as the lock, ahead of its use: for a capture or a void the payment's hold (locked
   * too, so that its state change waits for no answer), for a refund the merchant's accounts in the payment's
   * currency and the refund's id (an id drawn for a refund then refused is a gap).
   */
  async lockFor(tx: Tx, id: number, change: PaymentChange, merchantId?: string): Promise<Payment> {
    if (!tx.together || change === 'other') return this.lock(tx, id, merchantId);
    const ahead = (): Array<Promise<void>> =>
      change === 'hold'
        ? [tx.ledger.lockPaymentHold(id)]
        : [tx.ledger.readPaymentAccountsAhead(id), ...(tx.sequences.drawAhead ? [tx.sequences.drawAhead()] : [])];
    const [p] = await tx.together(() => Promise.all([this.lock(tx, id, merchantId), ...ahead()]));
    return p;
  }

  /**
   * Reads ahead, among the caller's reads made together, what authorizing a card payment of this merchant in this
   * currency will read: the card by its number's fingerprint and the merchant's accounts in the currency. Where reads
   * do not travel together, nothing: they are read when used.
   */
  async readAheadForCard(tx: Tx, merchantId: string, currency: string, cardNumber: string): Promise<void> {
    if (!tx.together) return;
    await Promise.all([this.d.vault.readAhead(tx, cardNumber), tx.ledger.findAccount(merchantId, currency, AVAILABLE)]);
  }

  /** Submits card data for a created payment: challenge, approval (hold, and capture if auto) or decline. */
  async authorize(tx: Tx, paymentId: number, opts: AuthorizeOptions): Promise<AuthorizeResult> {
    const p = await this.lock(tx, paymentId);
    if (p.status !== 'created') throw new CoreError('INVALID_STATE', `payment is ${p.status}`);
    const now = this.d.clock.now();
    if (p.expiresAt !== null && now >= p.expiresAt) {
      const expired = await this.toExpired(tx, p);
      return { kind: 'declined', payment: expired };
    }
    const { snapshot, pan } = await this.withAccountsRead(tx, p, () => this.resolveCard(tx, opts.source));
    p.card = snapshot;
    const decision = this.d.network.decide({
      card: { pan, brand: snapshot.brand, expMonth: snapshot.expMonth, expYear: snapshot.expYear },
      amount: p.amount,
      currency: p.currency,
      kind: opts.operation ?? 'payment',
      now,
      ...(opts.requireAuthentication !== undefined ? { requireAuthentication: opts.requireAuthentication } : {}),
      ...(opts.skipAuthentication !== undefined ? { skipAuthentication: opts.skipAuthentication } : {}),
    });
    if (decision.outcome === 'challenge') {
      const challenge = await this.d.challenges.create(tx, {
        merchantId: p.merchantId,
        subjectType: PAYMENT_SUBJECT,
        subjectId: String(p.id),
        kind: decision.method,
        display: { merchant: opts.merchantName, amount: formatMajor(p.amount, p.currency), currency: p.currency, card: maskPan(pan) },
      });
      p.status = 'requires_authentication';
      p.challengeId = challenge.id;
      p.updatedAt = now;
      await tx.payments.update(p);
      await this.emit(tx, p, 'payment.requires_authentication');
      await this.scheduleExpiry(tx, p, Math.min(challenge.expiresAt, p.expiresAt ?? Infinity));
      return { kind: 'challenge', payment: p, challenge };
    }
    return this.applyDecision(tx, p, decision);
  }

  /** Finishes authentication with the ACS's PaRes; then the issuer decides. */
  async completeAuthentication(tx: Tx, paymentId: number, paRes: string): Promise<AuthorizeResult> {
    const p = await this.lock(tx, paymentId);
    if (p.status !== 'requires_authentication') throw new CoreError('INVALID_STATE', `payment is ${p.status}`);
    const { passed } = await this.d.challenges.consume(tx, paRes, { type: PAYMENT_SUBJECT, id: String(p.id) });
    const now = this.d.clock.now();
    if (!passed) return { kind: 'declined', payment: await this.decline(tx, p, 'authentication_failed') };
    if (!p.card) throw new CoreError('INVALID_STATE', 'payment has no card');
    const { pan } = await this.d.vault.reveal(tx, p.card.cardId);
    const decision = this.d.network.decide({
      card: { pan, brand: p.card.brand, expMonth: p.card.expMonth, expYear: p.card.expYear },
      amount: p.amount,
      currency: p.currency,
      kind: 'payment',
      now,
      authenticated: true,
    });
    if (decision.outcome === 'challenge') throw new CoreError('INTERNAL', 'the network asked for a second authentication');
    return this.applyDecision(tx, p, decision);
  }

  async capture(tx: Tx, paymentId: number, amount: bigint | null, merchantId?: string): Promise<Payment> {
    return this.captureLocked(tx, await this.lock(tx, paymentId, merchantId), amount);
  }

  /** Captures a payment already locked in this transaction. */
  private async captureLocked(tx: Tx, p: Payment, amount: bigint | null): Promise<Payment> {
    if (p.status !== 'authorized') throw new CoreError('INVALID_STATE', `payment is ${p.status}`);
    const value = amount ?? p.amount;
    if (value <= 0n) throw new CoreError('AMOUNT_TOO_SMALL', 'capture amount must be positive');
    if (value > p.amount) throw new CoreError('AMOUNT_EXCEEDS_AVAILABLE', 'capture amount exceeds the authorized amount');
    await this.d.ledger.postPending(tx, p.holdTransferId!, value, { code: 'capture', refType: PAYMENT_SUBJECT, refId: String(p.id) });
    const now = this.d.clock.now();
    p.status = 'captured';
    p.capturedAmount = value;
    p.capturedAt = now;
    p.updatedAt = now;
    await tx.payments.update(p);
    await this.cancelExpiry(tx, p);
    await this.emit(tx, p, 'payment.captured', { amount: value.toString(), partial: value < p.amount });
    return p;
  }

  /**
   * Cancels a payment. An authorized hold is released; an unpaid payment is cancelled; a captured,
   * unrefunded payment is reversed in full when the face allows it (same-day void).
   */
  async void(tx: Tx, paymentId: number, opts: { merchantId?: string; allowCaptured?: boolean } = {}): Promise<Payment> {
    const p = await this.lock(tx, paymentId, opts.merchantId);
    const now = this.d.clock.now();
    if (p.status === 'authorized') {
      await this.d.ledger.voidPending(tx, p.holdTransferId!, { code: 'void', refType: PAYMENT_SUBJECT, refId: String(p.id) });
    } else if (p.status === 'captured' && opts.allowCaptured && p.refundedAmount === 0n) {
      await this.reverse(tx, p, p.capturedAmount, 'void');
    } else if (p.status !== 'created' && p.status !== 'requires_authentication') {
      throw new CoreError('INVALID_STATE', `payment is ${p.status}`);
    }
    const from = p.status;
    p.status = 'voided';
    p.voidedAt = now;
    p.updatedAt = now;
    await tx.payments.update(p);
    await this.cancelExpiry(tx, p);
    await this.emit(tx, p, 'payment.voided', { from });
    return p;
  }

  async refund(
    tx: Tx,
    paymentId: number,
    amount: bigint | null,
    opts: { merchantId?: string; refundWindowMs?: number; metadata?: JsonObject } = {},
  ): Promise<{ payment: Payment; refund: Refund }> {
    const p = await this.lock(tx, paymentId, opts.merchantId);
    if (p.status !== 'captured' && p.status !== 'partially_refunded') throw new CoreError('INVALID_STATE', `payment is ${p.status}`);
    const now = this.d.clock.now();
    if (opts.refundWindowMs !== undefined && p.capturedAt !== null && now - p.capturedAt > opts.refundWindowMs)
      throw new CoreError('REFUND_WINDOW_PASSED');
    const left = p.capturedAmount - p.refundedAmount;
    const value = amount ?? left;
    if (value <= 0n) throw new CoreError('AMOUNT_TOO_SMALL', 'refund amount must be positive');
    if (value > left) throw new CoreError('AMOUNT_EXCEEDS_AVAILABLE', 'refund amount exceeds the amount left to refund');
    const refundId = await this.withAccountsRead(tx, p, () => tx.sequences.nextTransactionId());
    const transferId = await this.reverse(tx, p, value, 'refund', String(refundId));
    const refund: Refund = {
      id: refundId,
      paymentId: p.id,
      merchantId: p.merchantId,
      amount: value,
      currency: p.currency,
      status: 'completed',
      transferId,
      metadata: opts.metadata ?? {},
      createdAt: now,
    };
    await tx.refunds.insert(refund);
    p.refundedAmount += value;
    p.status = p.refundedAmount === p.capturedAmount ? 'refunded' : 'partially_refunded';
    p.updatedAt = now;
    await tx.payments.update(p);
    await this.emit(tx, p, 'payment.refunded', { refundId, amount: value.toString() });
    return { payment: p, refund };
  }

  /** Expiry (scheduler): an unpaid payment expires; an authorized hold past its life is released. */
  async expire(tx: Tx, paymentId: number): Promise<Payment | null> {
    const p = await tx.payments.lock(paymentId);
    if (!p) return null;
    const now = this.d.clock.now();
    if (p.status === 'created' || p.status === 'requires_authentication') {
      if (p.status === 'requires_authentication' && p.challengeId) await this.d.challenges.expire(tx, p.challengeId);
      if (p.status === 'created' && p.expiresAt !== null && now < p.expiresAt) return null;
      return this.toExpired(tx, p);
    }
    if (p.status === 'authorized' && p.expiresAt !== null && now >= p.expiresAt) {
      await this.d.ledger.voidPending(tx, p.holdTransferId!, { code: 'hold_expired', refType: PAYMENT_SUBJECT, refId: String(p.id) });
      return this.toExpired(tx, p);
    }
    return null;
  }

  /** Declines a payment that has not been authorized (failed authentication, merchant check refused, ...). */
  async decline(tx: Tx, p: Payment, reason: DeclineReason): Promise<Payment> {
    if (p.status !== 'created' && p.status !== 'requires_authentication') throw new CoreError('INVALID_STATE', `payment is ${p.status}`);
    const now = this.d.clock.now();
    p.status = 'declined';
    p.declineReason = reason;
    p.declinedAt = now;
    p.updatedAt = now;
    await tx.payments.update(p);
    await this.cancelExpiry(tx, p);
    await this.emit(tx, p, 'payment.declined', { reason });
    return p;
  }

  /** Updates face-specific fields of a payment (no state change). */
  async setMetadata(tx: Tx, p: Payment, metadata: JsonObject): Promise<Payment> {
    p.metadata = maskCardNumbersIn(metadata);
    p.updatedAt = this.d.clock.now();
    await tx.payments.update(p);
    return p;
  }

  private async toExpired(tx: Tx, p: Payment): Promise<Payment> {
    const now = this.d.clock.now();
    const from = p.status;
    p.status = 'expired';
    if (from === 'requires_authentication') p.declineReason = 'expired_authentication';
    p.updatedAt = now;
    await tx.payments.update(p);
    await this.cancelExpiry(tx, p);
    await this.emit(tx, p, 'payment.expired', { from });
    return p;
  }

  private async applyDecision(tx: Tx, p: Payment, decision: Exclude<NetworkDecision, { outcome: 'challenge' }>): Promise<AuthorizeResult> {
    const now = this.d.clock.now();
    p.rrn = decision.rrn;
    if (decision.outcome === 'declined') return { kind: 'declined', payment: await this.decline(tx, p, decision.reason) };
    const merchant = await this.d.ledger.account(tx, p.merchantId, p.currency, AVAILABLE);
    const network = await this.d.ledger.systemAccount(tx, p.merchantId, p.currency, NETWORK_ACCOUNT);
    p.holdTransferId = await this.d.ledger.hold(tx, network, merchant, p.amount, {
      code: 'authorization',
      refType: PAYMENT_SUBJECT,
      refId: String(p.id),
    });
    p.status = 'authorized';
    p.authCode = decision.authCode;
    p.authorizedAt = now;
    p.updatedAt = now;
    if (p.captureMode === 'auto') {
      // the capture follows in this transaction: the authorization is recorded by its event and its hold, and the
      // row (locked since authorize) is written once, captured; the capture cancels the expiry job
      await this.emit(tx, p, 'payment.authorized');
      return { kind: 'approved', payment: await this.captureLocked(tx, p, null) };
    }
    await tx.payments.update(p);
    await this.cancelExpiry(tx, p);
    await this.emit(tx, p, 'payment.authorized');
    if (p.expiresAt !== null) await this.scheduleExpiry(tx, p, p.expiresAt);
    return { kind: 'approved', payment: p };
  }

  private async reverse(tx: Tx, p: Payment, amount: bigint, code: string, refundId?: string): Promise<number> {
    const merchant = await this.d.ledger.account(tx, p.merchantId, p.currency, AVAILABLE);
    const network = await this.d.ledger.systemAccount(tx, p.merchantId, p.currency, NETWORK_ACCOUNT);
    return this.d.ledger.post(tx, merchant, network, amount, {
      code,
      refType: refundId ? 'refund' : PAYMENT_SUBJECT,
      refId: refundId ?? String(p.id),
    });
  }

  /**
   * Runs fn with the merchant's ledger accounts of the payment's currency read alongside, where the store sends reads
   * made together in one round trip (`Tx.together`): the transfers that may follow need them, and asking for them
   * with fn's reads spares a round trip of their own. Elsewhere fn runs alone, and the accounts are read when used.
   */
  private async withAccountsRead<T>(tx: Tx, p: Payment, fn: () => Promise<T>): Promise<T> {
    if (!tx.together) return fn();
    const [r] = await tx.together(() => Promise.all([fn(), tx.ledger.findAccount(p.merchantId, p.currency, AVAILABLE)]));
    return r;
  }

  private async resolveCard(tx: Tx, source: CardSource): Promise<{ snapshot: CardSnapshot; pan: string }> {
    if (source.kind === 'card') {
      const snapshot = await this.d.vault.store(tx, {
        number: source.card.number,
        expMonth: source.card.expMonth,
        expYear: source.card.expYear,
        holder: source.card.holder ?? null,
      });
      // the card as given is the card stored (the vault normalises and checks it the same way): not read back
      return { snapshot, pan: validateCardNumber(source.card.number).pan };
    }
    const { pan, card } = source.card?.id === source.cardId ? this.d.vault.open(source.card) : await this.d.vault.reveal(tx, source.cardId);
    return {
      pan,
      snapshot: {
        cardId: card.id,
        first6: card.first6,
        last4: card.last4,
        brand: card.brand,
        expMonth: source.expMonth ?? card.expMonth,
        expYear: source.expYear ?? card.expYear,
        holder: source.holder ?? null,
      },
    };
  }

  private async emit(tx: Tx, p: Payment, type: string, extra: JsonObject = {}): Promise<void> {
    await this.d.outbox.emit(tx, {
      merchantId: p.merchantId,
      face: p.face,
      type,
      subjectType: PAYMENT_SUBJECT,
      subjectId: String(p.id),
      payload: { payment: serializePayment(p), ...extra },
    });
  }
}

/** The record of a payment about to be created (also what a face shows a merchant before it exists). */
export function draftPayment(input: CreatePayment & { id: number }, now: number, card: CardSnapshot | null = null): Payment {
  return {
    id: input.id,
    merchantId: input.merchantId,
    face: input.face,
    status: 'created',
    amount: input.amount,
    currency: input.currency,
    capturedAmount: 0n,
    refundedAmount: 0n,
    captureMode: input.captureMode,
    card,
    declineReason: null,
    authCode: null,
    rrn: null,
    holdTransferId: null,
    challengeId: null,
    // a card number a merchant wrote into a free-text field is never kept in clear (card-text.ts); the payer
    // reference is an identifier the merchant and its saved cards are matched on, and is kept as given
    description: input.description == null ? null : maskCardNumbers(input.description),
    invoiceId: input.invoiceId ?? null,
    payerRef: input.payerRef ?? null,
    email: input.email ?? null,
    ip: input.ip ?? null,
    metadata: maskCardNumbersIn(input.metadata ?? {}),
    testMode: input.testMode ?? true,
    expiresAt: input.expiresAt ?? null,
    createdAt: now,
    updatedAt: now,
    authorizedAt: null,
    capturedAt: null,
    voidedAt: null,
    declinedAt: null,
  };
}

export function serializePayment(p: Payment): JsonObject {
  return {
    ...p,
    amount: p.amount.toString(),
    capturedAmount: p.capturedAmount.toString(),
    refundedAmount: p.refundedAmount.toString(),
    card: p.card ? { ...p.card } : null,
  } as unknown as JsonObject;
}

export function deserializePayment(j: JsonObject): Payment {
  const o = j as unknown as Payment & { amount: string; capturedAmount: string; refundedAmount: string };
  return { ...o, amount: BigInt(o.amount), capturedAmount: BigInt(o.capturedAmount), refundedAmount: BigInt(o.refundedAmount) };
}

export function isFinal(status: PaymentStatus): boolean {
  return status === 'refunded' || status === 'voided' || status === 'declined' || status === 'expired' || status === 'failed';
}
