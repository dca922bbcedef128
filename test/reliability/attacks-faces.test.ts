// Protocol attacks on the faces (issue 13, round 2), on SQLite and PostgreSQL: a payment answering to a face
// that did not create it, Way2Pay nonces far in the future and signatures moved to another method or query,
// Numopay requests replayed inside their window, CloudPayments X-Request-IDs reused for another request,
// redirect URLs with control characters, Mbill's `arrival` as an open redirect, JSON nested thousands of levels
// deep, and error answers that tell whether a key exists. Each attack must be refused with the provider's
// documented error, never a 5xx, and change nothing in the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudPaymentsClient } from '../../src/faces/cloudpayments/client.js';
import { MbillClient, type TransferView } from '../../src/faces/mbill/client.js';
import { NovapayClient } from '../../src/faces/novapay/client.js';
import { NumopayClient } from '../../src/faces/numopay/client.js';
import { numopaySignature } from '../../src/faces/numopay/signing.js';
import { Way2PayClient } from '../../src/faces/way2pay/client.js';
import { gen1Signature, nextNonce } from '../../src/faces/way2pay/signing.js';
import { passAcs, postForm } from '../helpers/browser-lite.js';
import { changedTables, stateDigest, VOLATILE_TABLES } from '../helpers/fuzz.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { STORES } from '../helpers/stores.js';
import { payOnPage } from '../faces/novapay/setup.js';
import { call, CP, errorShape, MB, NOVA, NP, REL_SEED, sign, W2P, type Res } from './faces.js';

/**
 * Control characters a URL must not carry into a stored redirect or a Location header, each refused by the field
 * check of its face. (NUL is refused earlier, for any field, by the gateway: test/reliability/nul-characters.test.ts.)
 */
const CONTROL_URLS = [
  'https://shop.example/ok\r\nSet-Cookie: evil=1',
  'https://shop.example/ok\nx',
  'https://shop.example/ok\u0001',
  'https://shop.example/\tok',
  'https://shop.example/ok\u007f',
  'https://shop.example/ok\u0085',
];

const no3ds = '4000000000003055';
const with3ds = '4242424242424242';

describe.each(STORES)('face protocol attacks on %s', (store) => {
  let h: TestGateway;
  const url = (p: string) => `${h.url}${p}`;
  const np = () => new NumopayClient({ baseUrl: url('/numopay'), apiKey: NP.A.apiKey, secret: NP.A.secret });
  const cp = () => new CloudPaymentsClient({ endpoint: url('/cloudpayments'), ...CP.A });
  const nova = () =>
    new NovapayClient({
      baseUrl: url('/novapay/v1'),
      merchantId: 1,
      merchantIdAsNumber: true,
      privateKey: NOVA.A.privateKey,
      algorithm: 'sha1',
    });
  const mb = () => new MbillClient({ baseUrl: url('/mbill'), apiToken: MB.A });
  const w2a = () => new Way2PayClient({ baseUrl: url('/way2pay'), publicKey: W2P.A.publicKey, secretKey: W2P.A.secretKey, generation: 1 });
  const w2b = () => new Way2PayClient({ baseUrl: url('/way2pay'), publicKey: W2P.B.publicKey, secretKey: W2P.B.secretKey, generation: 3 });

  beforeAll(async () => {
    h = await startTestGateway(store, REL_SEED);
    // NovaPay makes its response-signing key on first use: made now, so that no refusal below seems to change the store
    await (await fetch(url('/novapay/v1/public-key'))).text();
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Sends a request and checks that the store is exactly as before (after the jobs due now have run). */
  async function unchanged<T>(send: () => Promise<T>, mayChange: string[] = []): Promise<T> {
    await h.gw.engine.scheduler.drain();
    const before = await stateDigest(h.gw.engine, VOLATILE_TABLES);
    const r = await send();
    await h.gw.engine.scheduler.drain();
    const changed = changedTables(before, await stateDigest(h.gw.engine, VOLATILE_TABLES)).filter((t) => !mayChange.includes(t));
    expect(changed, 'the store changed').toEqual([]);
    return r;
  }

  const cpCall = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    call(
      url(`/cloudpayments${path}`),
      'POST',
      { 'content-type': 'application/json', ...sign.cloudpayments(CP.A), ...headers },
      typeof body === 'string' ? body : JSON.stringify(body),
    );
  const npCall = (method: string, path: string, body = '', o: { ts?: number; query?: string; headers?: Record<string, string> } = {}) =>
    call(
      url(`/numopay${path}${o.query ?? ''}`),
      method,
      { 'content-type': 'application/json', ...sign.numopay(NP.A, method, path, o.query ?? '', body, o.ts), ...o.headers },
      method === 'GET' ? undefined : body,
    );
  const w2Call = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    call(url(`/way2pay${path}`), method, { 'content-type': 'application/json', ...headers }, body);
  const cpNotFound = (r: Res) => {
    expect(r.status, r.text).toBe(200);
    expect(r.json).toEqual({ Success: false, Message: 'Not found' });
  };
  const never5xx = (r: Res, what: string) => expect(r.status, `${what}: ${r.status} ${r.text.slice(0, 300)}`).toBeLessThan(500);

  // ------------------------------------------------------------------------------- 6: a payment answers to its own face

  describe('a payment answers only to the face that created it', () => {
    it("CloudPayments cannot refund, void or complete 3-D Secure of the same merchant's Numopay payments", async () => {
      const paidToken = await np().createChargeToken(NP.A.account, { amount: '5000' });
      await np().charge(NP.A.account, { token: paidToken.token, card_info: { number: no3ds, month: '12', year: '2099', cvv: '123' } });
      const paidId = Number(/^client_wof_(\d+)_/.exec(paidToken.order_slug)![1]);
      expect((await np().paymentStatus(NP.A.account, paidToken.order_slug)).status).toBe('success');
      const pending = await np().createChargeToken(NP.A.account, { amount: '6000' });
      const pendingId = Number(/^client_wof_(\d+)_/.exec(pending.order_slug)![1]);
      const threeDs = await np().createChargeToken(NP.A.account, { amount: '7000' });
      await np().charge(NP.A.account, { token: threeDs.token, card_info: { number: with3ds, month: '12', year: '2099', cvv: '123' } });
      const threeDsId = Number(/^client_wof_(\d+)_/.exec(threeDs.order_slug)![1]);

      cpNotFound(await unchanged(() => cpCall('/payments/refund', { TransactionId: paidId, Amount: 10 })));
      cpNotFound(await unchanged(() => cpCall('/payments/refund', { TransactionId: paidId })));
      cpNotFound(await unchanged(() => cpCall('/payments/void', { TransactionId: pendingId })));
      cpNotFound(await unchanged(() => cpCall('/payments/void', { TransactionId: paidId })));
      cpNotFound(await unchanged(() => cpCall('/payments/confirm', { TransactionId: paidId, Amount: 50 })));
      cpNotFound(await unchanged(() => cpCall('/payments/cards/post3ds', { TransactionId: threeDsId, PaRes: 'eyJ4IjoxfQ.x' })));
      cpNotFound(await unchanged(() => cpCall('/payments/get', { TransactionId: paidId })));
      // the payments are untouched, as Numopay shows them
      expect((await np().paymentStatus(NP.A.account, paidToken.order_slug)).status).toBe('success');
      expect((await np().paymentStatus(NP.A.account, pending.order_slug)).status).toBe('new');
    });

    it('CloudPayments cannot confirm or void a NovaPay hold; NovaPay can still complete it', async () => {
      const c = nova();
      const s = await c.createSession({ client_phone: '+380501112233' });
      const pay = await c.addPayment({ session_id: s.id, amount: 100, use_hold: true });
      await payOnPage(pay.url, no3ds);
      expect((await c.getStatus(s.id)).status).toBe('holded');
      cpNotFound(await unchanged(() => cpCall('/payments/confirm', { TransactionId: Number(pay.id), Amount: 1 })));
      cpNotFound(await unchanged(() => cpCall('/payments/void', { TransactionId: Number(pay.id) })));
      expect((await c.getStatus(s.id)).status).toBe('holded');
      await c.completeHold(s.id);
      await h.gw.engine.scheduler.drain();
      expect((await c.getStatus(s.id)).status).toBe('paid');
    });

    it('CloudPayments still acts on its own payments', async () => {
      const model = (
        await cp().authCryptogram({
          Amount: 10,
          Currency: 'RUB',
          CardCryptogramPacket: await cp().cryptogram({ number: no3ds, expMonth: 12, expYear: 2035, cvv: '123' }),
        })
      ).Model as { TransactionId: number };
      expect((await cp().confirm({ TransactionId: model.TransactionId, Amount: 5 })).Success).toBe(true);
      expect((await cp().refund({ TransactionId: model.TransactionId, Amount: 5 })).Success).toBe(true);
    });
  });

  // ------------------------------------------------------------------------------------- 10, 11: Way2Pay nonces and binding

  describe('Way2Pay', () => {
    const code = (r: Res, c: number) => {
      expect(errorShape.way2pay(r.json), r.text).toBe(true);
      expect(r.json.error.code, r.text).toBe(c);
    };

    it('refuses a validly signed generation 1 nonce far beyond now + 300 s, without locking the merchant out', async () => {
      const now = Math.floor(Date.now() / 1000);
      for (const nonce of ['999999999999999999', String(now + 300 + 2 * 3600), String(now + 86_400), '1721585422000']) {
        const r = await unchanged(() =>
          w2Call('GET', '/api/v1/balance', sign.way2pay(W2P.A, 'GET', '/api/v1/balance', Buffer.alloc(0), { nonce })),
        );
        expect(r.status, r.text).toBe(400);
        code(r, 20006);
      }
      // the merchant's next ordinary request passes, and so does one a burst has pushed a few minutes ahead
      expect((await w2a().balance()).balance).toBeDefined();
      const ahead = nextNonce(W2P.A.publicKey, 1, Date.now() + 600_000); // now + 900 s (and later nonces follow it)
      expect(
        (await w2Call('GET', '/api/v1/balance', sign.way2pay(W2P.A, 'GET', '/api/v1/balance', Buffer.alloc(0), { nonce: ahead }))).status,
      ).toBe(200);
    });

    it('refuses a validly signed generation 3 nonce whose time is far in the future', async () => {
      for (const nonce of ['999999999999999999', String(BigInt(Date.now() + 86_400_000) * 100_000n)]) {
        const r = await unchanged(() =>
          w2Call('GET', '/api/v1/balance', sign.way2pay(W2P.B, 'GET', '/api/v1/balance', Buffer.alloc(0), { nonce })),
        );
        expect(r.status, r.text).toBe(401);
        code(r, 2007);
      }
      expect((await w2b().balance()).balance).toBeDefined();
    });

    it("a generation 1 signature over an empty body (a GET's) does not authorize a write", async () => {
      const payIn = await w2a().createPayIn({
        externalID: `bind-${store}-${Date.now()}`,
        currencyId: 1,
        amount: '500',
        method: 'CARD',
        bankId: 1,
      } as never);
      const nonce = nextNonce(W2P.A.publicKey, 1);
      const getSignature = gen1Signature(W2P.A.secretKey, '', nonce);
      const headers = { 'public-key': W2P.A.publicKey, nonce, signature: getSignature };
      const cancel = await unchanged(() => w2Call('PATCH', `/api/v1/pay-in/${payIn.id}/cancel`, headers));
      expect(cancel.status, cancel.text).toBe(401);
      code(cancel, 60006);
      const put = await unchanged(() => w2Call('PUT', `/api/v1/pay-in/${payIn.id}/status/CANCELLED`, headers));
      code(put, 60006);
      // the GET it was made for still passes; a write signed over "{}" (as the provider documents) passes too
      expect((await w2Call('GET', '/api/v1/balance', headers)).status).toBe(200);
      expect((await w2a().cancelPayIn(payIn.id)).status).toBe('CANCELLED');
    });

    it('a generation 3 signature must cover the query string', async () => {
      const path = '/api/v1/pay-in/list';
      const noQuery = await unchanged(() =>
        w2Call('GET', `${path}?externalID=x&limit=1`, sign.way2pay(W2P.B, 'GET', path, Buffer.alloc(0))),
      );
      code(noQuery, 2005);
      const other = await unchanged(() =>
        w2Call('GET', `${path}?externalID=x&limit=1`, sign.way2pay(W2P.B, 'GET', `${path}?externalID=y&limit=1`, Buffer.alloc(0))),
      );
      code(other, 2005);
      const ok = await w2Call(
        'GET',
        `${path}?externalID=x&limit=1`,
        sign.way2pay(W2P.B, 'GET', `${path}?externalID=x&limit=1`, Buffer.alloc(0)),
      );
      expect(ok.status, ok.text).toBe(200);
      // the typed client signs its (alphabetical) query
      expect((await w2b().listPayIns({ limit: 1, externalID: 'nothing' })).total).toBe(0);
    });

    it('answers an unknown Public-Key exactly as a wrong signature, for each signature length', async () => {
      const body = JSON.stringify({ externalID: 'unknown-key', currencyId: 1, amount: '10', method: 'CARD' });
      const raw = Buffer.from(body);
      for (const [k, c] of [
        [W2P.A, 60006],
        [W2P.B, 2005],
      ] as const) {
        const wrong = await unchanged(() =>
          w2Call('POST', '/api/v1/pay-in', sign.way2pay(k, 'POST', '/api/v1/pay-in', raw, { secret: 'wrong' }), body),
        );
        const unknown = await unchanged(() =>
          w2Call('POST', '/api/v1/pay-in', { ...sign.way2pay(k, 'POST', '/api/v1/pay-in', raw), 'public-key': 'w2p_pk_nobody' }, body),
        );
        code(wrong, c);
        expect(unknown.status).toBe(wrong.status);
        expect(unknown.text).toBe(wrong.text);
      }
    });
  });

  // -------------------------------------------------------------------------------------------- 12: Numopay replays

  describe('Numopay', () => {
    it('refuses the exact same signed write twice within its window; reads may repeat', async () => {
      const path = `/v2/accounts/${NP.A.account}/charge/token`;
      const body = JSON.stringify({ amount: '4321' });
      const ts = Math.floor(Date.now() / 1000);
      const first = await npCall('POST', path, body, { ts });
      expect(first.status, first.text).toBe(200);
      const again = await unchanged(() => npCall('POST', path, body, { ts }));
      expect(again.status, again.text).toBe(401);
      expect(errorShape.numopay(again.json)).toBe(true);
      // another request of the same second (another body) is not a replay
      expect((await npCall('POST', path, JSON.stringify({ amount: '4322' }), { ts })).status).toBe(200);
      // a webhook endpoint change, replayed
      const e = await np().createWebhookEndpoint(NP.A.account, { url: 'https://shop.example/hook', event: 'order' });
      const ePath = `/v2/accounts/${NP.A.account}/webhook-endpoints/${e.id}`;
      const eBody = JSON.stringify({ url: 'https://shop.example/hook2' });
      expect((await npCall('PUT', ePath, eBody, { ts })).status).toBe(200);
      expect((await unchanged(() => npCall('PUT', ePath, eBody, { ts }))).status).toBe(401);
      // the same GET twice in one second: both answered
      const bPath = `/v2/accounts/${NP.A.account}/balance`;
      expect((await npCall('GET', bPath, '', { ts })).status).toBe(200);
      expect((await npCall('GET', bPath, '', { ts })).status).toBe(200);
    });

    it('refuses concurrent copies of one signed write: one order is created', async () => {
      const path = `/v2/accounts/${NP.A.account}/charge/token`;
      const body = JSON.stringify({ amount: '1234' });
      const ts = Math.floor(Date.now() / 1000);
      const headers = { 'content-type': 'application/json', ...sign.numopay(NP.A, 'POST', path, '', body, ts) };
      const all = await Promise.all(Array.from({ length: 8 }, () => call(url(`/numopay${path}`), 'POST', headers, body)));
      expect(all.filter((r) => r.status === 200)).toHaveLength(1);
      expect(all.filter((r) => r.status === 401)).toHaveLength(7);
    });

    it('answers an unknown API key exactly as a wrong signature', async () => {
      const path = `/v2/accounts/${NP.A.account}/balance`;
      const ts = Math.floor(Date.now() / 1000);
      const sig = numopaySignature(NP.A.secret, String(ts), 'GET', path, '', '');
      const unknown = await call(url(`/numopay${path}`), 'GET', { authorization: `NP-ACCESS-TOKEN 2019-12-22.${ts}.np_nobody.${sig}` });
      const wrong = await call(url(`/numopay${path}`), 'GET', {
        authorization: `NP-ACCESS-TOKEN 2019-12-22.${ts}.${NP.A.apiKey}.${'0'.repeat(64)}`,
      });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(unknown.text).toBe(wrong.text);
    });
  });

  // ---------------------------------------------------------------------------- 13: CloudPayments X-Request-ID reuse

  describe('CloudPayments X-Request-ID', () => {
    it('refuses an X-Request-ID reused with another body or on another endpoint, and replays the same request', async () => {
      const key = `rid-${store}-${Date.now()}`;
      const packet = await cp().cryptogram({ number: no3ds, expMonth: 12, expYear: 2035, cvv: '123' });
      const first = await cpCall(
        '/payments/cards/charge',
        { Amount: 10, Currency: 'RUB', CardCryptogramPacket: packet },
        { 'x-request-id': key },
      );
      expect(first.json.Success, first.text).toBe(true);
      const same = await unchanged(() =>
        cpCall('/payments/cards/charge', { Amount: 10, Currency: 'RUB', CardCryptogramPacket: packet }, { 'x-request-id': key }),
      );
      expect(same.text).toBe(first.text);
      const otherBody = await unchanged(() =>
        cpCall('/payments/cards/charge', { Amount: 99, Currency: 'RUB', CardCryptogramPacket: packet }, { 'x-request-id': key }),
      );
      expect(otherBody.json).toEqual({ Success: false, Message: 'X-Request-ID was used for another request' });
      const otherEndpoint = await unchanged(() =>
        cpCall('/payments/cards/auth', { Amount: 10, Currency: 'RUB', CardCryptogramPacket: packet }, { 'x-request-id': key }),
      );
      expect(otherEndpoint.json).toEqual({ Success: false, Message: 'X-Request-ID was used for another request' });
      const refund = await unchanged(() =>
        cpCall('/payments/refund', { TransactionId: first.json.Model.TransactionId, Amount: 1 }, { 'x-request-id': key }),
      );
      expect(refund.json).toEqual({ Success: false, Message: 'X-Request-ID was used for another request' });
    });
  });

  // --------------------------------------------------------------------------- 14: URLs with control characters

  describe('redirect and callback URLs with control characters', () => {
    it('Numopay refuses them in redirect_url, success_url, cancel_url and webhook endpoint URLs', async () => {
      const acc = NP.A.account;
      for (const bad of CONTROL_URLS) {
        const cases: Array<[string, string, Record<string, unknown>]> = [
          ['POST', `/v2/accounts/${acc}/charge/token`, { amount: '100', redirect_url: bad }],
          ['POST', `/v2/accounts/${acc}/refill/token`, { amount: '100', redirect_url: bad }],
          [
            'POST',
            `/v2/accounts/${acc}/checkout/sessions`,
            { items: [{ name: 'x', amount: '100', currency: 'RUB' }], success_url: bad, cancel_url: 'https://shop.example/c' },
          ],
          [
            'POST',
            `/v2/accounts/${acc}/checkout/sessions`,
            { items: [{ name: 'x', amount: '100', currency: 'RUB' }], success_url: 'https://shop.example/s', cancel_url: bad },
          ],
          ['POST', `/v2/accounts/${acc}/webhook-endpoints`, { url: bad, event: 'order' }],
        ];
        for (const [method, path, body] of cases) {
          const r = await unchanged(() => npCall(method, path, JSON.stringify(body)));
          expect(r.status, `${path} ${JSON.stringify(bad)}: ${r.text}`).toBe(400);
          expect(errorShape.numopay(r.json)).toBe(true);
        }
      }
    });

    it('CloudPayments refuses them in SuccessRedirectUrl, FailRedirectUrl and the notification Address', async () => {
      for (const bad of CONTROL_URLS) {
        for (const field of ['SuccessRedirectUrl', 'FailRedirectUrl']) {
          const r = await unchanged(() => cpCall('/orders/create', { Amount: 10, Currency: 'RUB', Description: 'x', [field]: bad }));
          expect(r.json, `${field} ${JSON.stringify(bad)}`).toEqual({ Success: false, Message: `Invalid ${field} value` });
        }
        const r = await unchanged(() => cpCall('/site/notifications/pay/update', { IsEnabled: true, Address: bad }));
        expect(r.json).toEqual({ Success: false, Message: 'Invalid Address value' });
      }
    });

    it('NovaPay refuses them in success_url, fail_url and callback_url', async () => {
      for (const bad of CONTROL_URLS) {
        for (const field of ['success_url', 'fail_url', 'callback_url']) {
          const body = JSON.stringify({ merchant_id: 1, client_phone: '+380501112233', [field]: bad });
          const r = await unchanged(() =>
            call(
              url('/novapay/v1/session'),
              'POST',
              { 'content-type': 'application/json', ...sign.novapay(NOVA.A.privateKey, body) },
              body,
            ),
          );
          expect(r.status, `${field} ${JSON.stringify(bad)}: ${r.text}`).toBe(400);
          expect(r.json.type, r.text).toBe('validation');
        }
      }
    });

    it('Mbill refuses them in the webhook URL, Way2Pay in callbackURL', async () => {
      for (const bad of CONTROL_URLS) {
        const r = await unchanged(() =>
          call(url('/mbill/webhook'), 'PUT', { 'content-type': 'application/json', ...sign.mbill(MB.A) }, JSON.stringify({ url: bad })),
        );
        expect(r.status, `${JSON.stringify(bad)}: ${r.text}`).toBe(422);
        expect(errorShape.mbill(r.json)).toBe(true);
        const body = JSON.stringify({
          externalID: `cb-${Date.now()}`,
          currencyId: 1,
          amount: '500',
          method: 'CARD',
          bankId: 1,
          callbackURL: bad,
        });
        const w = await unchanged(
          () => w2Call('POST', '/api/v1/pay-in', sign.way2pay(W2P.A, 'POST', '/api/v1/pay-in', Buffer.from(body)), body),
          ['way2pay_nonces'],
        );
        expect(w.status, `${JSON.stringify(bad)}: ${w.text}`).toBe(400);
        expect(w.json.error.code).toBe(20000);
      }
    });

    it('a payer is redirected to a stored URL with characters a header cannot carry without a 500', async () => {
      // accepted (it is a valid URL), stored as given, and sent on percent-encoded
      const redirect = 'https://shop.example/готово?q=ü';
      const t = await np().createChargeToken(NP.A.account, { amount: '100', redirect_url: redirect });
      const r = await np().charge(NP.A.account, { token: t.token, card_info: { number: no3ds, month: '12', year: '2099', cvv: '123' } });
      const res = await fetch(r.charge_link, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(new URL(redirect).href);
      const order = await cp().createOrder({
        Amount: 10,
        Currency: 'RUB',
        Description: 'x',
        SuccessRedirectUrl: redirect,
        FailRedirectUrl: redirect,
      });
      const orderUrl = (order.Model as { Url: string }).Url;
      const page = await fetch(orderUrl, { redirect: 'manual' });
      expect(page.status).toBe(200);
      const paid = await postForm(orderUrl, { number: no3ds, exp: '12/35', cvv: '123', holder: 'X' });
      expect(paid.status).toBe(303);
      expect(paid.headers.get('location')).toBe(new URL(redirect).href);
    });
  });

  // ---------------------------------------------------------------------------------------- 15: Mbill `arrival`

  describe('Mbill 3-D Secure terminal', () => {
    const newTransfer = async (): Promise<TransferView> =>
      (
        await mb().createTransfer({
          amount: 100,
          fee: 5,
          description: 'arrival test',
          sender: {
            phone: '+380631112233',
            credential: { type: 'card', number: with3ds, expiration_month: '12', expiration_year: '2030', cvv: '123' },
          },
          recipient: { phone: '+380631112244', credential: { type: 'card-number', number: '5555555555554444' } },
        } as never)
      ).data;

    it('does not send the browser to an `arrival` elsewhere without the ACS answer of that transfer', async () => {
      const t = await newTransfer();
      const auth = t.auth as { md: string; terminal_url: string; acs_url: string; pa_req: string };
      const evil = 'https://evil.example/phish';
      for (const paRes of ['', 'forged', 'eyJ2IjoxfQ.forged']) {
        const r = await postForm(`${auth.terminal_url}?arrival=${encodeURIComponent(evil)}`, { MD: auth.md, PaRes: paRes });
        expect(r.status, await r.clone().text()).toBe(200);
        expect(r.headers.get('location')).toBeNull();
      }
      // the gateway's own pages are always allowed
      const own = `${h.url}/mbill/tokenizer.js`;
      const r = await postForm(`${auth.terminal_url}?arrival=${encodeURIComponent(own)}`, { MD: auth.md, PaRes: '' });
      expect(r.status).toBe(303);
      expect(r.headers.get('location')).toBe(own);
      // the transfer's own hand-off, through the ACS, still lands on its `arrival`
      const arrival = 'https://shop.example/#!/send/success';
      const handoff = `<form method="post" action="${auth.acs_url}"><input type="hidden" name="PaReq" value="${auth.pa_req}"><input type="hidden" name="MD" value="${auth.md}"><input type="hidden" name="TermUrl" value="${auth.terminal_url}?arrival=${encodeURIComponent(arrival)}"></form>`;
      const done = await passAcs(handoff, `${h.url}/merchant`, { approve: true });
      expect(done.status).toBe(303);
      expect(done.headers.get('location')).toBe(arrival);
    });

    it('never answers a 500 for an `arrival` a header cannot carry', async () => {
      const t = await newTransfer();
      const auth = t.auth as { md: string; terminal_url: string; acs_url: string; pa_req: string };
      const arrival = 'https://shop.example/ok\r\nSet-Cookie: evil=1';
      const handoff = `<form method="post" action="${auth.acs_url}"><input type="hidden" name="PaReq" value="${auth.pa_req}"><input type="hidden" name="MD" value="${auth.md}"><input type="hidden" name="TermUrl" value="${auth.terminal_url}?arrival=${encodeURIComponent(arrival)}"></form>`;
      const done = await passAcs(handoff, `${h.url}/merchant`, { approve: true });
      expect(done.status).toBeLessThan(500);
      expect(done.headers.get('set-cookie')).toBeNull();
    });
  });

  // ------------------------------------------------------------------------------------------- 16: deep JSON

  describe('JSON nested thousands of levels deep', () => {
    const deepObject = (d: number) => '{"a":'.repeat(d) + '1' + '}'.repeat(d);
    const deepArray = (d: number) => '['.repeat(d) + ']'.repeat(d);

    it('CloudPayments answers JsonData 5,000 (and 100,000) levels deep with its error, never a 500', async () => {
      const packet = await cp().cryptogram({ number: no3ds, expMonth: 12, expYear: 2035, cvv: '123' });
      for (const d of [5000, 100_000]) {
        for (const deep of [deepObject(d), deepArray(d)]) {
          const body = `{"Amount":10,"Currency":"RUB","CardCryptogramPacket":${JSON.stringify(packet)},"JsonData":${deep}}`;
          const r = await unchanged(() => cpCall('/payments/cards/charge', body));
          never5xx(r, `JsonData ${d}`);
          expect(r.json, r.text.slice(0, 200)).toEqual({ Success: false, Message: 'Invalid JsonData value' });
          const asText = `{"Amount":10,"Currency":"RUB","CardCryptogramPacket":${JSON.stringify(packet)},"JsonData":${JSON.stringify(deep)}}`;
          const t = await unchanged(() => cpCall('/payments/cards/charge', asText));
          never5xx(t, `JsonData as text ${d}`);
          expect(t.json, t.text.slice(0, 200)).toEqual({ Success: false, Message: 'Invalid JsonData value' });
        }
      }
      // 60 levels are still taken
      const ok = await cpCall(
        '/payments/cards/charge',
        `{"Amount":10,"Currency":"RUB","CardCryptogramPacket":${JSON.stringify(packet)},"JsonData":${deepObject(60)}}`,
      );
      expect(ok.json.Success, ok.text.slice(0, 300)).toBe(true);
    });

    it('every face answers bodies nested 100,000 levels deep with its own error', async () => {
      for (const deep of [deepObject(100_000), deepArray(100_000)]) {
        const npr = await unchanged(() =>
          npCall('POST', `/v2/accounts/${NP.A.account}/charge/token`, `{"amount":"100","redirect_url":${deep}}`),
        );
        never5xx(npr, 'numopay');
        expect(errorShape.numopay(npr.json)).toBe(true);
        const nbody = `{"merchant_id":1,"client_phone":"+380501112233","metadata":${deep}}`;
        const nr = await unchanged(() =>
          call(
            url('/novapay/v1/session'),
            'POST',
            { 'content-type': 'application/json', ...sign.novapay(NOVA.A.privateKey, nbody) },
            nbody,
          ),
        );
        never5xx(nr, 'novapay');
        expect(errorShape.novapay(nr.json), nr.text.slice(0, 200)).toBe(true);
        const mbody = `{"amount":100,"fee":5,"description":"deep json","metadata":${deep},"sender":{"phone":"+380631112233","credential":{"type":"card","number":"${no3ds}","expiration_month":"12","expiration_year":"2030","cvv":"123"}},"recipient":{"phone":"+380631112244","credential":{"type":"card-number","number":"5555555555554444"}}}`;
        const mr = await unchanged(() =>
          call(url('/mbill/transfers'), 'POST', { 'content-type': 'application/json', ...sign.mbill(MB.A) }, mbody),
        );
        never5xx(mr, 'mbill');
        expect(errorShape.mbill(mr.json), mr.text.slice(0, 200)).toBe(true);
        for (const k of [W2P.A, W2P.B]) {
          const wbody = `{"externalID":"deep","currencyId":1,"amount":"500","method":"CARD","bankId":1,"description":${deep}}`;
          const wr = await unchanged(
            () => w2Call('POST', '/api/v1/pay-in', sign.way2pay(k, 'POST', '/api/v1/pay-in', Buffer.from(wbody)), wbody),
            ['way2pay_nonces'],
          );
          never5xx(wr, `way2pay gen ${k.generation}`);
          expect(errorShape.way2pay(wr.json), wr.text.slice(0, 200)).toBe(true);
        }
        const cr = await unchanged(() => cpCall('/orders/create', `{"Amount":10,"Currency":"RUB","Description":"x","JsonData":${deep}}`));
        never5xx(cr, 'cloudpayments order');
        expect(errorShape.cloudpayments(cr.json)).toBe(true);
      }
    });
  });
});
