// The scheduler's half of the NovaPay service (service.ts): the jobs that finish what a request or the payer
// started: a 3-D Secure challenge left unanswered, a session's lifetime, a hold's completion or void, and the
// simulated parcel of a secure payment moving through Nova Poshta (completing the hold once received).
import { isCoreError } from '../../core/errors.js';
import type { Tx } from '../../core/ports.js';
import type { JobHandler } from '../../core/scheduler.js';
import { cityName, TRACKING } from './delivery.js';
import { JOBS, type NovapayService, UNPAID } from './service.js';
import { novapayStore as S } from './store.js';
import { effectiveStatus, processingResultOf } from './wire.js';

export function novapayJobs(service: NovapayService): Record<string, JobHandler> {
  const jobs = new NovapayJobs(service);
  return {
    [JOBS.expire]: (tx, job) => jobs.expire(tx, job.ref),
    [JOBS.sync]: (tx, job) => jobs.sync(tx, job.ref),
    [JOBS.complete]: (tx, job) => jobs.complete(tx, job.ref, typeof job.payload.amount === 'string' ? job.payload.amount : null),
    [JOBS.void]: (tx, job) => jobs.void(tx, job.ref),
    [JOBS.waybill]: (tx, job) => jobs.waybill(tx, job.ref),
  };
}

class NovapayJobs {
  constructor(private readonly service: NovapayService) {}

  private get engine() {
    return this.service.engine;
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
      await this.service.setStatus(tx, s, 'failed', p);
    }
  }

  /** Lifetime: an unpaid session expires after 30 days (paid and held sessions keep their status). */
  async expire(tx: Tx, sessionId: string): Promise<void> {
    const s = await S.lockSession(tx, sessionId);
    if (!s || !UNPAID.has(effectiveStatus(s, await this.service.payment(tx, s)))) return;
    await this.service.expire(tx, s);
  }

  /** The hold's completion (full, or partial for `amount`). */
  async complete(tx: Tx, sessionId: string, amountText: string | null): Promise<void> {
    const s = await S.lockSession(tx, sessionId);
    if (!s || s.status !== 'processing_hold_completion' || s.paymentId === null) return;
    try {
      const p = await this.engine.payments.capture(tx, s.paymentId, amountText === null ? null : BigInt(amountText));
      await this.service.setStatus(tx, s, 'paid', p);
    } catch (e) {
      if (!isCoreError(e)) throw e;
      // the hold is gone (it cannot be here unless something else released it): show what the payment says
      const p = await this.service.payment(tx, s);
      await this.service.setStatus(tx, s, p?.status === 'authorized' ? 'holded' : p?.status === 'captured' ? 'paid' : 'voided', p);
    }
  }

  /** The void of a held or same-day paid session. */
  async void(tx: Tx, sessionId: string): Promise<void> {
    const s = await S.lockSession(tx, sessionId);
    if (!s || s.status !== 'processing_void' || s.paymentId === null) return;
    const p = await this.engine.payments.void(tx, s.paymentId, { allowCaptured: true });
    await this.service.setStatus(tx, s, 'voided', p);
  }

  /** The simulated parcel moves one step; at "received" the hold is completed (secure payment). */
  async waybill(tx: Tx, sessionId: string): Promise<number | void> {
    const s = await S.lockSession(tx, sessionId);
    if (!s || s.status !== 'hold_confirmed' || !s.delivery) return;
    const i = TRACKING.findIndex((t) => t.code === s.deliveryStatusCode);
    const next = TRACKING[i + 1];
    if (!next) return;
    s.deliveryStatusCode = next.code;
    s.deliveryStatusText = next.text(cityName(await this.service.senderCity(tx, s.merchantId)), cityName(s.delivery.recipient_city));
    const now = this.engine.clock.now();
    if (i + 2 < TRACKING.length) {
      s.updatedAt = now;
      await S.updateSession(tx, s);
      await this.service.emit(tx, s, 'novapay.session.delivery', await this.service.payment(tx, s));
      return now + next.stayMs;
    }
    // received by the buyer: the secure payment's hold is completed
    await this.service.setStatus(tx, s, 'processing_hold_completion');
    await tx.jobs.schedule(JOBS.complete, s.id, now, { amount: null });
    this.service.wakeScheduler(tx);
  }
}
