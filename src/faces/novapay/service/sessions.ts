// NovaPay sessions: a new one (`/session`, `/checkout/session`, `/frames/init`), expiring after 30 days unless
// paid, and `/expire`.
import { randomUUID } from 'node:crypto';
import { DAY } from '../../../core/clock.js';
import type { Tx } from '../../../core/ports.js';
import { processing } from '../http.js';
import { newSessionRecord, novapayStore as S, sessionOf, type NewSession, type NovapaySession } from '../store.js';
import { effectiveStatus } from '../wire.js';
import { JOBS, UNPAID, type SessionLifecycle } from './lifecycle.js';

const SESSION_LIFETIME_MS = 30 * DAY;

/** `/session`, `/checkout/session`, `/frames/init`: a new session, expiring after 30 days unless paid. */
export async function createSession(life: SessionLifecycle, tx: Tx, input: NewSession): Promise<NovapaySession> {
  const row = newSessionRecord(randomUUID(), input, life.engine.clock.now());
  const checkout = await life.engine.checkouts.open(tx, {
    id: row.id,
    merchantId: row.merchantId,
    face: 'novapay',
    kind: 'session',
    maxAttempts: 1,
    expiresAt: row.createdAt + SESSION_LIFETIME_MS,
  });
  await S.insertSession(tx, row);
  await tx.jobs.schedule(JOBS.expire, row.id, checkout.expiresAt!, {});
  return sessionOf(row, checkout);
}

/** `/expire` (or the lifetime job): an unpaid session expires. */
export async function expire(life: SessionLifecycle, tx: Tx, s: NovapaySession): Promise<void> {
  if (s.status === 'expired') throw processing('SESSION_EXPIRED');
  if (!UNPAID.has(effectiveStatus(s, await life.payment(tx, s)))) throw processing('INVALID_STATUS');
  s.checkout = await life.engine.checkouts.expire(tx, s.checkout);
  const p = await life.payment(tx, s);
  await tx.jobs.cancel(JOBS.expire, s.id);
  await tx.jobs.cancel(JOBS.sync, s.id);
  await life.setStatus(tx, s, 'expired', p);
}
