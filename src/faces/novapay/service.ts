// NovaPay sessions over the core engine: the only caller of engine writes for this face (with jobs.ts, the
// scheduler's half). Each status change happens in the caller's transaction together with the core command it
// stands for (use_hold → a manual-capture payment; complete-hold → capture, partial or full; void → void, of a
// same-day paid session too), and records an outbox event that carries the postback body as it was at that change.
// Holds are completed and voided asynchronously, as NovaPay does: the session passes through
// `processing_hold_completion` / `processing_void` (each with its own postback) and a scheduler job finishes the work.
// The work is in service/: lifecycle.ts (lookups and status changes), sessions.ts, payments.ts, delivery.ts.
import type { CardInput } from '../../core/cards.js';
import type { Payment } from '../../core/model.js';
import type { AuthorizeResult } from '../../core/payments.js';
import type { Tx } from '../../core/ports.js';
import { confirmDeliveryHold, deliveryPrice, senderCity } from './service/delivery.js';
import { SessionLifecycle } from './service/lifecycle.js';
import { addPayment, completeAuthentication, completeHold, open, submitCard, voidSession, type NewPayment } from './service/payments.js';
import { createSession, expire } from './service/sessions.js';
import type { NewSession, NovapaySession, SessionDelivery } from './store.js';

export type { NewSession } from './store.js';
export type { NewPayment } from './service/payments.js';
export { JOBS, SESSION_SUBJECT, sessionSubjects, UNPAID } from './service/lifecycle.js';

/** The face's service: the session lookups and status changes (SessionLifecycle) and every operation, each in the caller's transaction. */
export class NovapayService extends SessionLifecycle {
  createSession(tx: Tx, input: NewSession): Promise<NovapaySession> {
    return createSession(this, tx, input);
  }
  expire(tx: Tx, s: NovapaySession): Promise<void> {
    return expire(this, tx, s);
  }

  addPayment(tx: Tx, s: NovapaySession, input: NewPayment): Promise<Payment> {
    return addPayment(this, tx, s, input);
  }
  open(tx: Tx, s: NovapaySession): Promise<NovapaySession> {
    return open(this, tx, s);
  }
  submitCard(tx: Tx, s: NovapaySession, card: CardInput, ip: string | null, merchantName: string): Promise<AuthorizeResult> {
    return submitCard(this, tx, s, card, ip, merchantName);
  }
  completeAuthentication(tx: Tx, s: NovapaySession, paRes: string): Promise<AuthorizeResult> {
    return completeAuthentication(this, tx, s, paRes);
  }
  completeHold(tx: Tx, s: NovapaySession, amount: bigint | null): Promise<void> {
    return completeHold(this, tx, s, amount);
  }
  void(tx: Tx, s: NovapaySession): Promise<void> {
    return voidSession(this, tx, s);
  }

  confirmDeliveryHold(tx: Tx, s: NovapaySession): Promise<NovapaySession> {
    return confirmDeliveryHold(this, tx, s);
  }
  senderCity(tx: Tx, merchantId: string): Promise<string> {
    return senderCity(tx, merchantId);
  }
  deliveryPrice(merchantId: string, amount: bigint, d: SessionDelivery): Promise<bigint | null> {
    return deliveryPrice(this, merchantId, amount, d);
  }
}
