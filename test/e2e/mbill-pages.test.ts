// Mbill's browser side in a real browser: a merchant page on its own origin includes /mbill/tokenizer.js,
// which replaces the card container with the gateway's iframe; the card typed in the iframe is checked live,
// and the merchant page gets a postMessage with the card token (or the validation errors). A transfer from that
// token passes 3-D Secure in the browser (the ACS, then the terminal URL) and lands on `arrival`; the
// merchant's webhook receiver gets the signed transfer webhooks. Decline cards, the ACS's decline button and
// three wrong lookup codes decline; a replayed ACS hand-off pays nothing more; the card number only goes to
// the gateway; the frame is never cached and only its merchant's origin may frame it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame, Page } from 'playwright-core';
import { verifyWebhookSignature, type TransferView } from '../../src/faces/mbill/client.js';
import { launchBrowser, shot } from '../helpers/browser.js';
import { eventually } from '../helpers/eventually.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { STORES } from '../helpers/stores.js';
import { API_TOKEN, client, transferBody } from '../faces/mbill/helpers.js';
import { carrying, MerchantSite, overflowX, recordRequests, unlabelled, type Hit } from './merchant-site.js';

interface CardToken {
  type: 'card-token';
  token: string;
  token_expires_at: string;
}
interface Got {
  origin: string;
  data: { type: string; token?: CardToken; errors?: Array<{ entry: string; rules: Array<{ rule: string }> }> };
}

describe.each(STORES)('Mbill tokenizer and 3-D Secure in a real browser on %s', (store) => {
  let h: TestGateway;
  let site: MerchantSite;
  let browser: Browser;

  beforeAll(async () => {
    site = await new MerchantSite().start();
    site.routes.set('/mbill-hook', { body: '{"ok":true}' });
    h = await startTestGateway(store, {
      merchants: [
        { id: 'mb_shop', name: 'Mbill Shop', currencies: ['UAH'], mbill: { apiToken: API_TOKEN, webhookUrl: `${site.url}/mbill-hook` } },
      ],
    });
    browser = await launchBrowser();
    site.routes.set('/card', (x) => {
      const lang = new URL(x.url, site.url).searchParams.get('lang');
      return {
        body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Send money</title>
<script src="${h.url}/mbill/tokenizer.js"></script></head>
<body style="margin:0;padding:8px;font-family:sans-serif"><h1 style="font-size:18px">Send money</h1>
<div id="card" class="card-container">card form goes here</div>
<button id="send" type="button">Send</button>
<script>
  window.got = [];
  window.addEventListener('message', function (e) { window.got.push({ origin: e.origin, data: e.data }); });
  window.tokens = []; window.errors = []; window.changes = [];
  window.tokenizer = MbillTokenizer.init({
    container: '#card', ${lang ? `lang: '${lang}',` : ''}
    onToken: function (t) { window.tokens.push(t); },
    onErrors: function (e) { window.errors.push(e); },
    onChange: function (c) { window.changes.push(c); }
  });
  document.getElementById('send').onclick = function () { window.tokenizer.tokenize(); };
</script></body></html>`,
      };
    });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await site?.close();
  });

  const mb = () => client(h);

  /** Signed webhooks for a transfer: their events in order of arrival. */
  const hooks = (t: TransferView): string[] =>
    site
      .of('/mbill-hook')
      .map((x: Hit) => ({ x, j: JSON.parse(x.body) as { meta: { event: string }; data: { id: string } } }))
      .filter(({ j }) => j.data.id === t.id)
      .map(({ x, j }) => {
        expect(verifyWebhookSignature(API_TOKEN, x.body, x.headers['x-mbill-signature'] as string)).toBe(true);
        return j.meta.event;
      });

  const got = (page: Page) => page.evaluate(() => (globalThis as any).got as Got[]);

  async function openCardPage(page: Page, lang?: string): Promise<Frame> {
    await page.goto(`${site.url}/card${lang ? `?lang=${lang}` : ''}`);
    const el = await page.waitForSelector('iframe#card');
    const frame = (await el.contentFrame())!;
    await frame.waitForSelector('#number');
    return frame;
  }

  async function typeCard(frame: Frame, pan: string, month = '12', year = '2030', cvv = '123') {
    await frame.fill('#number', '');
    await frame.type('#number', pan);
    await frame.fill('#month', month);
    await frame.fill('#year', year);
    await frame.fill('#cvv', cvv);
  }

  /** Types a card in the frame, asks for a token from the merchant page, and returns it. */
  async function tokenize(page: Page, pan: string): Promise<CardToken> {
    const frame = await openCardPage(page);
    await typeCard(frame, pan);
    await page.click('#send');
    const tokens = await page.waitForFunction(() => (globalThis as any).tokens.length > 0 && (globalThis as any).tokens);
    return ((await tokens.jsonValue()) as CardToken[])[0]!;
  }

  /** The merchant's page that sends the browser to the ACS (PaReq, MD, TermUrl with `arrival`). */
  function handoff(t: TransferView, arrival: string): string {
    const a = t.auth as { acs_url: string; pa_req: string; md: string; terminal_url: string };
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    const path = `/3ds-${t.id}`;
    site.routes.set(path, {
      body: `<!doctype html><html><body><form id="f" method="post" action="${esc(a.acs_url)}"><input type="hidden" name="PaReq" value="${esc(a.pa_req)}"><input type="hidden" name="MD" value="${esc(a.md)}"><input type="hidden" name="TermUrl" value="${esc(`${a.terminal_url}?arrival=${encodeURIComponent(arrival)}`)}"></form><script>document.getElementById('f').submit();</script></body></html>`,
    });
    return site.url + path;
  }

  const transfer = async (token: CardToken, amount = 1000) =>
    (
      await mb().createTransfer(
        transferBody(
          { type: 'card-token', token: token.token },
          { type: 'card-number', number: '5555555555554444' },
          amount,
          Math.max(5, amount / 100),
        ),
      )
    ).data;

  it('replaces the container with the gateway iframe, checks the card live, and posts validation errors, then the card token', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    const sent = recordRequests(page);
    const frameRes = page.waitForResponse((r) => r.url().startsWith(`${h.url}/mbill/tokenizer/frame`));
    const frame = await openCardPage(page);
    const fr = await frameRes;
    expect(fr.headers()['cache-control']).toContain('no-store');
    expect(fr.headers()['content-security-policy']).toContain(`frame-ancestors ${site.url}`);
    expect(fr.headers()['x-frame-options']).toBeUndefined();
    // the container is gone: an iframe of the gateway took its place (and its id)
    expect(await page.$('div#card')).toBeNull();
    expect(await page.getAttribute('iframe#card', 'src')).toBe(`${h.url}/mbill/tokenizer/frame?origin=${encodeURIComponent(site.url)}`);
    expect(await unlabelled(frame)).toEqual([]);
    // a bad number: the live check shows an error as soon as 16 digits are typed
    await frame.type('#number', '4242424242424241');
    expect(await frame.inputValue('#number')).toBe('4242 4242 4242 4241');
    expect(await frame.textContent('#number-error')).toBe('Check the card number');
    expect(await frame.getAttribute('#number', 'aria-invalid')).toBe('true');
    await frame.fill('#month', '13');
    expect(await frame.textContent('#month-error')).toBe('Enter the month as 01–12');
    await shot(page, 'mbill-tokenizer-live-errors');
    // asking for a token with bad data: the merchant page gets the errors as invalid[] entries
    await page.click('#send');
    await page.waitForFunction(() => (globalThis as any).errors.length > 0);
    const errs = (await got(page)).filter((m) => m.data.type === 'mbill:validation-errors');
    expect(errs).toHaveLength(1);
    expect(errs[0]!.origin).toBe(h.url);
    expect(errs[0]!.data.errors!.map((e) => `${e.entry}:${e.rules[0]!.rule}`)).toEqual([
      '$.number:card_number',
      '$.expiration_month:format',
      '$.expiration_year:required',
      '$.cvv:required',
    ]);
    expect(await page.evaluate(() => (globalThis as any).tokens.length)).toBe(0);
    // a good card: the token arrives by postMessage from the gateway's origin
    await typeCard(frame, '4242424242424242');
    expect(await frame.textContent('#number-error')).toBe('');
    expect(await frame.textContent('#brand')).toBe('Visa');
    await shot(page, 'mbill-tokenizer-filled');
    await frame.click('#submit');
    await page.waitForFunction(() => (globalThis as any).tokens.length > 0);
    const msgs = await got(page);
    const tokenMsg = msgs.find((m) => m.data.type === 'mbill:card-token')!;
    expect(tokenMsg.origin).toBe(h.url);
    expect(tokenMsg.data.token).toEqual({
      type: 'card-token',
      token: expect.stringMatching(/^card-token-/),
      token_expires_at: expect.stringMatching(/Z$/),
    });
    expect(await page.evaluate(() => (globalThis as any).tokens[0].token)).toBe(tokenMsg.data.token!.token);
    // the live changes told the page when the card became valid, never with card data
    expect(
      await page.evaluate(() => (globalThis as any).changes.some((c: { valid: boolean; brand: string }) => c.valid && c.brand === 'Visa')),
    ).toBe(true);
    expect(JSON.stringify(msgs)).not.toContain('4242424242424242');
    expect(JSON.stringify(msgs)).not.toContain('4242 4242');
    // the card number went to the gateway's /mbill/tokens and nowhere else; the CVV is cleared
    expect(carrying(sent, '4242424242424242').map((s) => `${s.method} ${s.url}`)).toEqual([`POST ${h.url}/mbill/tokens`]);
    expect(site.hits.length).toBeGreaterThan(0);
    expect(site.hits.some((x) => x.body.includes('4242424242424242') || x.url.includes('4242424242424242'))).toBe(false);
    expect(await frame.inputValue('#cvv')).toBe('');
    await page.close();
  });

  it('pays a transfer from the token through 3-D Secure in the browser and lands on `arrival`; webhooks follow; a replay pays nothing', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    const token = await tokenize(page, '4242424242424242');
    const t = await transfer(token, 1000);
    expect(t).toMatchObject({ status: 'authentication', auth: { type: '3d-secure' } });
    expect(t.sender.credential).toMatchObject({ type: 'card-token', number: '424242******4242' });
    await page.goto(handoff(t, `${site.url}/arrival?t=${t.id}`));
    await page.waitForSelector('#approve');
    expect(await page.textContent('[data-testid=acs-merchant]')).toBe('Mbill Shop');
    expect(await page.textContent('[data-testid=acs-amount]')).toBe('1\u202f010,00 ₴');
    expect(await page.textContent('[data-testid=acs-card]')).toBe('424242******4242');
    await shot(page, 'mbill-acs');
    await Promise.all([page.waitForURL(`${site.url}/arrival?t=${t.id}`), page.click('#approve')]);
    await site.waitFor(() => hooks(t).includes('transfer.completed'));
    expect((await mb().getTransfer(t.id, t.token)).data.status).toBe('completed');
    // the token was one-time
    await expect(transfer(token)).rejects.toMatchObject({ status: 422 });
    // the merchant's hand-off page opened again: the ACS says it is done; nothing is paid twice
    await page.goto(`${site.url}/3ds-${t.id}`);
    await page.waitForSelector('h1');
    expect(await page.textContent('main')).toContain('already been completed');
    expect(await page.$('#approve')).toBeNull();
    await shot(page, 'mbill-acs-replayed');
    await page.goBack();
    await page.reload();
    await new Promise((r) => setTimeout(r, 300));
    expect(hooks(t).filter((e) => e === 'transfer.completed')).toHaveLength(1);
    const res = await fetch(`${h.url}/admin/api/payments?merchant=mb_shop&limit=500`, {
      headers: { authorization: `Bearer ${h.gw.adminToken}` },
    });
    const items = ((await res.json()) as { items: Array<{ id: number; status: string }> }).items;
    expect(items.filter((p) => p.id === Number(t.id)).map((p) => p.status)).toEqual(['captured']);
    await page.close();
  });

  it('without `arrival` the terminal shows the transfer status page', async () => {
    const page = await browser.newPage({ locale: 'uk-UA', extraHTTPHeaders: { 'accept-language': 'uk-UA,uk;q=0.9' } });
    const token = await tokenize(page, '5555555555554444');
    const t = await transfer(token, 250);
    const a = t.auth as { acs_url: string; pa_req: string; md: string; terminal_url: string };
    site.routes.set(`/3ds-plain-${t.id}`, {
      body: `<!doctype html><html><body><form id="f" method="post" action="${a.acs_url}"><input type="hidden" name="PaReq" value="${a.pa_req}"><input type="hidden" name="MD" value="${a.md}"><input type="hidden" name="TermUrl" value="${a.terminal_url}"></form><script>document.getElementById('f').submit();</script></body></html>`,
    });
    await page.goto(`${site.url}/3ds-plain-${t.id}`);
    await page.waitForSelector('#approve');
    expect(await page.textContent('h1')).toBe('Перевірка 3-D Secure');
    await Promise.all([page.waitForSelector('[data-testid=result]'), page.click('#approve')]);
    expect(await page.getAttribute('[data-testid=result]', 'data-status')).toMatch(/^(processing|completed)$/);
    expect(await page.getAttribute('html', 'lang')).toBe('uk');
    await shot(page, 'mbill-terminal-result');
    await site.waitFor(() => hooks(t).includes('transfer.completed'));
    await page.close();
  });

  it('a decline card (after 3-D Secure) and the ACS decline button land on `arrival` with a declined transfer and its webhook', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    const poor = await transfer(await tokenize(page, '4012888888881881'), 300);
    await page.goto(handoff(poor, `${site.url}/arrival?t=${poor.id}`));
    await Promise.all([page.waitForURL(`${site.url}/arrival?t=${poor.id}`), page.click('#approve')]);
    await site.waitFor(() => hooks(poor).includes('transfer.declined'));
    expect((await mb().getTransfer(poor.id, poor.token)).data).toMatchObject({
      status: 'declined',
      decline: { code: 116, reason: 'Funds_Insufficient' },
    });

    const refused = await transfer(await tokenize(page, '4242424242424242'), 300);
    await page.goto(handoff(refused, `${site.url}/arrival?t=${refused.id}`));
    await page.waitForSelector('#decline');
    await Promise.all([page.waitForURL(`${site.url}/arrival?t=${refused.id}`), page.click('#decline')]);
    await site.waitFor(() => hooks(refused).includes('transfer.declined'));
    expect((await mb().getTransfer(refused.id, refused.token)).data).toMatchObject({
      status: 'declined',
      decline: { code: 431, reason: '3DS_Failed' },
    });
    await page.close();
  });

  it('a card enrolled for one-time codes gets a lookup code; three wrong codes decline it (webhook)', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    const t = await transfer(await tokenize(page, '4000000000000101'), 400);
    expect(t.auth).toEqual({ type: 'lookup-code', md: t.external_id });
    for (let i = 0; i < 3; i++) await expect(mb().authenticateTransfer(t.id, t.token, '000000')).rejects.toMatchObject({ status: 422 });
    await site.waitFor(() => hooks(t).includes('transfer.declined'));
    expect((await mb().getTransfer(t.id, t.token)).data).toMatchObject({
      status: 'declined',
      decline: { code: 431, reason: '3DS_Failed' },
    });
    expect(hooks(t).filter((e) => e === 'transfer.completed')).toHaveLength(0);
    await page.close();
  });

  it('speaks uk, ru and en, fits a 360-px phone, and may only be framed by its own merchant origin', async () => {
    const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'en-US' });
    const page = await ctx.newPage();
    const labels: Record<string, string | null> = {};
    for (const lang of ['uk', 'ru', 'en']) {
      const frame = await openCardPage(page, lang);
      expect(await frame.getAttribute('html', 'lang')).toBe(lang);
      labels[lang] = await frame.textContent('label[for=number]');
      expect(await overflowX(page)).toBe(0);
      expect(
        await frame.evaluate(
          () => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).document.documentElement.clientWidth,
        ),
      ).toBe(0);
    }
    expect(labels).toEqual({ uk: 'Номер картки', ru: 'Номер карты', en: 'Card number' });
    const frame = await openCardPage(page, 'uk');
    await frame.type('#number', '5555555555554445');
    await frame.fill('#year', '2031');
    await page.tap('#send');
    await page.waitForFunction(() => (globalThis as any).errors.length > 0);
    expect(await frame.textContent('#number-error')).toBe('Перевірте номер картки');
    expect(await frame.textContent('#cvv-error')).toBe('CVV — 3 або 4 цифри');
    // the iframe grew with the inline errors: the whole form, its button included, is visible
    await eventually(async () => {
      const box = (await page.$('iframe#card'))!;
      const frameHeight = (await box.boundingBox())!.height;
      const content = await frame.evaluate(() => (globalThis as any).document.documentElement.scrollHeight as number);
      expect(content).toBeLessThanOrEqual(frameHeight);
    });
    const button = (await frame.$('#submit'))!;
    expect(await button.isVisible()).toBe(true);
    await shot(page, 'mbill-tokenizer-360px-uk');
    // the same frame asked for by a page of another origin (localhost is not 127.0.0.1) is refused
    const other = site.url.replace('127.0.0.1', 'localhost');
    const foreign = await ctx.newPage();
    await foreign.goto(`${other}/card`);
    const el = await foreign.waitForSelector('iframe#card');
    expect(await el.getAttribute('src')).toContain(`origin=${encodeURIComponent(other)}`);
    await (await el.contentFrame())!.waitForSelector('#number'); // its own frame loads

    await foreign.evaluate(
      ({ src }) => {
        const d = (globalThis as any).document;
        const f = d.createElement('iframe');
        f.id = 'stolen';
        f.src = src;
        d.body.appendChild(f);
      },
      { src: `${h.url}/mbill/tokenizer/frame?origin=${encodeURIComponent(site.url)}` },
    );
    const stolen = await (await foreign.waitForSelector('iframe#stolen')).contentFrame();
    await foreign.waitForTimeout(1000);
    expect(stolen ? await stolen.$('#number') : null).toBeNull();
    await ctx.close();
  });
});
