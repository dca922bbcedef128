// Checkouts: what a payer pays once within a lifetime. Numopay's charge and refill tokens and checkout sessions,
// CloudPayments' orders and NovaPay's sessions are each one; the face keeps its wire fields beside the checkout
// under the same id, and the rules live here:
//   open → paid | cancelled | expired (a lifetime that has passed is expired even before anyone says so)
// A payment attempt is allowed while the checkout is open, has attempts left, and no payment of it is waiting for
// 3-D Secure or already paid it. Cancelling voids, and expiring expires, a payment that has not been decided.
import type { Clock } from './clock.js';
import { CoreError, type ErrorCode } from './errors.js';
import type { Checkout, CheckoutState, FaceName, PaymentStatus } from './model.js';
import type { Payments } from './payments.js';
import type { Tx } from './ports.js';

export interface OpenCheckout {
  id: string;
  merchantId: string;
  face: FaceName;
  kind: string;
  subject?: { type: 'payment' | 'payout'; id: number };
  /** attempts allowed; null (the default): retried until paid */
  maxAttempts?: number | null;
  /** the end of its lifetime (ms); null (the default): none */
  expiresAt?: number | null;
}

/** Payment statuses of a decided, paying attempt (a checkout whose payment is in one is paid). */
export const PAID_STATUSES: ReadonlySet<PaymentStatus> = new Set(['authorized', 'captured', 'partially_refunded', 'refunded']);
/** Payment statuses not decided yet (cancelling voids them, expiring expires them). */
const UNDECIDED: ReadonlySet<PaymentStatus> = new Set(['created', 'requires_authentication']);

export class Checkouts {
  constructor(private readonly d: { clock: Clock; payments: Payments }) {}

  async open(tx: Tx, input: OpenCheckout): Promise<Checkout> {
    const max = input.maxAttempts ?? null;
    if (max !== null && (!Number.isInteger(max) || max < 1)) throw new CoreError('VALIDATION', 'maxAttempts must be a positive integer');
    const now = this.d.clock.now();
    const c: Checkout = {
      id: input.id,
      merchantId: input.merchantId,
      face: input.face,
      kind: input.kind,
      state: 'open',
      subjectType: input.subject?.type ?? null,
      subjectId: input.subject?.id ?? null,
      attempts: 0,
      maxAttempts: max,
      expiresAt: input.expiresAt ?? null,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    };
    await tx.checkouts.insert(c);
    return c;
  }

  /** The checkout locked for the rest of the transaction (the serialization point of its attempts). */
  lock(tx: Tx, id: string): Promise<Checkout | undefined> {
    return tx.checkouts.lock(id);
  }

  /** Its state now: an open checkout whose lifetime has passed is expired. */
  stateOf(c: Checkout): CheckoutState {
    return c.state === 'open' && c.expiresAt !== null && this.d.clock.now() >= c.expiresAt ? 'expired' : c.state;
  }

  /** Why a new payment attempt would be refused now, or null when it is allowed. */
  async refusal(tx: Tx, c: Checkout): Promise<ErrorCode | null> {
    if (c.state === 'paid') return 'CHECKOUT_PAID';
    if (c.state === 'cancelled') return 'CHECKOUT_CANCELLED';
    if (c.maxAttempts !== null && c.attempts >= c.maxAttempts) return 'CHECKOUT_USED';
    if (this.stateOf(c) === 'expired') return 'CHECKOUT_EXPIRED';
    // a payment named at opening and not attempted yet is still to be decided by this attempt: no read is needed
    if (c.subjectType === 'payment' && c.subjectId !== null && c.attempts > 0) {
      const p = await tx.payments.get(c.subjectId);
      if (p?.status === 'requires_authentication') return 'CHECKOUT_BUSY';
      if (p && PAID_STATUSES.has(p.status)) return 'CHECKOUT_PAID';
    }
    return null;
  }

  /**
   * Counts a payment attempt of a checkout the caller locked, refusing it (a CoreError with the refusal's code) when
   * it is not allowed; `subject` is the attempt's new payment, where each attempt makes one.
   */
  async attempt(tx: Tx, c: Checkout, subject?: { type: 'payment' | 'payout'; id: number }): Promise<Checkout> {
    const no = await this.refusal(tx, c);
    if (no) throw new CoreError(no);
    return this.recordAttempt(tx, c, subject);
  }

  /**
   * Counts an attempt that `refusal` allowed in this transaction, with the checkout locked (for a face that decides
   * what a refusal answers itself, and makes the attempt's payment after asking).
   */
  async recordAttempt(tx: Tx, c: Checkout, subject?: { type: 'payment' | 'payout'; id: number }): Promise<Checkout> {
    c.attempts += 1;
    if (subject) {
      c.subjectType = subject.type;
      c.subjectId = subject.id;
    }
    return this.save(tx, c);
  }

  /** Names what the checkout pays for (a payment made after it was opened), without counting an attempt. */
  async attach(tx: Tx, c: Checkout, subject: { type: 'payment' | 'payout'; id: number }): Promise<Checkout> {
    c.subjectType = subject.type;
    c.subjectId = subject.id;
    return this.save(tx, c);
  }

  /** The attempt's payment paid it. */
  async paid(tx: Tx, c: Checkout, paymentId: number): Promise<Checkout> {
    if (c.state !== 'open') throw new CoreError('INVALID_STATE', `checkout is ${c.state}`);
    c.subjectType = 'payment';
    c.subjectId = paymentId;
    return this.close(tx, c, 'paid');
  }

  /** Cancels an unpaid checkout; a payment of it not decided yet is voided. */
  async cancel(tx: Tx, c: Checkout): Promise<Checkout> {
    if (c.state === 'paid') throw new CoreError('CHECKOUT_PAID');
    if (c.state === 'cancelled') return c;
    await this.settleUndecided(tx, c, (id) => this.d.payments.void(tx, id));
    return this.close(tx, c, 'cancelled');
  }

  /** Ends an unpaid checkout's lifetime; a payment of it not decided yet expires. */
  async expire(tx: Tx, c: Checkout): Promise<Checkout> {
    if (c.state === 'paid') throw new CoreError('CHECKOUT_PAID');
    if (c.state !== 'open') return c;
    await this.settleUndecided(tx, c, (id) => this.d.payments.expire(tx, id));
    return this.close(tx, c, 'expired');
  }

  private async settleUndecided(tx: Tx, c: Checkout, settle: (paymentId: number) => Promise<unknown>): Promise<void> {
    if (c.subjectType !== 'payment' || c.subjectId === null) return;
    const p = await this.d.payments.lock(tx, c.subjectId);
    if (UNDECIDED.has(p.status)) await settle(p.id);
  }

  private close(tx: Tx, c: Checkout, state: Exclude<CheckoutState, 'open'>): Promise<Checkout> {
    c.state = state;
    c.closedAt = this.d.clock.now();
    return this.save(tx, c);
  }

  private async save(tx: Tx, c: Checkout): Promise<Checkout> {
    c.updatedAt = this.d.clock.now();
    await tx.checkouts.update(c);
    return c;
  }
}
