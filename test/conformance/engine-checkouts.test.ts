// Checkouts through the Engine over both real stores: what a payer pays once within a lifetime. An attempt is counted
// and refused with a coded error once the checkout is used up, past its lifetime, paid, cancelled, or while a payment
// of it waits for 3-D Secure; cancelling voids and expiring expires the payment not decided yet; two concurrent
// attempts of a one-attempt checkout make exactly one.
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/core/engine.js';
import type { Checkout } from '../../src/core/model.js';
import type { OpenCheckout } from '../../src/core/checkouts.js';
import { STORES } from '../helpers/stores.js';
import { codeOf, useEngineRig } from './engine-harness.js';

const NO_3DS = '4000000000003055';
const WITH_3DS = '4242424242424242';
const STOLEN = '4000005043000000';

describe.each(STORES)('checkouts on %s', (kind) => {
  let engine: Engine;
  useEngineRig(kind, (rig) => {
    engine = rig.engine;
  });

  let n = 0;
  const open = (more: Partial<OpenCheckout> = {}) =>
    engine.transaction((tx) =>
      engine.checkouts.open(tx, { id: `co-${kind}-${++n}`, merchantId: 'm1', face: 'test', kind: 'order', ...more }),
    );
  const newPayment = () =>
    engine.transaction((tx) =>
      engine.payments.create(tx, { merchantId: 'm1', face: 'test', amount: 1500n, currency: 'RUB', captureMode: 'auto' }),
    );
  const read = (id: string) => engine.read((tx) => tx.checkouts.get(id));
  /** one attempt in its own transaction: the checkout locked, the attempt counted, the payment authorized */
  const pay = (id: string, paymentId: number, number = NO_3DS) =>
    engine.transaction(async (tx) => {
      const c = (await engine.checkouts.lock(tx, id))!;
      await engine.checkouts.attempt(tx, c, { type: 'payment', id: paymentId });
      const r = await engine.payments.authorize(tx, paymentId, {
        source: { kind: 'card', card: { number, expMonth: 1, expYear: 2099 } },
        merchantName: 'M1',
      });
      if (r.kind === 'approved') await engine.checkouts.paid(tx, c, paymentId);
      return r.kind;
    });
  const refusalOf = (id: string) => engine.read(async (tx) => engine.checkouts.refusal(tx, (await tx.checkouts.get(id))!));

  it('opens with its fields as given, open, with no attempt, and reads back the same record', async () => {
    const at = engine.clock.now();
    const c = await open({ kind: 'charge_token', subject: { type: 'payout', id: 77 }, maxAttempts: 1, expiresAt: at + 60_000 });
    const expected: Checkout = {
      id: c.id,
      merchantId: 'm1',
      face: 'test',
      kind: 'charge_token',
      state: 'open',
      subjectType: 'payout',
      subjectId: 77,
      attempts: 0,
      maxAttempts: 1,
      expiresAt: at + 60_000,
      createdAt: at,
      updatedAt: at,
      closedAt: null,
    };
    expect(c).toEqual(expected);
    expect(await read(c.id)).toEqual(expected);
    expect(await codeOf(open({ maxAttempts: 0 }))).toBe('VALIDATION');
    expect(await codeOf(open({ maxAttempts: 1.5 }))).toBe('VALIDATION');
  });

  it('a declined attempt may be retried without a limit; the approved one pays it, and nothing more is allowed', async () => {
    const c = await open();
    const first = await newPayment();
    expect(await pay(c.id, first.id, STOLEN)).toBe('declined');
    expect(await read(c.id)).toMatchObject({ state: 'open', attempts: 1, subjectType: 'payment', subjectId: first.id });
    expect(await refusalOf(c.id)).toBeNull();
    const second = await newPayment();
    engine.clock.advance(1000);
    expect(await pay(c.id, second.id)).toBe('approved');
    expect(await read(c.id)).toMatchObject({ state: 'paid', attempts: 2, subjectId: second.id, closedAt: engine.clock.now() });
    const third = await newPayment();
    expect(await codeOf(pay(c.id, third.id))).toBe('CHECKOUT_PAID');
    expect(await codeOf(engine.transaction(async (tx) => engine.checkouts.cancel(tx, (await engine.checkouts.lock(tx, c.id))!)))).toBe(
      'CHECKOUT_PAID',
    );
    expect((await read(c.id))!.attempts).toBe(2);
  });

  it('a one-attempt checkout refuses its second attempt, even after a decline', async () => {
    const c = await open({ maxAttempts: 1 });
    expect(await pay(c.id, (await newPayment()).id, STOLEN)).toBe('declined');
    expect(await refusalOf(c.id)).toBe('CHECKOUT_USED');
    expect(await codeOf(pay(c.id, (await newPayment()).id))).toBe('CHECKOUT_USED');
    expect(await read(c.id)).toMatchObject({ state: 'open', attempts: 1 });
  });

  it('is expired from the end of its lifetime on, before anyone says so, and refuses attempts', async () => {
    const c = await open({ expiresAt: engine.clock.now() + 10_000 });
    engine.clock.advance(9_999);
    expect(await refusalOf(c.id)).toBeNull();
    expect(engine.checkouts.stateOf((await read(c.id))!)).toBe('open');
    engine.clock.advance(1);
    expect(engine.checkouts.stateOf((await read(c.id))!)).toBe('expired');
    expect(await refusalOf(c.id)).toBe('CHECKOUT_EXPIRED');
    expect(await codeOf(pay(c.id, (await newPayment()).id))).toBe('CHECKOUT_EXPIRED');
    // a used-up checkout says so first, as a one-use token does
    const used = await open({ maxAttempts: 1, expiresAt: engine.clock.now() + 10_000 });
    await pay(used.id, (await newPayment()).id, STOLEN);
    engine.clock.advance(10_000);
    expect(await refusalOf(used.id)).toBe('CHECKOUT_USED');
  });

  it('refuses a new attempt while its payment waits for 3-D Secure; cancelling voids that payment', async () => {
    const c = await open();
    const p = await newPayment();
    expect(await pay(c.id, p.id, WITH_3DS)).toBe('challenge');
    expect(await refusalOf(c.id)).toBe('CHECKOUT_BUSY');
    expect(await codeOf(pay(c.id, (await newPayment()).id))).toBe('CHECKOUT_BUSY');
    engine.clock.advance(1000);
    const cancelled = await engine.transaction(async (tx) => engine.checkouts.cancel(tx, (await engine.checkouts.lock(tx, c.id))!));
    expect(cancelled).toMatchObject({ state: 'cancelled', closedAt: engine.clock.now() });
    expect((await engine.read((tx) => tx.payments.get(p.id)))!.status).toBe('voided');
    expect(await refusalOf(c.id)).toBe('CHECKOUT_CANCELLED');
    // cancelling again changes nothing
    const again = await engine.transaction(async (tx) => engine.checkouts.cancel(tx, (await engine.checkouts.lock(tx, c.id))!));
    expect(again.closedAt).toBe(cancelled.closedAt);
  });

  it('expiring expires the payment not decided yet, and leaves a decided one as it is', async () => {
    const c = await open();
    const p = await newPayment();
    await engine.transaction(async (tx) =>
      engine.checkouts.attach(tx, (await engine.checkouts.lock(tx, c.id))!, { type: 'payment', id: p.id }),
    );
    expect(await read(c.id)).toMatchObject({ attempts: 0, subjectId: p.id });
    const expired = await engine.transaction(async (tx) => engine.checkouts.expire(tx, (await engine.checkouts.lock(tx, c.id))!));
    expect(expired).toMatchObject({ state: 'expired', closedAt: engine.clock.now() });
    expect((await engine.read((tx) => tx.payments.get(p.id)))!.status).toBe('expired');

    const declined = await open();
    const d = await newPayment();
    await pay(declined.id, d.id, STOLEN);
    await engine.transaction(async (tx) => engine.checkouts.expire(tx, (await engine.checkouts.lock(tx, declined.id))!));
    expect((await engine.read((tx) => tx.payments.get(d.id)))!.status).toBe('declined');
    expect(await refusalOf(declined.id)).toBe('CHECKOUT_EXPIRED');
  });

  it('two concurrent attempts of a one-attempt checkout: exactly one is made, the other is refused (the first paid it)', async () => {
    const c = await open({ maxAttempts: 1 });
    const [a, b] = [await newPayment(), await newPayment()];
    const results = await Promise.allSettled([pay(c.id, a.id), pay(c.id, b.id)]);
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<string>).value)).toEqual(['approved']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as { code: string }).code).toBe('CHECKOUT_PAID');
    expect(await read(c.id)).toMatchObject({ state: 'paid', attempts: 1 });
    const statuses = await engine.read(async (tx) => [(await tx.payments.get(a.id))!.status, (await tx.payments.get(b.id))!.status]);
    expect(statuses.sort()).toEqual(['captured', 'created']);
  });

  it('two concurrent attempts of a one-attempt checkout that declines: one is declined, the other refused as used', async () => {
    const c = await open({ maxAttempts: 1 });
    const [a, b] = [await newPayment(), await newPayment()];
    const results = await Promise.allSettled([pay(c.id, a.id, STOLEN), pay(c.id, b.id, STOLEN)]);
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<string>).value)).toEqual(['declined']);
    expect(((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as { code: string }).code).toBe('CHECKOUT_USED');
    expect(await read(c.id)).toMatchObject({ state: 'open', attempts: 1 });
  });
});
