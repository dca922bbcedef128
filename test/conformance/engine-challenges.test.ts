// The simulated ACS (3-D Secure and one-time codes) over both real stores: the PaReq and PaRes tokens checked
// against an HMAC computed here with node:crypto, the attempt limit, expiry, and single use.
import { createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/core/engine.js';
import type { Challenge } from '../../src/core/model.js';
import { STORES } from '../helpers/stores.js';
import { codeOf, TEST_MASTER_KEY, useEngineRig } from './engine-harness.js';

/** The ACS key: HKDF-SHA256 of the first master key, empty salt, info "polypay acs", 32 bytes. */
const ACS_KEY = Buffer.from(hkdfSync('sha256', Buffer.from(TEST_MASTER_KEY, 'hex'), Buffer.alloc(0), 'polypay acs', 32));
const sign = (purpose: string, body: string) => createHmac('sha256', ACS_KEY).update(`${purpose}.${body}`).digest('base64url');
const token = (purpose: string, payload: unknown) => {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${sign(purpose, body)}`;
};
const decode = (t: string) => JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString('utf8'));

describe.each(STORES)('the ACS on %s', (kind) => {
  let engine: Engine;
  let n = 0;

  useEngineRig(kind, (r) => {
    engine = r.engine;
  });

  const create = (k: '3ds' | 'otp' = '3ds', subjectId = `s${++n}`) =>
    engine.transaction((tx) =>
      engine.challenges.create(tx, {
        merchantId: 'm1',
        subjectType: 'payment',
        subjectId,
        kind: k,
        display: { merchant: 'Shop', amount: '10.50', currency: 'RUB', card: '400000******3055' },
      }),
    );
  const answer = (id: string, a: { approve: boolean } | { otp: string }) => engine.transaction((tx) => engine.challenges.answer(tx, id, a));
  const stored = (id: string) => engine.read((tx) => tx.challenges.get(id));
  const consume = (paRes: string, c: Pick<Challenge, 'subjectType' | 'subjectId'>) =>
    engine.transaction((tx) => engine.challenges.consume(tx, paRes, { type: c.subjectType, id: c.subjectId }));

  it('creates a pending challenge that lives 15 minutes; an OTP challenge gets a six-digit code', async () => {
    const now = engine.clock.now();
    const c = await create('3ds');
    expect(c).toMatchObject({ status: 'pending', attempts: 0, otpCode: null, expiresAt: now + 900_000, createdAt: now, completedAt: null });
    expect(c.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await stored(c.id)).toEqual(c);
    const o = await create('otp');
    expect(o.otpCode).toMatch(/^\d{6}$/);
  });

  it('signs the PaReq with the ACS key and reads back only its own', async () => {
    const c = await create('otp');
    const paReq = engine.challenges.paReq(c);
    const [body, sig] = paReq.split('.');
    expect(sig).toBe(sign('pareq', body!));
    expect(decode(paReq)).toEqual({ v: 1, id: c.id, kind: 'otp', amount: '10.50', currency: 'RUB' });
    expect(engine.challenges.challengeIdFromPaReq(paReq)).toBe(c.id);
    expect(engine.challenges.challengeIdFromPaReq(`  ${paReq}\n`)).toBe(c.id);
    // a PaRes is not a PaReq; another key's signature, no signature, a body that is not JSON, or no id: nothing
    expect(engine.challenges.challengeIdFromPaReq(token('pares', { v: 1, id: c.id }))).toBeUndefined();
    expect(engine.challenges.challengeIdFromPaReq(`${body}.${sig!.slice(1)}x`)).toBeUndefined();
    expect(engine.challenges.challengeIdFromPaReq(body!)).toBeUndefined();
    expect(engine.challenges.challengeIdFromPaReq(`.${sig}`)).toBeUndefined();
    const notJson = Buffer.from('not json').toString('base64url');
    expect(engine.challenges.challengeIdFromPaReq(`${notJson}.${sign('pareq', notJson)}`)).toBeUndefined();
    expect(engine.challenges.challengeIdFromPaReq(token('pareq', { v: 1, id: 42 }))).toBeUndefined();
    expect(engine.challenges.challengeIdFromPaReq(token('pareq', { v: 1, id: 'forged' }))).toBe('forged');
  });

  it('approves: a signed PaRes "Y", used once by its own subject', async () => {
    const c = await create();
    engine.clock.advance(1000);
    const r = await answer(c.id, { approve: true });
    expect(r).toMatchObject({ wrongOtp: false, attemptsLeft: 3, challenge: { status: 'passed', completedAt: engine.clock.now() } });
    expect(r.paRes).toBe(token('pares', { v: 1, id: c.id, s: 'Y' }));
    expect(engine.challenges.verifyPaRes(r.paRes!)).toEqual({ challengeId: c.id, status: 'Y' });
    expect(await stored(c.id)).toMatchObject({ status: 'passed', completedAt: engine.clock.now() });
    expect(await codeOf(answer(c.id, { approve: true }))).toBe('CHALLENGE_ALREADY_COMPLETED');
    expect(await codeOf(consume(r.paRes!, { subjectType: 'payment', subjectId: 'other' }))).toBe('CHALLENGE_NOT_FOUND');
    expect(await codeOf(consume(r.paRes!, { subjectType: 'payout', subjectId: c.subjectId }))).toBe('CHALLENGE_NOT_FOUND');
    // a PaRes that says the opposite of what the cardholder answered is refused, even when signed
    expect(await codeOf(consume(token('pares', { v: 1, id: c.id, s: 'N' }), c))).toBe('SIGNATURE_INVALID');
    const used = await consume(r.paRes!, c);
    expect([used.passed, used.challenge.id]).toEqual([true, c.id]);
    expect((await stored(c.id))!.status).toBe('consumed');
    expect(await codeOf(consume(r.paRes!, c))).toBe('CHALLENGE_ALREADY_COMPLETED');
  });

  it('declines: a PaRes "N" that consumes as not passed', async () => {
    const c = await create();
    const r = await answer(c.id, { approve: false });
    expect([r.challenge.status, r.wrongOtp]).toEqual(['failed', false]);
    expect(r.paRes).toBe(token('pares', { v: 1, id: c.id, s: 'N' }));
    expect(await codeOf(consume(token('pares', { v: 1, id: c.id, s: 'Y' }), c))).toBe('SIGNATURE_INVALID');
    expect((await consume(r.paRes!, c)).passed).toBe(false);
  });

  it('refuses to consume a challenge not answered yet, or one it does not know', async () => {
    const c = await create();
    expect(await codeOf(consume(token('pares', { v: 1, id: c.id, s: 'Y' }), c))).toBe('INVALID_STATE');
    expect(await codeOf(consume(token('pares', { v: 1, id: 'nope', s: 'Y' }), c))).toBe('CHALLENGE_NOT_FOUND');
    expect(await codeOf(answer('nope', { approve: true }))).toBe('CHALLENGE_NOT_FOUND');
  });

  it('refuses a PaRes it did not sign, or that says neither Y nor N', () => {
    for (const bad of [
      '',
      'x',
      token('pareq', { v: 1, id: 'a', s: 'Y' }),
      token('pares', { v: 1, id: 'a', s: 'y' }),
      token('pares', { v: 1, id: 'a' }),
      token('pares', { v: 1, id: 7, s: 'Y' }),
      token('pares', { v: 1, s: 'N' }),
    ]) {
      let code = '';
      try {
        engine.challenges.verifyPaRes(bad);
      } catch (e) {
        code = (e as { code: string }).code;
      }
      expect(code, bad).toBe('SIGNATURE_INVALID');
    }
    expect(engine.challenges.verifyPaRes(` ${token('pares', { v: 1, id: 'a', s: 'N' })} `)).toEqual({ challengeId: 'a', status: 'N' });
  });

  it('takes the generated one-time code (spaces around it ignored) or the fixed test code', async () => {
    const c = await create('otp');
    const r = await answer(c.id, { otp: ` ${c.otpCode} ` });
    expect([r.challenge.status, r.wrongOtp, r.attemptsLeft]).toEqual(['passed', false, 3]);
    expect(decode(r.paRes!).s).toBe('Y');
    const d = await create('otp');
    expect((await answer(d.id, { otp: '3382837' })).challenge.status).toBe('passed');
  });

  it('counts wrong codes: three fail the authentication with a PaRes "N"', async () => {
    const c = await create('otp');
    const wrong = c.otpCode === '000000' ? '111111' : '000000';
    const first = await answer(c.id, { otp: wrong });
    expect(first).toMatchObject({ paRes: null, wrongOtp: true, attemptsLeft: 2, challenge: { attempts: 1, status: 'pending' } });
    expect((await stored(c.id))!.attempts).toBe(1);
    const second = await answer(c.id, { otp: wrong });
    expect([second.attemptsLeft, second.challenge.attempts]).toEqual([1, 2]);
    engine.clock.advance(5);
    const third = await answer(c.id, { otp: wrong });
    expect(third).toMatchObject({
      wrongOtp: true,
      attemptsLeft: 0,
      challenge: { attempts: 3, status: 'failed', completedAt: engine.clock.now() },
    });
    expect(decode(third.paRes!)).toEqual({ v: 1, id: c.id, s: 'N' });
    expect(await stored(c.id)).toMatchObject({ attempts: 3, status: 'failed' });
    expect((await consume(third.paRes!, c)).passed).toBe(false);

    // after one wrong code the right one still passes, with the attempts left said
    const d = await create('otp');
    await answer(d.id, { otp: wrong === d.otpCode ? '222222' : wrong });
    const ok = await answer(d.id, { otp: d.otpCode! });
    expect([ok.challenge.status, ok.attemptsLeft]).toEqual(['passed', 2]);
  });

  it('has no code to match for a 3-D Secure challenge: any code is wrong', async () => {
    const c = await create('3ds');
    expect((await answer(c.id, { otp: '3382837' })).wrongOtp).toBe(true);
  });

  it('expires: an answer at its end is refused and marks it expired; the scheduler marks only pending ones', async () => {
    const c = await create();
    engine.clock.advance(900_000);
    expect(await codeOf(answer(c.id, { approve: true }))).toBe('CHALLENGE_EXPIRED');
    // the refusal rolls a bare command back; a face that handles it in its transaction (Mbill) keeps the mark
    expect((await stored(c.id))!.status).toBe('pending');
    const code = await engine.transaction((tx) => codeOf(engine.challenges.answer(tx, c.id, { approve: true })));
    expect(code).toBe('CHALLENGE_EXPIRED');
    expect(await stored(c.id)).toMatchObject({ status: 'expired', completedAt: engine.clock.now() });
    const d = await create();
    engine.clock.advance(899_999);
    expect((await answer(d.id, { approve: true })).challenge.status).toBe('passed');
    const e = await create();
    expect(await engine.transaction((tx) => engine.challenges.expire(tx, e.id))).toBe(true);
    expect(await stored(e.id)).toMatchObject({ status: 'expired', completedAt: engine.clock.now() });
    expect(await engine.transaction((tx) => engine.challenges.expire(tx, d.id))).toBe(false);
  });
});
