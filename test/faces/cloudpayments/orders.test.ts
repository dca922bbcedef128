// CloudPayments orders: /orders/create gives a Url to the gateway's hosted page (the shared card form, 3-D Secure
// through the ACS, then SuccessRedirectUrl / FailRedirectUrl); an order is paid once; /orders/cancel. On SQLite
// and PostgreSQL.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../../helpers/gateway.js';
import { parseForm, passAcs, postForm } from '../../helpers/browser-lite.js';
import { STORES } from '../../helpers/stores.js';
import { client, cpSeed, startCpGateway } from './helpers.js';

describe.each(STORES)('CloudPayments orders on %s', (store) => {
  let h: TestGateway;
  const cp = () => client(h);

  beforeAll(async () => {
    h = await startCpGateway(store, cpSeed());
  });
  afterAll(async () => {
    await h?.close();
  });
  afterEach(async () => {
    await h.gw.engine.read((tx) => h.gw.engine.ledger.verify(tx));
  });

  async function order(extra: Record<string, unknown> = {}) {
    const r = await cp().createOrder({
      Amount: 1500.5,
      Currency: 'RUB',
      Description: 'Оплата заказа №7',
      Email: 'buyer@example.com',
      InvoiceId: 'order-inv',
      AccountId: 'buyer',
      ...extra,
    });
    expect(r.Success).toBe(true);
    return r.Model as any;
  }

  it('pays an order on its hosted page: a decline first (FailRedirectUrl), then 3-D Secure (SuccessRedirectUrl)', async () => {
    const o = await order({
      SuccessRedirectUrl: 'https://shop.example/ok',
      FailRedirectUrl: 'https://shop.example/fail',
      InvoiceId: 'order-1',
    });
    const page = await fetch(o.Url);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toContain('no-store');
    const html = await page.text();
    expect(html).toContain('CP Shop');
    expect(html).toContain('Оплата заказа №7');
    expect(html).toContain('1\u202f500,50');
    const form = parseForm(html, o.Url, 'pay');
    expect(form.action).toBe(o.Url);
    const bad = await postForm(form.action, { ...form.fields, number: '4242424242424241', exp: '12/35', cvv: '123' });
    expect(bad.status).toBe(400);
    const declined = await postForm(form.action, {
      ...form.fields,
      number: '4000 0566 5566 5556',
      exp: '12/35',
      cvv: '123',
      holder: 'IVAN',
    });
    expect(declined.status).toBe(303);
    expect(declined.headers.get('location')).toBe('https://shop.example/fail');
    expect((await cp().find({ InvoiceId: 'order-1' })).Model).toMatchObject({ Status: 'Declined', ReasonCode: 5051 });
    // a retry with a 3-D Secure card
    const retry = await postForm(form.action, { ...form.fields, number: '4242424242424242', exp: '12/35', cvv: '123', holder: 'IVAN' });
    expect(retry.status).toBe(200);
    const done = await passAcs(await retry.text(), o.Url, { approve: true });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('https://shop.example/ok');
    const paid = (await cp().find({ InvoiceId: 'order-1' })).Model as any;
    expect(paid).toMatchObject({
      Status: 'Completed',
      Amount: 1500.5,
      AccountId: 'buyer',
      Email: 'buyer@example.com',
      Description: 'Оплата заказа №7',
      CardLastFour: '4242',
    });
    // paid once: the page now only redirects, a second card cannot pay again
    expect((await fetch(o.Url, { redirect: 'manual' })).headers.get('location')).toBe('https://shop.example/ok');
    const again = await postForm(form.action, { ...form.fields, number: '4000000000003055', exp: '12/35', cvv: '123' });
    expect(again.status).toBe(303);
    const payments = await h.gw.engine.read((tx) => tx.payments.list({ invoiceId: 'order-1', limit: 10 }));
    expect(payments.map((p) => p.status).sort()).toEqual(['captured', 'declined']);
    expect(await cp().cancelOrder({ Id: o.Id })).toMatchObject({ Success: false, Message: 'The order has already been paid' });
  });

  it('without redirect URLs shows the result; RequireConfirmation authorizes; a declined 3-D Secure lets the payer retry', async () => {
    const o = await order({ RequireConfirmation: true, InvoiceId: 'order-2', CultureName: 'en-US' });
    expect(o.RequireConfirmation).toBe(true);
    const html = await (await fetch(o.Url)).text();
    expect(html).toContain('Payment');
    const form = parseForm(html, o.Url, 'pay');
    const challenge = await postForm(form.action, { ...form.fields, number: '5555555555554444', exp: '12/35', cvv: '123' });
    const failed = await passAcs(await challenge.text(), o.Url, { approve: false });
    expect(failed.status).toBe(200);
    expect(await failed.text()).toContain('id="pay"');
    const ok = await postForm(form.action, { ...form.fields, number: '4000000000003055', exp: '12/35', cvv: '123' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('data-testid="result"');
    const p = (await cp().find({ InvoiceId: 'order-2' })).Model as any;
    expect(p).toMatchObject({ Status: 'Authorized' });
    expect(await cp().confirm({ TransactionId: p.TransactionId, Amount: 1500.5 })).toMatchObject({ Success: true });
  });

  it('cancels an order (its page then refuses to pay); SubscriptionBehavior creates a subscription when paid', async () => {
    const o = await order({ InvoiceId: 'order-3' });
    expect(await cp().cancelOrder({ Id: o.Id })).toEqual(expect.objectContaining({ Success: true, Message: null }));
    const page = await fetch(o.Url);
    expect(page.status).toBe(410);
    const form = parseForm(await (await fetch((await order()).Url)).text(), o.Url, 'pay');
    const refused = await postForm(o.Url, { ...form.fields, number: '4000000000003055', exp: '12/35', cvv: '123' });
    expect(refused.status).toBe(410);
    expect((await cp().find({ InvoiceId: 'order-3' })).Message).toBe('Not found');
    expect((await fetch(`${h.url}/cloudpayments/orders/NoSuchOrder0000`)).status).toBe(404);

    const monthly = await order({ InvoiceId: 'order-4', AccountId: 'subscriber', SubscriptionBehavior: 'CreateMonthly' });
    const f = parseForm(await (await fetch(monthly.Url)).text(), monthly.Url, 'pay');
    expect((await postForm(monthly.Url, { ...f.fields, number: '4000000000003055', exp: '12/35', cvv: '123' })).status).toBe(200);
    const subs = await cp().findSubscriptions({ accountId: 'subscriber' });
    expect(subs.Model).toEqual([
      expect.objectContaining({ Interval: 'Month', Period: 1, Amount: 1500.5, Status: 'Active', Description: 'Оплата заказа №7' }),
    ]);
  });
});
