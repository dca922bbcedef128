// Fuzzing the Numopay face through the shared harness: random and mutated JSON bodies, query strings, headers,
// encodings, huge numbers, deep nesting and oversized bodies, signed with merchant A's NP-ACCESS-TOKEN or
// mis-signed (no token, random tokens, the other merchant's secret, one character off, outside the ±30 s window,
// over another path, query or body). Never a 5xx, always `{"error": "..."}` on a 4xx, each request logged once
// and attributed to no merchant but the signer, and a refused request changes nothing in the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NumopayClient } from '../../src/faces/numopay/client.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { Receiver } from '../helpers/receiver.js';
import { STORES } from '../helpers/stores.js';
import {
  bodies,
  contentTypes,
  deepFields,
  encodings,
  hex64,
  hugeNumbers,
  mutations,
  oddHeaders,
  pathSegments,
  printable,
  queries,
  StoreWatch,
  trickyBodies,
} from '../helpers/fuzz.js';
import { call, MERCHANT_A, MERCHANT_B, NP, REL_SEED, sign } from './faces.js';
import { FuzzHarness, headerSafe, RUNS } from './harness.js';

const KEYS = [
  'amount',
  'redirect_url',
  'currency',
  'token',
  'card_info',
  'number',
  'month',
  'year',
  'cvv',
  'holder',
  'card_number',
  'url',
  'event',
  'items',
  'name',
  'success_url',
  'cancel_url',
  'key',
  'session_id',
  'session_token',
];

describe.each(STORES)('fuzzing the Numopay face on %s', (store) => {
  let h: TestGateway;
  let fz: FuzzHarness;
  const acc = NP.A.account;
  /** [method, path] of merchant A's signed routes */
  const endpoints: Array<[string, string]> = [];
  /** [method, path, a valid body] */
  const templates: Array<[string, string, Record<string, unknown>]> = [];

  beforeAll(async () => {
    h = await startTestGateway(store, REL_SEED);
    fz = new FuzzHarness(h, 'numopay');
    // objects of merchant A that the mutated requests refer to
    const np = new NumopayClient({ baseUrl: `${h.url}/numopay`, apiKey: NP.A.apiKey, secret: NP.A.secret });
    const pending = await np.createChargeToken(acc, { amount: '1000', redirect_url: 'https://shop.example/back' });
    const paid = await np.createChargeToken(acc, { amount: '2000' });
    await np.charge(acc, { token: paid.token, card_info: { number: '4000000000003055', month: '12', year: '2099', cvv: '123' } } as never);
    const refill = await np.createRefillToken(acc, { amount: '100' });
    const endpoint = await np.createWebhookEndpoint(acc, { url: 'https://shop.example/hook', event: 'order' });
    const session = await np.createCheckoutSession(acc, {
      items: [{ name: 'x', amount: '500', currency: 'RUB' }],
      success_url: 'https://shop.example/ok',
      cancel_url: 'https://shop.example/no',
    });
    endpoints.push(
      ['GET', '/v2/accounts'],
      ['GET', `/v2/accounts/${acc}`],
      ['GET', `/v2/accounts/${acc}/balance`],
      ['POST', `/v2/accounts/${acc}/charge/token`],
      ['POST', `/v2/accounts/${acc}/charge`],
      ['GET', `/v2/accounts/${acc}/payment/${paid.order_slug}`],
      ['POST', `/v2/accounts/${acc}/refill/token`],
      ['POST', `/v2/accounts/${acc}/refill`],
      ['GET', `/v2/accounts/${acc}/transactions`],
      ['POST', `/v2/accounts/${acc}/webhook-endpoints`],
      ['GET', `/v2/accounts/${acc}/webhook-endpoints`],
      ['GET', `/v2/accounts/${acc}/webhook-endpoints/${endpoint.id}`],
      ['PUT', `/v2/accounts/${acc}/webhook-endpoints/${endpoint.id}`],
      ['DELETE', `/v2/accounts/${acc}/webhook-endpoints/${endpoint.id}`],
      ['POST', `/v2/accounts/${acc}/checkout/sessions`],
      ['GET', `/v2/accounts/${acc}/rates/latest`],
      ['POST', '/v2/payment-pages'],
    );
    templates.push(
      ['POST', `/v2/accounts/${acc}/charge/token`, { amount: '1500', redirect_url: 'https://shop.example/back', currency: 'RUB' }],
      [
        'POST',
        `/v2/accounts/${acc}/charge`,
        { token: pending.token, card_info: { number: '4000000000003055', month: '12', year: '2099', cvv: '123', holder: 'IVAN IVANOV' } },
      ],
      ['POST', `/v2/accounts/${acc}/refill/token`, { amount: '100' }],
      ['POST', `/v2/accounts/${acc}/refill`, { token: refill.token, card_number: '4000000000003055' }],
      ['POST', `/v2/accounts/${acc}/webhook-endpoints`, { url: 'https://shop.example/hook2', event: 'order' }],
      ['PUT', `/v2/accounts/${acc}/webhook-endpoints/${endpoint.id}`, { url: 'https://shop.example/hook3' }],
      [
        'POST',
        `/v2/accounts/${acc}/checkout/sessions`,
        {
          items: [{ name: 'y', amount: '700', currency: 'RUB' }],
          success_url: 'https://shop.example/ok',
          cancel_url: 'https://shop.example/no',
        },
      ],
      ['POST', '/v2/payment-pages', { key: 'pk_live_rel_a', session_id: session.id, session_token: session.token }],
    );
    await fz.start();
  });
  afterAll(async () => {
    fz?.write();
    await h?.close();
  });

  const anyBody = fc.oneof(bodies(KEYS), hugeNumbers(KEYS), deepFields(KEYS), trickyBodies(KEYS), encodings(bodies(KEYS))).map(printable);
  const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'a' ? 'b' : 'a') + s.slice(at + 1);
  /** what a request signs: no body on a GET or HEAD, the query without a lone "?" */
  const signed = (method: string, path: string, query: string, body: Buffer, o: { secret?: string; apiKey?: string; skew?: number } = {}) =>
    sign.numopay(
      { apiKey: o.apiKey ?? NP.A.apiKey, secret: o.secret ?? NP.A.secret },
      method,
      path,
      query,
      body,
      Math.floor(Date.now() / 1000) + (o.skew ?? 0),
    );

  it('unsigned, mis-signed, outdated and tampered requests are refused with {error} and change nothing', async () => {
    type Variant = (method: string, path: string, query: string, body: Buffer) => Record<string, string>;
    const withSig = (method: string, path: string, query: string, body: Buffer, f: (sig: string) => string) => {
      const a = signed(method, path, query, body).authorization!;
      const i = a.lastIndexOf('.') + 1;
      return { authorization: a.slice(0, i) + f(a.slice(i)) };
    };
    const variants = fc.constantFrom<[string, Variant]>(
      ['no token', () => ({})],
      ['wrong secret', (m, p, q, b) => signed(m, p, q, b, { secret: NP.A.secret + 'x' })],
      ['other merchant secret', (m, p, q, b) => signed(m, p, q, b, { secret: NP.B.secret })],
      ['unknown key', (m, p, q, b) => signed(m, p, q, b, { apiKey: 'np_nobody' })],
      ['first character flipped', (m, p, q, b) => withSig(m, p, q, b, (s) => flip(s, 0))],
      ['last character flipped', (m, p, q, b) => withSig(m, p, q, b, (s) => flip(s, s.length - 1))],
      ['signature in upper case, one character off', (m, p, q, b) => withSig(m, p, q, b, (s) => flip(s, 5).toUpperCase())],
      ['outside the window (past)', (m, p, q, b) => signed(m, p, q, b, { skew: -120 })],
      ['outside the window (future)', (m, p, q, b) => signed(m, p, q, b, { skew: 120 })],
      ['another path signed', (m, p, q, b) => signed(m, `${p}x`, q, b)],
      ['the mount prefix signed', (m, p, q, b) => signed(m, `/numopay${p}`, q, b)],
      ['another query signed', (m, p, q, b) => signed(m, p, `${q || '?'}&x=1`, b)],
      ['another method signed', (m, p, q, b) => signed(m === 'GET' ? 'DELETE' : 'GET', p, q, b)],
      // (a GET signs no body: there the signed query is the one tampered with)
      [
        'another body signed',
        (m, p, q, b) => (m === 'GET' ? signed(m, p, '?limit=1', b) : signed(m, p, q, Buffer.concat([b, Buffer.from(' ')]))),
      ],
    );
    const randomTokens = fc.oneof(
      fc.string({ maxLength: 120 }).map(headerSafe),
      fc
        .tuple(fc.integer(), fc.string({ maxLength: 20 }).map(headerSafe), hex64)
        .map(([ts, key, sig]) => `NP-ACCESS-TOKEN 2019-12-22.${ts}.${key}.${sig}`),
      hex64.map((sig) => `NP-ACCESS-TOKEN 2019-12-22.${Math.floor(Date.now() / 1000)}.${NP.A.apiKey}.${sig}`),
      fc.constantFrom(
        'NP-ACCESS-TOKEN',
        'NP-ACCESS-TOKEN ',
        'NP-ACCESS-TOKEN 2019-12-22...',
        'Bearer ' + NP.A.secret,
        `NP-ACCESS-TOKEN 2020-01-01.${Math.floor(Date.now() / 1000)}.${NP.A.apiKey}.${'0'.repeat(64)}`,
      ),
    );
    const signedOnly = endpoints.filter(([, p]) => p !== '/v2/payment-pages');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...signedOnly),
        anyBody,
        queries,
        contentTypes,
        fc.oneof(
          variants.map((v) => ({ variant: v[1], random: null })),
          randomTokens.map((t) => ({ variant: null, random: t })),
        ),
        async ([method, path], body, query, ct, auth) => {
          const sent = method === 'GET' ? Buffer.alloc(0) : body;
          const headers: Record<string, string> = {
            ...(auth.variant ? auth.variant(method, path, query === '?' ? '' : query, sent) : { authorization: auth.random! }),
            ...(ct ? { 'content-type': ct } : {}),
          };
          await fz.send('unauthenticated', { method, path, query, headers, body: sent }, { refused: true });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('signed random requests are answered, never a 5xx; errors change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...endpoints),
        anyBody,
        queries,
        contentTypes,
        oddHeaders,
        async ([method, path], body, query, ct, extra) => {
          const sent = method === 'GET' ? Buffer.alloc(0) : body;
          const headers: Record<string, string> = { ...extra, ...signed(method, path, query === '?' ? '' : query, sent) };
          if (ct) headers['content-type'] = ct;
          await fz.send('signed random', { method, path, query, headers, body: sent }, { merchant: MERCHANT_A });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('mutated valid requests are answered, never a 5xx; errors change nothing', async () => {
    const mutated = fc
      .constantFrom(...templates)
      .chain(([method, path, t]) => fc.tuple(fc.constant([method, path] as const), mutations(t)));
    await fc.assert(
      fc.asyncProperty(mutated, async ([[method, path], text]) => {
        const body = Buffer.from(text);
        const headers = { 'content-type': 'application/json', ...signed(method, path, '', body) };
        await fz.send('mutated', { method, path, query: '', headers, body }, { merchant: MERCHANT_A });
      }),
      { numRuns: RUNS },
    );
  });

  it('random paths, methods, queries and headers under the face never get a 5xx', async () => {
    const words = [
      'v2',
      'accounts',
      acc,
      'charge',
      'token',
      'refill',
      'payment',
      'transactions',
      'webhook-endpoints',
      'checkout',
      'sessions',
      'payment-pages',
      'rates',
      'latest',
      'balance',
      'time',
      'pay',
      '3ds',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
        pathSegments(words),
        queries,
        fc.boolean(),
        oddHeaders,
        bodies(KEYS).map(printable),
        async (method, path, query, isSigned, extra, body) => {
          const sent = method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : body;
          const headers: Record<string, string> = { ...extra, ...(isSigned ? signed(method, path, query === '?' ? '' : query, sent) : {}) };
          await fz.send('paths', { method, path, query, headers, body: sent }, { pages: true, merchant: isSigned ? MERCHANT_A : null });
        },
      ),
      { numRuns: RUNS },
    );
    await fz.finish();
  });
});

// The comparison the harness (and attacks.test.ts) rely on, shown to see what it must see: the queues (outbox,
// deliveries and their attempts, jobs), every other table, a changed old row of the request log, a log row that
// belongs to no request of the check, and a log row attributed to another merchant.
describe.each(STORES)('the store comparison of the fuzzing on %s', (store) => {
  let h: TestGateway;
  let rx: Receiver;
  let watch: StoreWatch;
  beforeAll(async () => {
    h = await startTestGateway(store, REL_SEED);
    rx = await new Receiver().start();
    watch = new StoreWatch(() => h.gw);
  });
  afterAll(async () => {
    await h?.close();
    await rx?.close();
  });
  const np = () => new NumopayClient({ baseUrl: `${h.url}/numopay`, apiKey: NP.A.apiKey, secret: NP.A.secret });
  const signedGet = (path: string) => call(`${h.url}/numopay${path}`, 'GET', sign.numopay(NP.A, 'GET', path, '', ''));
  const asRequest = (r: { headers: Headers; method: string }, merchant: string | null) => ({
    requestId: r.headers.get('x-polypay-request-id'),
    face: 'numopay',
    method: r.method,
    merchant,
  });

  it('sees a paid charge in the payments, the outbox, the deliveries and their attempts', async () => {
    await np().createWebhookEndpoint(NP.A.account, { url: `${rx.url}/hook`, event: 'order' });
    const t = await np().createChargeToken(NP.A.account, { amount: '1000' });
    await watch.mark();
    await np().charge(NP.A.account, {
      token: t.token,
      card_info: { number: '4000000000003055', month: '12', year: '2099', cvv: '123' },
    } as never);
    const w = await watch.check([]);
    for (const table of ['payments', 'outbox', 'deliveries', 'delivery_attempts']) expect(w.changed, table).toContain(table);
    // the webhook was sent and its attempt recorded before the comparison: nothing moves afterwards
    expect(rx.requests.filter((r) => r.url === '/hook').length).toBeGreaterThan(0);
    expect((await watch.check([])).changed).toEqual([]);
  });

  it('sees a new job', async () => {
    await watch.mark();
    await np().createChargeToken(NP.A.account, { amount: '1000' });
    expect((await watch.check([])).changed).toContain('jobs');
  });

  it('sees an old row of the request log changed, and log rows of requests it was not told about', async () => {
    const r = await signedGet(`/v2/accounts/${NP.A.account}/balance`);
    expect(r.status).toBe(200);
    await watch.mark();
    await h.gw.engine.transaction(async (tx) => {
      await tx
        .db<any>()
        .updateTable('api_requests')
        .set({ status: 599 })
        .where('request_id', '=', r.headers.get('x-polypay-request-id'))
        .execute();
    });
    expect((await watch.check([])).changed).toEqual(['api_requests']);
    const again = await signedGet(`/v2/accounts/${NP.A.account}/balance`);
    const w = await watch.check([]);
    expect(w.changed).toEqual([]);
    expect(w.logged).toHaveLength(1);
    expect(w.logProblems).toEqual([expect.stringContaining('is not a request of this check')]);
    expect(w.logged[0]!.request_id).toBe(again.headers.get('x-polypay-request-id'));
  });

  it('sees a request logged under another merchant than its credentials allow, and a request missing from the log', async () => {
    await watch.mark();
    const r = await signedGet(`/v2/accounts/${NP.A.account}/balance`);
    expect((await watch.check([asRequest(r, MERCHANT_B)])).logProblems).toEqual([
      expect.stringContaining(`attributed to merchant ${MERCHANT_A}; allowed: ${MERCHANT_B}`),
    ]);
    await watch.mark();
    const unsigned = await call(`${h.url}/numopay/v2/accounts/${NP.A.account}/balance`, 'GET', {});
    expect(unsigned.status).toBe(401);
    expect((await watch.check([asRequest(unsigned, null)])).logProblems).toEqual([]);
    expect((await watch.check([asRequest(unsigned, null)])).logProblems).toEqual([expect.stringContaining('has 0 log rows, not 1')]);
  });
});
