// Cardholder authentication: the simulated 3-D Secure ACS and OTP checks.
// PaReq carries a signed reference to a challenge; the ACS answers with a signed PaRes that the
// gateway verifies (constant-time) before it completes the operation. A challenge is used once.
import { createHmac } from 'node:crypto';
import { safeEqual } from './crypto.js';
import { CoreError } from './errors.js';
import { randomDigits, uuid } from './ids.js';
import type { Clock } from './clock.js';
import { MINUTE } from './clock.js';
import type { Challenge, ChallengeKind, JsonObject } from './model.js';
import type { Tx } from './ports.js';
import { FIXED_TEST_OTP } from './network/test-cards.js';

export const CHALLENGE_TTL_MS = 15 * MINUTE;
export const OTP_MAX_ATTEMPTS = 3;

export interface ChallengeDisplay extends JsonObject {
  merchant: string;
  amount: string;
  currency: string;
  card: string;
}

export interface PaRes {
  challengeId: string;
  /** Y authenticated, N failed */
  status: 'Y' | 'N';
}

function b64url(buf: Buffer | string): string {
  return Buffer.from(buf).toString('base64url');
}

export class Challenges {
  constructor(
    private readonly clock: Clock,
    private readonly secret: Buffer,
  ) {}

  async create(
    tx: Tx,
    input: { merchantId: string; subjectType: string; subjectId: string; kind: ChallengeKind; display: ChallengeDisplay },
  ): Promise<Challenge> {
    const now = this.clock.now();
    const c: Challenge = {
      id: uuid(),
      merchantId: input.merchantId,
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      kind: input.kind,
      status: 'pending',
      otpCode: input.kind === 'otp' ? randomDigits(6) : null,
      attempts: 0,
      display: input.display,
      expiresAt: now + CHALLENGE_TTL_MS,
      createdAt: now,
      completedAt: null,
    };
    await tx.challenges.insert(c);
    return c;
  }

  /** The PaReq a face hands to the payer's browser: a signed, opaque reference to the challenge. */
  paReq(c: Challenge): string {
    const body = b64url(JSON.stringify({ v: 1, id: c.id, kind: c.kind, amount: c.display.amount, currency: c.display.currency }));
    return `${body}.${this.sign('pareq', body)}`;
  }

  /** Reads a PaReq back to its challenge id; undefined when it was not made by this gateway. */
  challengeIdFromPaReq(paReq: string): string | undefined {
    const parsed = this.verifySigned('pareq', paReq.trim());
    const id = parsed && (parsed as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  }

  /** The ACS records the cardholder's answer and produces a PaRes. */
  async answer(
    tx: Tx,
    challengeId: string,
    answer: { approve: boolean } | { otp: string },
  ): Promise<{ challenge: Challenge; paRes: string | null; wrongOtp: boolean; attemptsLeft: number }> {
    const c = await tx.challenges.get(challengeId);
    if (!c) throw new CoreError('CHALLENGE_NOT_FOUND');
    if (c.status !== 'pending') throw new CoreError('CHALLENGE_ALREADY_COMPLETED');
    const now = this.clock.now();
    if (now >= c.expiresAt) {
      await tx.challenges.update(c.id, { status: 'expired', completedAt: now }, 'pending');
      throw new CoreError('CHALLENGE_EXPIRED');
    }
    let passed: boolean;
    if ('otp' in answer) {
      const ok = c.otpCode !== null && (safeEqual(answer.otp.trim(), c.otpCode) || safeEqual(answer.otp.trim(), FIXED_TEST_OTP));
      if (!ok) {
        const attempts = c.attempts + 1;
        if (attempts < OTP_MAX_ATTEMPTS) {
          await tx.challenges.update(c.id, { attempts }, 'pending');
          return { challenge: { ...c, attempts }, paRes: null, wrongOtp: true, attemptsLeft: OTP_MAX_ATTEMPTS - attempts };
        }
        await tx.challenges.update(c.id, { attempts, status: 'failed', completedAt: now }, 'pending');
        const failed = { ...c, attempts, status: 'failed' as const, completedAt: now };
        return { challenge: failed, paRes: this.paRes({ challengeId: c.id, status: 'N' }), wrongOtp: true, attemptsLeft: 0 };
      }
      passed = true;
    } else {
      passed = answer.approve;
    }
    const status = passed ? 'passed' : 'failed';
    if (!(await tx.challenges.update(c.id, { status, completedAt: now }, 'pending'))) throw new CoreError('CHALLENGE_ALREADY_COMPLETED');
    return {
      challenge: { ...c, status, completedAt: now },
      paRes: this.paRes({ challengeId: c.id, status: passed ? 'Y' : 'N' }),
      wrongOtp: false,
      attemptsLeft: OTP_MAX_ATTEMPTS - c.attempts,
    };
  }

  paRes(p: PaRes): string {
    const body = b64url(JSON.stringify({ v: 1, id: p.challengeId, s: p.status }));
    return `${body}.${this.sign('pares', body)}`;
  }

  /** Verifies a PaRes (signature first, in constant time); throws for anything not made by our ACS. */
  verifyPaRes(paRes: string): PaRes {
    const parsed = this.verifySigned('pares', (paRes ?? '').trim()) as { id?: unknown; s?: unknown } | undefined;
    if (!parsed || typeof parsed.id !== 'string' || (parsed.s !== 'Y' && parsed.s !== 'N'))
      throw new CoreError('SIGNATURE_INVALID', 'invalid PaRes');
    return { challengeId: parsed.id, status: parsed.s };
  }

  /**
   * Uses up a completed challenge for its subject: returns whether the cardholder passed.
   * A second use, a pending one, or one for another subject is refused.
   */
  async consume(tx: Tx, paRes: string, subject: { type: string; id: string }): Promise<{ passed: boolean; challenge: Challenge }> {
    const p = this.verifyPaRes(paRes);
    const c = await tx.challenges.get(p.challengeId);
    if (!c || c.subjectType !== subject.type || c.subjectId !== subject.id) throw new CoreError('CHALLENGE_NOT_FOUND');
    if (c.status === 'consumed') throw new CoreError('CHALLENGE_ALREADY_COMPLETED');
    if (c.status !== 'passed' && c.status !== 'failed') throw new CoreError('INVALID_STATE', 'authentication not completed');
    const expected = c.status === 'passed' ? 'Y' : 'N';
    if (expected !== p.status) throw new CoreError('SIGNATURE_INVALID', 'PaRes does not match the authentication');
    if (!(await tx.challenges.update(c.id, { status: 'consumed' }, c.status))) throw new CoreError('CHALLENGE_ALREADY_COMPLETED');
    return { passed: c.status === 'passed', challenge: c };
  }

  /** Marks a challenge expired (scheduler). */
  async expire(tx: Tx, challengeId: string): Promise<boolean> {
    return tx.challenges.update(challengeId, { status: 'expired', completedAt: this.clock.now() }, 'pending');
  }

  private sign(purpose: string, body: string): string {
    return createHmac('sha256', this.secret)
      .update(purpose + '.' + body)
      .digest('base64url');
  }

  private verifySigned(purpose: string, token: string): unknown {
    const dot = token.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const body = token.slice(0, dot);
    const sig = token.slice(dot + 1);
    if (!safeEqual(sig, this.sign(purpose, body))) return undefined;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
  }
}
