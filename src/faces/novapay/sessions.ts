// NovaPay sessions over the core engine. Each status change happens in the caller's transaction together
// with the core command it stands for (use_hold → a manual-capture payment; complete-hold → capture,
// partial or full; void → void, of a same-day paid session too), and records an outbox event that carries
// the postback body as it was at that change. Holds are completed and voided asynchronously, as NovaPay
// does: the session passes through `processing_hold_completion` / `processing_void` (each with its own
// postback) and a scheduler job finishes the work.
import { randomUUID } from 'node:crypto';
import type { CardInput } from '../../core/cards.js';
import { DAY } from '../../core/clock.js';
import { CoreError, isCoreError } from '../../core/errors.js';
import type { JsonObject, Payment } from '../../core/model.js';
import type { AuthorizeResult } from '../../core/payments.js';
import type { Tx } from '../../core/ports.js';
import { randomDigits } from '../../core/ids.js';
import { afterCommit } from '../../core/unit-of-work.js';
import type { FaceContext } from '../face.js';
import { cityName, DEFAULT_SENDER_CITY, TRACKING, warehouseName } from './delivery.js';
import { novapayStore as S, type NovapaySession, type SessionDelivery, type SessionKind, type SessionStatus } from './store.js';
import { CURRENCY, effectiveStatus, postbackBody, processing, processingResultOf } from './wire.js';

export const SESSION_LIFETIME_MS = 30 * DAY;
export const SESSION_SUBJECT = 'novapay_session';

/** Scheduler job kinds owned by the face (ref = session id). */
export const JOBS = {
  expire: 'novapay.session.expire',
  sync: 'novapay.session.sync',
  complete: 'novapay.session.complete',
  void: 'novapay.session.void',
  waybill: 'novapay.session.waybill',
} as const;

export interface NewSession {
  merchantId: string;
  kind: SessionKind;
  status: 'created' | 'precreated';
  clientFirstName?: string | null;
  clientLastName?: string | null;
  clientPatronymic?: string | null;
  clientPhone?: string | null;
  clientEmail?: string | null;
  callbackUrl?: string | null;
  successUrl?: string | null;
  failUrl?: string | null;
  successRedirectTimeout?: number | null;
  metadata?: JsonObject | null;
  checkoutDelivery?: JsonObject | null;
}

export interface NewPayment {
  amount: bigint;
  externalId: string | null;
  products: unknown[] | null;
  useHold: boolean;
  delivery: SessionDelivery | null;
  deliveryAmount: bigint | null;
}

const UNPAID: ReadonlySet<SessionStatus> = new Set(['precreated', 'created', 'processing']);

/** End of the payment's Kyiv calendar day (the void deadline: until 23:59 Kyiv time that day). */
export function kyivDayEnd(at: number): number {
  const parts = (ms: number) => {
    const f = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/Kyiv',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    const o: Record<string, number> = {};
    for (const p of f.formatToParts(new Date(ms))) if (p.type !== 'literal') o[p.type] = Number(p.value);
    return o as { year: number; month: number; day: number; hour: number; minute: number; second: number };
  };
  const offsetAt = (ms: number) => {
    const p = parts(ms);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
  };
  const p = parts(at);
  const localMidnight = Date.UTC(p.year, p.month - 1, p.day + 1, 0, 0, 0);
  let guess = localMidnight - offsetAt(at);
  guess = localMidnight - offsetAt(guess);
  return guess;
}

export class Sessions {
  constructor(private readonly ctx: FaceContext) {}

  private get engine() {
    return this.ctx.engine;
  }

  private wakeScheduler(tx: Tx): void {
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

  /** The postback body of the session now (the event carries it, so each postback shows its own change). */
  async postback(tx: Tx, s: NovapaySession, p: Payment | undefined): Promise<JsonObject> {
    const m = await tx.merchants.get(s.merchantId);
    const names = s.delivery
      ? { city: cityName(s.delivery.recipient_city), warehouse: warehouseName(s.delivery.recipient_warehouse) }
      : undefined;
    return postbackBody(s, p, m?.name ?? 'Polypay', names);
  }

  private async emit(tx: Tx, s: NovapaySession, type: string, p: Payment | undefined): Promise<void> {
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

  async create(tx: Tx, input: NewSession): Promise<NovapaySession> {
    const now = this.engine.clock.now();
    const s: NovapaySession = {
      id: randomUUID(),
      merchantId: input.merchantId,
      kind: input.kind,
      status: input.status,
      clientFirstName: input.clientFirstName ?? null,
      clientLastName: input.clientLastName ?? null,
      clientPatronymic: input.clientPatronymic ?? null,
      clientPhone: input.clientPhone ?? null,
      clientEmail: input.clientEmail ?? null,
      clientIp: null,
      callbackUrl: input.callbackUrl ?? null,
      successUrl: input.successUrl ?? null,
      failUrl: input.failUrl ?? null,
      successRedirectTimeout: input.successRedirectTimeout ?? null,
      metadata: input.metadata ?? null,
      paymentId: null,
      externalId: null,
      amount: null,
      deliveryAmount: null,
      products: null,
      useHold: false,
      delivery: null,
      checkoutDelivery: input.checkoutDelivery ?? null,
      expressWaybill: null,
      waybillRef: null,
      deliveryStatusCode: null,
      deliveryStatusText: null,
      processingResult: null,
      createdAt: now,
      updatedAt: now,
      expiresAt: now + SESSION_LIFETIME_MS,
    };
    await S.insertSession(tx, s);
    await tx.jobs.schedule(JOBS.expire, s.id, s.expiresAt, {});
    return s;
  }

  /** Adds the payment to a created session (a secure payment, with delivery, always holds). */
  async addPayment(tx: Tx, s: NovapaySession, input: NewPayment, nextStatus: 'created' = 'created'): Promise<Payment> {
    if (s.status === 'expired') throw processing('SESSION_EXPIRED');
    if (s.paymentId !== null) throw processing('PAYMENT_ALREADY_ADDED');
    if (s.status !== 'created' && s.status !== 'precreated') throw processing('INVALID_STATUS');
    const useHold = input.useHold || input.delivery !== null;
    const total = input.amount + (input.deliveryAmount ?? 0n);
    const description = productsDescription(input.products);
    const p = await this.engine.payments.create(tx, {
      merchantId: s.merchantId,
      face: 'novapay',
      amount: total,
      currency: CURRENCY,
      captureMode: useHold ? 'manual' : 'auto',
      description,
      invoiceId: input.externalId,
      payerRef: s.clientPhone,
      email: s.clientEmail,
      metadata: { novapaySessionId: s.id },
    });
    await tx.refs.insert({
      face: 'novapay',
      merchantId: s.merchantId,
      kind: 'session',
      ref: s.id,
      subjectType: 'payment',
      subjectId: String(p.id),
    });
    if (input.externalId)
      await tx.refs.insert({
        face: 'novapay',
        merchantId: s.merchantId,
        kind: 'external_id',
        ref: input.externalId,
        subjectType: 'payment',
        subjectId: String(p.id),
      });
    s.paymentId = p.id;
    s.amount = input.amount;
    s.externalId = input.externalId;
    s.products = input.products;
    s.useHold = useHold;
    s.delivery = input.delivery;
    s.deliveryAmount = input.deliveryAmount;
    if (s.status !== nextStatus) {
      await this.setStatus(tx, s, nextStatus, p);
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

  /** 3-D Secure not completed in time: the core payment expires and the session fails. */
  async sync(tx: Tx, sessionId: string): Promise<number | void> {
    const s = await S.lockSession(tx, sessionId);
    if (!s || s.status !== 'processing' || s.paymentId === null) return;
    let p = await this.engine.payments.lock(tx, s.paymentId);
    if (p.status === 'requires_authentication') {
      const c = p.challengeId ? await tx.challenges.get(p.challengeId) : undefined;
      if (c && this.engine.clock.now() < c.expiresAt) return c.expiresAt + 1000;
      p = (await this.engine.payments.expire(tx, p.id)) ?? p;
    }
    if (p.status === 'expired' || p.status === 'declined' || p.status === 'failed') {
      s.processingResult = processingResultOf(p.declineReason ?? 'expired_authentication');
      await this.setStatus(tx, s, 'failed', p);
    }
  }

  /** Manual (`/expire`) or lifetime expiry of an unpaid session. */
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

  /** Lifetime job: an unpaid session expires after 30 days (paid and held sessions keep their status). */
  async expireJob(tx: Tx, sessionId: string): Promise<void> {
    const s = await S.lockSession(tx, sessionId);
    if (!s || !UNPAID.has(effectiveStatus(s, await this.payment(tx, s)))) return;
    await this.expire(tx, s);
  }

  /** `/complete-hold`: full or partial completion of a hold, finished by a job. */
  async requestComplete(tx: Tx, s: NovapaySession, amount: bigint | null): Promise<void> {
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

  async completeJob(tx: Tx, sessionId: string, amountText: string | null): Promise<void> {
    const s = await S.lockSession(tx, sessionId);
    if (!s || s.status !== 'processing_hold_completion' || s.paymentId === null) return;
    try {
      const p = await this.engine.payments.capture(tx, s.paymentId, amountText === null ? null : BigInt(amountText));
      await this.setStatus(tx, s, 'paid', p);
    } catch (e) {
      if (!isCoreError(e)) throw e;
      // the hold is gone (it cannot be here unless something else released it): show what the payment says
      const p = await this.payment(tx, s);
      await this.setStatus(tx, s, p?.status === 'authorized' ? 'holded' : p?.status === 'captured' ? 'paid' : 'voided', p);
    }
  }

  /** `/void`: a held session any time, a paid one until 23:59 Kyiv time of the payment day; finished by a job. */
  async requestVoid(tx: Tx, s: NovapaySession): Promise<void> {
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

  async voidJob(tx: Tx, sessionId: string): Promise<void> {
    const s = await S.lockSession(tx, sessionId);
    if (!s || s.status !== 'processing_void' || s.paymentId === null) return;
    const p = await this.engine.payments.void(tx, s.paymentId, { allowCaptured: true });
    await this.setStatus(tx, s, 'voided', p);
  }

  /** `/confirm-delivery-hold`: the seller ships; an express waybill is created and starts moving. */
  async confirmDelivery(tx: Tx, s: NovapaySession): Promise<NovapaySession> {
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

  /** The simulated parcel moves one step; at "received" the hold is completed (secure payment). */
  async waybillJob(tx: Tx, sessionId: string): Promise<number | void> {
    const s = await S.lockSession(tx, sessionId);
    if (!s || s.status !== 'hold_confirmed' || !s.delivery) return;
    const i = TRACKING.findIndex((t) => t.code === s.deliveryStatusCode);
    const next = TRACKING[i + 1];
    if (!next) return;
    s.deliveryStatusCode = next.code;
    s.deliveryStatusText = next.text(cityName(await this.senderCity(tx, s.merchantId)), cityName(s.delivery.recipient_city));
    const now = this.engine.clock.now();
    if (i + 2 < TRACKING.length) {
      s.updatedAt = now;
      await S.updateSession(tx, s);
      await this.emit(tx, s, 'novapay.session.delivery', await this.payment(tx, s));
      return now + next.stayMs;
    }
    // received by the buyer: the secure payment's hold is completed
    await this.setStatus(tx, s, 'processing_hold_completion');
    await tx.jobs.schedule(JOBS.complete, s.id, now, { amount: null });
    this.wakeScheduler(tx);
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
