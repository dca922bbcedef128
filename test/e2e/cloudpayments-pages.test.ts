// CloudPayments' payer pages in a real browser: the order page (order `Url`) through 3-D Secure, with a
// decline card and with three wrong one-time codes, landing on SuccessRedirectUrl / FailRedirectUrl while the
// merchant's own site gets signed Pay / Fail notifications; a merchant page that builds a cryptogram with the
// gateway's /cloudpayments/checkout.js and passes 3-D Secure in the browser (AcsUrl form post with PaReq, MD,
// TermUrl; then post3ds with the npm `cloudpayments` client); pages opened twice, reloaded or submitted twice
// pay once; card data goes only to the gateway; card pages are never cached and carry a CSP.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ClientService } from 'cloudpayments';
import { CloudPaymentsClient } from '../../src/faces/cloudpayments/client.js';
import { declineCardPan } from '../../src/core/network/test-cards.js';
import { launchBrowser, shot } from '../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { STORES } from '../helpers/stores.js';
import { carrying, MerchantSite, overflowX, recordRequests, SHOP_PAGE, unlabelled, type Hit } from './merchant-site.js';

const SHOP = { id: 'cp_e2e', publicId: 'pk_e2e0c1d2e3f405162738495a6b7c8', apiSecret: 'cp_api_secret_e2e_pages' };

describe.each(STORES)('CloudPayments pages in a real browser on %s', (store) => {
  let h: TestGateway;
  let site: MerchantSite;
  let browser: Browser;
  const cp = () => new CloudPaymentsClient({ endpoint: `${h.url}/cloudpayments`, publicId: SHOP.publicId, apiSecret: SHOP.apiSecret });
  const npm = () =>
    new ClientService({
      publicId: SHOP.publicId,
      privateKey: SHOP.apiSecret,
      endpoint: `${h.url}/cloudpayments`,
      org: { inn: 7708806063, taxationSystem: 0 },
    }).getClientApi();

  beforeAll(async () => {
    site = await new MerchantSite().start();
    for (const kind of ['pay', 'fail']) site.routes.set(`/cp/${kind}`, { body: '{"code":0}' });
    h = await startTestGateway(store, {
      merchants: [
        {
          id: SHOP.id,
          name: 'CP Browser Shop',
          currencies: ['RUB', 'USD'],
          cloudpayments: {
            publicId: SHOP.publicId,
            apiSecret: SHOP.apiSecret,
            notifications: {
              pay: { address: `${site.url}/cp/pay`, httpMethod: 'POST' },
              fail: { address: `${site.url}/cp/fail`, httpMethod: 'POST' },
            },
          },
        },
      ],
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await site?.close();
  });

  /** Notifications of one kind for an invoice, each checked for its Content-HMAC over the raw body. */
  const notes = (kind: 'pay' | 'fail', invoice: string): Hit[] =>
    site
      .of(`/cp/${kind}`, (x) => x.form.InvoiceId === invoice)
      .map((x) => {
        expect(x.headers['content-hmac']).toBe(createHmac('sha256', SHOP.apiSecret).update(x.body, 'utf8').digest('base64'));
        return x;
      });

  const order = async (invoice: string, extra: Record<string, unknown> = {}) => {
    const r = await cp().createOrder({
      Amount: 1500.5,
      Currency: 'RUB',
      Description: 'Заказ №' + invoice,
      InvoiceId: invoice,
      AccountId: 'buyer',
      SuccessRedirectUrl: `${site.url}/ok?inv=${invoice}`,
      FailRedirectUrl: `${site.url}/fail?inv=${invoice}`,
      ...extra,
    });
    expect(r.Success).toBe(true);
    return r.Model as { Id: string; Url: string };
  };

  const paymentsOf = async (invoice: string) => {
    const res = await fetch(`${h.url}/admin/api/payments?merchant=${SHOP.id}&limit=500`, {
      headers: { authorization: `Bearer ${h.gw.adminToken}` },
    });
    expect(res.status).toBe(200);
    const j = (await res.json()) as { items: Array<{ invoiceId: string | null; status: string }> };
    return j.items.filter((p) => p.invoiceId === invoice).map((p) => p.status);
  };

  async function fillCard(page: Page, pan: string) {
    await page.fill('#number', '');
    await page.type('#number', pan);
    await page.fill('#exp', '');
    await page.type('#exp', '1230');
    await page.fill('#cvv', '123');
    await page.fill('#holder', 'IVAN IVANOV');
  }

  it('pays an order through 3-D Secure: card form, ACS, SuccessRedirectUrl and a Pay notification; a reload pays nothing more', async () => {
    const o = await order('cp-3ds');
    const page = await browser.newPage({ locale: 'ru-RU' });
    const sent = recordRequests(page);
    const res = await page.goto(o.Url);
    expect(res!.status()).toBe(200);
    expect(res!.headers()['cache-control']).toContain('no-store');
    expect(res!.headers()['content-security-policy']).toMatch(/script-src 'nonce-[^']+'/);
    expect(res!.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res!.headers()['x-frame-options']).toBe('DENY');
    expect(await page.textContent('h1')).toBe('Оплата');
    expect(await page.textContent('[data-testid=merchant]')).toBe('CP Browser Shop');
    expect(await page.textContent('[data-testid=amount]')).toBe('1\u202f500,50 ₽');
    expect(await unlabelled(page)).toEqual([]);
    await fillCard(page, '4242424242424242');
    expect(await page.inputValue('#number')).toBe('4242 4242 4242 4242');
    expect(await page.textContent('#brand')).toBe('Visa');
    await shot(page, 'cloudpayments-order-card-form');
    const acsRes = page.waitForResponse((r) => r.url() === `${h.url}/acs`);
    await Promise.all([page.waitForSelector('#approve'), page.click('#submit')]);
    expect((await acsRes).headers()['cache-control']).toContain('no-store');
    expect(await page.textContent('[data-testid=acs-merchant]')).toBe('CP Browser Shop');
    expect(await page.textContent('[data-testid=acs-amount]')).toBe('1\u202f500,50 ₽');
    expect(await page.textContent('[data-testid=acs-card]')).toBe('424242******4242');
    expect(await page.content()).not.toContain('4242424242424242');
    await shot(page, 'cloudpayments-order-acs');
    await Promise.all([page.waitForURL(`${site.url}/ok?inv=cp-3ds`), page.click('#approve')]);
    expect(await page.textContent('h1')).toBe('Shop: /ok');
    const pay = await site.waitFor(() => notes('pay', 'cp-3ds')[0]);
    expect(pay.form).toMatchObject({
      Amount: '1500.50',
      Currency: 'RUB',
      Status: 'Completed',
      OperationType: 'Payment',
      CardFirstSix: '424242',
      CardLastFour: '4242',
      AccountId: 'buyer',
    });
    expect(pay.body).not.toContain('4242424242424242');
    expect((await cp().find({ InvoiceId: 'cp-3ds' })).Model).toMatchObject({ Status: 'Completed', Amount: 1500.5 });
    // the card number went only to the gateway, and only in the card form's post
    const withPan = carrying(sent, '4242424242424242');
    expect(withPan.map((s) => `${s.method} ${s.url}`)).toEqual([`POST ${o.Url}`]);
    // reloading the order page, or opening it again, only sends the payer back to the shop
    await page.goto(o.Url);
    await page.waitForURL(`${site.url}/ok?inv=cp-3ds`);
    await page.goBack();
    await page.reload();
    await page.waitForURL(/\/ok\?inv=cp-3ds$/);
    await new Promise((r) => setTimeout(r, 300));
    expect(notes('pay', 'cp-3ds')).toHaveLength(1);
    expect(await paymentsOf('cp-3ds')).toEqual(['captured']);
    await page.close();
  });

  it('a decline card lands on FailRedirectUrl with a Fail notification; the payer can come back and pay', async () => {
    const o = await order('cp-decline');
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(o.Url + '?lang=en');
    expect(await page.textContent('h1')).toBe('Payment');
    await fillCard(page, declineCardPan('insufficient_funds'));
    await Promise.all([page.waitForURL(`${site.url}/fail?inv=cp-decline`), page.click('#submit')]);
    const fail = await site.waitFor(() => notes('fail', 'cp-decline')[0]);
    expect(fail.form).toMatchObject({
      Status: 'Declined',
      ReasonCode: '5051',
      Reason: 'InsufficientFunds',
      CardLastFour: declineCardPan('insufficient_funds').slice(-4),
    });
    expect((await cp().find({ InvoiceId: 'cp-decline' })).Model).toMatchObject({ Status: 'Declined', ReasonCode: 5051 });
    // the order is still open: the page shows the form again and a good card pays it
    await page.goto(o.Url + '?lang=en');
    await fillCard(page, '4000000000003055');
    await Promise.all([page.waitForURL(`${site.url}/ok?inv=cp-decline`), page.click('#submit')]);
    await site.waitFor(() => notes('pay', 'cp-decline')[0]);
    expect((await paymentsOf('cp-decline')).sort()).toEqual(['captured', 'declined']);
    await page.close();
  });

  it('three wrong one-time codes fail the payment: FailRedirectUrl and a Fail notification', async () => {
    const o = await order('cp-otp', { CultureName: 'en-US' });
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(o.Url);
    await fillCard(page, '4000000000000101');
    await Promise.all([page.waitForSelector('#otp'), page.click('#submit')]);
    expect(await page.textContent('[data-testid=acs-card]')).toBe('400000******0101');
    expect(await page.textContent('label[for=otp]')).toBe('One-time code sent to your phone');
    for (let i = 0; i < 2; i++) {
      await page.fill('#otp', '000000');
      await Promise.all([page.waitForLoadState('load'), page.click('#submit-otp')]);
      await page.waitForSelector('#otp-error:not(:empty)');
    }
    expect(await page.textContent('#otp-error')).toBe('Wrong code. Attempts left: 1');
    await shot(page, 'cloudpayments-acs-otp-wrong');
    await page.fill('#otp', '000000');
    await Promise.all([page.waitForURL(`${site.url}/fail?inv=cp-otp`), page.click('#submit-otp')]);
    const fail = await site.waitFor(() => notes('fail', 'cp-otp')[0]);
    expect(fail.form).toMatchObject({ Status: 'Declined', ReasonCode: '5206' });
    expect(notes('pay', 'cp-otp')).toHaveLength(0);
    expect(await paymentsOf('cp-otp')).toEqual(['declined']);
    await page.close();
  });

  it('without redirect URLs shows its own result page; the fixed test code passes the OTP', async () => {
    const o = await order('cp-result', { SuccessRedirectUrl: undefined, FailRedirectUrl: undefined });
    // an English browser, a payer who chose Ukrainian: the ACS and the outcome stay in Ukrainian
    const page = await browser.newPage({ locale: 'en-US', extraHTTPHeaders: { 'accept-language': 'en-US,en;q=0.9' } });
    await page.goto(o.Url + '?lang=uk');
    expect(await page.textContent('#submit-label')).toBe('Сплатити 1\u202f500,50 ₽');
    await fillCard(page, '4000000000000101');
    await Promise.all([page.waitForSelector('#otp'), page.click('#submit')]);
    expect(await page.textContent('h1')).toBe('Перевірка 3-D Secure');
    await page.fill('#otp', '3382837');
    await Promise.all([page.waitForSelector('[data-testid=result]'), page.click('#submit-otp')]);
    expect(await page.textContent('[data-testid=result]')).toBe('Платіж виконано');
    await shot(page, 'cloudpayments-order-result');
    await site.waitFor(() => notes('pay', 'cp-result')[0]);
    await page.close();
  });

  it('two tabs of one order and a double submit pay it once', async () => {
    const o = await order('cp-twice');
    const ctx = await browser.newContext({ locale: 'en-US' });
    const a = await ctx.newPage();
    const b = await ctx.newPage();
    await a.goto(o.Url);
    await b.goto(o.Url);
    await fillCard(a, '4000000000003055');
    await fillCard(b, '5205000000003055');
    // the browser's own double submit: the second is held back by the disabled button
    await Promise.all([
      a.waitForURL(`${site.url}/ok?inv=cp-twice`),
      a.evaluate(() => {
        const f = (globalThis as any).document.getElementById('pay');
        f.requestSubmit();
        f.requestSubmit();
      }),
    ]);
    // the other tab submits a second card after the order was paid: back to the shop, nothing charged
    await Promise.all([b.waitForURL(`${site.url}/ok?inv=cp-twice`), b.click('#submit')]);
    await site.waitFor(() => notes('pay', 'cp-twice')[0]);
    await new Promise((r) => setTimeout(r, 300));
    expect(notes('pay', 'cp-twice')).toHaveLength(1);
    expect(await paymentsOf('cp-twice')).toEqual(['captured']);
    expect((await cp().find({ InvoiceId: 'cp-twice' })).Model).toMatchObject({ CardLastFour: '3055', CardType: 'Visa' });
    await ctx.close();
  });

  it('two posts of the card form at once (the server side of a double submit) make one payment', async () => {
    const o = await order('cp-race');
    const page = await browser.newPage();
    await page.goto(o.Url);
    const statuses = await page.evaluate(async (url) => {
      const body = new URLSearchParams({ lang: 'en', number: '4000 0000 0000 3055', exp: '12/30', cvv: '123' }).toString();
      const post = () =>
        fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' }).then(
          (r) => r.type,
        );
      return Promise.all([post(), post(), post()]);
    }, o.Url);
    expect(statuses).toHaveLength(3);
    await site.waitFor(() => notes('pay', 'cp-race')[0]);
    await new Promise((r) => setTimeout(r, 300));
    expect(notes('pay', 'cp-race')).toHaveLength(1);
    expect(await paymentsOf('cp-race')).toEqual(['captured']);
    await page.close();
  });

  it('fits a 360-px phone and switches languages with lang=ru|uk|en', async () => {
    const o = await order('cp-phone');
    const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'ru-RU', isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    const titles: Record<string, string> = {};
    for (const lang of ['ru', 'uk', 'en']) {
      await page.goto(`${o.Url}?lang=${lang}`);
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      titles[lang] = (await page.textContent('label[for=number]'))!;
      expect(await overflowX(page)).toBe(0);
    }
    expect(titles).toEqual({ ru: 'Номер карты', uk: 'Номер картки', en: 'Card number' });
    // the language links keep the page and switch the language
    await Promise.all([page.waitForURL(/lang=uk$/), page.click('nav.lang a[lang=uk]')]);
    expect(await page.textContent('label[for=number]')).toBe('Номер картки');
    // live checks on the phone
    await page.fill('#number', '4242424242424241');
    await page.locator('#number').blur();
    expect(await page.textContent('#number-error')).toBe('Перевірте номер картки');
    await page.fill('#exp', '13/30');
    await page.locator('#exp').blur();
    expect(await page.textContent('#exp-error')).toBe('Перевірте термін дії');
    await page.click('#submit');
    expect(page.url()).toContain('/cloudpayments/orders/');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement.id)).toBe('number');
    expect(await overflowX(page)).toBe(0);
    await shot(page, 'cloudpayments-order-360px-errors');
    await ctx.close();
  });

  it('a merchant page builds a cryptogram with checkout.js; the charge passes 3-D Secure in the browser and post3ds completes it', async () => {
    const checkoutJs = await fetch(`${h.url}/cloudpayments/checkout.js`);
    expect(checkoutJs.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    site.routes.set('/checkout', {
      body: `<!doctype html><html><head><meta charset="utf-8"><title>Checkout</title><script src="${h.url}/cloudpayments/checkout.js"></script></head>
<body><h1>Pay for your order</h1>
<form id="card"><input data-cp="cardNumber" id="n"><input data-cp="expDateMonth" id="m"><input data-cp="expDateYear" id="y"><input data-cp="cvv" id="c"></form>
</body></html>`,
    });
    let termUrlPost: Hit | undefined;
    site.routes.set('/post3ds', (x) => {
      termUrlPost = x;
      return { body: SHOP_PAGE('Thank you, checking your payment') };
    });
    const page = await browser.newPage();
    const sent = recordRequests(page);
    await page.goto(`${site.url}/checkout`);
    // bad data: the promise rejects with the fields' errors
    const errors = await page.evaluate(async (publicId) => {
      const w = globalThis as any;
      try {
        await new w.cp.Checkout({ publicId }).createPaymentCryptogram({
          cardNumber: '4242 4242 4242 4241',
          expDateMonth: '13',
          expDateYear: '30',
          cvv: '12',
        });
        return null;
      } catch (e) {
        return e;
      }
    }, SHOP.publicId);
    expect(errors).toEqual({ cardNumber: expect.any(String), expDateMonth: expect.any(String), cvv: expect.any(String) });
    // from the container's data-cp fields, as merchants' pages do
    await page.fill('#n', '4242 4242 4242 4242');
    await page.fill('#m', '12');
    await page.fill('#y', '30');
    await page.fill('#c', '123');
    const cryptogram = await page.evaluate(async (publicId) => {
      const w = globalThis as any;
      return new w.cp.Checkout({ publicId, container: w.document.getElementById('card') }).createPaymentCryptogram();
    }, SHOP.publicId);
    expect(typeof cryptogram).toBe('string');
    expect(Buffer.from(cryptogram, 'base64').toString('utf8')).not.toContain('4242424242424242');
    await shot(page, 'cloudpayments-merchant-checkout');

    // the merchant's server charges the cryptogram with the npm client: 3-D Secure is needed
    const charged = await npm().chargeCryptogramPayment({
      Amount: 99.9,
      Currency: 'RUB',
      IpAddress: '127.0.0.1',
      Name: 'IVAN IVANOV',
      CardCryptogramPacket: cryptogram,
      InvoiceId: 'cp-checkout',
      AccountId: 'buyer',
    });
    expect(charged.isPayment3DSResponse()).toBe(true);
    const m = charged.getResponse().Model as unknown as { TransactionId: number; PaReq: string; AcsUrl: string };
    expect(m.AcsUrl).toBe(`${h.url}/acs`);
    // the merchant's page posts PaReq, MD and TermUrl to AcsUrl (the documented form)
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    site.routes.set('/3ds', {
      body: `<!doctype html><html><body><form name="downloadForm" action="${esc(m.AcsUrl)}" method="POST"><input type="hidden" name="PaReq" value="${esc(m.PaReq)}"><input type="hidden" name="MD" value="${m.TransactionId}"><input type="hidden" name="TermUrl" value="${site.url}/post3ds"></form><script>window.onload = function () { document.forms.downloadForm.submit(); };</script></body></html>`,
    });
    await page.goto(`${site.url}/3ds`);
    await page.waitForSelector('#approve');
    expect(await page.textContent('[data-testid=acs-merchant]')).toBe('CP Browser Shop');
    expect(await page.textContent('[data-testid=acs-amount]')).toBe('99,90 ₽');
    expect(await page.textContent('[data-testid=acs-card]')).toBe('424242******4242');
    await shot(page, 'cloudpayments-checkout-acs');
    await Promise.all([page.waitForURL(`${site.url}/post3ds`), page.click('#approve')]);
    expect(termUrlPost?.method).toBe('POST');
    expect(termUrlPost?.form.MD).toBe(String(m.TransactionId));
    expect(termUrlPost?.form.PaRes).toBeTruthy();
    const confirmed = await npm().confirm3DSPayment({ TransactionId: termUrlPost!.form.MD!, PaRes: termUrlPost!.form.PaRes! });
    expect(confirmed.isPaymentSuccessResponse()).toBe(true);
    expect(confirmed.getResponse().Model).toMatchObject({ TransactionId: m.TransactionId, Status: 'Completed', CardLastFour: '4242' });
    const pay = await site.waitFor(() => notes('pay', 'cp-checkout')[0]);
    expect(pay.form).toMatchObject({ TransactionId: String(m.TransactionId), Amount: '99.90', Status: 'Completed' });
    // PaRes is used once
    const again = await npm().confirm3DSPayment({ TransactionId: termUrlPost!.form.MD!, PaRes: termUrlPost!.form.PaRes! });
    expect(again.isPaymentSuccessResponse()).toBe(false);
    expect(await paymentsOf('cp-checkout')).toEqual(['captured']);
    // the browser never sent the card number anywhere: only the cryptogram left the page, through the merchant
    expect(carrying(sent, '4242424242424242')).toEqual([]);
    await page.close();
  });
});
