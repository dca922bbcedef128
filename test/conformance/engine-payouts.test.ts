// Payouts through the Engine over both real stores: funds held from the merchant's balance, posted to the card or
// released, with exact amounts, the expiry job, and every refusal coded.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/core/engine.js';
import type { CreatePayout } from '../../src/core/payouts.js';
import { deserializePayout, serializePayout } from '../../src/core/payouts.js';
import { STORES } from '../helpers/stores.js';
import { codeOf, money, openEngine, type EngineRig } from './engine-harness.js';

const NO_3DS = '4000000000003055';
const MASTERCARD = '5205000000003055';
/** payments succeed, payouts are declined (payout_not_permitted) */
const NO_PAYOUTS = '4000009022000007';
const STOLEN = '4000005043000000';

describe.each(STORES)('payouts on %s', (kind) => {
  let rig: EngineRig;
  let engine: Engine;

  // set up in the first test's hook, not in beforeAll: mutation testing then knows which test ran the setup code
  beforeEach(async () => {
    if (rig) return;
    rig = await openEngine(kind);
    engine = rig.engine;
    // 1 000.00 RUB on m1's balance
    const p = await engine.transaction((tx) =>
      engine.payments.create(tx, { merchantId: 'm1', face: 'way2pay', amount: 100_000n, currency: 'RUB', captureMode: 'auto' }),
    );
    await engine.transaction((tx) =>
      engine.payments.authorize(tx, p.id, {
        source: { kind: 'card', card: { number: NO_3DS, expMonth: 1, expYear: 2099 } },
        merchantName: 'M1',
      }),
    );
  });
  afterAll(() => rig?.close());

  const create = (amount: bigint, more: Partial<CreatePayout> = {}) =>
    engine.transaction((tx) => engine.payouts.create(tx, { merchantId: 'm1', face: 'way2pay', amount, currency: 'RUB', ...more }));
  const execute = (id: number, target: Parameters<Engine['payouts']['execute']>[2] = { number: MASTERCARD }) =>
    engine.transaction((tx) => engine.payouts.execute(tx, id, target));
  const events = (id: number) => engine.read((tx) => tx.outbox.list('payout', String(id)));
  const transfers = (id: number) => engine.read((tx) => tx.ledger.listTransfersByRef('payout', String(id)));
  const tick = () => {
    engine.clock.advance(1000);
    return engine.clock.now();
  };

  it('creates a payout with its defaults and its event, holding nothing yet', async () => {
    const at = tick();
    const bal = money(await rig.balance());
    const p = await create(1500n);
    expect(p).toMatchObject({
      merchantId: 'm1',
      face: 'way2pay',
      status: 'created',
      amount: 1500n,
      currency: 'RUB',
      card: null,
      declineReason: null,
      holdTransferId: null,
      metadata: {},
      expiresAt: null,
      createdAt: at,
      updatedAt: at,
      completedAt: null,
    });
    expect(await engine.read((tx) => engine.payouts.get(tx, p.id))).toEqual(p);
    const [e] = await events(p.id);
    expect([e!.type, e!.subjectType, e!.subjectId, (e!.payload.payout as Record<string, unknown>).amount]).toEqual([
      'payout.created',
      'payout',
      String(p.id),
      '1500',
    ]);
    expect(money(await rig.balance())).toEqual(bal);
    expect(await codeOf(create(0n))).toBe('AMOUNT_TOO_SMALL');
    expect(await codeOf(create(1_000_000_000_000_000n))).toBe('AMOUNT_TOO_LARGE');
  });

  it('finds a payout only for its merchant', async () => {
    const p = await create(10n, { metadata: { ref: 'x' } });
    expect((await engine.read((tx) => engine.payouts.get(tx, p.id, 'm1'))).metadata).toEqual({ ref: 'x' });
    expect(await codeOf(engine.read((tx) => engine.payouts.get(tx, p.id, 'm2')))).toBe('PAYOUT_NOT_FOUND');
    expect(await codeOf(engine.read((tx) => engine.payouts.get(tx, 987_654_321)))).toBe('PAYOUT_NOT_FOUND');
  });

  it('sends money to a card: held, then posted to the network, exact to the kopeck', async () => {
    const bal = money(await rig.balance());
    const net = money(await rig.network());
    const p = await create(2500n);
    const at = tick();
    const done = await execute(p.id, { number: '5205 0000 0000 3055', holder: 'ANNA' });
    expect(done).toMatchObject({ status: 'completed', completedAt: at, updatedAt: at, declineReason: null });
    expect(done.card).toMatchObject({ first6: '520500', last4: '3055', brand: 'Mastercard', expMonth: 12, expYear: 2099, holder: 'ANNA' });
    expect(money(await rig.balance())).toEqual({
      ...bal,
      posted: bal.posted - 2500n,
      pendingIn: bal.pendingIn - 2500n,
      available: bal.available - 2500n,
    });
    expect(money(await rig.network())).toEqual({
      ...net,
      posted: net.posted + 2500n,
      pendingIn: net.pendingIn + 2500n,
      available: net.available + 2500n,
    });
    expect((await transfers(p.id)).map((t) => [t.kind, t.code, t.amount])).toEqual([
      ['pending', 'payout_hold', 2500n],
      ['post_pending', 'payout', 2500n],
    ]);
    expect(done.holdTransferId).toBe((await transfers(p.id))[0]!.id);
    expect((await events(p.id)).map((e) => e.type)).toEqual(['payout.created', 'payout.completed']);
    expect(await engine.read((tx) => engine.payouts.get(tx, p.id))).toEqual(done);
    expect(await codeOf(execute(p.id))).toBe('INVALID_STATE');
  });

  it('keeps the expiry given with the card number', async () => {
    const p = await create(10n);
    const done = await execute(p.id, { number: MASTERCARD, expMonth: 4, expYear: 2031 });
    expect([done.card!.expMonth, done.card!.expYear, done.card!.holder]).toEqual([4, 2031, null]);
  });

  it('sends money to a stored card', async () => {
    const first = await create(10n);
    const cardId = (await execute(first.id, { number: NO_3DS, expMonth: 6, expYear: 2040 })).card!.cardId;
    const p = await create(20n);
    const done = await execute(p.id, { cardId });
    expect(done.status).toBe('completed');
    expect(done.card).toEqual({ cardId, first6: '400000', last4: '3055', brand: 'Visa', expMonth: 6, expYear: 2040, holder: null });
  });

  it('is declined by the card: the hold released, the reason kept', async () => {
    const bal = money(await rig.balance());
    for (const [pan, reason] of [
      [NO_PAYOUTS, 'payout_not_permitted'],
      [STOLEN, 'stolen_card'],
    ] as const) {
      const p = await create(700n);
      const at = tick();
      const d = await execute(p.id, { number: pan });
      expect(d).toMatchObject({ status: 'declined', declineReason: reason, completedAt: null, updatedAt: at });
      expect((await transfers(p.id)).map((t) => [t.kind, t.code, t.amount])).toEqual([
        ['pending', 'payout_hold', 700n],
        ['void_pending', 'payout_declined', 700n],
      ]);
      expect((await events(p.id)).at(-1)!.type).toBe('payout.declined');
    }
    expect(money(await rig.balance())).toEqual(bal);
  });

  it('needs the money on the balance: zero balance, then insufficient balance, then exactly enough', async () => {
    const usd = (amount: bigint) =>
      engine.transaction((tx) => engine.payouts.create(tx, { merchantId: 'm1', face: 'way2pay', amount, currency: 'USD' }));
    const empty = await usd(1n);
    expect(await codeOf(execute(empty.id))).toBe('ZERO_BALANCE');
    const pay = await engine.transaction((tx) =>
      engine.payments.create(tx, { merchantId: 'm1', face: 'way2pay', amount: 500n, currency: 'USD', captureMode: 'auto' }),
    );
    await engine.transaction((tx) =>
      engine.payments.authorize(tx, pay.id, {
        source: { kind: 'card', card: { number: NO_3DS, expMonth: 1, expYear: 2099 } },
        merchantName: 'M1',
      }),
    );
    const over = await usd(501n);
    expect(await codeOf(execute(over.id))).toBe('INSUFFICIENT_BALANCE');
    expect((await engine.read((tx) => engine.payouts.get(tx, over.id))).status).toBe('created');
    const exact = await usd(500n);
    expect((await execute(exact.id)).status).toBe('completed');
    expect(money(await rig.balance('m1', 'USD')).available).toBe(0n);
  });

  it('refuses an unknown payout, a bad card number, and one past its expiry (at the instant itself)', async () => {
    expect(await codeOf(execute(987_654_321))).toBe('PAYOUT_NOT_FOUND');
    const p = await create(10n);
    expect(await codeOf(execute(p.id, { number: '4000000000003056' }))).toBe('CARD_NUMBER_INVALID');
    const q = await create(10n, { expiresAt: engine.clock.now() + 1000 });
    engine.clock.advance(1000);
    expect(await codeOf(execute(q.id))).toBe('TOKEN_EXPIRED');
    const r = await create(10n, { expiresAt: engine.clock.now() + 1000 });
    engine.clock.advance(999);
    expect((await execute(r.id)).status).toBe('completed');
  });

  it('expires at its time, by the scheduler, once; a sent payout does not expire', async () => {
    const now = engine.clock.now();
    const p = await create(10n, { expiresAt: now + 60_000 });
    const sent = await create(10n, { expiresAt: now + 60_000 });
    await execute(sent.id);
    expect(await engine.transaction((tx) => engine.payouts.expire(tx, p.id))).toBeNull();
    engine.clock.advance(59_999);
    await engine.scheduler.drain();
    expect((await engine.read((tx) => engine.payouts.get(tx, p.id))).status).toBe('created');
    engine.clock.advance(1);
    await engine.scheduler.drain();
    const expired = await engine.read((tx) => engine.payouts.get(tx, p.id));
    expect([expired.status, expired.updatedAt]).toEqual(['expired', now + 60_000]);
    expect((await events(p.id)).map((e) => e.type)).toEqual(['payout.created', 'payout.expired']);
    expect((await engine.read((tx) => engine.payouts.get(tx, sent.id))).status).toBe('completed');
    expect(await engine.transaction((tx) => engine.payouts.expire(tx, p.id))).toBeNull();
    expect(await engine.transaction((tx) => engine.payouts.expire(tx, 987_654_321))).toBeNull();
    const open = await create(10n);
    expect((await engine.transaction((tx) => engine.payouts.expire(tx, open.id)))!.status).toBe('expired');
  });

  it('keeps metadata', async () => {
    const p = await create(10n);
    const at = tick();
    const m = await engine.transaction((tx) => engine.payouts.setMetadata(tx, p, { n: 2 }));
    expect([m.metadata, m.updatedAt]).toEqual([{ n: 2 }, at]);
    expect((await engine.read((tx) => engine.payouts.get(tx, p.id))).metadata).toEqual({ n: 2 });
  });
});

describe('payout records', () => {
  it('round-trip through JSON with the amount as a decimal string', async () => {
    const p = {
      id: 1,
      merchantId: 'm',
      face: 'numopay' as const,
      status: 'created' as const,
      amount: 12345678901234n,
      currency: 'RUB',
      card: { cardId: 'c', first6: '400000', last4: '3055', brand: 'Visa' as const, expMonth: 1, expYear: 2030, holder: null },
      declineReason: null,
      holdTransferId: null,
      metadata: {},
      expiresAt: null,
      createdAt: 1,
      updatedAt: 1,
      completedAt: null,
    };
    const j = serializePayout(p);
    expect(j.amount).toBe('12345678901234');
    expect(deserializePayout(JSON.parse(JSON.stringify(j)))).toEqual(p);
    expect(serializePayout({ ...p, card: null }).card).toBeNull();
  });
});
