// Numopay's payer pages in a real browser: the charge_link through 3-D Secure, a decline card, a wrong
// one-time code, and the checkout payment page (live checks, phone width, languages). The merchant's
// webhook receiver gets the events and the browser lands on the merchant's URLs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { NumopayClient } from '../../src/faces/numopay/client.js';
import { declineCardPan } from '../../src/core/network/test-cards.js';
import { launchBrowser, shot } from '../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { STORES } from '../helpers/stores.js';
import { Receiver } from '../helpers/receiver.js';

const RUB = '423e5010-24d7-11ea-a0af-ad4afa2c683c';
const CARD = { month: '12', year: '2099', cvv: '123', holder: 'IVAN IVANOV' };

describe.each(STORES)('Numopay pages in a real browser on %s', (store) => {
  let h: TestGateway;
  let rx: Receiver;
  let browser: Browser;
  const np = () => new NumopayClient({ baseUrl: `${h.url}/numopay`, apiKey: 'np_test_key_1', secret: 'np_test_secret_1' });

  beforeAll(async () => {
    h = await startTestGateway(store);
    rx = await new Receiver().start();
    rx.responseBody = '<!doctype html><title>Shop</title><h1>Back at the shop</h1>';
    browser = await launchBrowser();
    await np().createWebhookEndpoint(RUB, { url: `${rx.url}/webhook`, event: 'order' });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await rx?.close();
  });

  const hooksFor = (slug: string) =>
    rx.requests.filter((r) => r.url === '/webhook' && r.body.includes(slug)).map((r) => JSON.parse(r.body).data.status);

  it('pays through 3-D Secure: the ACS shows merchant, amount and masked card; approval lands on redirect_url', async () => {
    const t = await np().createChargeToken(RUB, { amount: '123456', redirect_url: `${rx.url}/return?order=1` });
    const { charge_link } = await np().charge(RUB, { token: t.token, card_info: { number: '4242424242424242', ...CARD } });
    const page = await browser.newPage();
    await page.goto(charge_link);
    await page.waitForSelector('#approve');
    expect(await page.textContent('[data-testid=acs-merchant]')).toBe('Test Shop');
    expect(await page.textContent('[data-testid=acs-amount]')).toBe('1\u202f234,56 ₽');
    expect(await page.textContent('[data-testid=acs-card]')).toBe('424242******4242');
    expect(await page.content()).not.toContain('4242424242424242');
    await shot(page, 'numopay-acs-3ds');
    await Promise.all([page.waitForURL(`${rx.url}/return?order=1`), page.click('#approve')]);
    expect(await page.textContent('h1')).toBe('Back at the shop');
    await rx.waitFor(() => hooksFor(t.order_slug).includes('success'));
    expect((await np().paymentStatus(RUB, t.order_slug)).status).toBe('success');
    // reloading the charge link does not pay again
    await page.goto(charge_link);
    await page.waitForURL(`${rx.url}/return?order=1`);
    expect(hooksFor(t.order_slug).filter((s) => s === 'success')).toHaveLength(1);
    await page.close();
  });

  it('a decline card goes straight back to the shop with an error status', async () => {
    const t = await np().createChargeToken(RUB, { amount: '1000', redirect_url: `${rx.url}/return?order=2` });
    const { charge_link } = await np().charge(RUB, {
      token: t.token,
      card_info: { number: declineCardPan('insufficient_funds'), ...CARD },
    });
    const page = await browser.newPage();
    await page.goto(charge_link);
    await page.waitForURL(`${rx.url}/return?order=2`);
    await rx.waitFor(() => hooksFor(t.order_slug).includes('error'));
    expect(await np().paymentStatus(RUB, t.order_slug)).toMatchObject({ status: 'error', state_code: 10 });
    await page.close();
  });

  it('a wrong one-time code three times declines', async () => {
    const t = await np().createChargeToken(RUB, { amount: '5000', redirect_url: `${rx.url}/return?order=3` });
    const { charge_link } = await np().charge(RUB, { token: t.token, card_info: { number: '4000000000000101', ...CARD } });
    const page = await browser.newPage();
    await page.goto(charge_link);
    for (let i = 0; i < 2; i++) {
      await page.fill('#otp', '000000');
      await Promise.all([page.waitForLoadState('load'), page.click('#submit-otp')]);
      await page.waitForSelector('#otp-error:not(:empty)');
    }
    expect(await page.textContent('#otp-error')).toContain('1');
    await shot(page, 'numopay-acs-otp-wrong');
    await page.fill('#otp', '000000');
    await Promise.all([page.waitForURL(`${rx.url}/return?order=3`), page.click('#submit-otp')]);
    await rx.waitFor(() => hooksFor(t.order_slug).includes('error'));
    expect(await np().paymentStatus(RUB, t.order_slug)).toMatchObject({ status: 'error', state_code: 17 });
    await page.close();
  });

  it('pays a checkout session on the payment page, with live checks, on a 360-px phone, in Russian', async () => {
    const s = await np().createCheckoutSession(RUB, {
      items: [{ name: 'Кофе', amount: '35000', currency: 'RUB' }],
      success_url: `${rx.url}/success`,
      cancel_url: `${rx.url}/cancel`,
    });
    const { url } = await np().createPaymentPage({ key: 'pk_live_test1', session_id: s.id, session_token: s.token });
    const ctx = await browser.newContext({
      viewport: { width: 360, height: 740 },
      locale: 'ru-RU',
      extraHTTPHeaders: { 'accept-language': 'ru-RU,ru;q=0.9' },
    });
    const page = await ctx.newPage();
    await page.goto(url);
    expect(await page.textContent('h1')).toBe('Оплата');
    expect(await page.textContent('[data-testid=amount]')).toBe('350,00 ₽');
    // the page fits a phone: no horizontal scrolling
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth,
      ),
    ).toBeLessThanOrEqual(360);
    await page.fill('#number', '4242424242424241');
    await page.locator('#number').blur();
    expect(await page.textContent('#number-error')).toBe('Проверьте номер карты');
    expect(await page.getAttribute('#number', 'aria-invalid')).toBe('true');
    await page.fill('#number', '');
    await page.type('#number', '4242424242424242');
    expect(await page.inputValue('#number')).toBe('4242 4242 4242 4242');
    expect(await page.textContent('#brand')).toBe('Visa');
    await page.type('#exp', '1299');
    expect(await page.inputValue('#exp')).toBe('12/99');
    await page.fill('#cvv', '123');
    await page.fill('#holder', 'IVAN IVANOV');
    await shot(page, 'numopay-payment-page-360px-ru');
    await Promise.all([page.waitForSelector('#approve'), page.click('#submit')]);
    // the payer's language goes along to the ACS
    expect(await page.textContent('h1')).toBe('Проверка 3-D Secure');
    await shot(page, 'numopay-acs-from-payment-page');
    await Promise.all([page.waitForURL(`${rx.url}/success`), page.click('#approve')]);
    const txs = await np().transactions(RUB, { limit: 1 });
    expect(txs[0]).toMatchObject({ status: 'success', checkout_session_id: s.id });
    // opening the payment page again sends the payer to success_url, and does not pay twice
    await page.goto(url);
    await page.waitForURL(`${rx.url}/success`);
    await ctx.close();
  });

  it('keeps the keyboard path and sends the card number only to the gateway', async () => {
    const s = await np().createCheckoutSession(RUB, {
      items: [{ name: 'Tea', amount: '1000', currency: 'RUB' }],
      success_url: `${rx.url}/success`,
      cancel_url: `${rx.url}/cancel`,
    });
    const { url } = await np().createPaymentPage({ key: 'pk_live_test1', session_id: s.id, session_token: s.token });
    const page = await browser.newPage({ locale: 'en-US' });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const res = await page.goto(url + '&lang=uk');
    expect(res!.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res!.headers()['cache-control']).toContain('no-store');
    expect(await page.textContent('h1')).toBe('Оплата');
    await page.goto(url + '&lang=en');
    await page.focus('#number');
    await page.keyboard.type('4000000000003055');
    await page.keyboard.press('Tab');
    await page.keyboard.type('1230');
    await page.keyboard.press('Tab');
    await page.keyboard.type('321');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${rx.url}/success`);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((u) => u.startsWith(h.url) || u.startsWith(rx.url))).toBe(true);
    await page.close();
  });
});
