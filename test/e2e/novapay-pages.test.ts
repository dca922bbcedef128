// NovaPay's payer pages in a real browser: the session `url` through 3-D Secure, with a decline card and with
// three wrong one-time codes; the merchant's callback_url gets signed postbacks and the payer's way back lands
// on success_url / fail_url. The frames page inside an iframe of the merchant's own page (3-D Secure inside
// the frame too), the checkout page, pages opened twice, reloaded or submitted twice paying once, card data
// going only to the gateway, no caching, a CSP, a 360-px phone and three languages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame, Page } from 'playwright-core';
import { verifyPostback } from '../../src/faces/novapay/client.js';
import { declineCardPan } from '../../src/core/network/test-cards.js';
import { launchBrowser, shot } from '../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { STORES } from '../helpers/stores.js';
import { client, NOVAPAY_SEED } from '../faces/novapay/setup.js';
import { carrying, MerchantSite, overflowX, recordRequests, unlabelled } from './merchant-site.js';

const PHONE = '+380501112233';

describe.each(STORES)('NovaPay pages in a real browser on %s', (store) => {
  let h: TestGateway;
  let site: MerchantSite;
  let browser: Browser;
  let gatewayKey: string;

  beforeAll(async () => {
    site = await new MerchantSite().start();
    site.routes.set('/postback', { body: '{"ok":true}' });
    h = await startTestGateway(store, NOVAPAY_SEED);
    gatewayKey = await client(h).publicKey();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await site?.close();
  });

  /** The statuses posted back for a session, each postback verified with the gateway's key. */
  const postbacks = (sid: string): string[] =>
    site
      .of('/postback')
      .map((x) => ({ x, j: JSON.parse(x.body) as { id: string; status: string } }))
      .filter(({ j }) => j.id === sid)
      .map(({ x, j }) => {
        expect(verifyPostback(x.body, x.headers, gatewayKey)).toEqual({ sha1: true, sha256: true });
        return j.status;
      });

  const session = async (tag: string, amount: number, extra: Record<string, unknown> = {}) => {
    const c = client(h);
    const s = await c.createSession({
      client_phone: PHONE,
      callback_url: `${site.url}/postback`,
      success_url: `${site.url}/ok?s=${tag}`,
      fail_url: `${site.url}/fail?s=${tag}`,
      ...extra,
    });
    const p = await c.addPayment({ session_id: s.id, amount, external_id: tag });
    return { sid: s.id, url: p.url };
  };

  const paymentsOf = async (sid: string) => {
    const res = await fetch(`${h.url}/admin/api/payments?merchant=np1&limit=500`, {
      headers: { authorization: `Bearer ${h.gw.adminToken}` },
    });
    expect(res.status).toBe(200);
    const j = (await res.json()) as { items: Array<{ status: string; metadata: { novapaySessionId?: string } }> };
    return j.items.filter((p) => p.metadata.novapaySessionId === sid).map((p) => p.status);
  };

  async function fillCard(page: Page | Frame, pan: string) {
    await page.fill('#number', '');
    await page.type('#number', pan);
    await page.fill('#exp', '');
    await page.type('#exp', '1230');
    await page.fill('#cvv', '123');
    await page.fill('#holder', 'TARAS SHEVCHENKO');
  }

  it('pays a session through 3-D Secure: card form, ACS, status page, success_url, signed postbacks; a reload pays nothing more', async () => {
    const { sid, url } = await session('np-3ds', 150.5);
    const page = await browser.newPage({ locale: 'uk-UA', extraHTTPHeaders: { 'accept-language': 'uk-UA,uk;q=0.9' } });
    const sent = recordRequests(page);
    const res = await page.goto(url);
    expect(res!.status()).toBe(200);
    expect(res!.headers()['cache-control']).toContain('no-store');
    expect(res!.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res!.headers()['content-security-policy']).toMatch(/script-src 'nonce-[^']+'/);
    expect(await page.textContent('h1')).toBe('Оплата');
    expect(await page.textContent('[data-testid=merchant]')).toBe('Nova Shop');
    expect(await page.textContent('[data-testid=amount]')).toBe('150,50 ₴');
    expect(await unlabelled(page)).toEqual([]);
    await fillCard(page, '4242424242424242');
    await shot(page, 'novapay-card-form');
    await Promise.all([page.waitForSelector('#approve'), page.click('#submit')]);
    expect(await page.textContent('h1')).toBe('Перевірка 3-D Secure');
    expect(await page.textContent('[data-testid=acs-merchant]')).toBe('Nova Shop');
    expect(await page.textContent('[data-testid=acs-amount]')).toBe('150,50 ₴');
    expect(await page.textContent('[data-testid=acs-card]')).toBe('424242******4242');
    await shot(page, 'novapay-acs');
    await Promise.all([page.waitForSelector('[data-testid=result]'), page.click('#approve')]);
    expect(page.url()).toBe(url + '&lang=uk');
    expect(await page.textContent('[data-testid=result]')).toBe('Платіж виконано');
    expect(await page.textContent('[data-testid=amount]')).toBe('150,50 ₴');
    expect(await page.content()).not.toContain('4242424242424242');
    await shot(page, 'novapay-result-paid');
    await Promise.all([page.waitForURL(`${site.url}/ok?s=np-3ds`), page.click('#return')]);
    await site.waitFor(() => postbacks(sid).includes('paid'));
    expect(await client(h).getStatus(sid)).toMatchObject({ status: 'paid', pan: '424242xxxxxx4242', amount: '150.50' });
    expect(carrying(sent, '4242424242424242').map((s) => `${s.method} ${s.url}`)).toEqual([`POST ${url}`]);
    // opening the page again shows the outcome; it pays nothing more
    await page.goto(url);
    expect(await page.textContent('[data-testid=result]')).toBe('Платіж виконано');
    await page.reload();
    expect(await page.$('#number')).toBeNull();
    await new Promise((r) => setTimeout(r, 300));
    expect(postbacks(sid).filter((s) => s === 'paid')).toHaveLength(1);
    expect(await paymentsOf(sid)).toEqual(['captured']);
    await page.close();
  });

  it('a decline card shows the declined status page, whose button lands on fail_url; a failed postback', async () => {
    const { sid, url } = await session('np-decline', 20);
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(url + '&lang=en');
    expect(await page.textContent('h1')).toBe('Payment');
    await fillCard(page, declineCardPan('insufficient_funds'));
    await Promise.all([page.waitForSelector('[data-testid=result]'), page.click('#submit')]);
    expect(await page.textContent('[data-testid=result]')).toBe('Payment declined');
    expect(await page.textContent('[data-testid=reason]')).toBe('Insufficient funds on the card');
    await shot(page, 'novapay-result-declined');
    await Promise.all([page.waitForURL(`${site.url}/fail?s=np-decline`), page.click('#return')]);
    await site.waitFor(() => postbacks(sid).includes('failed'));
    expect(await client(h).getStatus(sid)).toMatchObject({ status: 'failed' });
    expect(await paymentsOf(sid)).toEqual(['declined']);
    await page.close();
  });

  it('three wrong one-time codes fail the session; success_redirect_timeout takes the payer back by itself', async () => {
    // 3 s: long enough for a loaded machine to read the outcome before the page takes the payer back
    const { sid, url } = await session('np-otp', 33, { success_redirect_timeout: 3 });
    // an English browser, a payer who chose Russian: the ACS and the outcome stay in Russian
    const page = await browser.newPage({ locale: 'en-US', extraHTTPHeaders: { 'accept-language': 'en-US,en;q=0.9' } });
    await page.goto(url + '&lang=ru');
    await fillCard(page, '4000000000000101');
    await Promise.all([page.waitForSelector('#otp'), page.click('#submit')]);
    expect(await page.textContent('h1')).toBe('Проверка 3-D Secure');
    expect(await page.textContent('label[for=otp]')).toBe('Одноразовый код из SMS');
    for (let i = 0; i < 2; i++) {
      await page.fill('#otp', '000000');
      await Promise.all([page.waitForLoadState('load'), page.click('#submit-otp')]);
      await page.waitForSelector('#otp-error:not(:empty)');
    }
    expect(await page.textContent('#otp-error')).toBe('Неверный код. Осталось попыток: 1');
    expect(await page.getAttribute('#otp', 'aria-invalid')).toBe('true');
    await shot(page, 'novapay-acs-otp-wrong');
    await page.fill('#otp', '000000');
    await Promise.all([page.waitForSelector('[data-testid=result]'), page.click('#submit-otp')]);
    expect(await page.textContent('[data-testid=result]')).toBe('Платёж отклонён');
    await page.waitForURL(`${site.url}/fail?s=np-otp`, { timeout: 15_000 });
    await site.waitFor(() => postbacks(sid).includes('failed'));
    expect(await paymentsOf(sid)).toEqual(['declined']);
    await page.close();
  });

  it('the frames page pays inside an iframe of the merchant page, 3-D Secure included; the way back leaves the frame', async () => {
    const c = client(h);
    const r = await c.framesInit({
      amount: '12.34',
      client_phone: PHONE,
      callback_url: `${site.url}/postback`,
      success_url: `${site.url}/ok?s=frames`,
      fail_url: `${site.url}/fail?s=frames`,
      metadata: { f: 1 },
    });
    site.routes.set('/frames-shop', {
      body: `<!doctype html><html lang="uk"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Nova shop</title></head><body style="margin:0;font-family:sans-serif"><h1 style="font-size:18px;margin:12px">Оформлення замовлення</h1><iframe id="novapay" title="NovaPay" src="${r.url}" style="border:0;width:100%;height:720px"></iframe></body></html>`,
    });
    const page = await browser.newPage({ viewport: { width: 480, height: 800 }, locale: 'uk-UA' });
    const sent = recordRequests(page);
    const frameRes = page.waitForResponse((x) => x.url() === r.url);
    await page.goto(`${site.url}/frames-shop`);
    const fr = await frameRes;
    expect(fr.headers()['content-security-policy']).toContain('frame-ancestors *');
    expect(fr.headers()['x-frame-options']).toBeUndefined();
    expect(fr.headers()['cache-control']).toContain('no-store');
    const frame = page.frame({ url: r.url })!;
    expect(frame).toBeTruthy();
    await frame.waitForSelector('#number');
    expect(await frame.textContent('[data-testid=amount]')).toBe('12,34 ₴');
    await fillCard(frame, '5555555555554444');
    await shot(page, 'novapay-frames-in-merchant-page');
    await frame.click('#submit');
    const acs = await page.waitForSelector('iframe#novapay').then((e) => e.contentFrame());
    await acs!.waitForSelector('#approve');
    expect(page.url()).toBe(`${site.url}/frames-shop`);
    expect(await acs!.textContent('[data-testid=acs-card]')).toBe('555555******4444');
    await shot(page, 'novapay-frames-acs');
    await acs!.click('#approve');
    await acs!.waitForSelector('[data-testid=result]');
    expect(await acs!.textContent('[data-testid=result]')).toBe('Платіж виконано');
    expect(page.url()).toBe(`${site.url}/frames-shop`);
    await shot(page, 'novapay-frames-result');
    await Promise.all([page.waitForURL(`${site.url}/ok?s=frames`), acs!.click('#return')]);
    await site.waitFor(() => postbacks(r.session_id).includes('paid'));
    expect(await c.getStatus(r.session_id)).toMatchObject({ status: 'paid', amount: '12.34', card_type: 'MASTERCARD', metadata: { f: 1 } });
    expect(carrying(sent, '5555555555554444')).toHaveLength(1);
    expect(carrying(sent, '5555555555554444').every((s) => s.url.startsWith(h.url))).toBe(true);
    // the acquiring page, unlike frames, refuses to be framed
    const { url } = await session('np-notframed', 5);
    await page.evaluate((u) => {
      const d = (globalThis as any).document;
      const f = d.createElement('iframe');
      f.id = 'notframed';
      f.src = u;
      d.body.appendChild(f);
    }, url);
    const blocked = await (await page.waitForSelector('iframe#notframed')).contentFrame();
    await page.waitForTimeout(1000);
    expect(blocked ? await blocked.$('#number') : null).toBeNull();
    await page.close();
  });

  it('two tabs, a double submit and three posts at once pay a session once', async () => {
    const { sid, url } = await session('np-twice', 77);
    const ctx = await browser.newContext({ locale: 'en-US' });
    const a = await ctx.newPage();
    const b = await ctx.newPage();
    await a.goto(url);
    await b.goto(url);
    await fillCard(a, '4000000000003055');
    await fillCard(b, '5205000000003055');
    await Promise.all([
      a.waitForSelector('[data-testid=result]'),
      a.evaluate(() => {
        const f = (globalThis as any).document.getElementById('pay');
        f.requestSubmit();
        f.requestSubmit();
      }),
    ]);
    expect(await a.textContent('[data-testid=result]')).toBe('Payment completed');
    // the stale tab submits another card: it gets the outcome, nothing is charged
    await Promise.all([b.waitForSelector('[data-testid=result]'), b.click('#submit')]);
    expect(await b.textContent('[data-testid=result]')).toBe('Payment completed');
    await site.waitFor(() => postbacks(sid).includes('paid'));
    expect(await client(h).getStatus(sid)).toMatchObject({ pan: '400000xxxxxx3055' });

    const race = await session('np-race', 78);
    const c = await ctx.newPage();
    await c.goto(race.url);
    await c.evaluate(async (u) => {
      const body = new URLSearchParams({ lang: 'en', number: '4000 0000 0000 3055', exp: '12/30', cvv: '123' }).toString();
      const post = () =>
        fetch(u, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }).then((r) => r.status);
      return Promise.all([post(), post(), post()]);
    }, race.url);
    await site.waitFor(() => postbacks(race.sid).includes('paid'));
    await new Promise((r) => setTimeout(r, 300));
    for (const s of [sid, race.sid]) {
      expect(postbacks(s).filter((x) => x === 'paid')).toHaveLength(1);
      expect(await paymentsOf(s)).toEqual(['captured']);
    }
    await ctx.close();
  });

  it('the checkout page pays a checkout session (a hold) and its button returns to success_url', async () => {
    const c = client(h, { algorithm: 'sha256' });
    const s = await c.checkoutSession({
      callback_url: `${site.url}/postback`,
      success_url: `${site.url}/ok?s=checkout`,
      client_phone: PHONE,
    });
    const p = await c.checkoutPayment({ session_id: s.id, amount: 99.99, use_hold: true });
    const page = await browser.newPage({ locale: 'uk-UA' });
    await page.goto(p.url);
    await fillCard(page, '2200000000000004');
    expect(await page.textContent('#brand')).toBe('MIR');
    await Promise.all([page.waitForSelector('#approve'), page.click('#submit')]);
    await Promise.all([page.waitForSelector('[data-testid=result]'), page.click('#approve')]);
    expect(await page.textContent('[data-testid=result]')).toBe('Кошти заблоковано');
    await shot(page, 'novapay-checkout-held');
    await Promise.all([page.waitForURL(`${site.url}/ok?s=checkout`), page.click('#return')]);
    await site.waitFor(() => postbacks(s.id).includes('holded'));
    expect(await paymentsOf(s.id)).toEqual(['authorized']);
    await page.close();
  });

  it('fits a 360-px phone and switches languages with lang=uk|ru|en', async () => {
    const { url } = await session('np-phone', 1234567.89);
    const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'uk-UA' });
    const page = await ctx.newPage();
    const got: Record<string, string | null> = {};
    for (const lang of ['uk', 'ru', 'en']) {
      await page.goto(`${url}&lang=${lang}`);
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      got[lang] = await page.textContent('#submit-label');
      expect(await overflowX(page)).toBe(0);
    }
    expect(got).toEqual({
      uk: 'Сплатити 1\u202f234\u202f567,89 ₴',
      ru: 'Оплатить 1\u202f234\u202f567,89 ₴',
      en: 'Pay 1\u202f234\u202f567,89 ₴',
    });
    await page.goto(`${url}&lang=uk`);
    await page.tap('#submit');
    expect(await page.textContent('#number-error')).toBe('Перевірте номер картки');
    expect(await overflowX(page)).toBe(0);
    await shot(page, 'novapay-360px-errors');
    await ctx.close();
  });
});
