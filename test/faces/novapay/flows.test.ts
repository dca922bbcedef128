// NovaPay sessions end to end over real HTTP, on SQLite and PostgreSQL: the hosted page with 3-D Secure
// (approve and decline), holds with partial completion, same-day voids around 23:59 Kyiv time, frames,
// checkout, the 30-day lifetime, and postbacks to a real receiver, verified with the gateway's key.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { declineCardPan } from '../../../src/core/network/test-cards.js';
import type { DeclineReason } from '../../../src/core/network/reasons.js';
import { DAY, MINUTE } from '../../../src/core/clock.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { Receiver, type Received } from '../../helpers/receiver.js';
import { eventually } from '../../helpers/eventually.js';
import { parseForm, postForm } from '../../helpers/browser-lite.js';
import { STORES } from '../../helpers/stores.js';
import {
  client,
  FACES,
  msToKyivMidnight,
  NOVAPAY_SEED,
  payOnPage,
  POSTBACK_KEYS,
  returnLink,
  signaturesOf,
  STATUS_KEYS,
  ISO_RE,
} from './setup.js';

const PHONE = '+380501112233';

describe.each(STORES)('NovaPay face on %s: sessions, holds, voids and postbacks', (store) => {
  let h: TestGateway;
  let rx: Receiver;
  let gatewayPublic: string;

  beforeAll(async () => {
    h = await startTestGateway(store, NOVAPAY_SEED, undefined, { faces: FACES });
    rx = await new Receiver().start();
    gatewayPublic = await (await fetch(`${h.url}/novapay/v1/public-key`)).text();
    // start every run just after midnight in Kyiv, so that "the payment day" is the whole test
    h.gw.clock.advance(msToKyivMidnight(h.gw.clock.now()) + MINUTE);
  });
  afterAll(async () => {
    await h?.close();
    await rx?.close();
  });
  afterEach(async () => {
    await h.gw.engine.read((tx) => h.gw.engine.ledger.verify(tx));
  });

  const balance = () => h.gw.engine.read(async (tx) => (await h.gw.engine.ledger.balance(tx, 'np1', 'UAH')).available);
  const postbacks = (id: string): Array<Received & { json: Record<string, unknown> }> =>
    rx.requests.map((r) => ({ ...r, json: JSON.parse(r.body) as Record<string, unknown> })).filter((r) => r.json.id === id);
  const statusesOf = (id: string) => postbacks(id).map((r) => r.json.status as string);
  const waitStatus = (id: string, status: string) => eventually(async () => expect((await client(h).getStatus(id)).status).toBe(status));
  const newSession = (extra: Record<string, unknown> = {}) =>
    client(h).createSession({
      client_phone: PHONE,
      callback_url: `${rx.url}/postback`,
      success_url: `${rx.url}/ok`,
      fail_url: `${rx.url}/fail`,
      ...extra,
    });

  it("lists every request about a session in its timeline and in its payment's, under the merchant: API routes and payer pages", async () => {
    const c = client(h);
    const { id } = await newSession();
    const pay = await c.addPayment({ session_id: id, amount: 12.34, use_hold: true });
    await payOnPage(pay.url, '4000000000003055');
    await waitStatus(id, 'holded');
    await c.completeHold(id, 10);
    // the completion settles in the background: let it finish so that the next test's balance starts still
    await waitStatus(id, 'paid');
    const requests = async (type: string, objectId: string) => {
      const r = await fetch(`${h.url}/admin/api/objects/${type}/${objectId}/timeline`, {
        headers: { authorization: `Bearer ${h.gw.adminToken}` },
      });
      expect(r.status).toBe(200);
      const entries = ((await r.json()) as { entries: Array<{ kind: string; data: { method: string; path: string; merchantId: string } }> })
        .entries;
      return entries.filter((e) => e.kind === 'request').map((e) => `${e.data.method} ${e.data.path.split('?')[0]} ${e.data.merchantId}`);
    };
    const session = await requests('novapay_session', id);
    for (const r of [
      'POST /novapay/v1/session np1',
      'POST /novapay/v1/payment np1',
      'GET /novapay/pay np1',
      'POST /novapay/pay np1',
      'POST /novapay/v1/get-status np1',
      'POST /novapay/v1/complete-hold np1',
    ])
      expect(session).toContain(r);
    const payment = await requests('payment', pay.id);
    for (const r of ['POST /novapay/v1/payment np1', 'POST /novapay/pay np1', 'POST /novapay/v1/complete-hold np1'])
      expect(payment).toContain(r);
    expect(payment).not.toContain('POST /novapay/v1/session np1');
  });

  it('a held session: the hosted page with 3-D Secure, partial completion, a signed postback on every change', async () => {
    const c = client(h);
    const before = await balance();
    const { id, metadata } = await newSession({
      client_first_name: 'Тарас',
      client_last_name: 'Шевченко',
      client_patronymic: 'Григорович',
      metadata: { order: 'A-1' },
    });
    expect(metadata).toEqual({ order: 'A-1' });
    const products = [{ description: 'Кобзар', count: 1, price: 150.5 }];
    const pay = await c.addPayment({ session_id: id, amount: 150.5, external_id: 'A-1', products, use_hold: true });
    expect(Object.keys(pay)).toEqual(['url', 'id', 'session_id']);
    expect(pay).toEqual({ url: `${h.url}/novapay/pay?sid=${id}`, id: expect.stringMatching(/^\d+$/), session_id: id });
    expect((await c.getStatus(id)).status).toBe('created');

    const { final, statusPage } = await payOnPage(pay.url, '4242 4242 4242 4242', 'approve');
    expect(final.status).toBe(303);
    expect(statusPage).not.toContain('4242424242424242');
    expect(returnLink(statusPage)).toBe(`${rx.url}/ok`);

    const held = await c.getStatus(id);
    expect(Object.keys(held)).toEqual(STATUS_KEYS);
    expect(held).toEqual({
      id,
      metadata: { order: 'A-1' },
      status: 'holded',
      created_at: expect.stringMatching(ISO_RE),
      client_phone: PHONE,
      client_first_name: 'Тарас',
      client_last_name: 'Шевченко',
      client_patronymic: 'Григорович',
      pan: '424242xxxxxx4242',
      rrn: null,
      paytype: 'card',
      approval_code: expect.stringMatching(/^[A-Z0-9]{6}$/),
      card_type: 'VISA',
      transaction_status: 'APPROVED',
      amount: '150.50',
      processing_result: '',
      operations: [{ transaction_id: pay.id, external_id: 'A-1', amount: '150.50', refunded_amount: null, status: 'holded' }],
    });
    // a hold is not spendable yet
    expect(await balance()).toBe(before);

    // complete part of the hold: processing_hold_completion, then paid
    expect(await c.completeHold(id, 100)).toBeNull();
    await waitStatus(id, 'paid');
    const paid = await c.getStatus(id);
    expect(paid).toMatchObject({
      status: 'paid',
      amount: '100.00',
      transaction_status: 'APPROVED',
      operations: [{ amount: '100.00', status: 'paid' }],
    });
    expect(await balance()).toBe(before + 10000n);
    await expect(c.completeHold(id)).rejects.toMatchObject({ code: 'SessionInvalidStatusError' });

    const got = await rx.waitFor(() => statusesOf(id).includes('paid') && postbacks(id).length >= 4);
    expect(got.length).toBeGreaterThan(0);
    expect(statusesOf(id).sort()).toEqual(['holded', 'paid', 'processing', 'processing_hold_completion']);
    for (const pb of postbacks(id)) {
      expect(pb.method).toBe('POST');
      expect(pb.url).toBe('/postback');
      expect(pb.headers['content-type']).toBe('application/json');
      expect(signaturesOf(pb.body, pb.headers, gatewayPublic)).toEqual({ sha1: true, sha256: true });
      expect(Object.keys(pb.json)).toEqual(POSTBACK_KEYS);
      expect(pb.body).toBe(JSON.stringify(pb.json)); // compact JSON.stringify form
    }
    const last = postbacks(id).find((p) => p.json.status === 'paid')!.json;
    expect(last).toEqual({
      id,
      status: 'paid',
      metadata: { order: 'A-1' },
      client_first_name: 'Тарас',
      client_last_name: 'Шевченко',
      client_patronymic: 'Григорович',
      client_phone: PHONE,
      external_id: 'A-1',
      delivery: null,
      products,
      delivery_amount: null,
      delivery_status_code: null,
      delivery_status_text: null,
      created_at: held.created_at,
      amount: 100,
      paytype: 'card',
      terminal_name: 'Nova Shop',
      RRN: expect.stringMatching(/^\d{12}$/),
      APPROVAL: held.approval_code,
      client_email: null,
      client_ip: '127.0.0.1',
      processing_result: '',
      card_details: { pan: '424242xxxxxx4242', card_bank: 'Polypay Test Bank', card_country: 'UA', card_type: 'VISA' },
      payments: [{ external_id: 'A-1', amount: 100, products }],
    });
    const holdPb = postbacks(id).find((p) => p.json.status === 'holded')!.json;
    expect(holdPb).toMatchObject({ amount: 150.5, payments: [{ amount: 150.5 }] });
    // the page now only shows the result; a second card submission cannot pay again
    const again = await postForm(pay.url, { number: '4000000000003055', exp: '12/30', cvv: '123' });
    expect(again.status).toBe(200);
    expect(await balance()).toBe(before + 10000n);
  });

  it('retries a postback until the merchant answers 2xx', async () => {
    const c = client(h);
    const { id } = await newSession();
    const { url } = await c.addPayment({ session_id: id, amount: 7 });
    rx.failNext = 2;
    const start = rx.requests.length;
    await payOnPage(url, '4000000000003055');
    await rx.waitFor((r) => r.length >= start + 2);
    h.gw.clock.advance(MINUTE + 1000);
    await rx.waitFor((r) => r.length >= start + 3);
    h.gw.clock.advance(5 * MINUTE + 1000);
    await rx.waitFor(
      () =>
        statusesOf(id).filter((s) => s === 'paid').length >= 1 &&
        statusesOf(id).filter((s) => s === 'processing').length >= 1 &&
        rx.requests.slice(start).length >= 4,
    );
    const deliveries = await eventually(async () => {
      const list = await h.gw.engine.read((tx) => tx.deliveries.list({ subjectType: 'novapay_session', subjectId: id, limit: 10 }));
      expect(list.map((d) => d.status)).toEqual(['delivered', 'delivered']);
      return list;
    });
    const attempts = (await Promise.all(deliveries.map((d) => h.gw.engine.read((tx) => tx.deliveries.listAttempts(d.id))))).flat();
    expect(attempts.map((a) => a.responseStatus).sort()).toEqual([200, 200, 500, 500]);
  });

  it('declines at the ACS and for a declined card: failed, processing_result, fail_url', async () => {
    const c = client(h);
    const before = await balance();
    const a = await newSession();
    const pa = await c.addPayment({ session_id: a.id, amount: 50 });
    const { statusPage } = await payOnPage(pa.url, '5555555555554444', 'decline');
    expect(returnLink(statusPage)).toBe(`${rx.url}/fail`);
    expect(await c.getStatus(a.id)).toMatchObject({
      status: 'failed',
      transaction_status: 'DECLINED',
      card_type: 'MASTERCARD',
      pan: '555555xxxxxx4444',
      processing_result: 'Помилка автентифікації 3-D Secure',
    });

    const b = await newSession();
    const pb = await c.addPayment({ session_id: b.id, amount: 50 });
    const r = await payOnPage(pb.url, declineCardPan('insufficient_funds'));
    expect(r.statusPage).toContain('Недостатньо коштів');
    expect(await c.getStatus(b.id)).toMatchObject({
      status: 'failed',
      processing_result: 'Недостатньо коштів',
      operations: [{ status: 'failed' }],
    });
    await rx.waitFor(() => statusesOf(b.id).includes('failed'));
    expect(postbacks(b.id).find((p) => p.json.status === 'failed')!.json).toMatchObject({
      processing_result: 'Недостатньо коштів',
      paytype: 'card',
      amount: 50,
    });
    // each decline reason has its own text (docs/novapay.md: a Ukrainian text per core decline reason)
    const texts: Array<[DeclineReason, string]> = [
      ['do_not_honor', 'Відмова банку-емітента'],
      ['stolen_card', 'Картку викрадено'],
      ['expired_card', 'Термін дії картки минув'],
      ['incorrect_cvv', 'Невірний CVV2'],
    ];
    for (const [reason, text] of texts) {
      const s = await newSession();
      const p = await c.addPayment({ session_id: s.id, amount: 5 });
      await payOnPage(p.url, declineCardPan(reason));
      expect(await c.getStatus(s.id), reason).toMatchObject({ status: 'failed', transaction_status: 'DECLINED', processing_result: text });
    }
    expect(await balance()).toBe(before);
  });

  it('shows the card form errors and keeps the session payable', async () => {
    const c = client(h);
    const s = await newSession();
    const { url } = await c.addPayment({ session_id: s.id, amount: 3 });
    const page = await fetch(url);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const html = await page.text();
    expect(html).toContain('Nova Shop');
    const form = parseForm(html, url, 'pay');
    expect((await postForm(form.action, { ...form.fields, number: '4242424242424241', exp: '12/30', cvv: '123' })).status).toBe(400);
    expect((await postForm(form.action, { ...form.fields, number: '4242424242424242', exp: '13/30', cvv: '123' })).status).toBe(400);
    expect((await postForm(form.action, { ...form.fields, number: '4242424242424242', exp: '12/30', cvv: '1' })).status).toBe(400);
    expect((await c.getStatus(s.id)).status).toBe('processing');
    await payOnPage(url, '4000000000003055');
    expect((await c.getStatus(s.id)).status).toBe('paid');
  });

  it('voids a paid session the same day (before 23:59 Kyiv) and refuses after; a held one any time', async () => {
    const c = client(h);
    const before = await balance();
    const pay = async (hold: boolean) => {
      const s = await newSession();
      const p = await c.addPayment({ session_id: s.id, amount: 20, use_hold: hold });
      await payOnPage(p.url, '4000000000003055');
      return s.id;
    };
    const a = await pay(false);
    const b = await pay(false);
    const held = await pay(true);
    expect((await c.getStatus(a)).status).toBe('paid');
    expect(await balance()).toBe(before + 4000n);

    // late in the payment day (23:58 Kyiv), a paid session can still be voided
    h.gw.clock.advance(msToKyivMidnight(h.gw.clock.now()) - 2 * MINUTE);
    expect(await c.void(a)).toBeNull();
    await waitStatus(a, 'voided');
    expect(await c.getStatus(a)).toMatchObject({
      status: 'voided',
      transaction_status: 'REFUNDED',
      operations: [{ status: 'voided', refunded_amount: null }],
    });
    expect(await balance()).toBe(before + 2000n);
    await expect(c.void(a)).rejects.toMatchObject({
      status: 400,
      body: { type: 'processing', error: 'session already refunded', code: 'SessionAlreadyRefundedError' },
    });
    await rx.waitFor(() => statusesOf(a).includes('voided'));
    expect(statusesOf(a).sort()).toEqual(['paid', 'processing', 'processing_void', 'voided']);

    // after midnight the paid session b can no longer be voided
    h.gw.clock.advance(3 * MINUTE);
    await expect(c.void(b)).rejects.toMatchObject({
      body: { type: 'processing', error: 'void is available only until 23:59 of the payment day', code: 'VoidPeriodExpiredError' },
    });
    expect((await c.getStatus(b)).status).toBe('paid');

    // a hold can be voided any time
    h.gw.clock.advance(2 * DAY);
    expect(await c.void(held)).toBeNull();
    await waitStatus(held, 'voided');
    expect(await balance()).toBe(before + 2000n);
  });

  it('completes a hold in full, and refuses more than the hold', async () => {
    const c = client(h, { algorithm: 'sha256' });
    const before = await balance();
    const s = await newSession();
    const p = await c.addPayment({ session_id: s.id, amount: '250.25', use_hold: true });
    await payOnPage(p.url, '4000000000003055');
    await expect(c.completeHold(s.id, 250.26)).rejects.toMatchObject({
      body: { type: 'processing', error: 'amount exceeds holded amount', code: 'AmountExceedsHoldError' },
    });
    expect(await c.completeHold(s.id)).toBeNull();
    await waitStatus(s.id, 'paid');
    expect(await c.getStatus(s.id)).toMatchObject({ amount: '250.25', operations: [{ amount: '250.25', status: 'paid' }] });
    expect(await balance()).toBe(before + 25025n);
  });

  it('frames: /frames/init answers {session_id, url} to a frameable page', async () => {
    const c = client(h);
    const r = await c.framesInit({
      amount: '12.34',
      callback_url: `${rx.url}/postback`,
      products: [{ description: 'Чай', count: '2', price: '6.17' }],
      metadata: { f: 1 },
    });
    expect(Object.keys(r)).toEqual(['session_id', 'url']);
    expect(r.url).toBe(`${h.url}/novapay/frames/pay?sid=${r.session_id}`);
    const page = await fetch(r.url);
    expect(page.headers.get('x-frame-options')).toBeNull();
    expect(page.headers.get('content-security-policy')).toContain('frame-ancestors *');
    await payOnPage(r.url, '2202000000003055');
    expect(await c.getStatus(r.session_id)).toMatchObject({ status: 'paid', amount: '12.34', card_type: 'MIR', metadata: { f: 1 } });
  });

  it('checkout: precreated → created → paid through /checkout/pay; void and get-status are shared', async () => {
    const c = client(h, { algorithm: 'sha256' });
    const s = await c.checkoutSession({ callback_url: `${rx.url}/postback`, success_url: `${rx.url}/ok`, client_phone: PHONE });
    expect(Object.keys(s)).toEqual(['id', 'session_id', 'metadata']);
    expect((await c.getStatus(s.id)).status).toBe('precreated');
    // the acquiring /payment does not take a checkout session
    await expect(c.addPayment({ session_id: s.id, amount: 5 })).rejects.toMatchObject({ code: 'SessionNotFoundError' });
    const p = await c.checkoutPayment({ session_id: s.id, amount: 99.99, use_hold: true });
    expect(p).toEqual({ url: `${h.url}/novapay/checkout/pay?sid=${s.id}`, session_id: s.id });
    expect(p).not.toHaveProperty('id');
    expect((await c.getStatus(s.id)).status).toBe('created');
    const { statusPage } = await payOnPage(p.url, '4000000000003055');
    expect(returnLink(statusPage)).toBe(`${rx.url}/ok`);
    expect((await c.getStatus(s.id)).status).toBe('holded');
    await c.completeHold(s.id, undefined, [{ id: (await c.getStatus(s.id)).operations[0]!.transaction_id, amount: 50 }]);
    await waitStatus(s.id, 'paid');
    expect((await c.getStatus(s.id)).amount).toBe('50.00');
    await rx.waitFor(() => statusesOf(s.id).includes('paid'));
    expect(statusesOf(s.id).sort()).toEqual(['created', 'holded', 'paid', 'processing', 'processing_hold_completion']);
  });

  it('3-D Secure left unfinished fails the session when the challenge expires', async () => {
    const c = client(h);
    const s = await newSession();
    const { url } = await c.addPayment({ session_id: s.id, amount: 8 });
    const page = await fetch(url);
    const form = parseForm(await page.text(), url, 'pay');
    const res = await postForm(form.action, { ...form.fields, number: '4242424242424242', exp: '12/30', cvv: '123' });
    expect(await res.text()).toContain('PaReq');
    expect((await c.getStatus(s.id)).status).toBe('processing');
    h.gw.clock.advance(16 * MINUTE);
    await waitStatus(s.id, 'failed');
    expect(await c.getStatus(s.id)).toMatchObject({ processing_result: 'Час на підтвердження платежу минув', transaction_status: null });
    await rx.waitFor(() => statusesOf(s.id).includes('failed'));
  });

  it('keeps sessions across a restart', async () => {
    const c = client(h);
    const s = await newSession();
    await c.addPayment({ session_id: s.id, amount: 1 });
    const before = await c.getStatus(s.id);
    await h.restart();
    expect(await client(h).getStatus(s.id)).toEqual(before);
  });

  it('expires unpaid sessions after 30 days (the clock); paid and held ones keep their status', async () => {
    const c = client(h);
    const fresh = await newSession();
    const open = await newSession();
    const { url } = await c.addPayment({ session_id: open.id, amount: 4 });
    await fetch(url); // the payer opened the page: processing
    const held = await newSession();
    const hp = await c.addPayment({ session_id: held.id, amount: 4, use_hold: true });
    await payOnPage(hp.url, '4000000000003055');
    expect((await c.getStatus(open.id)).status).toBe('processing');

    h.gw.clock.advance(29 * DAY);
    await new Promise((r) => setTimeout(r, 200));
    expect((await c.getStatus(fresh.id)).status).toBe('created');
    h.gw.clock.advance(DAY + MINUTE);
    await waitStatus(fresh.id, 'expired');
    await waitStatus(open.id, 'expired');
    expect(await c.getStatus(open.id)).toMatchObject({ status: 'expired', operations: [{ status: 'expired' }], transaction_status: null });
    expect((await c.getStatus(held.id)).status).toBe('holded');
    await rx.waitFor(() => statusesOf(open.id).includes('expired'));
    await expect(c.addPayment({ session_id: fresh.id, amount: 1 })).rejects.toMatchObject({ code: 'SessionExpiredError' });
    // the expired page says so
    const page = await (await fetch(url)).text();
    expect(returnLink(page)).toBe(`${rx.url}/fail`);
  });
});
