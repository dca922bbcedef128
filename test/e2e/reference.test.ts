// The API reference in a real browser (chromium via playwright-core) on SQLite, with a demo merchant that has
// fixed credentials for every face: the index, a face page opened from it (its secrets filled in once the
// operator signs in; the browser context stays signed in for the rest), and for each face an operation
// signed in the browser (WebCrypto) and sent with Send: Numopay GET /v2/accounts, CloudPayments /test,
// /payments/get of an unknown id and a payment by a cryptogram made in the page, NovaPay /session with the
// pasted QE key (SHA-1 and SHA-256; the key never leaves the page), Mbill /tokens then a transfer with that
// token, Way2Pay /balance and a pay-in. On a phone the page fits, every control is labelled; no CSP errors.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Seed } from '../../src/operator/seed.js';
import { join } from 'node:path';
import { launchBrowser, SCREENSHOTS, shot } from '../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { overflowX, recordRequests, unlabelled, type Sent } from './merchant-site.js';

const PEM = readFileSync(new URL('../fixtures/novapay/qe-merchant-1-private.pem', import.meta.url), 'utf8');
const ACCOUNT = '7a1c2e30-24d7-11ea-a0af-ad4afa2c683c';
const SEED: Seed = {
  merchants: [
    {
      id: 'demo',
      name: 'Demo Shop',
      currencies: ['RUB', 'USD', 'UAH'],
      numopay: {
        apiKey: 'np_demo_key',
        secret: 'np_demo_secret',
        publishableKey: 'pk_live_demo',
        accounts: [{ id: ACCOUNT, currency: 'RUB' }],
      },
      cloudpayments: { publicId: 'pk_d3m0d3m0d3m0d3m0d3m0d3m0d3m01', apiSecret: 'cp_demo_secret' },
      novapay: { merchantId: 1, privateKey: PEM },
      mbill: { apiToken: 'demo_mbill_token' },
      way2pay: { publicKey: 'w2p_pk_demo', secretKey: 'w2p_sk_demo', generation: 1, payoutBalance: '10000' },
    },
    // a Way2Pay merchant of auth generation 2, whose keys the test types into the credentials panel
    { id: 'gen2', name: 'Gen2 Shop', way2pay: { publicKey: 'w2p_pk_gen2', secretKey: 'w2p_sk_gen2', generation: 2, payoutBalance: '500' } },
  ],
};

// SQLite only, unlike the payer-page suites: what this suite tests is the page in the browser (signing with
// WebCrypto, Send, layout); the operations it sends are the faces' own, tested on both stores by their suites.
describe('API reference in a real browser', () => {
  let h: TestGateway;
  let browser: Browser;
  let desktop: BrowserContext;
  const problems: string[] = [];

  /** A page that records console errors (CSP violations included) and uncaught exceptions. */
  async function open(ctx: BrowserContext, path: string): Promise<Page> {
    const page = await ctx.newPage();
    page.on('console', (m) => {
      // (the browser's own request for /favicon.ico, which the gateway does not serve, is not the page's error)
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(`${path}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${path}: ${e.message}`));
    await page.goto(`${h.url}${path}`);
    return page;
  }

  /** Signs a browser context in to the dashboard with the admin token (the reference then fills in secrets). */
  async function signIn(ctx: BrowserContext): Promise<void> {
    const page = await open(ctx, '/dashboard/login?next=%2Fdocs');
    await page.fill('#token', h.gw.adminToken);
    await Promise.all([page.waitForURL(`${h.url}/docs`), page.click('#sign-in')]);
    await page.close();
  }

  /** Opens an operation's section (a click on its summary) unless it is open. */
  async function openOp(page: Page, op: string): Promise<void> {
    const details = page.locator(`details#op-${op}`);
    if (!(await details.evaluate((d) => (d as unknown as { open: boolean }).open)))
      await page.locator(`details#op-${op} > summary`).click();
  }

  /** Presses Send on an operation (opening it first) and returns the answer's status and body as shown. */
  async function send(page: Page, op: string): Promise<{ status: number; body: string }> {
    await openOp(page, op);
    // the page draws a new status element for each answer: the one shown before is marked, and the wait is for an
    // unmarked one (two answers may read the same, to the millisecond)
    await page.evaluate((op) => {
      const el = (globalThis as any).document.querySelector(`[data-testid="status-${op}"]`);
      if (el) el.dataset.seen = '1';
    }, op);
    await page.click(`[data-testid="send-${op}"]`);
    await page.waitForFunction((op) => {
      const el = (globalThis as any).document.querySelector(`[data-testid="status-${op}"]`);
      return el && el.getAttribute('data-status') && !el.dataset.seen;
    }, op);
    const status = Number(await page.getAttribute(`[data-testid="status-${op}"]`, 'data-status'));
    const body = (await page.textContent(`[data-testid="body-${op}"]`)) ?? '';
    return { status, body };
  }

  /** A screenshot of one operation: its description, form and the answer shown. */
  async function shotOp(page: Page, op: string, name: string): Promise<void> {
    await page.locator(`details#op-${op}`).screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  }

  async function setBody(page: Page, op: string, body: unknown): Promise<void> {
    await openOp(page, op);
    await page.fill(`[data-testid="body-input-${op}"]`, JSON.stringify(body, null, 2));
  }

  beforeAll(async () => {
    h = await startTestGateway('sqlite', SEED);
    browser = await launchBrowser();
    desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('the index lists the five faces and the admin API, and opens a face', async () => {
    const page = await open(desktop, '/docs');
    for (const face of ['numopay', 'cloudpayments', 'novapay', 'mbill', 'way2pay', 'admin'])
      await expect(page.locator(`[data-testid="face-${face}"]`).count()).resolves.toBe(1);
    expect(await page.getAttribute('[data-testid="face-admin"] a', 'href')).toBe('/admin/openapi.json');
    await shot(page, 'reference-index');
    await page.click('[data-testid="face-numopay"] h2 a');
    await page.waitForURL(`${h.url}/docs/numopay`);
    // a visitor gets the demo merchant's public key, not its secret, and a way to sign in
    expect(await page.inputValue('[data-testid="cred-apiKey"]')).toBe('np_demo_key');
    expect(await page.inputValue('[data-testid="cred-secret"]')).toBe('');
    expect(await page.content()).not.toContain('np_demo_secret');
    // the operator signs in with the admin token and comes back to the page, now with the secrets
    await page.click('#credentials [data-testid="sign-in"]');
    await page.waitForURL(`${h.url}/dashboard/login?next=%2Fdocs%2Fnumopay`);
    await page.fill('#token', h.gw.adminToken);
    await Promise.all([page.waitForURL(`${h.url}/docs/numopay`), page.click('#sign-in')]);
    await page.screenshot({ path: join(SCREENSHOTS, 'reference-numopay.png') });
    expect(await page.inputValue('[data-testid="cred-apiKey"]')).toBe('np_demo_key');
    expect(await page.inputValue('[data-testid="cred-secret"]')).toBe('np_demo_secret');
    const json = await (await page.request.get(`${h.url}/docs/numopay/openapi.json`)).json();
    expect(json.openapi).toBe('3.0.3');
    await page.close();
  });

  it('Numopay: GET /v2/accounts, signed with NP-ACCESS-TOKEN in the browser', async () => {
    const page = await open(desktop, '/docs/numopay#op-listAccounts');
    expect(await page.locator('details#op-listAccounts').evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(true);
    const r = await send(page, 'listAccounts');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ data: [{ id: ACCOUNT, currency: 'RUB' }] });
    const signed = await page.locator('[data-answer="listAccounts"] details').last().locator('pre').textContent();
    expect(signed).toMatch(/^\d{10}GET\/v2\/accounts$/);
    // the account of the demo merchant is filled into the path of the next operations
    expect(await page.inputValue('#getBalance-path-account_id')).toBe(ACCOUNT);
    expect((await send(page, 'getBalance')).status).toBe(200);
    await shotOp(page, 'listAccounts', 'reference-numopay-accounts');
    await page.close();
  });

  it('CloudPayments: /test, /payments/get of an unknown id, and a payment by a cryptogram made in the page', async () => {
    const page = await open(desktop, '/docs/cloudpayments#op-test');
    const test = await send(page, 'test');
    expect(test.status).toBe(200);
    expect(JSON.parse(test.body)).toMatchObject({ Success: true, Message: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    await setBody(page, 'getTransaction', { TransactionId: 42 });
    const get = await send(page, 'getTransaction');
    expect(get.status).toBe(200);
    expect(JSON.parse(get.body)).toEqual({ Success: false, Message: 'Not found' });
    await openOp(page, 'chargeByCryptogram');
    await page.click('[data-testid="cryptogram-chargeByCryptogram"]');
    await page.waitForFunction(() =>
      /filled in/.test((globalThis as any).document.querySelector('#op-chargeByCryptogram [data-cryptogram-status]').textContent),
    );
    const charge = await send(page, 'chargeByCryptogram');
    expect(charge.status).toBe(200);
    expect(JSON.parse(charge.body)).toMatchObject({
      Success: true,
      Message: null,
      Model: { Status: 'Completed', CardFirstSix: '400000', CardLastFour: '3055' },
    });
    await shotOp(page, 'chargeByCryptogram', 'reference-cloudpayments-charge');
    await shotOp(page, 'getTransaction', 'reference-cloudpayments-get-unknown');
    await page.close();
  });

  it('NovaPay: /session signed with the pasted key (SHA-1 and SHA-256); the key stays in the page', async () => {
    const page = await open(desktop, '/docs/novapay#op-createSession');
    const sent: Sent[] = recordRequests(page);
    await page.fill('[data-testid="cred-privateKey"]', PEM);
    const legacy = await send(page, 'createSession');
    expect(legacy.status).toBe(200);
    expect(JSON.parse(legacy.body)).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), metadata: { order: '1234' } });
    await page.selectOption('[data-testid="cred-algorithm"]', 'SHA-256');
    const current = await send(page, 'createSession');
    expect(current.status).toBe(200);
    const posted = sent.filter((s) => s.method === 'POST');
    expect(posted.map((s) => new URL(s.url).pathname)).toEqual(['/novapay/v1/session', '/novapay/v1/session']);
    const keyLine = PEM.split('\n')[1]!;
    expect(
      sent.filter((s) => s.body.includes('PRIVATE KEY') || s.body.includes(keyLine) || s.url.includes(encodeURIComponent(keyLine))),
    ).toEqual([]);
    await page.locator('#credentials').screenshot({ path: join(SCREENSHOTS, 'reference-novapay-credentials.png') });
    await shotOp(page, 'createSession', 'reference-novapay-session');
    await page.close();
  });

  it('Mbill: POST /tokens, then a transfer from that token', async () => {
    const page = await open(desktop, '/docs/mbill#op-createCardToken');
    const t = await send(page, 'createCardToken');
    expect(t.status).toBe(201);
    const token = JSON.parse(t.body).data;
    expect(token).toMatchObject({ type: 'card-token', token: expect.stringMatching(/^card-token-4242-/) });
    const body = JSON.parse(await page.inputValue('[data-testid="body-input-createTransfer"]'));
    body.sender.credential.token = token.token;
    await setBody(page, 'createTransfer', body);
    const transfer = await send(page, 'createTransfer');
    expect(transfer.status).toBe(201);
    expect(JSON.parse(transfer.body).data).toMatchObject({
      status: 'authentication',
      auth: { type: '3d-secure' },
      sender: { credential: { type: 'card-token', number: '424242******4242' } },
    });
    await shotOp(page, 'createCardToken', 'reference-mbill-token');
    await shotOp(page, 'createTransfer', 'reference-mbill-transfer');
    await page.close();
  });

  it('Way2Pay: GET /balance and a pay-in, generation 1', async () => {
    const page = await open(desktop, '/docs/way2pay#op-getBalance');
    const b = await send(page, 'getBalance');
    expect(b.status).toBe(200);
    expect(JSON.parse(b.body)).toEqual({
      success: true,
      data: {
        balance: {
          payment: { currency: 'RUB', available: '0', frozen: '0' },
          payout: { currency: 'RUB', available: '10000', frozen: '0' },
        },
      },
    });
    // two signed requests in the same second: the page keeps its nonces increasing
    expect((await send(page, 'getBalance')).status).toBe(200);
    const p = await send(page, 'createPayIn');
    expect(p.status).toBe(200);
    expect(JSON.parse(p.body).data).toMatchObject({
      externalID: 'test123',
      status: 'PENDING',
      bank: expect.any(String),
      cardNumber: expect.any(String),
    });
    await shotOp(page, 'getBalance', 'reference-way2pay-balance');
    await page.close();
  });

  it('Way2Pay: GET /balance signed with generation 2 (Expires) from the credentials panel', async () => {
    const page = await open(desktop, '/docs/way2pay#op-getBalance');
    await page.fill('#creds [name="publicKey"]', 'w2p_pk_gen2');
    await page.fill('#creds [name="secretKey"]', 'w2p_sk_gen2');
    await page.selectOption('#creds [name="generation"]', '2');
    const b = await send(page, 'getBalance');
    expect(b.status, b.body).toBe(200);
    expect(JSON.parse(b.body).data.balance.payout).toEqual({ currency: 'RUB', available: '500', frozen: '0' });
    // twice in the same second: the page keeps its Expires values increasing
    expect((await send(page, 'getBalance')).status).toBe(200);
    await page.close();
  });

  it('fits a phone, with every control labelled', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      await signIn(phone);
      for (const face of ['numopay', 'cloudpayments', 'novapay', 'mbill', 'way2pay']) {
        const page = await open(phone, `/docs/${face}`);
        expect(await overflowX(page), face).toBeLessThanOrEqual(0);
        expect(await unlabelled(page), face).toEqual([]);
        await page.close();
      }
      const page = await open(phone, '/docs/way2pay#op-listCurrencies');
      const r = await send(page, 'listCurrencies');
      expect(r.status).toBe(200);
      expect(await overflowX(page)).toBeLessThanOrEqual(0);
      await shotOp(page, 'listCurrencies', 'reference-way2pay-phone');
      const index = await open(phone, '/docs');
      expect(await overflowX(index)).toBeLessThanOrEqual(0);
      await shot(index, 'reference-index-phone');
    } finally {
      await phone.close();
    }
  });

  it('logged no console errors (no CSP violation) on any page', () => {
    expect(problems).toEqual([]);
  });
});
