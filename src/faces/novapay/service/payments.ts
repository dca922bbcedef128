// NovaPay payments of a session: `/payment` adds the core payment (use_hold → a manual-capture payment), the payer's
// card or 3-D Secure answer decides it, and `/complete-hold` (capture, partial or full) and `/void` (of a hold, or
// of a same-day paid session) are accepted here and finished asynchronously by a scheduler job (jobs.ts), as NovaPay
// does: the session passes through `processing_hold_completion` / `processing_void`, each with its own postback.
import type { CardInput } from '../../../core/cards.js';
import { CoreError } from '../../../core/errors.js';
import type { Payment } from '../../../core/model.js';
import type { AuthorizeResult } from '../../../core/payments.js';
import type { Tx } from '../../../core/ports.js';
import { processing } from '../http.js';
import { kyivDayEnd } from '../kyiv-time.js';
import { novapayStore as S, type NovapaySession, type SessionDelivery } from '../store.js';
import { CURRENCY, processingResultOf } from '../wire.js';
import { JOBS, type SessionLifecycle } from './lifecycle.js';

export interface NewPayment {
  amount: bigint;
  externalId: string | null;
  products: unknown[] | null;
  useHold: boolean;
  delivery: SessionDelivery | null;
  deliveryAmount: bigint | null;
}

/** `/payment`: the payment of a created session (a secure payment, with delivery, always holds). */
export async function addPayment(life: SessionLifecycle, tx: Tx, s: NovapaySession, input: NewPayment): Promise<Payment> {
  if (s.status === 'expired') throw processing('SESSION_EXPIRED');
  if (s.paymentId !== null) throw processing('PAYMENT_ALREADY_ADDED');
  if (s.status !== 'created' && s.status !== 'precreated') throw processing('INVALID_STATUS');
  const useHold = input.useHold || input.delivery !== null;
  const p = await life.engine.payments.create(tx, {
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
  s.checkout = await life.engine.checkouts.attach(tx, s.checkout, { type: 'payment', id: p.id });
  s.paymentId = p.id;
  s.amount = input.amount;
  s.externalId = input.externalId;
  s.products = input.products;
  s.useHold = useHold;
  s.delivery = input.delivery;
  s.deliveryAmount = input.deliveryAmount;
  if (s.status !== 'created') {
    await life.setStatus(tx, s, 'created', p);
  } else {
    s.updatedAt = life.engine.clock.now();
    await S.updateSession(tx, s);
  }
  return p;
}

/** The payer opened the payment page: a created session is now processing. */
export async function open(life: SessionLifecycle, tx: Tx, s: NovapaySession): Promise<NovapaySession> {
  if (s.status === 'created' && s.paymentId !== null) await life.setStatus(tx, s, 'processing');
  return s;
}

/** Card data from the payment page: authorization (or a 3-D Secure challenge) and the session status. */
export async function submitCard(
  life: SessionLifecycle,
  tx: Tx,
  s: NovapaySession,
  card: CardInput,
  ip: string | null,
  merchantName: string,
): Promise<AuthorizeResult> {
  if (s.status === 'created') await open(life, tx, s);
  if (s.status !== 'processing' || s.paymentId === null) throw new CoreError('INVALID_STATE', `session is ${s.status}`);
  s.clientIp = ip;
  s.checkout = await life.engine.checkouts.attempt(tx, s.checkout);
  const r = await life.engine.payments.authorize(tx, s.paymentId, { source: { kind: 'card', card }, merchantName });
  await afterDecision(life, tx, s, r);
  return r;
}

/** The payer's answer from the ACS (TermUrl). */
export async function completeAuthentication(life: SessionLifecycle, tx: Tx, s: NovapaySession, paRes: string): Promise<AuthorizeResult> {
  if (s.paymentId === null) throw new CoreError('INVALID_STATE', 'session has no payment');
  const r = await life.engine.payments.completeAuthentication(tx, s.paymentId, paRes);
  await afterDecision(life, tx, s, r);
  return r;
}

async function afterDecision(life: SessionLifecycle, tx: Tx, s: NovapaySession, r: AuthorizeResult): Promise<void> {
  const p = r.payment;
  if (r.kind === 'challenge') {
    s.updatedAt = life.engine.clock.now();
    await S.updateSession(tx, s);
    await tx.jobs.schedule(JOBS.sync, s.id, r.challenge.expiresAt + 1000, {});
    return;
  }
  await tx.jobs.cancel(JOBS.sync, s.id);
  if (r.kind === 'declined') {
    s.processingResult = processingResultOf(p.declineReason);
    await life.setStatus(tx, s, 'failed', p);
    return;
  }
  s.processingResult = '';
  s.checkout = await life.engine.checkouts.paid(tx, s.checkout, p.id);
  await life.setStatus(tx, s, p.status === 'authorized' ? 'holded' : 'paid', p);
}

/** `/complete-hold`: full or partial completion of a hold, finished by a job. */
export async function completeHold(life: SessionLifecycle, tx: Tx, s: NovapaySession, amount: bigint | null): Promise<void> {
  const p = await life.payment(tx, s);
  if (s.status === 'voided' || s.status === 'processing_void') throw processing('SESSION_ALREADY_REFUNDED');
  if (s.status === 'expired') throw processing('SESSION_EXPIRED');
  if ((s.status !== 'holded' && s.status !== 'hold_confirmed') || !p || p.status !== 'authorized') throw processing('INVALID_STATUS');
  if (amount !== null && amount > p.amount) throw processing('AMOUNT_EXCEEDS_HOLD');
  await tx.jobs.cancel(JOBS.waybill, s.id);
  await life.setStatus(tx, s, 'processing_hold_completion', p);
  await tx.jobs.schedule(JOBS.complete, s.id, life.engine.clock.now(), { amount: amount === null ? null : amount.toString() });
  life.wakeScheduler(tx);
}

/** `/void`: a held session any time, a paid one until 23:59 Kyiv time of the payment day; finished by a job. */
export async function voidSession(life: SessionLifecycle, tx: Tx, s: NovapaySession): Promise<void> {
  const p = await life.payment(tx, s);
  if (s.status === 'voided' || s.status === 'processing_void') throw processing('SESSION_ALREADY_REFUNDED');
  if (s.status === 'expired') throw processing('SESSION_EXPIRED');
  if (s.status === 'holded' || s.status === 'hold_confirmed') {
    if (!p || p.status !== 'authorized') throw processing('INVALID_STATUS');
  } else if (s.status === 'paid') {
    if (!p || p.status !== 'captured' || p.capturedAt === null) throw processing('INVALID_STATUS');
    if (life.engine.clock.now() >= kyivDayEnd(p.capturedAt)) throw processing('VOID_PERIOD_EXPIRED');
  } else {
    throw processing('INVALID_STATUS');
  }
  await tx.jobs.cancel(JOBS.waybill, s.id);
  await life.setStatus(tx, s, 'processing_void', p);
  await tx.jobs.schedule(JOBS.void, s.id, life.engine.clock.now(), {});
  life.wakeScheduler(tx);
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
