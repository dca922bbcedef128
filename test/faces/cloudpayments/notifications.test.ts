// CloudPayments notifications to a real local receiver whose requests go, raw, to the npm `cloudpayments`
// NotificationHandlers (which check Content-HMAC over the raw body or query): Check (synchronous; its answer
// decides), Pay, Fail, Confirm, Refund, Cancel, Recurrent; GET or POST per /site/notifications; retries until
// {"code":0}. On SQLite and PostgreSQL.
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotificationHandlers } from 'cloudpayments';
import { declineCardPan } from '../../../src/core/network/test-cards.js';
import type { TestGateway } from '../../helpers/gateway.js';
import { eventually } from '../../helpers/eventually.js';
import { STORES } from '../../helpers/stores.js';
import { card, client, cpSeed, CpReceiver, NOTIFY, raw, startCpGateway, VISA_NO_3DS } from './helpers.js';

const NOTIFY_AUTH = 'Basic ' + Buffer.from(`${NOTIFY.publicId}:${NOTIFY.apiSecret}`).toString('base64');
const hmac = (data: string) => createHmac('sha256', NOTIFY.apiSecret).update(data, 'utf8').digest('base64');

describe.each(STORES)('CloudPayments notifications on %s', (store) => {
  let h: TestGateway;
  let rx: CpReceiver;
  const cp = () => client(h, NOTIFY);

  beforeAll(async () => {
    rx = await new CpReceiver(new NotificationHandlers({ publicId: NOTIFY.publicId, privateKey: NOTIFY.apiSecret })).start();
    h = await startCpGateway(
      store,
      cpSeed({
        check: { address: `${rx.url}/cp/check`, httpMethod: 'POST' },
        pay: { address: `${rx.url}/cp/pay`, httpMethod: 'POST' },
        fail: { address: `${rx.url}/cp/fail?shop=1`, httpMethod: 'GET' },
        confirm: { address: `${rx.url}/cp/confirm`, httpMethod: 'POST' },
        refund: { address: `${rx.url}/cp/refund`, httpMethod: 'GET' },
        recurrent: { address: `${rx.url}/cp/recurrent`, httpMethod: 'POST' },
        cancel: { address: `${rx.url}/cp/cancel`, httpMethod: 'POST' },
      }),
    );
  });
  afterAll(async () => {
    await h?.close();
    await rx?.close();
  });
  afterEach(async () => {
    rx.codes = {};
    rx.httpStatus = {};
    await h.gw.engine.read((tx) => h.gw.engine.ledger.verify(tx));
  });

  async function charge(number: string, extra: Record<string, unknown> = {}, path: 'charge' | 'auth' = 'charge') {
    const c = cp();
    const body = {
      Amount: 10,
      Currency: 'RUB',
      IpAddress: '195.91.194.13',
      Name: 'CARDHOLDER NAME',
      CardCryptogramPacket: await c.cryptogram(card(number)),
      AccountId: 'notified_user',
      ...extra,
    };
    return path === 'charge' ? c.chargeCryptogram(body) : c.authCryptogram(body);
  }

  it('Check, then Pay (POST form): signed, validated by the npm handlers, with the documented fields', async () => {
    const r = await charge(VISA_NO_3DS, {
      InvoiceId: 'inv-pay',
      Email: 'payer@example.com',
      Description: 'Заказ №1 & co',
      JsonData: { name: 'Иван', comment: 'a=b&c' },
    });
    expect(r.Success).toBe(true);
    const m = r.Model as any;
    const check = rx.of('check', (g) => g.request?.InvoiceId === 'inv-pay')[0]!;
    expect(check.error).toBeNull();
    expect(check.method).toBe('POST');
    expect(check.request).toMatchObject({
      TransactionId: String(m.TransactionId),
      Amount: '10.00',
      Currency: 'RUB',
      Status: 'Completed',
      OperationType: 'Payment',
      InvoiceId: 'inv-pay',
      CardFirstSix: '400000',
      CardLastFour: '3055',
      TestMode: '1',
    });
    const pay = await rx.waitFor('pay', (g) => g.request?.TransactionId === String(m.TransactionId));
    expect(pay.error).toBeNull();
    expect(pay.method).toBe('POST');
    expect(pay.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(pay.headers['content-hmac']).toBe(hmac(pay.body));
    expect(pay.headers['x-content-hmac']).toBe(hmac(decodeURIComponent(pay.body.replace(/\+/g, ' '))));
    expect(pay.request).toMatchObject({
      TransactionId: String(m.TransactionId),
      Amount: '10.00',
      Currency: 'RUB',
      PaymentAmount: '10.00',
      PaymentCurrency: 'RUB',
      CardFirstSix: '400000',
      CardLastFour: '3055',
      CardType: 'Visa',
      CardExpDate: '12/35',
      TestMode: '1',
      Status: 'Completed',
      OperationType: 'Payment',
      GatewayName: expect.any(String),
      InvoiceId: 'inv-pay',
      AccountId: 'notified_user',
      Name: 'CARDHOLDER NAME',
      Email: 'payer@example.com',
      IpAddress: '195.91.194.13',
      Description: 'Заказ №1 & co',
      AuthCode: m.AuthCode,
      Token: m.Token,
      TotalFee: '0',
    });
    expect(pay.request!.DateTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(JSON.parse(pay.request!.Data)).toEqual({ name: 'Иван', comment: 'a=b&c' });
  });

  it('Fail as GET (the query string signed, the merchant address keeping its own query)', async () => {
    const r = await charge('4000056655665556', { InvoiceId: 'inv-fail' });
    const m = r.Model as any;
    const fail = await rx.waitFor('fail', (g) => g.request?.TransactionId === String(m.TransactionId));
    expect(fail.error).toBeNull();
    expect(fail.method).toBe('GET');
    expect(fail.url.startsWith('/cp/fail?shop=1&TransactionId=')).toBe(true);
    const query = fail.url.slice(fail.url.indexOf('?') + 1);
    expect(fail.headers['content-hmac']).toBe(hmac(query));
    expect(fail.request).toMatchObject({
      Reason: 'InsufficientFunds',
      ReasonCode: '5051',
      Status: 'Declined',
      OperationType: 'Payment',
      InvoiceId: 'inv-fail',
      shop: '1',
    });
  });

  it('two-stage: Pay (Authorized), then Confirm; a voided authorization sends Cancel; a refund sends Refund', async () => {
    const a = (await charge(VISA_NO_3DS, { Amount: 40, InvoiceId: 'inv-2stage' }, 'auth')).Model as any;
    const pay = await rx.waitFor('pay', (g) => g.request?.TransactionId === String(a.TransactionId));
    expect(pay.request!.Status).toBe('Authorized');
    expect(await cp().confirm({ TransactionId: a.TransactionId, Amount: 40 })).toMatchObject({ Success: true });
    const confirm = await rx.waitFor('confirm', (g) => g.request?.TransactionId === String(a.TransactionId));
    expect(confirm.error).toBeNull();
    expect(confirm.request).toMatchObject({ Status: 'Completed', Amount: '40.00', InvoiceId: 'inv-2stage' });

    const b = (await charge(VISA_NO_3DS, { Amount: 41 }, 'auth')).Model as any;
    await cp().void({ TransactionId: b.TransactionId });
    const cancel = await rx.waitFor('cancel', (g) => g.request?.TransactionId === String(b.TransactionId));
    expect(cancel.error).toBeNull();
    expect(Object.keys(cancel.request!)).toEqual(['TransactionId', 'Amount', 'DateTime', 'InvoiceId', 'AccountId', 'Email', 'Data', 'Rrn']);
    expect(cancel.request!.Amount).toBe('41.00');

    const refund = await cp().refund({ TransactionId: a.TransactionId, Amount: 15.5, JsonData: { reason: 'return' } });
    const rid = (refund.Model as any).TransactionId;
    const got = await rx.waitFor('refund', (g) => g.request?.TransactionId === String(rid));
    expect(got.error).toBeNull();
    expect(got.method).toBe('GET');
    expect(got.request).toMatchObject({
      PaymentTransactionId: String(a.TransactionId),
      Amount: '15.50',
      OperationType: 'Refund',
      InvoiceId: 'inv-2stage',
      AccountId: 'notified_user',
    });
    expect(JSON.parse(got.request!.Data)).toEqual({ reason: 'return' });
  });

  it('Check refused (code 13, code 10, no answer) declines the payment with the registration code', async () => {
    rx.codes.check = 13;
    const r = await charge(VISA_NO_3DS, { InvoiceId: 'inv-refused' });
    expect(r.Success).toBe(false);
    expect(r.Message).toBeNull();
    expect(r.Model).toMatchObject({ Status: 'Declined', ReasonCode: 3008, Reason: 'NotAccepted', CardFirstSix: '400000' });
    const fail = await rx.waitFor('fail', (g) => g.request?.InvoiceId === 'inv-refused');
    expect(fail.request!.ReasonCode).toBe('3008');
    rx.codes.check = 10;
    expect((await charge(VISA_NO_3DS)).Model).toMatchObject({ ReasonCode: 3001, Reason: 'InvalidInvoiceId' });
    rx.codes.check = 0;
    rx.httpStatus.check = 500;
    expect((await charge(VISA_NO_3DS)).Model).toMatchObject({ ReasonCode: 3007, Reason: 'UnableToConnect' });
    // the Check delivery is recorded, with its one attempt
    const deliveries = await h.gw.engine.read((tx) => tx.deliveries.list({ merchantId: NOTIFY.id, limit: 500 }));
    expect(deliveries.filter((d) => d.kind === 'Check' && d.status === 'failed').length).toBeGreaterThanOrEqual(3);
    // a token payment is checked too
    rx.httpStatus = {};
    rx.codes.check = 0;
    const token = ((await charge(VISA_NO_3DS, { AccountId: 'tok' })).Model as any).Token;
    rx.codes.check = 12;
    expect((await cp().chargeToken({ Amount: 1, Currency: 'RUB', AccountId: 'tok', Token: token })).Model).toMatchObject({
      ReasonCode: 3003,
      Reason: 'InvalidAmount',
    });
  });

  it('an idempotent replay sends no second Check', async () => {
    const c = cp();
    const body = JSON.stringify({
      Amount: 5,
      Currency: 'RUB',
      CardCryptogramPacket: await c.cryptogram(card(VISA_NO_3DS)),
      InvoiceId: 'inv-idem-check',
    });
    const a = await raw(h, '/payments/cards/charge', body, { auth: NOTIFY_AUTH, requestId: 'notify-idem' });
    const b = await raw(h, '/payments/cards/charge', body, { auth: NOTIFY_AUTH, requestId: 'notify-idem' });
    expect(b.text).toBe(a.text);
    expect(rx.of('check', (g) => g.request?.InvoiceId === 'inv-idem-check').length).toBe(1);
  });

  it('retries until {"code":0}: after an HTTP error and after a non-zero code, on the documented schedule', async () => {
    rx.httpStatus.pay = 500;
    const m = (await charge(VISA_NO_3DS, { InvoiceId: 'inv-retry' })).Model as any;
    await rx.waitFor('pay', (g) => g.request?.TransactionId === String(m.TransactionId));
    rx.httpStatus = {};
    rx.codes.pay = 13;
    h.gw.clock.advance(60_000);
    await eventually(() => expect(rx.of('pay', (g) => g.request?.TransactionId === String(m.TransactionId)).length).toBe(2));
    rx.codes = {};
    h.gw.clock.advance(2 * 60_000);
    await eventually(async () => {
      const list = await h.gw.engine.read((tx) =>
        tx.deliveries.list({ subjectType: 'payment', subjectId: String(m.TransactionId), limit: 10 }),
      );
      const pay = list.find((d) => d.kind === 'Pay')!;
      expect([pay.status, pay.attempts, pay.maxAttempts, pay.schedule]).toEqual([
        'delivered',
        3,
        100,
        [60_000, 120_000, 300_000, 600_000, 1_800_000],
      ]);
    });
    expect(rx.of('pay', (g) => g.request?.TransactionId === String(m.TransactionId)).map((g) => g.answered)).toEqual([500, 200, 200]);
  });

  it('reads and changes /site/notifications settings: a Pay switched to GET comes as GET; Windows-1251 encoding', async () => {
    const settings = await cp().notificationSettings('pay');
    expect(settings).toMatchObject({
      Success: true,
      Message: null,
      Model: { IsEnabled: true, Address: `${rx.url}/cp/pay`, HttpMethod: 'POST', Encoding: 'UTF8', Format: 'CloudPayments' },
    });
    expect(Object.keys(settings.Model!)).toEqual(['IsEnabled', 'Address', 'HttpMethod', 'Encoding', 'Format']);
    expect((await cp().notificationSettings('Check')).Model).toMatchObject({ IsEnabled: true, HttpMethod: 'POST' });
    expect((await client(h).notificationSettings('Pay')).Model).toEqual({
      IsEnabled: false,
      Address: null,
      HttpMethod: 'GET',
      Encoding: 'UTF8',
      Format: 'CloudPayments',
    });
    expect(await cp().updateNotificationSettings('pay', { HttpMethod: 'GET' })).toMatchObject({ Success: true, Message: null });
    const m = (await charge(VISA_NO_3DS, { InvoiceId: 'inv-get' })).Model as any;
    const pay = await rx.waitFor('pay', (g) => g.request?.TransactionId === String(m.TransactionId));
    expect(pay.method).toBe('GET');
    expect(pay.error).toBeNull();
    await cp().updateNotificationSettings('Fail', { Encoding: 'Windows1251' });
    const f = (await charge('4000056655665556', { Description: 'Ёлка' })).Model as any;
    const fail = await rx.waitFor('fail', (g) => g.url.includes(`TransactionId=${f.TransactionId}&`));
    expect(fail.error).toBeNull();
    expect(fail.url).toContain('Description=%A8%EB%EA%E0');
    const query = fail.url.slice(fail.url.indexOf('?') + 1);
    expect(fail.headers['x-content-hmac']).toBe(
      hmac(decodeURIComponent(query.replace(/%A8%EB%EA%E0/, encodeURIComponent('Ёлка')).replace(/\+/g, ' '))),
    );
    await cp().updateNotificationSettings('pay', { HttpMethod: 'POST' });
    await cp().updateNotificationSettings('fail', { Encoding: 'UTF8' });
    // switched off: nothing is sent
    await cp().updateNotificationSettings('Confirm', { IsEnabled: false });
    const a = (await charge(VISA_NO_3DS, {}, 'auth')).Model as any;
    await cp().confirm({ TransactionId: a.TransactionId, Amount: 10 });
    await rx.waitFor('pay', (g) => g.request?.TransactionId === String(a.TransactionId));
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.of('confirm', (g) => g.request?.TransactionId === String(a.TransactionId))).toEqual([]);
    await cp().updateNotificationSettings('Confirm', { IsEnabled: true });
  });

  it('payouts notify Pay and Fail with OperationType CardPayout', async () => {
    await charge(VISA_NO_3DS, { Amount: 100 });
    const c = cp();
    const ok = await c.payoutCryptogram({
      CardCryptogramPacket: await c.cryptogram(card('5555555555554444')),
      Amount: 3,
      Currency: 'RUB',
      AccountId: 'payee',
      InvoiceId: 'inv-payout',
    });
    const pay = await rx.waitFor('pay', (g) => g.request?.TransactionId === String((ok.Model as any).TransactionId));
    expect(pay.request).toMatchObject({
      OperationType: 'CardPayout',
      Status: 'Completed',
      Amount: '3.00',
      InvoiceId: 'inv-payout',
      CardType: 'MasterCard',
    });
    const bad = await c.payoutCryptogram({
      CardCryptogramPacket: await c.cryptogram(card(declineCardPan('payout_not_permitted'))),
      Amount: 3,
      Currency: 'RUB',
      AccountId: 'payee',
    });
    expect(bad.Model).toMatchObject({ Status: 'Declined', ReasonCode: 5057 });
    const fail = await rx.waitFor('fail', (g) => g.request?.TransactionId === String((bad.Model as any).TransactionId));
    expect(fail.error).toBeNull();
    expect(fail.request).toMatchObject({ OperationType: 'CardPayout', ReasonCode: '5057', Reason: 'TransactionNotPermitted' });
  });

  it('Recurrent on a subscription status change (handleRecurrentRequest)', async () => {
    const token = ((await charge(VISA_NO_3DS, { AccountId: 'rec_user' })).Model as any).Token;
    const sub = (
      await cp().createSubscription({
        Token: token,
        AccountId: 'rec_user',
        Description: 'Подписка',
        Email: 'rec@example.com',
        Amount: 99.9,
        Currency: 'RUB',
        RequireConfirmation: false,
        StartDate: new Date(h.gw.clock.now() + 3_600_000).toISOString(),
        Interval: 'Week',
        Period: 2,
        MaxPeriods: 5,
      })
    ).Model as any;
    await cp().cancelSubscription({ Id: sub.Id });
    const rec = await rx.waitFor('recurrent', (g) => g.request?.Id === sub.Id);
    expect(rec.error).toBeNull();
    expect(rec.request).toEqual({
      Id: sub.Id,
      AccountId: 'rec_user',
      Description: 'Подписка',
      Email: 'rec@example.com',
      Amount: '99.90',
      Currency: 'RUB',
      RequireConfirmation: '0',
      StartDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
      Interval: 'Week',
      Period: '2',
      Status: 'Cancelled',
      SuccessfulTransactionsNumber: '0',
      FailedTransactionsNumber: '0',
      MaxPeriods: '5',
      LastTransactionDate: '',
      NextTransactionDate: '',
    });
  });
});
