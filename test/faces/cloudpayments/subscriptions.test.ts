// CloudPayments subscriptions charging on their schedule under the test clock (the scheduler, driven by
// engine.clock): three periods then Expired; failures make it PastDue, then Rejected after three in a row;
// updates re-activate; two-stage subscriptions authorize. Pay/Fail carry SubscriptionId; status changes send
// Recurrent. On SQLite and PostgreSQL.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotificationHandlers } from 'cloudpayments';
import { addInterval } from '../../../src/faces/cloudpayments/service/subscriptions.js';
import type { TestGateway } from '../../helpers/gateway.js';
import { eventually } from '../../helpers/eventually.js';
import { STORES } from '../../helpers/stores.js';
import { card, client, cpSeed, CpReceiver, NOTIFY, startCpGateway, VISA_NO_3DS } from './helpers.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('subscription periods', () => {
  it('adds days, weeks and months (a month keeps the day, clamped to the end of the month)', () => {
    const jan31 = Date.UTC(2024, 0, 31, 10, 30);
    expect(new Date(addInterval(jan31, 'Month', 1)).toISOString()).toBe('2024-02-29T10:30:00.000Z');
    expect(new Date(addInterval(jan31, 'Month', 13)).toISOString()).toBe('2025-02-28T10:30:00.000Z');
    expect(addInterval(jan31, 'Week', 2) - jan31).toBe(14 * DAY);
    expect(addInterval(jan31, 'Day', 3) - jan31).toBe(3 * DAY);
  });
});

describe.each(STORES)('CloudPayments subscriptions on %s', (store) => {
  let h: TestGateway;
  let rx: CpReceiver;
  const cp = () => client(h, NOTIFY);

  beforeAll(async () => {
    rx = await new CpReceiver(new NotificationHandlers({ publicId: NOTIFY.publicId, privateKey: NOTIFY.apiSecret })).start();
    h = await startCpGateway(
      store,
      cpSeed({
        pay: { address: `${rx.url}/cp/pay`, httpMethod: 'POST' },
        fail: { address: `${rx.url}/cp/fail`, httpMethod: 'POST' },
        recurrent: { address: `${rx.url}/cp/recurrent`, httpMethod: 'POST' },
      }),
    );
  });
  afterAll(async () => {
    await h?.close();
    await rx?.close();
  });
  afterEach(async () => {
    await h.gw.engine.read((tx) => h.gw.engine.ledger.verify(tx));
  });

  async function tokenFor(number: string, accountId: string): Promise<string> {
    const c = cp();
    const r = await c.chargeCryptogram({
      Amount: 1,
      Currency: 'RUB',
      AccountId: accountId,
      CardCryptogramPacket: await c.cryptogram(card(number)),
    });
    expect(r.Success).toBe(true);
    return (r.Model as any).Token;
  }

  /** Moves the gateway clock and runs what became due. */
  async function advance(ms: number) {
    h.gw.clock.advance(ms);
    await h.gw.engine.scheduler.drain();
  }

  const subscriptionPayments = (id: string) =>
    h.gw.engine.read(async (tx) =>
      (await tx.payments.list({ merchantId: NOTIFY.id, face: 'cloudpayments', limit: 1000 })).filter(
        (p) => (p.metadata as { subscriptionId?: string }).subscriptionId === id,
      ),
    );

  it('charges three periods on schedule, then expires (MaxPeriods 3)', async () => {
    const token = await tokenFor(VISA_NO_3DS, 'sub_three');
    const start = h.gw.clock.now() + HOUR;
    const created = await cp().createSubscription({
      Token: token,
      AccountId: 'sub_three',
      Description: 'Daily plan',
      Email: 'three@example.com',
      Amount: 25,
      Currency: 'RUB',
      RequireConfirmation: false,
      StartDate: new Date(start).toISOString(),
      Interval: 'Day',
      Period: 1,
      MaxPeriods: 3,
    });
    const id = (created.Model as any).Id as string;
    await advance(30 * 60_000);
    expect(await subscriptionPayments(id)).toEqual([]);
    for (let n = 1; n <= 3; n++) {
      await advance(n === 1 ? 31 * 60_000 : DAY);
      await eventually(async () => expect((await subscriptionPayments(id)).length).toBe(n));
      const s = (await cp().getSubscription({ Id: id })).Model as any;
      expect(s.SuccessfulTransactionsNumber).toBe(n);
      expect(s.FailedTransactionsNumber).toBe(0);
      expect(s.LastTransactionDateIso).not.toBeNull();
      if (n < 3) {
        expect(s.Status).toBe('Active');
        expect(s.NextTransactionDateIso).toBe(new Date(start + n * DAY).toISOString().slice(0, 19));
      } else {
        expect(s).toMatchObject({ Status: 'Expired', StatusCode: 4, NextTransactionDate: null, NextTransactionDateIso: null });
      }
    }
    const payments = await subscriptionPayments(id);
    expect(payments.map((p) => [p.status, p.amount, p.payerRef])).toEqual([
      ['captured', 2500n, 'sub_three'],
      ['captured', 2500n, 'sub_three'],
      ['captured', 2500n, 'sub_three'],
    ]);
    const got = (await cp().get({ TransactionId: payments[0]!.id })).Model as any;
    expect(got).toMatchObject({ SubscriptionId: id, Token: token, Status: 'Completed' });
    await eventually(() => expect(rx.of('pay', (g) => g.request?.SubscriptionId === id).length).toBe(3));
    for (const p of rx.of('pay', (g) => g.request?.SubscriptionId === id)) expect(p.error).toBeNull();
    const rec = await rx.waitFor('recurrent', (g) => g.request?.Id === id);
    expect(rec.error).toBeNull();
    expect(rec.request).toMatchObject({ Status: 'Expired', SuccessfulTransactionsNumber: '3', MaxPeriods: '3', NextTransactionDate: '' });
    // nothing more is charged
    await advance(3 * DAY);
    expect((await subscriptionPayments(id)).length).toBe(3);
  });

  it('goes PastDue after a failure, retries a day later, and is Rejected after three failures in a row', async () => {
    // 4111 1111 1111 1111 pays by card but its token payments are declined for insufficient funds
    const token = await tokenFor('4111111111111111', 'sub_fail');
    const start = h.gw.clock.now() + HOUR;
    const id = (
      (
        await cp().createSubscription({
          Token: token,
          AccountId: 'sub_fail',
          Description: 'Monthly',
          Amount: 10,
          Currency: 'RUB',
          RequireConfirmation: false,
          StartDate: new Date(start).toISOString(),
          Interval: 'Month',
          Period: 1,
        })
      ).Model as any
    ).Id as string;
    await advance(HOUR + 1000);
    await eventually(async () => expect(((await cp().getSubscription({ Id: id })).Model as any).FailedTransactionsNumber).toBe(1));
    let s = (await cp().getSubscription({ Id: id })).Model as any;
    expect(s).toMatchObject({ Status: 'PastDue', StatusCode: 1, SuccessfulTransactionsNumber: 0 });
    const retryAt = Date.parse(s.NextTransactionDateIso + 'Z');
    expect(retryAt - h.gw.clock.now()).toBeGreaterThan(DAY - 60_000);
    const fail = await rx.waitFor('fail', (g) => g.request?.SubscriptionId === id);
    expect(fail.request).toMatchObject({ ReasonCode: '5051', Reason: 'InsufficientFunds' });
    await rx.waitFor('recurrent', (g) => g.request?.Id === id && g.request?.Status === 'PastDue');
    await advance(DAY);
    await eventually(async () => expect(((await cp().getSubscription({ Id: id })).Model as any).FailedTransactionsNumber).toBe(2));
    expect(((await cp().getSubscription({ Id: id })).Model as any).Status).toBe('PastDue');
    await advance(DAY);
    await eventually(async () => expect(((await cp().getSubscription({ Id: id })).Model as any).Status).toBe('Rejected'));
    s = (await cp().getSubscription({ Id: id })).Model as any;
    expect(s).toMatchObject({ FailedTransactionsNumber: 3, StatusCode: 2, NextTransactionDateIso: null });
    await rx.waitFor('recurrent', (g) => g.request?.Id === id && g.request?.Status === 'Rejected');
    expect(rx.of('recurrent', (g) => g.request?.Id === id).map((g) => g.request!.Status)).toEqual(['PastDue', 'Rejected']);
    await advance(3 * DAY);
    expect((await subscriptionPayments(id)).length).toBe(3);
  });

  it('an update re-activates a cancelled subscription; a two-stage subscription authorizes', async () => {
    const token = await tokenFor(VISA_NO_3DS, 'sub_update');
    const id = (
      (
        await cp().createSubscription({
          Token: token,
          AccountId: 'sub_update',
          Description: 'Weekly',
          Amount: 5,
          Currency: 'RUB',
          RequireConfirmation: true,
          StartDate: new Date(h.gw.clock.now() + DAY).toISOString(),
          Interval: 'Week',
          Period: 1,
        })
      ).Model as any
    ).Id as string;
    await cp().cancelSubscription({ Id: id });
    await advance(2 * DAY);
    expect(await subscriptionPayments(id)).toEqual([]);
    const next = h.gw.clock.now() + HOUR;
    const updated = (await cp().updateSubscription({ Id: id, StartDate: new Date(next).toISOString(), Amount: 7 })).Model as any;
    expect(updated).toMatchObject({
      Status: 'Active',
      Amount: 7,
      NextTransactionDateIso: new Date(next).toISOString().slice(0, 19),
      IntervalCode: 0,
      Interval: 'Week',
    });
    await advance(HOUR + 1000);
    await eventually(async () => expect((await subscriptionPayments(id)).length).toBe(1));
    const [p] = await subscriptionPayments(id);
    expect([p!.status, p!.amount]).toEqual(['authorized', 700n]);
    expect(((await cp().getSubscription({ Id: id })).Model as any).NextTransactionDateIso).toBe(
      new Date(next + 7 * DAY).toISOString().slice(0, 19),
    );
    expect(rx.of('recurrent', (g) => g.request?.Id === id).map((g) => g.request!.Status)).toEqual(['Cancelled', 'Active']);
    const found = await cp().findSubscriptions({ accountId: 'sub_update' });
    expect((found.Model as any[]).map((x) => x.Id)).toEqual([id]);
    await cp().void({ TransactionId: p!.id });
  });
});
