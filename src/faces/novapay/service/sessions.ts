// NovaPay sessions: a new one (`/session`, `/checkout/session`, `/frames/init`), expiring after 30 days unless
// paid, and `/expire`.
import { randomUUID } from 'node:crypto';
import { DAY } from '../../../core/clock.js';
import type { Payment } from '../../../core/model.js';
import type { Tx } from '../../../core/ports.js';
import { processing } from '../http.js';
import { newSessionRecord, novapayStore as S, type NewSession, type NovapaySession } from '../store.js';
import { effectiveStatus } from '../wire.js';
import { JOBS, UNPAID, type SessionLifecycle } from './lifecycle.js';

const SESSION_LIFETIME_MS = 30 * DAY;

/** `/session`, `/checkout/session`, `/frames/init`: a new session, expiring after 30 days unless paid. */
export async function createSession(life: SessionLifecycle, tx: Tx, input: NewSession): Promise<NovapaySession> {
  const s = newSessionRecord(randomUUID(), input, life.engine.clock.now(), SESSION_LIFETIME_MS);
  await S.insertSession(tx, s);
  await tx.jobs.schedule(JOBS.expire, s.id, s.expiresAt, {});
  return s;
}

/** `/expire` (or the lifetime job): an unpaid session expires. */
export async function expire(life: SessionLifecycle, tx: Tx, s: NovapaySession): Promise<void> {
  if (s.status === 'expired') throw processing('SESSION_EXPIRED');
  if (!UNPAID.has(effectiveStatus(s, await life.payment(tx, s)))) throw processing('INVALID_STATUS');
  let p: Payment | undefined;
  if (s.paymentId !== null) {
    const cur = await life.engine.payments.lock(tx, s.paymentId);
    p =
      cur.status === 'created' || cur.status === 'requires_authentication' ? ((await life.engine.payments.expire(tx, cur.id)) ?? cur) : cur;
  }
  await tx.jobs.cancel(JOBS.expire, s.id);
  await tx.jobs.cancel(JOBS.sync, s.id);
  await life.setStatus(tx, s, 'expired', p);
}
