// The simulated ACS once a challenge is no longer pending, over both real stores: an answer after it passed (even a
// wrong code, even after its 15 minutes) is refused as already completed and changes nothing; the fixed test code
// is taken with white space around it; and each refusal says what went wrong.
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/core/engine.js';
import type { Challenge } from '../../src/core/model.js';
import { STORES } from '../helpers/stores.js';
import { useEngineRig, refusal } from './engine-harness.js';

/** The coded error and its text that a promise rejects with. */

describe.each(STORES)('the ACS after an answer, on %s', (kind) => {
  let engine: Engine;
  let n = 0;

  useEngineRig(kind, (r) => {
    engine = r.engine;
  });

  const create = (k: '3ds' | 'otp') =>
    engine.transaction((tx) =>
      engine.challenges.create(tx, {
        merchantId: 'm1',
        subjectType: 'payment',
        subjectId: `cs${++n}`,
        kind: k,
        display: { merchant: 'Shop', amount: '10.50', currency: 'RUB', card: '400000******3055' },
      }),
    );
  const answer = (id: string, a: { approve: boolean } | { otp: string }) => engine.transaction((tx) => engine.challenges.answer(tx, id, a));
  const stored = (id: string) => engine.read((tx) => tx.challenges.get(id));
  const consume = (paRes: string, c: Challenge) =>
    engine.transaction((tx) => engine.challenges.consume(tx, paRes, { type: c.subjectType, id: c.subjectId }));
  const wrongCode = (c: Challenge) => (c.otpCode === '000000' ? '111111' : '000000');

  it('refuses any further answer to a challenge that passed, a wrong code included, and counts no attempt', async () => {
    const c = await create('otp');
    const passed = await answer(c.id, { otp: c.otpCode! });
    expect(passed.challenge.status).toBe('passed');
    expect(await refusal(answer(c.id, { otp: wrongCode(c) }))).toBe('CHALLENGE_ALREADY_COMPLETED: authentication already completed');
    expect(await refusal(answer(c.id, { approve: false }))).toBe('CHALLENGE_ALREADY_COMPLETED: authentication already completed');
    expect(await stored(c.id)).toMatchObject({ status: 'passed', attempts: 0 });
  });

  it('refuses an answer to a failed challenge as completed, not as expired, once its time is over', async () => {
    const c = await create('3ds');
    await answer(c.id, { approve: false });
    engine.clock.advance(900_000);
    expect(await refusal(answer(c.id, { approve: true }))).toBe('CHALLENGE_ALREADY_COMPLETED: authentication already completed');
    expect(await engine.transaction((tx) => refusal(engine.challenges.answer(tx, c.id, { approve: true })))).toBe(
      'CHALLENGE_ALREADY_COMPLETED: authentication already completed',
    );
    expect((await stored(c.id))!.status).toBe('failed');
  });

  it('takes the fixed test code 3382837 with white space around it', async () => {
    const c = await create('otp');
    const r = await answer(c.id, { otp: ' 3382837\n' });
    expect([r.challenge.status, r.wrongOtp]).toEqual(['passed', false]);
  });

  it('says why it refuses a PaRes: not one of its own, not answered yet, or saying the opposite of the answer', async () => {
    let text = '';
    try {
      engine.challenges.verifyPaRes('not-a-pares');
    } catch (e) {
      text = `${(e as { code?: string }).code}: ${(e as Error).message}`;
    }
    expect(text).toBe('SIGNATURE_INVALID: invalid PaRes');

    const pending = await create('3ds');
    const forged = engine.challenges.paRes({ challengeId: pending.id, status: 'Y' });
    expect(await refusal(consume(forged, pending))).toBe('INVALID_STATE: authentication not completed');

    const declined = await create('3ds');
    await answer(declined.id, { approve: false });
    const opposite = engine.challenges.paRes({ challengeId: declined.id, status: 'Y' });
    expect(await refusal(consume(opposite, declined))).toBe('SIGNATURE_INVALID: PaRes does not match the authentication');
    expect((await stored(declined.id))!.status).toBe('failed');
  });
});
