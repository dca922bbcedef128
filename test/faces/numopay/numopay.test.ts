// The Numopay face end to end over real HTTP, on SQLite and on PostgreSQL: the seed's examples as wire
// shapes, the charge flow through the hosted page and the ACS, every state code, refills, webhooks to a
// real receiver (retries, restarts), checkout sessions, and bad input.
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NumopayApiError, NumopayClient } from '../../../src/faces/numopay/client.js';
import { declineCardPan } from '../../../src/core/network/test-cards.js';
import type { DeclineReason } from '../../../src/core/network/reasons.js';
import { passAcs, parseForm, postForm } from '../../helpers/browser-lite.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { Receiver } from '../../helpers/receiver.js';
import { eventually } from '../../helpers/eventually.js';
import { STORES } from '../../helpers/stores.js';

const RUB = '423e5010-24d7-11ea-a0af-ad4afa2c683c';
const USD = '523e5010-24d7-11ea-a0af-ad4afa2c683d';
const OTHER = '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d';
const FUTURE = { month: '12', year: '2099', cvv: '123', holder: 'NUMO PAY' };
const STATUS_KEYS = [
  'order_slug',
  'is_completed',
  'status',
  'type',
  'amount',
  'currency',
  'card_number',
  'state_code',
  'state_description',
  // shown for every order (Numopay's documents): null / the order's own amount and currency without a conversion
  'checkout_session_id',
  'original_amount',
  'original_currency',
].sort();

/**
 * The documented Authorization header, computed here from the published formula (not with the face's signing
 * code): `NP-ACCESS-TOKEN <version>.<timestamp>.<apiKey>.<signature>`, the signature being the hex HMAC-SHA256,
 * keyed with the secret, of the prehash string `timestamp + method + requestPath + query + body`.
 */
function documentedAuthorization(
  apiKey: string,
  secret: string,
  timestamp: number,
  method: string,
  requestPath: string,
  query: string,
  body: string,
): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}${method.toUpperCase()}${requestPath}${query}${body}`).digest('hex');
  return `NP-ACCESS-TOKEN 2019-12-22.${timestamp}.${apiKey}.${signature}`;
}

/** The documented state-code table: code → [a core decline reason whose test card gets it, state_description]. */
const STATE_TABLE: Array<[number, DeclineReason, string]> = [
  [10, 'insufficient_funds', 'Недостаточно средств'],
  [11, 'card_not_found', 'Карта не найдена'],
  [12, 'invalid_card', 'Недействительная карта'],
  [13, 'transaction_not_permitted', 'Транзакция недоступна для держателя карты'],
  [14, 'expired_card', 'Срок действия карты истек'],
  [15, 'lost_card', 'Карта утеряна'],
  [16, 'limit_exceeded', 'Превышены лимиты карты'],
  [17, 'refer_to_issuer', 'Отказ эмитента или платежной системы'],
  [18, 'restricted_card', 'Операции по карте ограничены'],
  [19, 'pick_up_card', 'Карта изъята'],
  [20, 'invalid_card_number', 'Недействительный номер карты'],
  [21, 'no_such_issuer', 'Не найден бин'],
  [22, 'payout_not_permitted', 'Операции пополнения недоступны по карте'],
  [23, 'incorrect_cvv', 'Неверный ввод CVV2'],
  [24, 'stolen_card', 'Карта украдена'],
  [25, 'pick_up_card_special', 'Карта изъята'],
  [26, 'card_record_not_found', 'Карта не найдена'],
];

describe.each(STORES)('Numopay face on %s', (store) => {
  let h: TestGateway;
  let rx: Receiver;
  const client = () => new NumopayClient({ baseUrl: `${h.url}/numopay`, apiKey: 'np_test_key_1', secret: 'np_test_secret_1' });

  beforeAll(async () => {
    h = await startTestGateway(store);
    rx = await new Receiver().start();
  });
  afterAll(async () => {
    await h?.close();
    await rx?.close();
  });
  afterEach(async () => {
    // the ledger balances after every test
    await h.gw.engine.read((tx) => h.gw.engine.ledger.verify(tx));
  });

  /** A raw request signed as the documentation says (computed in this file), to check exact bytes on the wire. */
  async function raw(
    method: string,
    path: string,
    body?: string,
    opts: { key?: string; secret?: string; ts?: number; query?: string; signPath?: string } = {},
  ) {
    const ts = opts.ts ?? Math.floor(Date.now() / 1000);
    const query = opts.query ?? '';
    const payload = method === 'GET' ? '' : (body ?? '');
    const auth = documentedAuthorization(
      opts.key ?? 'np_test_key_1',
      opts.secret ?? 'np_test_secret_1',
      ts,
      method,
      opts.signPath ?? path,
      query,
      payload,
    );
    const res = await fetch(`${h.url}/numopay${path}${query}`, {
      method,
      headers: { authorization: auth, 'content-type': 'application/json' },
      ...(method === 'GET' ? {} : { body: payload }),
    });
    const text = await res.text();
    return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
  }

  async function chargeToken(amount = '100', account = RUB) {
    return client().createChargeToken(account, { amount, redirect_url: `${rx.url}/return` });
  }

  describe('the seed examples, as wire shapes', () => {
    it('GET /v2/time needs no auth and answers {data:{iso,epoch}}', async () => {
      const res = await fetch(`${h.url}/numopay/v2/time`);
      const body = (await res.json()) as { data: { iso: string; epoch: number } };
      expect(res.status).toBe(200);
      expect(Object.keys(body)).toEqual(['data']);
      expect(Object.keys(body.data).sort()).toEqual(['epoch', 'iso']);
      expect(body.data.iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(Math.abs(body.data.epoch - Date.now() / 1000)).toBeLessThan(5);
    });

    it('lists and shows accounts', async () => {
      const list = await raw('GET', '/v2/accounts');
      expect(list.status).toBe(200);
      expect(list.json).toEqual({
        data: [
          { id: RUB, currency: 'RUB' },
          { id: USD, currency: 'USD' },
        ],
      });
      const one = await raw('GET', `/v2/accounts/${RUB}`);
      expect(one.json).toEqual({ data: { id: RUB, currency: 'RUB' } });
    });

    it('shows the balance as a string of kopecks', async () => {
      const b = await raw('GET', `/v2/accounts/${USD}/balance`);
      expect(b.status).toBe(200);
      expect(b.json).toEqual({ data: { amount: '0', currency: 'USD' } });
    });

    it('creates a charge token {token, order_slug} and a charge {charge_link}', async () => {
      const t = await raw(
        'POST',
        `/v2/accounts/${RUB}/charge/token`,
        JSON.stringify({ amount: '100', redirect_url: 'https://example.com' }),
      );
      expect(t.status).toBe(200);
      expect(Object.keys(t.json.data).sort()).toEqual(['order_slug', 'token']);
      expect(t.json.data.token).toMatch(/^[0-9a-f-]{36}$/);
      expect(t.json.data.order_slug).toMatch(/^client_wof_\d+_[0-9a-f]+$/);
      const c = await raw(
        'POST',
        `/v2/accounts/${RUB}/charge`,
        JSON.stringify({ token: t.json.data.token, card_info: { number: '4242424242424242', ...FUTURE } }),
      );
      expect(c.status).toBe(200);
      expect(Object.keys(c.json.data)).toEqual(['charge_link']);
      expect(c.json.data.charge_link).toMatch(new RegExp(`^${h.url}/numopay/v2/charge/[A-Za-z0-9]{32}$`));
      const s = await raw('GET', `/v2/accounts/${RUB}/payment/${t.json.data.order_slug}`);
      expect(Object.keys(s.json.data).sort()).toEqual(STATUS_KEYS);
      expect(s.json.data).toMatchObject({
        order_slug: t.json.data.order_slug,
        is_completed: false,
        status: 'pending',
        type: 'charge_unregistered',
        amount: '100',
        currency: 'RUB',
        card_number: '4242********4242',
        state_code: 0,
      });
    });

    it('answers the seed example payment status shape after a completed charge', async () => {
      const t = await chargeToken('100');
      await client().charge(RUB, { token: t.token, card_info: { number: '4000000000003055', ...FUTURE } });
      const s = await raw('GET', `/v2/accounts/${RUB}/payment/${t.order_slug}`);
      expect(s.json).toEqual({
        data: {
          order_slug: t.order_slug,
          is_completed: true,
          status: 'success',
          type: 'charge_unregistered',
          amount: '100',
          currency: 'RUB',
          card_number: '4000********3055',
          state_code: 0,
          state_description: 'Нет ошибки',
          checkout_session_id: null,
          original_amount: '100',
          original_currency: 'RUB',
        },
      });
    });

    it('shows a charge in another currency with its converted amount and the original one', async () => {
      // 1.00 EUR on a RUB account: 100 RUB at the sandbox rate (docs/numopay.md), 10000 kopecks
      const t = await raw(
        'POST',
        `/v2/accounts/${RUB}/charge/token`,
        JSON.stringify({ amount: '100', currency: 'EUR', redirect_url: 'https://example.com' }),
      );
      expect(t.status).toBe(200);
      await client().charge(RUB, { token: t.json.data.token, card_info: { number: '4000000000003055', ...FUTURE } });
      const s = await raw('GET', `/v2/accounts/${RUB}/payment/${t.json.data.order_slug}`);
      expect(s.json.data).toMatchObject({
        status: 'success',
        amount: '10000',
        currency: 'RUB',
        checkout_session_id: null,
        original_amount: '100',
        original_currency: 'EUR',
      });
    });

    it('creates a refill token and refills a card: {token}', async () => {
      const t = await chargeToken('5000');
      await client().charge(RUB, { token: t.token, card_info: { number: '4000000000003055', ...FUTURE } });
      const r = await raw(
        'POST',
        `/v2/accounts/${RUB}/refill/token`,
        JSON.stringify({ amount: '100', redirect_url: 'https://example.com' }),
      );
      expect(r.status).toBe(200);
      expect(Object.keys(r.json.data).sort()).toEqual(['order_slug', 'token']);
      expect(r.json.data.order_slug).toMatch(/^client_frg_\d+_[0-9a-f]+$/);
      const f = await raw(
        'POST',
        `/v2/accounts/${RUB}/refill`,
        JSON.stringify({ token: r.json.data.token, card_number: '5555555555554444' }),
      );
      expect(f.status).toBe(200);
      expect(f.json).toEqual({ data: { token: r.json.data.token } });
      const s = await client().paymentStatus(RUB, r.json.data.order_slug);
      expect(s).toEqual({
        order_slug: r.json.data.order_slug,
        is_completed: true,
        status: 'success',
        type: 'refill_unregistered',
        amount: '100',
        currency: 'RUB',
        card_number: '5555********4444',
        state_code: 0,
        state_description: 'Нет ошибки',
        checkout_session_id: null,
        original_amount: '100',
        original_currency: 'RUB',
      });
    });

    it('manages webhook endpoints with the seed shapes (DELETE signs the {} body)', async () => {
      const c = await raw(
        'POST',
        `/v2/accounts/${USD}/webhook-endpoints`,
        JSON.stringify({ url: 'https://example.com/webhook/secret', event: 'order' }),
      );
      expect(c.status).toBe(200);
      expect(Object.keys(c.json.data)).toEqual(['id', 'url', 'event', 'created_at', 'updated_at']);
      expect(c.json.data).toMatchObject({ url: 'https://example.com/webhook/secret', event: 'order' });
      expect(c.json.data.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      const id = c.json.data.id;
      const u = await raw(
        'PUT',
        `/v2/accounts/${USD}/webhook-endpoints/${id}`,
        JSON.stringify({ url: 'https://example.com/webhook2/secret2', event: 'order' }),
      );
      expect(u.json.data).toMatchObject({
        id,
        url: 'https://example.com/webhook2/secret2',
        event: 'order',
        created_at: c.json.data.created_at,
      });
      const l = await raw('GET', `/v2/accounts/${USD}/webhook-endpoints`);
      expect(l.json.data).toEqual([u.json.data]);
      const ts = Math.floor(Date.now() / 1000);
      const d = await raw('DELETE', `/v2/accounts/${USD}/webhook-endpoints/${id}`, '{}', { ts });
      expect(d.json).toEqual({ data: { id } });
      expect((await raw('GET', `/v2/accounts/${USD}/webhook-endpoints`)).json).toEqual({ data: [] });
      // the same signed request again (same second): a replay, refused; signed anew, the endpoint is gone
      expect((await raw('DELETE', `/v2/accounts/${USD}/webhook-endpoints/${id}`, '{}', { ts })).json).toEqual({
        error: 'Request signature already used',
      });
      expect((await raw('DELETE', `/v2/accounts/${USD}/webhook-endpoints/${id}`, '{}', { ts: ts - 1 })).status).toBe(404);
    });

    it('refuses the seed example card, which fails the Luhn check, with a 400', async () => {
      const t = await chargeToken('100');
      const c = await raw(
        'POST',
        `/v2/accounts/${RUB}/charge`,
        JSON.stringify({
          token: t.token,
          card_info: { number: '4444555566667777', month: '12', year: '2021', cvv: '123', holder: 'NUMO PAY' },
        }),
      );
      expect(c.status).toBe(400);
      expect(c.json).toEqual({ error: 'Invalid card number' });
      // bad input writes nothing: the token is still usable once
      await client().charge(RUB, { token: t.token, card_info: { number: '4000000000003055', ...FUTURE } });
      expect((await client().paymentStatus(RUB, t.order_slug)).status).toBe('success');
    });
  });

  describe('the charge flow through the hosted page', () => {
    it('passes 3-D Secure, redirects to redirect_url and credits the balance', async () => {
      const before = BigInt((await client().balance(RUB)).amount);
      const t = await chargeToken('12345');
      const { charge_link } = await client().charge(RUB, { token: t.token, card_info: { number: '4242424242424242', ...FUTURE } });
      const page = await fetch(charge_link, { redirect: 'manual' });
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toContain('no-store');
      const html = await page.text();
      expect(html).not.toContain('4242424242424242');
      const done = await passAcs(html, charge_link, { approve: true });
      expect(done.status).toBe(303);
      expect(done.headers.get('location')).toBe(`${rx.url}/return`);
      const s = await client().paymentStatus(RUB, t.order_slug);
      expect(s).toMatchObject({ status: 'success', is_completed: true, state_code: 0, card_number: '4242********4242' });
      expect(BigInt((await client().balance(RUB)).amount)).toBe(before + 12345n);
      // the link now only redirects; the ACS answer cannot be replayed
      const again = await fetch(charge_link, { redirect: 'manual' });
      expect(again.status).toBe(302);
    });

    it('declines when the cardholder declines at the ACS (state 17)', async () => {
      const before = (await client().balance(RUB)).amount;
      const t = await chargeToken('500');
      const { charge_link } = await client().charge(RUB, { token: t.token, card_info: { number: '5555555555554444', ...FUTURE } });
      const done = await passAcs(await (await fetch(charge_link)).text(), charge_link, { approve: false });
      expect(done.status).toBe(303);
      const s = await client().paymentStatus(RUB, t.order_slug);
      expect(s).toMatchObject({
        status: 'error',
        is_completed: true,
        state_code: 17,
        state_description: 'Отказ эмитента или платежной системы',
      });
      expect((await client().balance(RUB)).amount).toBe(before);
    });

    it('runs an OTP challenge: a wrong code three times declines', async () => {
      const t = await chargeToken('700');
      const { charge_link } = await client().charge(RUB, { token: t.token, card_info: { number: '4000000000000101', ...FUTURE } });
      const html = await (await fetch(charge_link)).text();
      const handoff = parseForm(html, charge_link);
      let acs = await (await postForm(handoff.action, handoff.fields)).text();
      for (let i = 0; i < 2; i++) {
        const f = parseForm(acs, handoff.action, 'acs');
        acs = await (await postForm(f.action, { ...f.fields, action: 'otp', otp: '000000' })).text();
        expect(acs).toContain('id="otp-error"');
      }
      const f = parseForm(acs, handoff.action, 'acs');
      const back = await (await postForm(f.action, { ...f.fields, action: 'otp', otp: '000000' })).text();
      const term = parseForm(back, f.action);
      expect((await postForm(term.action, term.fields)).status).toBe(303);
      expect(await client().paymentStatus(RUB, t.order_slug)).toMatchObject({ status: 'error', state_code: 17 });
    });

    it('accepts the fixed test OTP', async () => {
      const t = await chargeToken('701');
      const { charge_link } = await client().charge(RUB, { token: t.token, card_info: { number: '4000000000000101', ...FUTURE } });
      const done = await passAcs(await (await fetch(charge_link)).text(), charge_link, { otp: '3382837' });
      expect(done.status).toBe(303);
      expect(await client().paymentStatus(RUB, t.order_slug)).toMatchObject({ status: 'success' });
    });

    it('declines after 3-D Secure for the published insufficient-funds card (state 10)', async () => {
      const t = await chargeToken('300');
      const { charge_link } = await client().charge(RUB, { token: t.token, card_info: { number: '4012888888881881', ...FUTURE } });
      await passAcs(await (await fetch(charge_link)).text(), charge_link, { approve: true });
      expect(await client().paymentStatus(RUB, t.order_slug)).toMatchObject({
        status: 'error',
        state_code: 10,
        state_description: 'Недостаточно средств',
      });
    });

    it('a charge token allows one attempt and lives 15 minutes', async () => {
      const t = await chargeToken('100');
      await client().charge(RUB, { token: t.token, card_info: { number: '4000000000003055', ...FUTURE } });
      await expect(client().charge(RUB, { token: t.token, card_info: { number: '4000000000003055', ...FUTURE } })).rejects.toThrow(
        'Token already used',
      );
      const t2 = await chargeToken('100');
      h.gw.clock.advance(15 * 60_000 + 1000);
      await expect(client().charge(RUB, { token: t2.token, card_info: { number: '4000000000003055', ...FUTURE } })).rejects.toThrow(
        'Token expired',
      );
      await h.gw.engine.scheduler.drain();
      expect(await client().paymentStatus(RUB, t2.order_slug)).toMatchObject({ status: 'expired', is_completed: true, state_code: 0 });
    });

    it('reaches every state code of the documented table with a test card, with its description', async () => {
      expect(STATE_TABLE.map(([code]) => code)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26]);
      // money for the refill case
      const m = await chargeToken('100000');
      await client().charge(RUB, { token: m.token, card_info: { number: '4000000000003055', ...FUTURE } });
      for (const [code, reason, description] of STATE_TABLE) {
        let slug: string;
        if (code === 22) {
          const r = await client().createRefillToken(RUB, { amount: '100' });
          await client().refill(RUB, { token: r.token, card_number: declineCardPan(reason) });
          slug = r.order_slug;
        } else {
          const t = await chargeToken('100');
          await client().charge(RUB, { token: t.token, card_info: { number: declineCardPan(reason), ...FUTURE } });
          slug = t.order_slug;
        }
        const s = await raw('GET', `/v2/accounts/${RUB}/payment/${slug}`);
        expect(s.json.data, `state ${code}`).toMatchObject({
          status: 'error',
          is_completed: true,
          state_code: code,
          state_description: description,
        });
      }
    });
  });

  describe('refills and the balance', () => {
    it('moves the balance with the ledger and refuses a refill beyond it', async () => {
      const t = await chargeToken('1000', USD);
      await client().charge(USD, { token: t.token, card_info: { number: '4000000000003055', ...FUTURE } });
      expect((await client().balance(USD)).amount).toBe('1000');
      const r = await client().createRefillToken(USD, { amount: '300' });
      await client().refill(USD, { token: r.token, card_number: '4242424242424242' });
      expect((await client().balance(USD)).amount).toBe('700');
      const big = await client().createRefillToken(USD, { amount: '701' });
      await expect(client().refill(USD, { token: big.token, card_number: '4242424242424242' })).rejects.toThrow(/Insufficient funds/);
      expect((await client().paymentStatus(USD, big.order_slug)).status).toBe('new');
      const declined = await client().createRefillToken(USD, { amount: '200' });
      await client().refill(USD, { token: declined.token, card_number: declineCardPan('lost_card') });
      expect(await client().paymentStatus(USD, declined.order_slug)).toMatchObject({ status: 'error', state_code: 15 });
      expect((await client().balance(USD)).amount).toBe('700');
    });
  });

  describe('webhooks', () => {
    it('delivers {type:"order", data, event_at} to every endpoint, retries after a failure, and survives a restart', async () => {
      const c = client();
      const ep = await c.createWebhookEndpoint(RUB, { url: `${rx.url}/hook/secret`, event: 'order' });
      try {
        const t = await chargeToken('250');
        rx.failNext = 1;
        const start = rx.requests.length;
        await c.charge(RUB, { token: t.token, card_info: { number: '4000000000003055', ...FUTURE } });
        // the first attempt fails (HTTP 500); the retry is due a minute later on the gateway's clock
        await rx.waitFor((r) => r.length >= start + 1);
        h.gw.clock.advance(61_000);
        const got = await rx.waitFor((r) => r.filter((x) => x.url === '/hook/secret' && x.body.includes(t.order_slug)).length >= 2);
        const hooks = got.filter((x) => x.body.includes(t.order_slug));
        const last = JSON.parse(hooks[hooks.length - 1]!.body);
        expect(Object.keys(last)).toEqual(['type', 'data', 'event_at']);
        expect(last.type).toBe('order');
        expect(last.data).toEqual(await c.paymentStatus(RUB, t.order_slug));
        expect(last.data).toMatchObject({ amount: '250', checkout_session_id: null, original_amount: '250', original_currency: 'RUB' });
        expect(hooks[0]!.headers['x-polypay-event-id']).toBe(hooks[1]!.headers['x-polypay-event-id']);
        expect(hooks[0]!.method).toBe('POST');

        // a delivery pending when the gateway stops is delivered after the restart
        rx.failNext = 1;
        const t2 = await chargeToken('260');
        await c.charge(RUB, { token: t2.token, card_info: { number: '4000000000003055', ...FUTURE } });
        await rx.waitFor((r) => r.some((x) => x.body.includes(t2.order_slug)));
        await h.restart();
        h.gw.clock.advance(61_000);
        const after = await rx.waitFor((r) => r.filter((x) => x.body.includes(t2.order_slug)).length >= 2);
        expect(JSON.parse(after.filter((x) => x.body.includes(t2.order_slug)).pop()!.body).data.status).toBe('success');
        const deliveries = await eventually(async () => {
          const list = await h.gw.engine.read((tx) => tx.deliveries.list({ subjectType: 'payment', limit: 100 }));
          expect(list.filter((d) => d.body.includes(t2.order_slug)).map((d) => [d.status, d.attempts])).toEqual([['delivered', 2]]);
          return list;
        });
        const attempts = await h.gw.engine.read((tx) =>
          tx.deliveries.listAttempts(deliveries.find((d) => d.body.includes(t2.order_slug))!.id),
        );
        expect(attempts.map((a) => a.responseStatus)).toEqual([500, 200]);
      } finally {
        await client().deleteWebhookEndpoint(RUB, ep.id);
      }
    });

    it('keeps state across a restart', async () => {
      const t = await chargeToken('4321');
      await client().charge(RUB, { token: t.token, card_info: { number: '4000000000003055', ...FUTURE } });
      const before = await client().paymentStatus(RUB, t.order_slug);
      const balance = await client().balance(RUB);
      await h.restart();
      expect(await client().paymentStatus(RUB, t.order_slug)).toEqual(before);
      expect(await client().balance(RUB)).toEqual(balance);
    });
  });

  describe('transactions, checkout sessions, rates', () => {
    it('lists transactions newest first with limit and offset', async () => {
      const a = await chargeToken('11');
      const b = await chargeToken('22');
      const all = await client().transactions(RUB, { limit: 2 });
      expect(all.map((x) => x.order_slug)).toEqual([b.order_slug, a.order_slug]);
      const second = await client().transactions(RUB, { limit: 1, offset: 1 });
      expect(second.map((x) => x.order_slug)).toEqual([a.order_slug]);
      const future = await client().transactions(RUB, { from: '2999-01-01T00:00:00Z' });
      expect(future).toEqual([]);
      await expect(client().transactions(RUB, { limit: 101 })).rejects.toThrow(/limit/);
    });

    it('pays a checkout session through the payment page', async () => {
      const s = await client().createCheckoutSession(RUB, {
        items: [
          { name: 'T-shirt', amount: '150000', currency: 'RUB' },
          { name: 'Socks', description: 'wool', amount: '50000', currency: 'RUB' },
        ],
        success_url: `${rx.url}/success`,
        cancel_url: `${rx.url}/cancel`,
      });
      expect(s.id).toMatch(/^cs_live_/);
      const { url } = await client().createPaymentPage({ key: 'pk_live_test1', session_id: s.id, session_token: s.token });
      await expect(client().createPaymentPage({ key: 'pk_live_wrong', session_id: s.id, session_token: s.token })).rejects.toThrow();
      const page = await fetch(url);
      const html = await page.text();
      expect(html).toContain('Test Shop');
      expect(html).toContain('2\u202f000,00');
      const form = parseForm(html, url, 'pay');
      const bad = await postForm(form.action, { ...form.fields, number: '4242424242424241', exp: '12/99', cvv: '123' });
      expect(bad.status).toBe(400);
      const res = await postForm(form.action, { ...form.fields, number: '4242 4242 4242 4242', exp: '12/99', cvv: '123', holder: 'IVAN' });
      const done = await passAcs(await res.text(), form.action, { approve: true });
      expect(done.status).toBe(303);
      expect(done.headers.get('location')).toBe(`${rx.url}/success`);
      // a second submission cannot pay twice
      const again = await postForm(form.action, { ...form.fields, number: '4242424242424242', exp: '12/99', cvv: '123' });
      expect(again.status).toBe(303);
      const txs = await client().transactions(RUB, { limit: 1 });
      expect(txs[0]).toMatchObject({
        status: 'success',
        amount: '200000',
        checkout_session_id: s.id,
        original_amount: '200000',
        original_currency: 'RUB',
      });
    });

    it('answers sandbox rates', async () => {
      const r = await client().latestRates(RUB, { base: 'EUR', amount: '100' });
      expect(r).toEqual({ base: 'EUR', date: expect.any(String), rates: expect.objectContaining({ RUB: '10000.0000', USD: '108.0000' }) });
    });
  });

  describe('bad input gets a Numopay error with a 4xx, never a 500', () => {
    it('rejects missing, malformed, stale, foreign and wrongly signed auth', async () => {
      const noAuth = await fetch(`${h.url}/numopay/v2/accounts`);
      expect(noAuth.status).toBe(401);
      expect(await noAuth.json()).toEqual({ error: 'Authorization header is required' });
      const malformed = await fetch(`${h.url}/numopay/v2/accounts`, { headers: { authorization: 'Bearer x' } });
      expect(malformed.status).toBe(401);
      expect((await raw('GET', '/v2/accounts', undefined, { ts: Math.floor(Date.now() / 1000) - 31 })).json).toEqual({
        error: 'Request expired',
      });
      expect((await raw('GET', '/v2/accounts', undefined, { ts: Math.floor(Date.now() / 1000) + 31 })).status).toBe(401);
      expect((await raw('GET', '/v2/accounts', undefined, { ts: Math.floor(Date.now() / 1000) - 29 })).status).toBe(200);
      expect((await raw('GET', '/v2/accounts', undefined, { secret: 'wrong' })).json).toEqual({ error: 'Invalid signature' });
      // an unknown key gets the answer of a wrong signature (its own answer would tell which keys exist)
      expect((await raw('GET', '/v2/accounts', undefined, { key: 'np_nobody' })).json).toEqual({ error: 'Invalid signature' });
      // a signature over another path does not pass
      expect((await raw('GET', `/v2/accounts/${RUB}`, undefined, { signPath: '/v2/accounts' })).status).toBe(401);
      // the full URL path (with the mount prefix) is not what Client.js signs
      expect((await raw('GET', '/v2/accounts', undefined, { signPath: '/numopay/v2/accounts' })).status).toBe(401);
      // a tampered body does not pass
      const ts = Math.floor(Date.now() / 1000);
      const auth = documentedAuthorization(
        'np_test_key_1',
        'np_test_secret_1',
        ts,
        'POST',
        `/v2/accounts/${RUB}/charge/token`,
        '',
        '{"amount":"100"}',
      );
      const tampered = await fetch(`${h.url}/numopay/v2/accounts/${RUB}/charge/token`, {
        method: 'POST',
        headers: { authorization: auth },
        body: '{"amount":"999"}',
      });
      expect(tampered.status).toBe(401);
    });

    it('verifies the raw, sorted query string', async () => {
      const q = '?limit=1&offset=0';
      expect((await raw('GET', `/v2/accounts/${RUB}/transactions`, undefined, { query: q })).status).toBe(200);
      const ts = Math.floor(Date.now() / 1000);
      const auth = documentedAuthorization(
        'np_test_key_1',
        'np_test_secret_1',
        ts,
        'GET',
        `/v2/accounts/${RUB}/transactions`,
        '?limit=1&offset=0',
        '',
      );
      const res = await fetch(`${h.url}/numopay/v2/accounts/${RUB}/transactions?limit=2&offset=0`, { headers: { authorization: auth } });
      expect(res.status).toBe(401);
    });

    it('answers malformed JSON, wrong types and unknown objects with 4xx', async () => {
      const cases: Array<[string, string, string | undefined, number, string]> = [
        ['POST', `/v2/accounts/${RUB}/charge/token`, '{"amount":', 400, 'Invalid JSON body'],
        ['POST', `/v2/accounts/${RUB}/charge/token`, '[1,2]', 400, 'Request body must be a JSON object'],
        ['POST', `/v2/accounts/${RUB}/charge/token`, '{}', 400, 'amount is required'],
        ['POST', `/v2/accounts/${RUB}/charge/token`, '{"amount":"-5"}', 400, 'amount must be a string of digits (minor units)'],
        ['POST', `/v2/accounts/${RUB}/charge/token`, '{"amount":"1.5"}', 400, 'amount must be a string of digits (minor units)'],
        ['POST', `/v2/accounts/${RUB}/charge/token`, '{"amount":"0"}', 400, 'amount must be greater than zero'],
        ['POST', `/v2/accounts/${RUB}/charge/token`, '{"amount":{"x":1}}', 400, 'amount must be a string of digits (minor units)'],
        [
          'POST',
          `/v2/accounts/${RUB}/charge/token`,
          '{"amount":"100","redirect_url":"javascript:alert(1)"}',
          400,
          'redirect_url must be an http(s) URL',
        ],
        ['POST', `/v2/accounts/${RUB}/charge/token`, '{"amount":"100","currency":"XXX"}', 400, 'Unsupported currency'],
        [
          'POST',
          `/v2/accounts/${RUB}/charge`,
          '{"token":"nope","card_info":{"number":"4242424242424242","month":"12","year":"2099","cvv":"123"}}',
          400,
          'Token not found',
        ],
        ['POST', `/v2/accounts/${RUB}/charge`, '{"token":"nope"}', 400, 'card_info is required'],
        ['POST', `/v2/accounts/${RUB}/charge`, '{"token":5}', 400, 'token must be a string'],
        ['GET', `/v2/accounts/00000000-0000-0000-0000-000000000000`, undefined, 404, 'Account not found'],
        ['GET', `/v2/accounts/${OTHER}`, undefined, 404, 'Account not found'],
        ['GET', `/v2/accounts/${RUB}/payment/client_wof_1_deadbeef`, undefined, 404, 'Payment not found'],
        ['POST', `/v2/accounts/${RUB}/webhook-endpoints`, '{"url":"https://x.test","event":"refund"}', 400, 'event must be "order"'],
        ['GET', `/v2/nothing-here`, undefined, 404, 'Not found'],
      ];
      for (const [method, path, body, status, error] of cases) {
        const r = await raw(method, path, body);
        expect(r.status, `${method} ${path} ${body}`).toBe(status);
        expect(r.json, `${method} ${path} ${body}`).toEqual({ error });
      }
    });

    it("cannot read or use another merchant's orders", async () => {
      const mine = await chargeToken('100');
      const other = new NumopayClient({ baseUrl: `${h.url}/numopay`, apiKey: 'np_test_key_2', secret: 'np_test_secret_2' });
      await expect(other.paymentStatus(OTHER, mine.order_slug)).rejects.toMatchObject({ status: 404 });
      await expect(other.charge(OTHER, { token: mine.token, card_info: { number: '4000000000003055', ...FUTURE } })).rejects.toMatchObject({
        status: 400,
      });
      await expect(other.paymentStatus(RUB, mine.order_slug)).rejects.toBeInstanceOf(NumopayApiError);
    });

    it('refuses an oversized body with 413', async () => {
      const big = JSON.stringify({ amount: '100', pad: 'x'.repeat(1_100_000) });
      const r = await raw('POST', `/v2/accounts/${RUB}/charge/token`, big);
      expect(r.status).toBe(413);
      expect(r.json).toEqual({ error: 'Request body is too large' });
    });
  });
});
