// NovaPay sessions over the core engine: the only caller of engine writes for this face (with jobs.ts, the
// scheduler's half). Each status change happens in the caller's transaction together with the core command it
// stands for (use_hold → a manual-capture payment; complete-hold → capture, partial or full; void → void, of a
// same-day paid session too), and records an outbox event that carries the postback body as it was at that change.
// Holds are completed and voided asynchronously, as NovaPay does: the session passes through
// `processing_hold_completion` / `processing_void` (each with its own postback) and a scheduler job finishes the work.
import { randomUUID } from 'node:crypto';
import type { CardInput } from '../../core/cards.js';
import { DAY } from '../../core/clock.js';
import { CoreError } from '../../core/errors.js';
import { randomDigits } from '../../core/ids.js';
import type { JsonObject, Payment } from '../../core/model.js';
import type { AuthorizeResult } from '../../core/payments.js';
import type { Tx } from '../../core/ports.js';
import { afterCommit } from '../../core/unit-of-work.js';
import type { Subject } from '../kit/request-context.js';
import type { FaceContext } from '../face.js';
import { cityName, DEFAULT_SENDER_CITY, deliveryPrice, PriceError, TRACKING, warehouseName } from './delivery.js';
import { processing } from './http.js';
import { kyivDayEnd } from './kyiv-time.js';
import {
  newSessionRecord,
  novapayStore as S,
  type NewSession,
  type NovapaySession,
  type SessionDelivery,
  type SessionStatus,
} from './store.js';
import { CURRENCY, effectiveStatus, postbackBody, processingResultOf } from './wire.js';

export type { NewSession } from './store.js';

const SESSION_LIFETIME_MS = 30 * DAY;
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

export interface NewPayment {
  amount: bigint;
  externalId: string | null;
  products: unknown[] | null;
  useHold: boolean;
  delivery: SessionDelivery | null;
  deliveryAmount: bigint | null;
}

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

export class NovapayService {
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

  /** `/session`, `/checkout/session`, `/frames/init`: a new session, expiring after 30 days unless paid. */
  async createSession(tx: Tx, input: NewSession): Promise<NovapaySession> {
    const s = newSessionRecord(randomUUID(), input, this.engine.clock.now(), SESSION_LIFETIME_MS);
    await S.insertSession(tx, s);
    await tx.jobs.schedule(JOBS.expire, s.id, s.expiresAt, {});
    return s;
  }

  /** `/payment`: the payment of a created session (a secure payment, with delivery, always holds). */
  async addPayment(tx: Tx, s: NovapaySession, input: NewPayment): Promise<Payment> {
    if (s.status === 'expired') throw processing('SESSION_EXPIRED');
    if (s.paymentId !== null) throw processing('PAYMENT_ALREADY_ADDED');
    if (s.status !== 'created' && s.status !== 'precreated') throw processing('INVALID_STATUS');
    const useHold = input.useHold || input.delivery !== null;
    const p = await this.engine.payments.create(tx, {
      merchantId: s.merchantId,
      face: 'novapay',
      amount: input.amount + (input.deliveryAmount ?? 0n),
      currency: CURRENCY,
      captureMode: useHold ? 'manual' : 'auto',
      description: productsDescription(input.products),
      invoiceId: input.externalId,
      payerRef: s.clientPhone,
      email: s.clientEmail,
      metadata: { novapaySessionId: s.id },
    });
    const ref = { face: 'novapay', merchantId: s.merchantId, subjectType: 'payment', subjectId: String(p.id) };
    await tx.refs.insert({ ...ref, kind: 'session', ref: s.id });
    if (input.externalId) await tx.refs.insert({ ...ref, kind: 'external_id', ref: input.externalId });
    s.paymentId = p.id;
    s.amount = input.amount;
    s.externalId = input.externalId;
    s.products = input.products;
    s.useHold = useHold;
    s.delivery = input.delivery;
    s.deliveryAmount = input.deliveryAmount;
    if (s.status !== 'created') {
      await this.setStatus(tx, s, 'created', p);
    } else {
      s.updatedAt = this.engine.clock.now();
      await S.updateSession(tx, s);
    }
    return p;
  }

  /** The payer opened the payment page: a created session is now processing. */
  async open(tx: Tx, s: NovapaySession): Promise<NovapaySession> {
    if (s.status === 'created' && s.paymentId !== null) await this.setStatus(tx, s, 'processing');
    return s;
  }

  /** Card data from the payment page: authorization (or a 3-D Secure challenge) and the session status. */
  async submitCard(tx: Tx, s: NovapaySession, card: CardInput, ip: string | null, merchantName: string): Promise<AuthorizeResult> {
    if (s.status === 'created') await this.open(tx, s);
    if (s.status !== 'processing' || s.paymentId === null) throw new CoreError('INVALID_STATE', `session is ${s.status}`);
    s.clientIp = ip;
    const r = await this.engine.payments.authorize(tx, s.paymentId, { source: { kind: 'card', card }, merchantName });
    await this.afterDecision(tx, s, r);
    return r;
  }

  /** The payer's answer from the ACS (TermUrl). */
  async completeAuthentication(tx: Tx, s: NovapaySession, paRes: string): Promise<AuthorizeResult> {
    if (s.paymentId === null) throw new CoreError('INVALID_STATE', 'session has no payment');
    const r = await this.engine.payments.completeAuthentication(tx, s.paymentId, paRes);
    await this.afterDecision(tx, s, r);
    return r;
  }

  private async afterDecision(tx: Tx, s: NovapaySession, r: AuthorizeResult): Promise<void> {
    const p = r.payment;
    if (r.kind === 'challenge') {
      s.updatedAt = this.engine.clock.now();
      await S.updateSession(tx, s);
      await tx.jobs.schedule(JOBS.sync, s.id, r.challenge.expiresAt + 1000, {});
      return;
    }
    await tx.jobs.cancel(JOBS.sync, s.id);
    if (r.kind === 'declined') {
      s.processingResult = processingResultOf(p.declineReason);
      await this.setStatus(tx, s, 'failed', p);
      return;
    }
    s.processingResult = '';
    await this.setStatus(tx, s, p.status === 'authorized' ? 'holded' : 'paid', p);
  }

  /** `/expire` (or the lifetime job): an unpaid session expires. */
  async expire(tx: Tx, s: NovapaySession): Promise<void> {
    if (s.status === 'expired') throw processing('SESSION_EXPIRED');
    if (!UNPAID.has(effectiveStatus(s, await this.payment(tx, s)))) throw processing('INVALID_STATUS');
    let p: Payment | undefined;
    if (s.paymentId !== null) {
      const cur = await this.engine.payments.lock(tx, s.paymentId);
      p =
        cur.status === 'created' || cur.status === 'requires_authentication'
          ? ((await this.engine.payments.expire(tx, cur.id)) ?? cur)
          : cur;
    }
    await tx.jobs.cancel(JOBS.expire, s.id);
    await tx.jobs.cancel(JOBS.sync, s.id);
    await this.setStatus(tx, s, 'expired', p);
  }

  /** `/complete-hold`: full or partial completion of a hold, finished by a job. */
  async completeHold(tx: Tx, s: NovapaySession, amount: bigint | null): Promise<void> {
    const p = await this.payment(tx, s);
    if (s.status === 'voided' || s.status === 'processing_void') throw processing('SESSION_ALREADY_REFUNDED');
    if (s.status === 'expired') throw processing('SESSION_EXPIRED');
    if ((s.status !== 'holded' && s.status !== 'hold_confirmed') || !p || p.status !== 'authorized') throw processing('INVALID_STATUS');
    if (amount !== null && amount > p.amount) throw processing('AMOUNT_EXCEEDS_HOLD');
    await tx.jobs.cancel(JOBS.waybill, s.id);
    await this.setStatus(tx, s, 'processing_hold_completion', p);
    await tx.jobs.schedule(JOBS.complete, s.id, this.engine.clock.now(), { amount: amount === null ? null : amount.toString() });
    this.wakeScheduler(tx);
  }

  /** `/void`: a held session any time, a paid one until 23:59 Kyiv time of the payment day; finished by a job. */
  async void(tx: Tx, s: NovapaySession): Promise<void> {
    const p = await this.payment(tx, s);
    if (s.status === 'voided' || s.status === 'processing_void') throw processing('SESSION_ALREADY_REFUNDED');
    if (s.status === 'expired') throw processing('SESSION_EXPIRED');
    if (s.status === 'holded' || s.status === 'hold_confirmed') {
      if (!p || p.status !== 'authorized') throw processing('INVALID_STATUS');
    } else if (s.status === 'paid') {
      if (!p || p.status !== 'captured' || p.capturedAt === null) throw processing('INVALID_STATUS');
      if (this.engine.clock.now() >= kyivDayEnd(p.capturedAt)) throw processing('VOID_PERIOD_EXPIRED');
    } else {
      throw processing('INVALID_STATUS');
    }
    await tx.jobs.cancel(JOBS.waybill, s.id);
    await this.setStatus(tx, s, 'processing_void', p);
    await tx.jobs.schedule(JOBS.void, s.id, this.engine.clock.now(), {});
    this.wakeScheduler(tx);
  }

  /** `/confirm-delivery-hold`: the seller ships; an express waybill is created and starts moving. */
  async confirmDeliveryHold(tx: Tx, s: NovapaySession): Promise<NovapaySession> {
    if (!s.delivery) throw processing('DELIVERY_NOT_USED');
    if (s.status === 'hold_confirmed' && s.expressWaybill) return s;
    if (s.status === 'voided' || s.status === 'processing_void') throw processing('SESSION_ALREADY_REFUNDED');
    if (s.status !== 'holded') throw processing('INVALID_STATUS');
    const p = await this.payment(tx, s);
    if (!p || p.status !== 'authorized') throw processing('INVALID_STATUS');
    const now = this.engine.clock.now();
    s.expressWaybill = '2045' + randomDigits(10);
    s.waybillRef = randomUUID();
    const first = TRACKING[0]!;
    s.deliveryStatusCode = first.code;
    s.deliveryStatusText = first.text(cityName(await this.senderCity(tx, s.merchantId)), cityName(s.delivery.recipient_city));
    await tx.refs.insert({
      face: 'novapay',
      merchantId: s.merchantId,
      kind: 'express_waybill',
      ref: s.expressWaybill,
      subjectType: SESSION_SUBJECT,
      subjectId: s.id,
    });
    await this.setStatus(tx, s, 'hold_confirmed', p);
    await tx.jobs.schedule(JOBS.waybill, s.id, now + first.stayMs, {});
    return s;
  }

  /** The merchant's sender city (its NovaPay seed's `senderCity` ref; Kyiv by default). */
  async senderCity(tx: Tx, merchantId: string): Promise<string> {
    const c = (await tx.credentials.list(merchantId)).find((x) => x.face === 'novapay' && x.status === 'active');
    return typeof c?.data.senderCity === 'string' ? c.data.senderCity : DEFAULT_SENDER_CITY;
  }

  /** The delivery price of a package for a merchant (outside any transaction: it may call Nova Poshta). */
  async deliveryPrice(merchantId: string, amount: bigint, d: SessionDelivery): Promise<bigint | null> {
    if (!d.recipient_city || !d.recipient_warehouse) return null;
    const sender = await this.engine.read((tx) => this.senderCity(tx, merchantId));
    try {
      return await deliveryPrice(sender, d.recipient_city, d.recipient_warehouse, amount, d.weight, d.volume_weight);
    } catch (e) {
      if (e instanceof PriceError) throw processing('DELIVERY_PRICE_FAILED');
      throw e;
    }
  }
}

function productsDescription(products: unknown[] | null): string | null {
  if (!products?.length) return null;
  const names = products
    .map((p) =>
      p && typeof p === 'object' && typeof (p as { description?: unknown }).description === 'string'
        ? (p as { description: string }).description
        : '',
    )
    .filter(Boolean);
  return names.length ? names.join(', ').slice(0, 500) : null;
}
