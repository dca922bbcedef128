// The operator dashboard in a real browser (chromium via playwright-core), on SQLite and PostgreSQL: sign
// in (and a wrong token refused), find a payment by its Numopay order slug, its page and timeline, replay its
// webhook to a local receiver, advance the clock until a 15-minute token expires, add and remove a
// fault, the session and CSRF guards; and over plain HTTP, every page with and without a session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { NumopayClient } from '../../src/faces/numopay/client.js';
import { numopayFace } from '../../src/faces/numopay/face.js';
import { declineCardPan } from '../../src/core/network/test-cards.js';
import { launchBrowser, shot } from '../helpers/browser.js';
import { startTestGateway, TEST_SEED, type TestGateway } from '../helpers/gateway.js';
import { STORES } from '../helpers/stores.js';
import { Receiver } from '../helpers/receiver.js';
import { eventually } from '../helpers/eventually.js';
import { chart, niceScale } from '../../src/operator/dashboard/charts.js';

const RUB = '423e5010-24d7-11ea-a0af-ad4afa2c683c';
const CARD = { month: '12', year: '2099', cvv: '123', holder: 'IVAN IVANOV' };

/** What a page's script sees (the tests type-check without the DOM library). */
type Doc = { document: { documentElement: { scrollWidth: number }; querySelector(s: string): { remove(): void } | null } };

describe.each(STORES)('operator dashboard on %s', (store) => {
  let h: TestGateway;
  let rx: Receiver;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let paid: { slug: string; id: number };
  let payoutId: number;
  let deliveryId: number;
  const np = () => new NumopayClient({ baseUrl: `${h.url}/numopay`, apiKey: 'np_test_key_1', secret: 'np_test_secret_1' });
  const hooks = () => rx.requests.filter((r) => r.url === '/dash-hook');

  /** Signs in over plain HTTP and returns the session cookie. */
  const signIn = async (token = h.gw.adminToken): Promise<{ status: number; cookie: string }> => {
    const res = await fetch(`${h.url}/dashboard/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, next: '/dashboard' }).toString(),
      redirect: 'manual',
    });
    const set = res.headers.get('set-cookie') ?? '';
    return { status: res.status, cookie: /polypay_dash=[^;]+/.exec(set)?.[0] ?? '' };
  };

  beforeAll(async () => {
    h = await startTestGateway(store, TEST_SEED, undefined, { faces: [numopayFace] });
    rx = await new Receiver().start();
    browser = await launchBrowser();
    await np().createWebhookEndpoint(RUB, { url: `${rx.url}/dash-hook`, event: 'order' });
    // a paid order (no 3-D Secure), a declined one, and a payout to a card
    const t = await np().createChargeToken(RUB, { amount: '125050' });
    await np().charge(RUB, { token: t.token, card_info: { number: '4000000000003055', ...CARD } });
    const d = await np().createChargeToken(RUB, { amount: '3000' });
    await np().charge(RUB, { token: d.token, card_info: { number: declineCardPan('insufficient_funds'), ...CARD } });
    const r = await np().createRefillToken(RUB, { amount: '10000' });
    await np().refill(RUB, { token: r.token, card_number: '4000000000003055' });
    await rx.waitFor(() => hooks().some((x) => x.body.includes(t.order_slug)));
    paid = { slug: t.order_slug, id: Number(/client_wof_(\d+)_/.exec(t.order_slug)![1]) };
    payoutId = Number(/client_frg_(\d+)_/.exec(r.order_slug)![1]);
    deliveryId = await eventually(async () => {
      const list = await h.gw.engine.read((tx) => tx.deliveries.list({ subjectType: 'payment', subjectId: String(paid.id), limit: 10 }));
      expect(list[0]?.status).toBe('delivered');
      return list[0]!.id;
    });
    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await ctx.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await rx?.close();
  });

  it('draws chart axes at round steps', () => {
    expect(niceScale(225)).toEqual({ top: 250, step: 50 });
    expect(niceScale(1250.5)).toEqual({ top: 1500, step: 500 });
    expect(niceScale(3)).toEqual({ top: 3, step: 1 });
    expect(niceScale(0)).toEqual({ top: 1, step: 0.25 });
    const svg = chart({
      id: 'c',
      title: 'T',
      labels: ['a', 'b'],
      longLabels: ['A', 'B'],
      series: [{ name: '<s>', kind: 'line', values: [1, null] }],
      yTitle: 'Y',
      format: String,
      tick: String,
    });
    expect(svg).toContain('&lt;s&gt;');
    expect(svg).not.toContain('style=');
  });

  it('answers every page with 200 under a session and 303 to the login without one, with strict headers', async () => {
    const { cookie } = await signIn();
    expect(cookie).toMatch(/^polypay_dash=/);
    const pages = [
      '/dashboard',
      '/dashboard/?hours=1',
      '/dashboard?hours=168&merchant=shop1',
      '/dashboard/payments',
      '/dashboard/payments?status=captured&merchant=shop1&face=numopay',
      `/dashboard/payments?q=${paid.slug}`,
      `/dashboard/payments/${paid.id}`,
      `/dashboard/payments/${paid.id}?kind=webhook`,
      '/dashboard/payouts',
      `/dashboard/payouts/${payoutId}`,
      '/dashboard/webhooks',
      '/dashboard/webhooks?status=delivered',
      `/dashboard/webhooks/${deliveryId}`,
      '/dashboard/merchants',
      '/dashboard/clock',
    ];
    for (const path of pages) {
      const ok = await fetch(h.url + path, { headers: { cookie }, redirect: 'manual' });
      expect(ok.status, path).toBe(200);
      expect(ok.headers.get('content-type'), path).toContain('text/html');
      expect(ok.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(ok.headers.get('content-security-policy'), path).not.toContain('unsafe-inline');
      expect(ok.headers.get('x-frame-options'), path).toBe('DENY');
      expect(ok.headers.get('cache-control'), path).toContain('no-store');
      const html = await ok.text();
      expect(html, path).not.toContain('4000000000003055');
      const anon = await fetch(h.url + path, { redirect: 'manual' });
      expect(anon.status, path).toBe(303);
      expect(anon.headers.get('location'), path).toBe(`/dashboard/login?next=${encodeURIComponent(path)}`);
    }
    // unknown objects and pages: a 404 page under the session, the login without one
    for (const path of ['/dashboard/payments/999999999', '/dashboard/payouts/abc', '/dashboard/webhooks/0', '/dashboard/nope']) {
      expect((await fetch(h.url + path, { headers: { cookie }, redirect: 'manual' })).status, path).toBe(404);
      expect((await fetch(h.url + path, { redirect: 'manual' })).status, path).toBe(303);
    }
    // a forged or wrong session is no session
    expect((await fetch(`${h.url}/dashboard`, { headers: { cookie: cookie.slice(0, -3) + 'xyz' }, redirect: 'manual' })).status).toBe(303);
    expect((await signIn('wrong-token')).status).toBe(401);
    // actions need the session and the CSRF token
    const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' } as const;
    const anonPost = await fetch(`${h.url}/dashboard/clock/freeze`, { ...form, body: '' });
    expect(anonPost.status).toBe(303);
    expect(anonPost.headers.get('location')).toBe('/dashboard/login?next=%2Fdashboard%2Fclock');
    expect((await fetch(`${h.url}/dashboard/clock/freeze`, { ...form, headers: { ...form.headers, cookie }, body: '' })).status).toBe(403);
    expect(
      (await fetch(`${h.url}/dashboard/clock/freeze`, { ...form, headers: { ...form.headers, cookie }, body: '_csrf=forged' })).status,
    ).toBe(403);
    expect(h.gw.engine.clock.state().frozen).toBe(false);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await fetch(`${h.url}/dashboard/clock`, { headers: { cookie } })).text())![1]!;
    const withToken = await fetch(`${h.url}/dashboard/payments/${paid.id}/capture`, {
      ...form,
      headers: { ...form.headers, cookie },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    // a core error (the payment is already captured) is a message on the payment's page, not a 500
    expect(withToken.status).toBe(303);
    expect(withToken.headers.get('location')).toBe(`/dashboard/payments/${paid.id}`);
    const flash = /polypay_flash=([^;]+)/.exec(withToken.headers.get('set-cookie') ?? '')![1]!;
    expect(JSON.parse(Buffer.from(flash, 'base64url').toString())).toEqual({ kind: 'error', text: 'payment is captured (INVALID_STATE)' });
  });

  it('signs in with the admin token after refusing a wrong one, returning to the page asked for', async () => {
    await page.goto(`${h.url}/dashboard/payments`);
    expect(page.url()).toBe(`${h.url}/dashboard/login?next=%2Fdashboard%2Fpayments`);
    await page.fill('#token', 'not-the-token');
    const refused = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/dashboard/login') && r.request().method() === 'POST'),
      page.click('#sign-in'),
    ]);
    expect(refused[0].status()).toBe(401);
    expect(await page.textContent('#login-error')).toBe('That token is not the admin token.');
    await shot(page, 'dashboard-login-refused');
    await page.fill('#token', h.gw.adminToken);
    await Promise.all([page.waitForURL(`${h.url}/dashboard/payments`), page.click('#sign-in')]);
    expect(await page.textContent('h1')).toBe('Payments');
    const cookie = (await ctx.cookies()).find((c) => c.name === 'polypay_dash')!;
    // path / : the API reference (/docs) also knows a signed-in operator; not Secure over plain HTTP
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/', secure: false });
  });

  it('shows the overview: charts of volume, approval rate and latency, the latest payments and the clock', async () => {
    await page.goto(`${h.url}/dashboard`);
    for (const id of ['chart-volume', 'chart-approval', 'chart-latency']) {
      expect(await page.locator(`#${id} svg`).count(), id).toBe(1);
      expect(await page.locator(`#${id} .legend`).textContent(), id).not.toBe('');
    }
    expect(await page.locator('#chart-volume .legend').textContent()).toContain('RUB');
    expect(await page.locator('#chart-volume rect.bar').count()).toBeGreaterThan(0);
    expect(await page.locator('#chart-latency .legend').textContent()).toBe('p50p95');
    expect(await page.textContent('#kpi-payments .v')).toBe('2');
    expect(await page.textContent('#kpi-approval .v')).toBe('50%');
    expect(await page.textContent('#kpi-volume .v')).toBe('1,250.50 RUB');
    expect(await page.locator('#latest-payments tbody tr').count()).toBe(2);
    expect(await page.textContent('#clock-state')).toBe('running');
    await shot(page, 'dashboard-overview');
    await Promise.all([page.waitForURL(`${h.url}/dashboard?hours=1`), page.click('#range-1')]);
    expect(await page.getAttribute('#range-1', 'aria-current')).toBe('true');
    await Promise.all([page.waitForURL(`${h.url}/dashboard?hours=168`), page.click('#range-168')]);
    expect(await page.locator('#chart-volume rect.bar').count()).toBe(1);
    await shot(page, 'dashboard-overview-7d');
    // a phone-width window: nothing wider than the screen
    const phone = await ctx.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${h.url}/dashboard`);
    expect(await phone.evaluate(() => (globalThis as unknown as Doc).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(phone, 'dashboard-overview-phone');
    await phone.close();
  });

  it('finds a payment by its Numopay order slug and shows its page and full timeline', async () => {
    await page.goto(`${h.url}/dashboard/payments`);
    expect(await page.locator('#payments-table tbody tr').count()).toBe(2);
    await page.selectOption('#status', 'declined');
    await Promise.all([page.waitForURL(/status=declined/), page.click('#apply')]);
    expect(await page.locator('#payments-table tbody tr').count()).toBe(1);
    expect(await page.textContent('#payments-table [data-status]')).toBe('declined');
    await shot(page, 'dashboard-payments');
    await page.goto(`${h.url}/dashboard/payments`);
    await page.fill('#q', paid.slug);
    await Promise.all([page.waitForURL(/q=client_wof_/), page.press('#q', 'Enter')]);
    const rows = page.locator('#search-results tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('numopay order_slug');
    expect(await rows.first().textContent()).toContain('1,250.50 RUB');
    await shot(page, 'dashboard-payments-search');
    await Promise.all([page.waitForURL(`${h.url}/dashboard/payments/${paid.id}`), rows.first().locator('a').click()]);
    expect(await page.textContent('h1')).toContain(`Payment ${paid.id}`);
    expect(await page.textContent('#amount')).toBe('1,250.50 RUB');
    expect(await page.textContent('#refs')).toContain(paid.slug);
    const kinds = await page
      .locator('#timeline-list > li')
      .evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { kind: string } }).dataset.kind));
    expect(new Set(kinds)).toEqual(new Set(['request', 'event', 'ledger', 'webhook']));
    const charge = page.locator('#timeline-list li[data-kind=request]', { hasText: /\/charge →/ }).first();
    await charge.locator('summary').click();
    expect(await charge.textContent()).toContain('400000******3055');
    expect(await charge.textContent()).toContain('[redacted]');
    expect(await page.content()).not.toContain('4000000000003055');
    await shot(page, 'dashboard-payment');
    // the timeline filtered to webhooks only
    await page.click('#timeline a[href$="?kind=webhook#timeline"]');
    await page.waitForURL(/kind=webhook/);
    expect(
      new Set(
        await page
          .locator('#timeline-list > li')
          .evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { kind: string } }).dataset.kind)),
      ),
    ).toEqual(new Set(['webhook']));
  });

  it('refunds from the payment page; a core error is shown as a message', async () => {
    await page.goto(`${h.url}/dashboard/payments/${paid.id}`);
    await page.fill('#refund-amount', '5000');
    await Promise.all([page.waitForURL(`${h.url}/dashboard/payments/${paid.id}`), page.click('#refund')]);
    expect(await page.textContent('#flash')).toBe('refund amount exceeds the amount left to refund (AMOUNT_EXCEEDS_AVAILABLE)');
    await shot(page, 'dashboard-payment-error');
    await page.fill('#refund-amount', '50.50');
    await Promise.all([page.waitForURL(`${h.url}/dashboard/payments/${paid.id}`), page.click('#refund')]);
    expect(await page.textContent('#flash')).toMatch(/^Refunded 50\.50 RUB \(refund \d+\)\.$/);
    expect(await page.textContent('h1 [data-status]')).toBe('partially refunded');
    expect(await page.locator('#refunds tbody tr').count()).toBe(1);
    // the same form sent twice (a double click, a resubmission) refunds once
    const cookie = (await ctx.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const html = await (await fetch(`${h.url}/dashboard/payments/${paid.id}`, { headers: { cookie } })).text();
    const refundForm = /<form[^>]*action="\/dashboard\/payments\/\d+\/refund"[^>]*>([\s\S]*?)<\/form>/.exec(html)![1]!;
    const fields = Object.fromEntries([...refundForm.matchAll(/name="(_csrf|_op)" value="([^"]+)"/g)].map((m) => [m[1]!, m[2]!]));
    const send = () =>
      fetch(`${h.url}/dashboard/payments/${paid.id}/refund`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...fields, amount: '1' }).toString(),
      });
    expect((await send()).status).toBe(303);
    const again = await send();
    expect(again.status).toBe(303);
    const flash = /polypay_flash=([^;]+)/.exec(again.headers.get('set-cookie') ?? '')![1]!;
    expect(JSON.parse(Buffer.from(flash, 'base64url').toString()).text).toBe(
      'This form was already submitted; nothing was done a second time.',
    );
    const p = await h.gw.engine.read((tx) => tx.payments.get(paid.id));
    expect(p!.refundedAmount).toBe(5150n);
  });

  it("replays the payment's webhook to the receiver from the delivery page", async () => {
    await page.goto(`${h.url}/dashboard/payments/${paid.id}`);
    await Promise.all([
      page.waitForURL(`${h.url}/dashboard/webhooks/${deliveryId}`),
      page.click(`#deliveries a[href="/dashboard/webhooks/${deliveryId}"]`),
    ]);
    expect(await page.textContent('#wh-method')).toBe('POST');
    expect(await page.textContent('#wh-url')).toBe(`${rx.url}/dash-hook`);
    expect(await page.textContent('#wh-body')).toContain(paid.slug);
    expect(await page.locator('#attempts tbody tr').count()).toBe(1);
    const before = hooks().filter((x) => x.body.includes(paid.slug) && x.body.includes('success')).length;
    await Promise.all([page.waitForURL(`${h.url}/dashboard/webhooks/${deliveryId}`), page.click('#replay')]);
    expect(await page.textContent('#flash')).toMatch(
      new RegExp(`^Replayed delivery ${deliveryId}: HTTP 200 in \\d+ ms \\(attempt 2\\)\\.$`),
    );
    await rx.waitFor(() => hooks().filter((x) => x.body.includes(paid.slug) && x.body.includes('success')).length === before + 1);
    expect(await page.locator('#attempts tbody tr').count()).toBe(2);
    expect(await page.textContent('#attempts tbody tr[data-attempt="2"]')).toContain('HTTP 200');
    await shot(page, 'dashboard-webhook');
    await page.goto(`${h.url}/dashboard/webhooks?status=delivered`);
    expect(await page.locator(`#deliveries tr[data-delivery="${deliveryId}"]`).count()).toBe(1);
    await shot(page, 'dashboard-webhooks');
  });

  it('advances the clock until a 15-minute Numopay token expires', async () => {
    const t = await np().createChargeToken(RUB, { amount: '777' });
    const id = Number(/client_wof_(\d+)_/.exec(t.order_slug)![1]);
    await page.goto(`${h.url}/dashboard/clock`);
    const offset0 = h.gw.engine.clock.state().offsetMs;
    await page.fill('#adv-amount', '14');
    await Promise.all([page.waitForURL(`${h.url}/dashboard/clock`), page.click('#advance')]);
    expect(await page.textContent('#flash')).toBe('Clock advanced by 14 min.');
    expect((await np().paymentStatus(RUB, t.order_slug)).status).not.toBe('expired');
    await Promise.all([page.waitForURL(`${h.url}/dashboard/clock`), page.click('#adv-15m')]);
    expect(h.gw.engine.clock.state().offsetMs - offset0).toBe(29 * 60_000);
    expect(await page.textContent('#clock-offset')).toMatch(/^\+29 min/);
    // the change is kept in the store for restarts and other processes
    expect(JSON.parse((await h.gw.store.read((tx) => tx.settings.get('clock')))!).offsetMs).toBe(h.gw.engine.clock.snapshot().offsetMs);
    await eventually(async () => expect((await np().paymentStatus(RUB, t.order_slug)).status).toBe('expired'));
    await expect(np().charge(RUB, { token: t.token, card_info: { number: '4000000000003055', ...CARD } })).rejects.toThrow();
    await shot(page, 'dashboard-clock');
    await page.goto(`${h.url}/dashboard/payments/${id}`);
    expect(await page.textContent('h1 [data-status]')).toBe('expired');
    // freeze and unfreeze
    await page.goto(`${h.url}/dashboard/clock`);
    await Promise.all([page.waitForURL(`${h.url}/dashboard/clock`), page.click('#freeze')]);
    expect(await page.textContent('#clock-state')).toBe('frozen');
    expect(h.gw.engine.clock.state().frozen).toBe(true);
    await Promise.all([page.waitForURL(`${h.url}/dashboard/clock`), page.click('#unfreeze')]);
    expect(h.gw.engine.clock.state().frozen).toBe(false);
  });

  it('adds a fault that fails a route, then removes it', async () => {
    await page.goto(`${h.url}/dashboard/clock`);
    expect(await page.textContent('#faults-table tbody')).toContain('No faults');
    await page.selectOption('#fault-face', 'numopay');
    await page.fill('#fault-route', '/v2/time');
    await page.fill('#fault-status', '503');
    await page.selectOption('#fault-dist', 'fixed');
    await page.fill('#fault-ms', '50');
    await Promise.all([page.waitForURL(`${h.url}/dashboard/clock#faults`), page.click('#add-fault')]);
    expect(await page.textContent('#flash')).toMatch(
      /^Fault fault_\w+ added: \+50 ms latency, answers HTTP 503 for face numopay · route \/v2\/time\*\.$/,
    );
    expect(await page.locator('#faults-table tbody tr[data-fault]').count()).toBe(1);
    const res = await fetch(`${h.url}/numopay/v2/time`);
    expect(res.status).toBe(503);
    expect(res.headers.get('x-polypay-fault')).toMatch(/^fault_/);
    await shot(page, 'dashboard-faults');
    // an incomplete rule is refused with a message
    await page.fill('#fault-route', '/v2/accounts');
    await Promise.all([page.waitForURL(`${h.url}/dashboard/clock#faults`), page.click('#add-fault')]);
    expect(await page.textContent('#flash')).toContain('A fault needs an effect');
    await Promise.all([page.waitForURL(`${h.url}/dashboard/clock#faults`), page.click('#faults-table tr[data-fault] button')]);
    expect(await page.textContent('#flash')).toMatch(/^Fault fault_\w+ removed\.$/);
    expect(await page.locator('#faults-table tbody tr[data-fault]').count()).toBe(0);
    expect(h.gw.faults.list()).toEqual([]);
    await expect(np().time()).resolves.toBeDefined();
  });

  it('lists one-time codes sent', async () => {
    const t = await np().createChargeToken(RUB, { amount: '100' });
    await np().charge(RUB, { token: t.token, card_info: { number: '4000000000000101', ...CARD } });
    const code = (await h.gw.engine.read((tx) => tx.challenges.list('shop1', 5))).find((c) => c.kind === 'otp')!.otpCode!;
    await page.goto(`${h.url}/dashboard/clock`);
    expect(await page.textContent('#otp-table tbody tr:first-child')).toContain(code);
  });

  it('refuses a POST without the CSRF token (403) and changes nothing', async () => {
    await page.goto(`${h.url}/dashboard/clock`);
    await page.evaluate(() => (globalThis as unknown as Doc).document.querySelector('#freeze-form input[name=_csrf]')!.remove());
    const [res] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/dashboard/clock/freeze')), page.click('#freeze')]);
    expect(res.status()).toBe(403);
    await page.waitForSelector('#csrf-refused');
    expect(h.gw.engine.clock.state().frozen).toBe(false);
    await shot(page, 'dashboard-csrf-refused');
  });

  it('shows merchants with hidden secrets and balances, and resets one with a typed confirmation', async () => {
    await page.goto(`${h.url}/dashboard/merchants`);
    const shop1 = page.locator('[data-merchant=shop1]');
    expect(await shop1.textContent()).toContain('np_test_key_1');
    expect(await page.isVisible('text=np_test_secret_1')).toBe(false);
    expect(await shop1.textContent()).toContain('RUB');
    await shot(page, 'dashboard-merchants');
    await shop1.locator('summary', { hasText: 'Reveal secret' }).click();
    expect(await page.isVisible('text=np_test_secret_1')).toBe(true);
    const shop2 = page.locator('[data-merchant=shop2]');
    await shop2.locator('summary', { hasText: 'Reset this merchant' }).click();
    await page.fill('#confirm-shop2', 'shop1');
    await Promise.all([page.waitForURL(`${h.url}/dashboard/merchants`), shop2.locator('button.danger').click()]);
    expect(await page.textContent('#flash')).toBe('Not reset: type the merchant id “shop2” to confirm.');
    await page.locator('[data-merchant=shop2] summary', { hasText: 'Reset this merchant' }).click();
    await page.fill('#confirm-shop2', 'shop2');
    await Promise.all([page.waitForURL(`${h.url}/dashboard/merchants`), page.locator('[data-merchant=shop2] button.danger').click()]);
    expect(await page.textContent('#flash')).toBe('Merchant shop2 was reset.');
    expect(await page.locator('[data-merchant=shop2]').count()).toBe(1);
  });

  it('signs out; then every page goes to the login again', async () => {
    await page.goto(`${h.url}/dashboard/payouts/${payoutId}`);
    expect(await page.textContent('h1')).toContain(`Payout ${payoutId}`);
    await shot(page, 'dashboard-payout');
    await Promise.all([page.waitForURL(`${h.url}/dashboard/login`), page.click('#logout')]);
    await page.goto(`${h.url}/dashboard/webhooks`);
    expect(page.url()).toBe(`${h.url}/dashboard/login?next=%2Fdashboard%2Fwebhooks`);
    await shot(page, 'dashboard-login');
  });
});
