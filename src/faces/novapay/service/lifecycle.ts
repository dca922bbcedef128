// What every NovaPay session operation shares: the session's subject and scheduler jobs, a merchant's session looked
// up, and its status changes, each saved with an outbox event that carries the postback body as it was at that
// change.
import type { JsonObject, Payment } from '../../../core/model.js';
import type { Tx } from '../../../core/ports.js';
import { afterCommit } from '../../../core/unit-of-work.js';
import type { Subject } from '../../kit/request-context.js';
import type { FaceContext } from '../../face.js';
import { cityName, warehouseName } from '../delivery.js';
import { processing } from '../http.js';
import { novapayStore as S, type NovapaySession, type SessionStatus } from '../store.js';
import { postbackBody } from '../wire/postback.js';

/** The outbox and request-log subject type of a session. */
export const SESSION_SUBJECT = 'novapay_session';

/** Scheduler job kinds owned by the face (ref = session id). */
export const JOBS = {
  expire: 'novapay.session.expire',
  sync: 'novapay.session.sync',
  complete: 'novapay.session.complete',
  void: 'novapay.session.void',
  waybill: 'novapay.session.waybill',
} as const;

/** What a request about a session touched, for the request log: the session, and its payment once it has one. */
export function sessionSubjects(s: NovapaySession): Subject[] {
  return s.paymentId === null
    ? [[SESSION_SUBJECT, s.id]]
    : [
        [SESSION_SUBJECT, s.id],
        ['payment', s.paymentId],
      ];
}

export const UNPAID: ReadonlySet<SessionStatus> = new Set(['precreated', 'created', 'processing']);

export class SessionLifecycle {
  constructor(private readonly ctx: FaceContext) {}

  get engine() {
    return this.ctx.engine;
  }

  wakeScheduler(tx: Tx): void {
    afterCommit(tx, () => this.engine.scheduler.wake());
  }

  async payment(tx: Tx, s: NovapaySession): Promise<Payment | undefined> {
    return s.paymentId === null ? undefined : tx.payments.get(s.paymentId);
  }

  /** A session of this merchant, locked; `session not found` otherwise. */
  async lockOwned(tx: Tx, merchantId: string, id: string): Promise<NovapaySession> {
    const s = await S.lockSession(tx, id);
    if (!s || s.merchantId !== merchantId) throw processing('SESSION_NOT_FOUND');
    return s;
  }

  /** A session of this merchant (a read); `session not found` otherwise. */
  async owned(tx: Tx, merchantId: string, id: string): Promise<NovapaySession> {
    const s = await S.getSession(tx, id);
    if (!s || s.merchantId !== merchantId) throw processing('SESSION_NOT_FOUND');
    return s;
  }

  /** The postback body of the session now (the event carries it, so each postback shows its own change). */
  async postback(tx: Tx, s: NovapaySession, p: Payment | undefined): Promise<JsonObject> {
    const m = await tx.merchants.get(s.merchantId);
    const names = s.delivery
      ? { city: cityName(s.delivery.recipient_city), warehouse: warehouseName(s.delivery.recipient_warehouse) }
      : undefined;
    return postbackBody(s, p, m?.name ?? 'Polypay', names);
  }

  async emit(tx: Tx, s: NovapaySession, type: string, p: Payment | undefined): Promise<void> {
    await this.engine.outbox.emit(tx, {
      merchantId: s.merchantId,
      face: 'novapay',
      type,
      subjectType: SESSION_SUBJECT,
      subjectId: s.id,
      payload: { status: s.status, postback: await this.postback(tx, s, p) },
    });
  }

  /** Moves the session to a status, saves it and records the postback event. */
  async setStatus(tx: Tx, s: NovapaySession, status: SessionStatus, p?: Payment): Promise<NovapaySession> {
    s.status = status;
    s.updatedAt = this.engine.clock.now();
    await S.updateSession(tx, s);
    await this.emit(tx, s, `novapay.session.${status}`, p ?? (await this.payment(tx, s)));
    return s;
  }
}
