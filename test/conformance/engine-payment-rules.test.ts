// Payment and payout rules through the Engine over both real stores, with the texts a merchant reads (some providers'
// error bodies carry the refusal's message): the state a command does not apply to, capture and refund amounts,
// the capture's ledger entry, a declined payment that cannot be reversed, the card holder kept, and the expiry job
// scheduled for exactly the right time and gone once a payment or payout no longer needs it.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/core/engine.js';
import type { CardSource, CreatePayment } from '../../src/core/payments.js';
import { STORES } from '../helpers/stores.js';
import { money, openEngine, type EngineRig, useEngineRig } from './engine-harness.js';

/** Cards from the published test-card list (docs/test-cards.md). */
const NO_3DS = '4000000000003055';
const WITH_3DS = '4242424242424242';
const STOLEN = '4000005043000000';
const MASTERCARD = '5205000000003055';

const card = (number: string, holder?: string): CardSource => ({
  kind: 'card',
  card: { number, expMonth: 12, expYear: 2099, cvv: '123', ...(holder ? { holder } : {}) },
});

/** The code and message a promise rejects with. */
async function refusal(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    return [(e as { code?: string }).code ?? 'none', (e as Error).message];
  }
  throw new Error('expected a refusal');
}

function commands(get: () => Engine) {
  const engine = () => get();
  return {
    create: (amount: bigint, more: Partial<CreatePayment> = {}) =>
      engine().transaction((tx) =>
        engine().payments.create(tx, { merchantId: 'm1', face: 'cloudpayments', amount, currency: 'RUB', captureMode: 'manual', ...more }),
      ),
    authorize: (id: number, source: CardSource = card(NO_3DS)) =>
      engine().transaction((tx) => engine().payments.authorize(tx, id, { source, merchantName: 'Shop M1' })),
    approve3ds: async (id: number, challengeId: string) => {
      const { paRes } = await engine().transaction((tx) => engine().challenges.answer(tx, challengeId, { approve: true }));
      return engine().transaction((tx) => engine().payments.completeAuthentication(tx, id, paRes!));
    },
    capture: (id: number, amount: bigint | null = null) => engine().transaction((tx) => engine().payments.capture(tx, id, amount)),
    refund: (id: number, amount: bigint | null = null) => engine().transaction((tx) => engine().payments.refund(tx, id, amount)),
    void: (id: number, allowCaptured = false) => engine().transaction((tx) => engine().payments.void(tx, id, { allowCaptured })),
    get: (id: number) => engine().read((tx) => engine().payments.get(tx, id)),
    nextJobAt: () => engine().read((tx) => tx.jobs.nextAt()),
  };
}

describe.each(STORES)('payment rules on %s', (kind) => {
  let rig: EngineRig;
  let engine: Engine;
  const c = commands(() => engine);

  useEngineRig(kind, (r) => {
    rig = r;
    engine = r.engine;
  });

  it('names the state a payment is in when a command does not apply to it', async () => {
    const p = await c.create(1000n);
    expect(await refusal(c.capture(p.id))).toEqual(['INVALID_STATE', 'payment is created']);
    expect(await refusal(c.refund(p.id))).toEqual(['INVALID_STATE', 'payment is created']);
    await c.authorize(p.id);
    expect(await refusal(c.authorize(p.id))).toEqual(['INVALID_STATE', 'payment is authorized']);
    expect(await refusal(engine.transaction((tx) => engine.payments.completeAuthentication(tx, p.id, 'x')))).toEqual([
      'INVALID_STATE',
      'payment is authorized',
    ]);
    await c.capture(p.id);
    expect(await refusal(c.void(p.id))).toEqual(['INVALID_STATE', 'payment is captured']);
    expect(
      await refusal(engine.transaction(async (tx) => engine.payments.decline(tx, await engine.payments.lock(tx, p.id), 'do_not_honor'))),
    ).toEqual(['INVALID_STATE', 'payment is captured']);
    expect((await c.get(p.id)).status).toBe('captured');
  });

  it('never reverses a declined payment, even where a captured one may be voided', async () => {
    const before = money(await rig.balance());
    const p = await c.create(700n);
    expect((await c.authorize(p.id, card(STOLEN))).payment.status).toBe('declined');
    expect(await refusal(c.void(p.id, true))).toEqual(['INVALID_STATE', 'payment is declined']);
    expect((await c.get(p.id)).status).toBe('declined');
    expect(money(await rig.balance())).toEqual(before);
  });

  it('captures within the authorized amount, recorded as a capture of the hold', async () => {
    const p = await c.create(1000n);
    await c.authorize(p.id);
    expect(await refusal(c.capture(p.id, 0n))).toEqual(['AMOUNT_TOO_SMALL', 'capture amount must be positive']);
    expect(await refusal(c.capture(p.id, 1001n))).toEqual(['AMOUNT_EXCEEDS_AVAILABLE', 'capture amount exceeds the authorized amount']);
    expect((await c.capture(p.id, 600n)).capturedAmount).toBe(600n);
    const transfers = await engine.read((tx) => tx.ledger.listTransfersByRef('payment', String(p.id)));
    expect(transfers.map((t) => [t.kind, t.code, t.amount])).toEqual([
      ['pending', 'authorization', 1000n],
      ['post_pending', 'capture', 600n],
    ]);
    expect(await refusal(c.refund(p.id, 0n))).toEqual(['AMOUNT_TOO_SMALL', 'refund amount must be positive']);
    expect(await refusal(c.refund(p.id, 601n))).toEqual(['AMOUNT_EXCEEDS_AVAILABLE', 'refund amount exceeds the amount left to refund']);
    await c.refund(p.id, 100n);
    expect(await refusal(c.refund(p.id, 501n))).toEqual(['AMOUNT_EXCEEDS_AVAILABLE', 'refund amount exceeds the amount left to refund']);
  });

  it("answers an approved auto-capture as approved, and keeps the card holder's name", async () => {
    const p = await c.create(250n, { captureMode: 'auto' });
    const r = await c.authorize(p.id, card(NO_3DS, 'IVAN PETROV'));
    expect([r.kind, r.payment.status, r.payment.capturedAmount]).toEqual(['approved', 'captured', 250n]);
    expect(r.payment.card).toMatchObject({ first6: '400000', last4: '3055', holder: 'IVAN PETROV' });
    expect((await c.get(p.id)).card!.holder).toBe('IVAN PETROV');
    const q = await c.create(250n);
    expect((await c.authorize(q.id, card(NO_3DS))).payment.card!.holder).toBe(null);
  });
});

describe.each(STORES)('expiry jobs on %s', (kind) => {
  let engine: Engine;
  const c = commands(() => engine);

  // a store of its own: the scheduler's queue holds only this suite's jobs
  useEngineRig(kind, (r) => {
    engine = r.engine;
  });

  it('runs out an authentication at its challenge time when the payment has no end of its own, and drops it once approved', async () => {
    const p = await c.create(100n);
    expect(await c.nextJobAt()).toBe(null);
    const r = await c.authorize(p.id, card(WITH_3DS));
    if (r.kind !== 'challenge') throw new Error(r.kind);
    expect(r.challenge.expiresAt).toBe(engine.clock.now() + 15 * 60_000);
    expect(await c.nextJobAt()).toBe(r.challenge.expiresAt);
    await engine.scheduler.drain();
    expect((await c.get(p.id)).status).toBe('requires_authentication');
    // approved, manual capture, no end of its own: nothing left to expire
    expect((await c.approve3ds(p.id, r.challenge.id)).payment.status).toBe('authorized');
    expect(await c.nextJobAt()).toBe(null);
  });

  it('runs out an authentication at the payment time when that comes first, and drops it once captured', async () => {
    const end = engine.clock.now() + 60_000;
    const p = await c.create(100n, { expiresAt: end });
    expect(await c.nextJobAt()).toBe(end);
    const r = await c.authorize(p.id, card(WITH_3DS));
    if (r.kind !== 'challenge') throw new Error(r.kind);
    expect(await c.nextJobAt()).toBe(end);
    await c.approve3ds(p.id, r.challenge.id);
    expect(await c.nextJobAt()).toBe(end);
    await c.capture(p.id);
    expect(await c.nextJobAt()).toBe(null);
  });

  it('drops the job of a payment voided, declined or expired', async () => {
    const end = engine.clock.now() + 60_000;
    const voided = await c.create(100n, { expiresAt: end });
    await c.authorize(voided.id);
    await c.void(voided.id);
    expect(await c.nextJobAt()).toBe(null);

    const declined = await c.create(100n, { expiresAt: end });
    expect((await c.authorize(declined.id, card(STOLEN))).payment.status).toBe('declined');
    expect(await c.nextJobAt()).toBe(null);

    const expired = await c.create(100n, { expiresAt: engine.clock.now() + 1000 });
    engine.clock.advance(1000);
    expect((await engine.transaction((tx) => engine.payments.expire(tx, expired.id)))!.status).toBe('expired');
    expect(await c.nextJobAt()).toBe(null);
  });

  it('drops the job of a payout once executed', async () => {
    const funding = await c.create(10_000n, { captureMode: 'auto' });
    await c.authorize(funding.id);
    const p = await engine.transaction((tx) =>
      engine.payouts.create(tx, {
        merchantId: 'm1',
        face: 'way2pay',
        amount: 500n,
        currency: 'RUB',
        expiresAt: engine.clock.now() + 60_000,
      }),
    );
    expect(await c.nextJobAt()).toBe(engine.clock.now() + 60_000);
    expect((await engine.transaction((tx) => engine.payouts.execute(tx, p.id, { number: MASTERCARD }))).status).toBe('completed');
    expect(await c.nextJobAt()).toBe(null);
  });
});

describe.each(STORES)('payout rules on %s', (kind) => {
  let rig: EngineRig;
  let engine: Engine;
  const c = commands(() => engine);

  beforeEach(async () => {
    if (rig) return;
    rig = await openEngine(kind);
    engine = rig.engine;
    const funding = await c.create(100_000n, { captureMode: 'auto' });
    await c.authorize(funding.id);
  });
  afterAll(() => rig?.close());

  const payout = () =>
    engine.transaction((tx) => engine.payouts.create(tx, { merchantId: 'm1', face: 'way2pay', amount: 100n, currency: 'RUB' }));
  const execute = (id: number, target: Parameters<Engine['payouts']['execute']>[2]) =>
    engine.transaction((tx) => engine.payouts.execute(tx, id, target));

  it('names the state of a payout already sent', async () => {
    const p = await payout();
    expect((await execute(p.id, { number: MASTERCARD })).status).toBe('completed');
    expect(await refusal(execute(p.id, { number: MASTERCARD }))).toEqual(['INVALID_STATE', 'payout is completed']);
  });

  it('sends to a card number with half an expiry date as to one without: 12/2099, which the network does not check', async () => {
    const monthOnly = await execute((await payout()).id, { number: MASTERCARD, expMonth: 5 });
    expect([monthOnly.status, monthOnly.card!.expMonth, monthOnly.card!.expYear]).toEqual(['completed', 12, 2099]);
    const yearOnly = await execute((await payout()).id, { number: MASTERCARD, expYear: 2030 });
    expect([yearOnly.status, yearOnly.card!.expMonth, yearOnly.card!.expYear]).toEqual(['completed', 12, 2099]);
    const both = await execute((await payout()).id, { number: MASTERCARD, expMonth: 5, expYear: 2030 });
    expect([both.card!.expMonth, both.card!.expYear]).toEqual([5, 2030]);
  });
});
